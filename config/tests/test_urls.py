"""Every address the site declares can be reached: no pattern is shadowed by an earlier one with
the same path (the one after it would never run), in either language."""

from collections import Counter

import pytest
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver
from django.utils import translation


def _paths(resolver: URLResolver, prefix: str = "") -> list[str]:
    paths = []
    for entry in resolver.url_patterns:
        here = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            paths += _paths(entry, here)
        elif isinstance(entry, URLPattern):
            paths.append(here)
    return paths


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_two_patterns_share_a_path(language):
    with translation.override(language):
        paths = _paths(get_resolver())
    shadowed = sorted(path for path, count in Counter(paths).items() if count > 1)
    assert shadowed == []

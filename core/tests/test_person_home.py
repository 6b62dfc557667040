"""The signed-in person's home (core.views.home) and the registry of panels (core.home)."""

import pytest
from django.template import engines
from django.test import Client
from django.urls import reverse

from accounts.services import join_request_create
from conftest import make_user
from core import home as registry
from core.home import Panel, home_panels
from core.tests.homepage import home, panel, panel_keys


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_app_offering_panels_is_found():
    found = registry.autodiscover()
    # Other apps may add theirs (notifications); these are here from the start.
    assert set(found) >= {"accounts.home", "training.home", "badges.home", "privacy.home",
                          "cases.home"}
    assert "core.home" not in found  # the registry itself
    assert all(callable(provider) for provider in found.values())


@pytest.fixture
def providers(monkeypatch):
    """Replace the discovered providers by the ones a test gives."""
    def use(*functions):
        monkeypatch.setattr(registry, "_providers",
                            {f"test.{n}": function for n, function in enumerate(functions)})
    return use


def _panel(key, order, **extra):
    return Panel(key=key, title=key.title(), template="core/tests/_panel.html", order=order,
                 **extra)


def test_panels_come_in_order_then_by_key(rf, providers):
    providers(lambda request: [_panel("b", 20), _panel("z", 10)],
              lambda request: [_panel("a", 20)])
    assert [p.key for p in home_panels(rf.get("/"))] == ["z", "a", "b"]


def test_two_panels_with_one_key_is_a_bug(rf, providers):
    providers(lambda request: [_panel("same", 1)], lambda request: [_panel("same", 2)])
    with pytest.raises(ValueError, match="same"):
        home_panels(rf.get("/"))


def test_an_empty_panel_is_one_with_nothing_waiting_and_words_for_it():
    assert _panel("a", 1, count=0, empty_text="Rien.").is_empty
    assert not _panel("a", 1, count=0).is_empty  # the partial says it itself
    assert not _panel("a", 1, count=2, empty_text="Rien.").is_empty
    assert not _panel("a", 1, count=None, empty_text="Rien.").is_empty


def test_the_partial_gets_its_own_context_and_the_page_s(world):
    template = engines["django"].from_string(
        "{% load panels %}{% panel_body panel %}|{{ gate_reason|default:'gone' }}")
    gate = Panel(key="k", title="K", template="accounts/home/_second_factor.html",
                 context={"gate_reason": "Raison du panneau", "gate_url": "/fr/x/",
                          "gate_has_second_factor": True})
    out = template.render({"panel": gate})
    assert "Raison du panneau" in out and 'href="/fr/x/"' in out
    assert out.endswith("|gone")  # the panel's context stays the panel's
    # The page's own context (here the signed-in user) reaches the partial.
    account = Panel(key="a", title="A", template="accounts/home/_account.html",
                    context={"own_join_requests": []})
    newcomer = make_user("nouvelle@example.test", "Nouvelle Fictive")  # address unconfirmed
    assert "pas encore confirmée" in template.render({"panel": account, "user": newcomer})


def test_visitors_get_the_landing_page_and_people_their_home(client, world):
    response = client.get(reverse("core:home"))
    assert [t.name for t in response.templates][0] == "core/home.html"
    response = home(signed_in(world.learner))
    assert [t.name for t in response.templates][0] == "core/home_person.html"
    body = response.content.decode()
    assert body.count("<h1") == 1 and "Bonjour Ariane" in body
    assert "no-store" in response["Cache-Control"]


def test_each_panel_is_a_labelled_section_with_its_count(world):
    join_request_create(user=make_user("z@example.test", "Zed Fictif"),
                        organisation=world.school)
    response = home(signed_in(world.org_admin))
    body = response.content.decode()
    assert ('<section class="card panel panel-join-requests" id="panel-join-requests" '
            'aria-labelledby="panel-join-requests-title">') in body
    assert 'id="panel-join-requests-title"' in panel(response, "join-requests")
    # The count shows as a pill; assistive technologies read it once, in brackets.
    assert ('<span class="panel-count panel-count-waiting" aria-hidden="true">1</span>'
            '<span class="visually-hidden"> (1)</span>') in body


def test_the_home_in_english(world):
    response = home(signed_in(world.org_admin), "en")
    assert '<html lang="en">' in response.content.decode()
    assert panel_keys(response) == ["join-requests"]


def test_the_home_refuses_post_for_everyone(client, world):
    assert signed_in(world.learner).post(reverse("core:home")).status_code == 405

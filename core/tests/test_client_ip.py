"""The client's address behind the trusted reverse proxies (core/client_ip.py)."""

import pytest
from django.test import RequestFactory

from core.client_ip import client_ip


def request(remote="10.0.0.2", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/fr/", **extra)


def test_with_no_trusted_proxy_the_connection_is_the_client_and_the_header_is_ignored(settings):
    settings.SEXTO_TRUSTED_PROXIES = 0
    # A client connecting directly writes what it likes in X-Forwarded-For: ignored.
    assert client_ip(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    assert client_ip(request("203.0.113.7")) == "203.0.113.7"


def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended(settings):
    settings.SEXTO_TRUSTED_PROXIES = 1
    assert client_ip(request("127.0.0.1", "203.0.113.7")) == "203.0.113.7"
    # What the client wrote itself stands to the left and proves nothing.
    assert client_ip(request("127.0.0.1", "198.51.100.1, 192.0.2.9, 203.0.113.7")) \
        == "203.0.113.7"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    settings.SEXTO_TRUSTED_PROXIES = 2
    assert client_ip(request("10.0.0.2", "198.51.100.1, 203.0.113.7, 10.0.0.1")) \
        == "203.0.113.7"


@pytest.mark.parametrize("forwarded", [None, "", "   ", "pas-une-adresse"])
def test_without_a_usable_header_the_connection_s_address_is_kept(settings, forwarded):
    settings.SEXTO_TRUSTED_PROXIES = 1
    assert client_ip(request("127.0.0.1", forwarded)) == "127.0.0.1"


def test_fewer_entries_than_proxies_means_the_request_did_not_come_through_them(settings):
    settings.SEXTO_TRUSTED_PROXIES = 2
    assert client_ip(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_ipv6_and_bracketed_forms(settings):
    settings.SEXTO_TRUSTED_PROXIES = 1
    assert client_ip(request("::1", "2001:db8::7")) == "2001:db8::7"
    assert client_ip(request("::1", "[2001:db8::7]:443")) == "2001:db8::7"
    settings.SEXTO_TRUSTED_PROXIES = 0
    assert client_ip(request("")) is None

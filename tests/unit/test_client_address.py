"""Issue 12: the client address behind a reverse proxy — X-Forwarded-For is believed only
when the socket peer is one of TRUSTED_PROXIES, and then only its right-most untrusted entry."""

from __future__ import annotations

import logging

import pytest

from mystage import settings
from mystage.services.accounts import ratelimit
from mystage.services.accounts.client_address import client_address, parse_ip, trusted_networks


def nets(*items: str):
    return trusted_networks(tuple(items))


PROXY = nets("127.0.0.1", "::1")


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address("203.0.113.5", "198.51.100.1", nets()) == "203.0.113.5"
    assert client_address("127.0.0.1", "198.51.100.1", nets()) == "127.0.0.1"


def test_a_forged_header_from_an_untrusted_peer_is_ignored():
    assert client_address("203.0.113.5", "127.0.0.1, 198.51.100.1", PROXY) == "203.0.113.5"


def test_the_trusted_proxy_header_gives_the_right_most_untrusted_address():
    assert client_address("127.0.0.1", "198.51.100.7", PROXY) == "198.51.100.7"
    # What the client wrote itself stands on the left: never believed.
    assert client_address("127.0.0.1", "6.6.6.6, 198.51.100.7", PROXY) == "198.51.100.7"
    assert client_address("127.0.0.1", "127.0.0.1, 198.51.100.7", PROXY) == "198.51.100.7"
    # A chain of our own proxies (load balancer 10.x then the local TLS proxy).
    chain = nets("127.0.0.1", "10.0.0.0/8")
    assert client_address("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.2.3", chain) == ("198.51.100.7")
    # Every hop is ours: the left-most one.
    assert client_address("127.0.0.1", "10.0.0.9, 10.1.2.3", chain) == "10.0.0.9"


def test_repeated_headers_are_read_in_order():
    assert client_address("127.0.0.1", ["6.6.6.6", "198.51.100.8"], PROXY) == "198.51.100.8"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "127.0.0.1"),
        ("", "127.0.0.1"),
        ("n'importe quoi", "127.0.0.1"),
        ("198.51.100.7, pas-une-ip", "127.0.0.1"),  # junk on the right: keep the proxy
        ("pas-une-ip, 198.51.100.7", "198.51.100.7"),
        ("198.51.100.7:5123", "198.51.100.7"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("2001:DB8:0:0::7", "2001:db8::7"),
        ("::ffff:198.51.100.9", "198.51.100.9"),
        ("x" * 10_000 + ", 198.51.100.7", "198.51.100.7"),
    ],
)
def test_header_forms(header, expected):
    assert client_address("127.0.0.1", header, PROXY) == expected


def test_peer_forms():
    assert client_address("::ffff:127.0.0.1", "198.51.100.7", PROXY) == "198.51.100.7"
    assert client_address("::1", "198.51.100.7", PROXY) == "198.51.100.7"
    assert client_address("testclient", "198.51.100.7", PROXY) == "testclient"
    assert client_address(None, "198.51.100.7", PROXY) == ""
    assert parse_ip("1.2.3.4%eth0") is not None and parse_ip(42) is None


def test_the_setting(monkeypatch, caplog):
    monkeypatch.setenv("TRUSTED_PROXIES", " 127.0.0.1 , 10.0.0.0/8,pas-un-reseau,")
    try:
        conf = settings.reload()
        assert conf.trusted_proxies == ("127.0.0.1", "10.0.0.0/8", "pas-un-reseau")
        with caplog.at_level(logging.WARNING):
            trusted_networks.cache_clear()
            assert [str(n) for n in trusted_networks(conf.trusted_proxies)] == [
                "127.0.0.1/32",
                "10.0.0.0/8",
            ]
        assert "pas-un-reseau" in caplog.text
        assert client_address("10.2.3.4", "198.51.100.7") == "198.51.100.7"
        monkeypatch.delenv("TRUSTED_PROXIES")
        assert settings.reload().trusted_proxies == ()
        assert client_address("10.2.3.4", "198.51.100.7") == "10.2.3.4"
    finally:
        monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
        settings.reload()


def test_rate_limit_keys_group_ipv6_by_64():
    assert ratelimit.ip_key("2001:db8:1:2::5") == ratelimit.ip_key("2001:db8:1:2:abcd::1")
    assert ratelimit.ip_key("2001:db8:1:2::5") == "ip:2001:db8:1:2::/64"
    assert ratelimit.ip_key("2001:db8:1:3::5") != ratelimit.ip_key("2001:db8:1:2::5")
    assert ratelimit.ip_key("::ffff:198.51.100.9") == "ip:198.51.100.9"
    assert ratelimit.ip_key("198.51.100.9") == "ip:198.51.100.9"
    assert ratelimit.ip_key("") == "ip:unknown"

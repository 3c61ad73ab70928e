"""The client's address, for rate limits and session records: one rule for every entry point.

The socket peer is the client, unless the peer is one of our reverse proxies
(``TRUSTED_PROXIES``: comma-separated IPs or CIDRs, empty by default).  Only then is
``X-Forwarded-For`` read, from the right: each trusted proxy appends the address it
received the request from, so the right-most address that is *not* one of our proxies is
the client; everything to its left was written by the client and proves nothing.  With an
empty setting the header is ignored entirely: anyone can send one.

Entry points pass what they have: Reflex states :func:`mystage.state.session.client_ip`
(peer from the connection scope, headers of the websocket upgrade request), Starlette routes
:func:`from_request`.  Addresses come back normalised (``::ffff:1.2.3.4`` → ``1.2.3.4``,
IPv6 compressed); an unreadable peer comes back as given, cut to 64 characters.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from collections.abc import Iterable
from typing import Any

from mystage.settings import get_settings

log = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_FORWARDED = 4096  # characters of X-Forwarded-For read at most (junk is cut)


@functools.lru_cache(maxsize=8)
def trusted_networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of ``TRUSTED_PROXIES``; unreadable entries are logged and skipped."""
    nets: list[Network] = []
    for item in spec:
        try:
            nets.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            log.warning("TRUSTED_PROXIES : entrée ignorée (ni adresse IP ni réseau) : %r", item)
    return tuple(nets)


def parse_ip(raw: Any) -> Address | None:
    """An IP address from a peer or an X-Forwarded-For entry, else None.

    Accepts ``1.2.3.4``, ``1.2.3.4:5678``, ``2001:db8::1``, ``[2001:db8::1]:443``; an
    IPv4-mapped IPv6 address becomes the IPv4 address; zone ids (``%eth0``) are dropped."""
    if not isinstance(raw, str):
        return None
    value = raw.strip().strip('"')
    if not value or len(value) > 64:
        return None
    if value.startswith("["):  # [v6] or [v6]:port
        end = value.find("]")
        if end < 0:
            return None
        value = value[1:end]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    value = value.split("%", 1)[0]
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def _trusted(addr: Address, nets: tuple[Network, ...]) -> bool:
    return any(addr.version == net.version and addr in net for net in nets)


def client_address(
    peer: str | None,
    forwarded_for: str | Iterable[str] | None,
    trusted: tuple[Network, ...] | None = None,
) -> str:
    """The client's address: ``peer`` unless it is a trusted proxy, then the right-most
    untrusted address of ``forwarded_for`` (one header value, or the values of repeated
    headers in order).  When every forwarded address is a trusted proxy, the left-most of
    them; when the header is missing or unreadable, the peer (the proxy itself)."""
    if trusted is None:
        trusted = trusted_networks(get_settings().trusted_proxies)
    peer_addr = parse_ip(peer)
    if peer_addr is None:
        return (peer or "").strip()[:64] if isinstance(peer, str) else ""
    if not trusted or not _trusted(peer_addr, trusted):
        return str(peer_addr)
    if forwarded_for is None:
        return str(peer_addr)
    if not isinstance(forwarded_for, str):
        forwarded_for = ",".join(v for v in forwarded_for if isinstance(v, str))
    hops = [h for h in forwarded_for[-MAX_FORWARDED:].split(",") if h.strip()]
    found = peer_addr
    for hop in reversed(hops):
        addr = parse_ip(hop)
        if addr is None:
            break  # junk: nothing to its left can be believed; keep the last proxy seen
        found = addr
        if not _trusted(addr, trusted):
            break
    return str(found)


def from_request(request: Any) -> str:
    """The client address of a Starlette request (every X-Forwarded-For header, in order)."""
    peer = request.client.host if getattr(request, "client", None) else ""
    return client_address(peer, request.headers.getlist("x-forwarded-for"))

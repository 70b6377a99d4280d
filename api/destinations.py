"""Where a webhook may go: public addresses only, unless the county allows a network of its own.

A supplier writes the URL, so without this check a supplier's token could make the server POST to its own
loopback, the county's intranet or a cloud metadata address (server-side request forgery). The host is checked
twice: when the subscription is made (an address written as digits, or ``localhost``), and on every send,
against every address the name resolves to at that moment; the connection then goes to the address checked, so
a name that later resolves somewhere private is caught too. ``FOODTRACE_WEBHOOK_ALLOW`` names the networks a
county does want reached (a supplier's ERP on the county's own network, or 127.0.0.1 for a local receiver).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.request
from collections.abc import Sequence
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from domain.errors import ValidationError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Networks = tuple[Network, ...]


class AddressNotAllowed(OSError):
    """The receiver's address is internal and not in the allowed networks: nothing is sent."""


def networks(text: str | Sequence[str]) -> Networks:
    """``"127.0.0.0/8, 10.2.0.0/16"`` (or a list of them) as networks; a bad one is a clear error."""
    parts = [p.strip() for p in (text.split(",") if isinstance(text, str) else text) if p.strip()]
    try:
        return tuple(ipaddress.ip_network(part, strict=False) for part in parts)
    except ValueError as bad:
        raise ValueError(f"FOODTRACE_WEBHOOK_ALLOW: {bad}") from None


def allowed(address: str, allow: Networks) -> bool:
    found = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0) names no other host
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        found = found.ipv4_mapped
    return found.is_global or any(found in network for network in allow)


def check_url(url: str, allow: Networks) -> None:
    """Refuse, when subscribing, a host that is plainly internal: an address in digits, or localhost."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    try:
        internal = not allowed(host, allow)
    except ValueError:  # a name, not an address: resolved and checked on every send
        internal = host == "localhost" or host.endswith(".localhost")
    if internal:
        raise ValidationError(
            zh="回调地址不能指向内部网络（本机、内网或云平台元数据地址）",
            en="url must not point to an internal address (this machine, a private network or a metadata address)",
            field="url",
        )


def _connect_checked(
    allow: Networks, address: tuple[str, int], timeout: Any = None, source_address: Any = None, **options: Any
) -> socket.socket:
    host, port = address
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    refused = sorted({str(info[4][0]) for info in found if not allowed(str(info[4][0]), allow)})
    if refused:
        raise AddressNotAllowed(f"{host} resolves to an internal address ({', '.join(refused)}); not sent")
    target = str(found[0][4][0])  # connect to the address just checked, not to a second lookup of the name
    return socket.create_connection((target, port), timeout, source_address, **options)


class _CheckedHTTP(http.client.HTTPConnection):
    def __init__(self, *args: Any, allow: Networks = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = partial(_connect_checked, allow)


class _CheckedHTTPS(http.client.HTTPSConnection):
    def __init__(self, *args: Any, allow: Networks = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # TLS still checks the certificate against the name (server_hostname)
        self._create_connection = partial(_connect_checked, allow)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, allow: Networks) -> None:
        super().__init__()
        self.allow = allow

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_CheckedHTTP, allow=self.allow), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, allow: Networks) -> None:
        super().__init__()
        self.allow = allow

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_CheckedHTTPS, allow=self.allow), req, context=self._context)  # type: ignore[attr-defined]


def checked_handlers(allow: Networks) -> tuple[urllib.request.BaseHandler, ...]:
    """urllib handlers that connect only to public addresses and ``allow``'s networks (api/outbox.py ``opener``)."""
    return _HTTPHandler(allow), _HTTPSHandler(allow)

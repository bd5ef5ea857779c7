"""Refusing requests that a feed URL should never make: other schemes, private networks.

Feeds and webhook targets are untrusted input: a URL (or a redirect) pointing at
127.0.0.1, 10.0.0.0/8, 169.254.169.254 and the like could reach services that were
never meant to be public. Every hop's host is checked before it is requested, with a
clear error, and ``guarded_transport`` checks again at the moment it connects.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx


class BlockedURLError(ValueError):
    """The URL may not be fetched: wrong scheme, or an address that is not public."""


class UnresolvedHostError(BlockedURLError):
    """The URL's host name does not resolve (now: DNS may be down, or the name wrong)."""


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def check_scheme(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise BlockedURLError(
            f"only http and https are fetched, not {parts.scheme or 'no scheme'!r}"
        )
    if not parts.hostname:
        raise BlockedURLError(f"URL has no host: {url!r}")
    return parts.hostname


# what a refusal says to do: the switch for feeds or for webhooks, or the older one for both
ALLOW_HINT = (
    "set WIREWATCH_FEEDS_ALLOW_PRIVATE_ADDRESSES=true (feeds) or "
    "WIREWATCH_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=true (webhooks), "
    "or WIREWATCH_ALLOW_PRIVATE_ADDRESSES=true for both, to allow it"
)

# names that are loopback by definition (RFC 6761): refused without asking a resolver
_LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


async def public_addresses(host: str, port: int | None = None) -> list[str]:
    """The host's addresses; BlockedURLError if it does not resolve or any is not public.
    A loopback name (``localhost``, ``localhost.``, ``x.localhost``) is refused before
    any lookup, so no query for it leaves the machine."""
    name = host.rstrip(".").lower()
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        raise BlockedURLError(f"{host} is a loopback name; {ALLOW_HINT}")
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise UnresolvedHostError(f"cannot resolve {host}: {error}") from error
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    blocked = [str(a) for a in addresses if not _is_public(a)]
    if blocked:
        raise BlockedURLError(
            f"{host} resolves to a non-public address ({', '.join(sorted(set(blocked)))}); "
            f"{ALLOW_HINT}"
        )
    return list(dict.fromkeys(str(a) for a in addresses))


async def check_url(url: str, allow_private: bool) -> None:
    """Raise BlockedURLError unless every address the host resolves to may be contacted."""
    host = check_scheme(url)
    if not allow_private:
        await public_addresses(host)


async def check_reachable(url: str, allow_private: bool) -> None:
    """check_url, and when private addresses are allowed, still look the host up:
    UnresolvedHostError when its name does not resolve, BlockedURLError when it may not
    be contacted. For a warning before the collector meets the URL (``feeds add``)."""
    host = check_scheme(url)
    if not allow_private:
        await public_addresses(host)
        return
    try:
        ipaddress.ip_address(host)
    except ValueError:
        try:
            await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise UnresolvedHostError(f"cannot resolve {host}: {error}") from error


class PublicOnlyBackend(httpcore.AsyncNetworkBackend):
    """Opens connections to public addresses only.

    It resolves the host itself and connects to an address it has just checked, so a
    name that resolves to a public address for ``check_url`` and to a private one a
    moment later (DNS rebinding) still cannot reach the private one. TLS is unchanged:
    certificates are checked against the host name, not the address.
    """

    def __init__(self, backend: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._backend = backend or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        failure: Exception | None = None
        for address in await public_addresses(host, port):
            try:
                return await self._backend.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as error:  # try the next address
                failure = error
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedURLError("Unix sockets are not contacted")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def guarded_transport(
    allow_private: bool, limits: httpx.Limits | None = None
) -> httpx.AsyncHTTPTransport:
    """An httpx transport that connects only to public addresses unless allowed.

    A refused address raises BlockedURLError from the request. Environment proxies are
    not used: a proxy would make the connection on our behalf, unchecked.
    """
    limits = limits or httpx.Limits()
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    if not allow_private:
        # httpx 0.28 takes no network backend of its own (encode/httpx#3749): give its
        # transport a pool built as it builds one, with ours.
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PublicOnlyBackend(),
        )
    return transport

"""Refusing requests that a feed URL should never make: other schemes, private networks.

Feeds are untrusted input: a URL (or a redirect) pointing at 127.0.0.1, 10.0.0.0/8,
169.254.169.254 and the like could reach services that were never meant to be
public. Every hop's host is resolved and checked before it is requested.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


class BlockedURLError(ValueError):
    """The URL may not be fetched: wrong scheme, or an address that is not public."""


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


async def check_url(url: str, allow_private: bool) -> None:
    """Raise BlockedURLError unless every address the host resolves to may be contacted."""
    host = check_scheme(url)
    if allow_private:
        return
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise BlockedURLError(f"cannot resolve {host}: {error}") from error
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    blocked = [str(a) for a in addresses if not _is_public(a)]
    if blocked:
        raise BlockedURLError(
            f"{host} resolves to a non-public address ({', '.join(sorted(set(blocked)))}); "
            "set WIREWATCH_ALLOW_PRIVATE_ADDRESSES=true to allow it"
        )

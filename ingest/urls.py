"""Canonical article URLs: one article, one URL, one id, whatever link led to it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "ref_src"}
)


class InvalidURLError(ValueError):
    """The URL cannot name an article (not http/https, or no host)."""


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMETERS


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop the fragment, default ports and tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidURLError(f"only http and https URLs name articles, not {url!r}")
    host = (parts.hostname or "").lower()
    if not host:
        raise InvalidURLError(f"URL has no host: {url!r}")
    default_port = {"http": 80, "https": 443}[scheme]
    try:
        port = parts.port
    except ValueError as error:
        raise InvalidURLError(f"URL has an invalid port: {url!r}") from error
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))

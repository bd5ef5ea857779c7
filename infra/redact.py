"""What of a webhook may be shown: its scheme and host, never its credentials.

A webhook URL often is its own password: `https://user:pass@...`, a `?token=` query,
or a token in the path (Slack's `/services/T.../B.../secret`, Discord's
`/api/webhooks/<id>/<token>`). So logs, error messages and listings show only
`scheme://host[:port]/…`, and any text about a delivery has the URL's secret parts and
the signing secret replaced before it is logged or stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

HIDDEN = "***"


def shown_url(url: str) -> str:
    """URL without its credentials, path or query: ``https://hooks.example/…``."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return HIDDEN
    if not parts.scheme or not host:
        return HIDDEN
    rest = "/…" if (parts.path not in ("", "/") or parts.query or parts.fragment) else ""
    return f"{parts.scheme}://{host}{port}{rest}"


def secret_parts(url: str) -> list[str]:
    """The pieces of URL that may be secret, longest first: the whole URL, its path and
    query together and apart, its user information and password."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return [url]
    pieces = [url, parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""]
    if parts.query:
        pieces += [f"{parts.path}?{parts.query}", parts.query]
    if parts.path not in ("", "/"):
        pieces.append(parts.path)
    if parts.password:
        pieces.append(parts.password)
    return sorted({piece for piece in pieces if len(piece) >= 4}, key=len, reverse=True)


def redact(text: str, url: str | None, secrets: Iterable[str | None] = ()) -> str:
    """TEXT with URL shown as `shown_url` and its secret parts, and SECRETS, hidden."""
    if url:
        text = text.replace(url, shown_url(url))
        for piece in secret_parts(url):
            text = text.replace(piece, HIDDEN)
    for secret in secrets:
        if secret:
            text = text.replace(secret, HIDDEN)
    return text

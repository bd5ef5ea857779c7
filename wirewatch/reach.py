"""Whether wirewatch will be let to reach an address it is given (a feed, a webhook),
checked when the address is added so that the person adding it hears of a loopback,
private or unresolvable one then, as a warning, rather than finding it dead later.

The address is still added: WIREWATCH_FEEDS_ALLOW_PRIVATE_ADDRESSES (or the WEBHOOKS one)
may be set later, and a name that does not resolve now may resolve once DNS is back. The check is the one
the collector and the alert sender make (`infra.netguard`).
"""

from __future__ import annotations

import asyncio
import threading
from urllib.parse import urlsplit

from infra.netguard import BlockedURLError, UnresolvedHostError, check_reachable

# how long an add or an import waits for names to resolve before saying it could not tell
LOOKUP_SECONDS = 5.0
# top-level names no resolver answers (RFC 6761): said at once, nothing is asked
RESERVED = frozenset({"example", "invalid", "test"})


def _reserved(url: str) -> UnresolvedHostError | None:
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    top = host.rsplit(".", 1)[-1]
    if "." not in host or top not in RESERVED:
        return None
    return UnresolvedHostError(
        f"cannot resolve {host}: names under .{top} are reserved (RFC 6761) and never resolve"
    )


def look_up(urls: list[str], allow_private: bool) -> dict[str, Exception | None]:
    """URL -> why it would be refused (BlockedURLError; its subclass UnresolvedHostError
    when the name does not resolve now), None when it would not. All looked up at once
    in a thread of their own, so a resolver that hangs delays the command by
    LOOKUP_SECONDS at most; a URL not answered by then is left out."""
    found: dict[str, Exception | None] = {}

    async def one(url: str) -> None:
        reserved = _reserved(url)
        if reserved is not None:
            found[url] = reserved
            return
        try:
            await check_reachable(url, allow_private)
            found[url] = None
        except BlockedURLError as error:
            found[url] = error

    async def every() -> None:
        await asyncio.gather(*(one(url) for url in dict.fromkeys(urls)))

    thread = threading.Thread(target=lambda: asyncio.run(every()), daemon=True)
    thread.start()
    thread.join(LOOKUP_SECONDS)
    return dict(found)


def refusal(
    url: str, allow_private: bool, shown: str, refused: str, try_now: str, failures: str
) -> str | None:
    """Why URL would be refused with these settings, as a warning line naming it as
    SHOWN (a webhook's secret parts hidden); None when it would not. REFUSED says who
    refuses it, TRY_NOW the command that tries it at once, FAILURES where its failures
    show."""
    found = look_up([url], allow_private)
    if url not in found:
        return (
            f"warning: could not look up the host of {shown} within {LOOKUP_SECONDS:g} s; "
            f"{try_now} tries it now"
        )
    error = found[url]
    if error is None:
        return None
    if isinstance(error, UnresolvedHostError):
        return f"warning: {error} (DNS down, or a wrong name?); {failures}"
    return f"warning: {refused}: {error}"

"""The country a text is about when it names none, asked before any place is resolved
worldwide: "clashed in Namhsan township" next to "TNLA" is Myanmar's Namhsan, never a
namesake abroad.

In order, the first that gives anything wins:
1. the first-level regions it names as such ("Shan State", "Borno state", "Idlib
   province", or "in Kachin" when only one country has a region of that name), the
   home countries of the armed groups and forces it names (Tatmadaw, KIA, Boko Haram,
   SDF, Anti-balaka...) and of forces that act at home ("Sudan's army", "Kenyan
   police"), and of a monitor named as the outlet ("SOHR");
2. "<nationality> forces/troops" ("Myanmar forces"), a region's name anywhere ("Fresh
   Taraba Violence") and a country named as a qualifier ("Nigeria church attack"). A
   foreign air force or drone alone ("Turkish drones hit a village near Qamishli") says
   who struck, not where, and sets nothing;
3. a country in the outlet's name ("Myanmar Now"), never before the text: "Agence
   France Presse" reports from everywhere.
A context that comes only from forces' nationality ("Two Turkish soldiers killed in
Afrin", `actor_context_only`) gives way to a town the lead names as the place when that
town has no namesake in the forces' country. With none of these, a place is accepted only when it is large and has no namesake of
comparable size (`places.resolve_place` with no context).
"""

from __future__ import annotations

import re
from functools import lru_cache

from processors.extraction.countries import (
    _ACTOR_AFTER,
    _DOMESTIC_ACTOR_AFTER,
    DEMONYMS,
    CountryMentions,
    country_aliases,
    country_mentions,
)
from processors.extraction.gazetteer import Gazetteer
from processors.extraction.group_homes import group_home_counts
from processors.extraction.places import named_region_countries

LEAD_SENTENCES = 4  # the title and the first sentences name the regions that matter
_FORCES_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:(?:armed|security|government|military|regime|junta)\s+)?"
    r"(?:forces|troops|army|military|soldiers|junta|regime)\b",
    re.I,
)


@lru_cache(maxsize=1)
def _nationality_pattern() -> re.Pattern[str]:
    names = sorted(country_aliases(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?=[A-Z])(" + "|".join(re.escape(n) for n in names) + r")")


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for code, count in more.items():
        counts[code] = counts.get(code, 0) + count


def forces_countries(text: str) -> dict[str, int]:
    """Countries named as the nationality of forces ("Myanmar forces", "Nigerian troops")."""
    aliases = country_aliases()
    found: dict[str, int] = {}
    for match in _nationality_pattern().finditer(text):
        if _FORCES_AFTER.match(text, match.end(1)):
            code = aliases[match.group(1)]
            found[code] = found.get(code, 0) + 1
    return found


def qualifying_countries(text: str) -> dict[str, int]:
    """Countries named by name (not by an adjective) as a qualifier: "Nigeria church
    attack", "Nigeria troops". "Russian warplanes" is left out: a foreign air force or
    drone alone says who struck, not where."""
    aliases = country_aliases()
    found: dict[str, int] = {}
    for match in _nationality_pattern().finditer(text):
        word, end = match.group(1), match.end(1)
        if (
            text.startswith(("'s", "’s"), end)
            and _ACTOR_AFTER.match(text, end)
            and not _DOMESTIC_ACTOR_AFTER.match(text, end)
        ):
            continue  # "Russia's jets": who struck, not where
        if word not in DEMONYMS:
            found[aliases[word]] = found.get(aliases[word], 0) + 1
    return found


def inferred_countries(
    gazetteer: Gazetteer,
    sentences: list[str],
    home_actors: dict[str, int],
    source: str,
) -> dict[str, int]:
    """The country context of a text that names no country as a place (see the module's rule)."""
    text = "\n".join(sentences)
    lead = sentences[:LEAD_SENTENCES]
    counts: dict[str, int] = {}
    _add(counts, named_region_countries(gazetteer, lead))
    _add(counts, group_home_counts(text))
    # the actors' homes, where the group list has not already counted them: one group
    # named twice over would outweigh the outlet ("Hezbollah" beside "SOHR")
    _add(counts, {code: n for code, n in home_actors.items() if code not in counts})
    _add(counts, group_home_counts(source))  # a monitor of one country: "SOHR"
    if counts:
        return counts
    _add(counts, {code: 2 * count for code, count in forces_countries(text).items()})
    _add(counts, named_region_countries(gazetteer, lead, anywhere=True))
    _add(counts, qualifying_countries(text))
    if counts or not source:
        return counts
    # "Myanmar Now", "Nigeria Watch"; never before the text ("Agence France Presse")
    return dict(country_mentions(source).places)


def actor_context_only(text: str, counts: dict[str, int], mentioned: CountryMentions) -> bool:
    """Whether the context comes only from the nationality of forces ("Turkish soldiers",
    "Russia's jets"), which a town named as the place outweighs; never a named region or
    group, nor a country named as a place. MENTIONED is `country_mentions(text)`, which
    the caller has read already (as the text gives it: no dateline's country added)."""
    if group_home_counts(text) or mentioned.places:
        return False
    actors = (
        set(mentioned.home_actors) | set(forces_countries(text)) | set(qualifying_countries(text))
    )
    return set(counts) <= actors

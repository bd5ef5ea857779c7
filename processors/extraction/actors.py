"""Who acted and who was targeted, in ACLED's naming style.

State forces become "Military Forces of <Country>", unnamed armed men "Unidentified
Armed Group (<Country>)", crowds "Protesters (<Country>)", and victims who are not
combatants "Civilians (<Country>)". Named groups keep a canonical spelling.
"""

from __future__ import annotations

import re

from processors.extraction.countries import DEMONYMS, VARIANTS, countries_in_order, country_name
from schemas.taxonomy import EventType, SubEventType

NAMED_GROUPS: dict[str, str] = {
    r"Rapid\s+Support\s+Forces|\bRSF\b": "Rapid Support Forces",
    r"al-Shabaab|al-Shabab|Al\s+Shabaab": "Al Shabaab",
    r"Houthis?(?:\s+movement)?|Ansar\s+Allah": "Houthi Movement",
    r"Islamic\s+State|\bISIS\b|\bISIL\b": "Islamic State",
    r"Boko\s+Haram": "Boko Haram",
    r"Hamas": "Hamas Movement",
    r"Hezbollah": "Hezbollah",
    r"Taliban": "Taliban",
    r"Wagner\s+Group": "Wagner Group",
    r"M23": "M23: March 23 Movement",
}
_FORCE_WORDS = (
    r"(?:coalition|forces|troops|army|artillery|warplanes|jets|military|positions|soldiers|drones|"
    r"navy|air\s+force|units|missiles?|rockets?|shelling)"
)
_STATE_PHRASE = re.compile(
    r"\b(?:the\s+)?(?P<adj>"
    + "|".join(sorted((re.escape(k) for k in {**DEMONYMS, **VARIANTS}), key=len, reverse=True))
    + r")(?:-led)?\s+(?:\w+\s+){0,1}?"
    + _FORCE_WORDS
    + r"\b"
)
_UNIDENTIFIED = re.compile(
    r"\b(?:gunmen|bandits|armed\s+men|attackers|militiamen|assailants)\b", re.I
)
_CROWD = re.compile(r"\b(?:protesters|demonstrators|rioters|crowds?)\b", re.I)
_COMBATANT_VICTIMS = re.compile(r"\b(?:soldiers|troops|servicemen|fighters|militants)\b", re.I)
_CIVILIAN_VICTIMS = re.compile(
    r"\b(?:civilians?|people|residents|villagers|children|women|worshippers|shoppers|traders|"
    r"market|apartment|residential|homes?|school|hospital)\b",
    re.I,
)


def _state(adjective: str) -> str:
    code = {**DEMONYMS, **VARIANTS}.get(adjective, "")
    return f"Military Forces of {country_name(code)}" if code else adjective


_TARGETED = re.compile(
    r"\b(?:struck|hit|targeted|attacked|ambushed|against|on)\s+(?:a|an|the)\s+$", re.I
)


def find_actors(text: str, targets: bool = False) -> list[str]:
    """Actors in order of first mention: those acting, or with ``targets`` those hit."""
    found: list[tuple[int, str]] = []
    for pattern, name in NAMED_GROUPS.items():
        match = re.search(pattern, text)
        if match and bool(_TARGETED.search(text[: match.start()])) == targets:
            found.append((match.start(), name))
    for match in _STATE_PHRASE.finditer(text):
        if bool(_TARGETED.search(text[: match.start()])) == targets:
            found.append((match.start(), _state(match.group("adj"))))
    ordered: list[str] = []
    for _, name in sorted(found):
        if name not in ordered:
            ordered.append(name)
    return ordered


def assign_actors(
    sub_event_type: SubEventType,
    event_type: EventType,
    event_sentences: list[str],
    article_text: str,
    country: str,
) -> tuple[str | None, str | None]:
    """(actor1, actor2) for an event whose sentences and country are known."""
    lead = " ".join(event_sentences)
    place = country_name(country)
    if event_type in (EventType.PROTESTS, EventType.RIOTS):
        return (f"{'Rioters' if event_type == EventType.RIOTS else 'Protesters'} ({place})", None)
    actors = find_actors(lead) or find_actors(article_text)
    if sub_event_type == SubEventType.AGREEMENT:
        parties = [f"Government of {country_name(code)}" for code in countries_in_order(lead)]
        return (parties[0] if parties else None, parties[1] if len(parties) > 1 else None)
    if not actors and _UNIDENTIFIED.search(lead):
        actors = [f"Unidentified Armed Group ({place})"]
    actor1 = actors[0] if actors else None
    actor2 = None
    if event_type == EventType.BATTLES:
        actor2 = actors[1] if len(actors) > 1 else None
    elif targets := [a for a in find_actors(lead, targets=True) if a != actor1]:
        actor2 = targets[0]
    elif _COMBATANT_VICTIMS.search(lead):
        others = [a for a in actors[1:] if a != actor1]
        actor2 = others[0] if others else f"Military Forces of {place}"
    elif _CIVILIAN_VICTIMS.search(lead) or event_type == EventType.VIOLENCE_AGAINST_CIVILIANS:
        actor2 = f"Civilians ({place})"
    return actor1, actor2

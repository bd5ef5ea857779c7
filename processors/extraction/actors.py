"""Who acted and who was targeted, in ACLED's naming style.

State forces become "Military Forces of <Country>" ("Police Forces of <Country>" for
police and security forces), unnamed armed men "Unidentified Armed Group (<Country>)",
crowds "Protesters (<Country>)" or "Rioters (<Country>)", and victims who are not
combatants "Civilians (<Country>)". Named groups keep a canonical spelling.

Actors are read off the event's own sentence in the order it names them. A group
that "claimed" the attack anywhere in the article is its perpetrator; forces that a
sentence names as hit ("ambushed an army convoy") are the target; forces named
without a nationality ("the army", "federal troops", "the junta") belong to the
country where the event happened.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import ahocorasick

from processors.extraction.countries import (
    DEMONYMS,
    VARIANTS,
    countries_in_order,
    country_aliases,
    country_name,
)
from processors.extraction.textcache import text_cache
from schemas.taxonomy import EventType, SubEventType


class NamedGroup(NamedTuple):
    """An armed group ACLED names: how text names it, which words any such mention contains
    (lowercase: looked for in the lowered text; capitals: an acronym, as written), and the
    country it fights in at home, if it has one."""

    name: str
    pattern: str
    words: tuple[str, ...]
    # With no place named at all, "Al Shabaab fighters stormed a base" is placed in Somalia
    # at country precision. Groups active in many countries (Islamic State, Wagner) have none.
    home: str | None


GROUPS: tuple[NamedGroup, ...] = (
    NamedGroup(
        "Rapid Support Forces", r"Rapid\s+Support\s+Forces|\bRSF\b", ("rapid support", "RSF"), "SD"
    ),
    NamedGroup("Al Shabaab", r"al-Shabaab|al-Shabab|al\s+Shabaab", ("shabab", "shabaab"), "SO"),
    NamedGroup(
        "Houthi Movement",
        r"Houthis?(?:\s+movement)?|Ansar\s+Allah",
        ("houthi", "ansar allah"),
        "YE",
    ),
    NamedGroup(
        "Allied Democratic Forces",
        r"Allied\s+Democratic\s+Forces|\bADF\b",
        ("allied democratic", "ADF"),
        "CD",
    ),
    NamedGroup(
        "Tehrik-i-Taliban Pakistan",
        r"Pakistani\s+Taliban|Tehrik-[ei]-Taliban|\bTTP\b",
        ("taliban", "TTP"),
        "PK",
    ),
    NamedGroup(
        "Islamic State",
        r"Islamic\s+State|\bISIS\b|\bISIL\b|\bISWAP\b",
        ("islamic state", "ISIS", "ISIL", "ISWAP"),
        None,
    ),
    NamedGroup("Boko Haram", r"Boko\s+Haram", ("boko haram",), "NG"),
    NamedGroup("Hamas Movement", r"Hamas", ("hamas",), "PS"),
    NamedGroup("Hezbollah", r"Hezbollah", ("hezbollah",), "LB"),
    NamedGroup("Taliban", r"Taliban", ("taliban",), "AF"),
    NamedGroup("Wagner Group", r"Wagner\s+Group", ("wagner group",), None),
    NamedGroup("M23: March 23 Movement", r"\bM23\b", ("M23",), "CD"),
    NamedGroup(
        "JNIM: Group for Support of Islam and Muslims",
        r"\bJNIM\b|Jama'?at\s+Nusrat\s+al-Islam",
        ("JNIM", "nusrat"),
        None,
    ),
    NamedGroup("Abu Sayyaf Group", r"Abu\s+Sayyaf", ("abu sayyaf",), "PH"),
    NamedGroup(
        "ELN: National Liberation Army",
        r"\bELN\b|National\s+Liberation\s+Army",
        ("ELN", "national liberation army"),
        "CO",
    ),
    NamedGroup("Fano Militia", r"\bFano\b", ("fano",), "ET"),
    NamedGroup(
        "SDF: Syrian Democratic Forces",
        r"Syrian?\s+Democratic\s+Forces|\bSDF\b",
        ("syria democratic", "syrian democratic", "SDF"),
        "SY",
    ),
    NamedGroup(
        "HTS: Hayat Tahrir al Sham",
        r"Hay'?[ay]?[ae]?t\s+Tahrir\s+al-Sham|\bHTS\b|Tahrir\s+al-Sham",
        ("tahrir", "HTS"),
        "SY",
    ),
    NamedGroup(
        "Jabhat al Nusra",
        r"Jabhat\s+(?:al-)?Nusra|al-Nusra\s+Front|Nusra\s+Front",
        ("nusra",),
        "SY",
    ),
    NamedGroup(
        "Jaysh al Islam",
        r"Jaysh\s+al-Islam|Jaish\s+al-Islam|Army\s+of\s+Islam",
        ("al-islam", "army of islam"),
        "SY",
    ),
    # "the regime" in English-language war reporting since 2011 is Assad's; forces of
    # another regime are named with their country ("Iranian regime forces")
    NamedGroup(
        "Military Forces of Syria",
        r"(?:Syrian|Assad|Syria['’]s)\s+regime|"
        r"\bregime(?:['’]s)?\s+(?:forces|troops|army|soldiers|warplanes|helicopters|aircraft|"
        r"artillery|militias?|gunmen|members)|pro-regime",
        ("regime",),
        "SY",
    ),
    NamedGroup("Free Syrian Army", r"Free\s+Syrian\s+Army|\bFSA\b", ("free syrian", "FSA"), "SY"),
    NamedGroup(
        "YPG: Peoples Protection Units",
        r"\bYPG\b|People['’]s\s+Protection\s+Units",
        ("YPG", "protection units"),
        "SY",
    ),
    NamedGroup(
        "PMF: Popular Mobilization Forces",
        r"Popular\s+Mobili[sz]ation\s+(?:Forces|Units)|\bPMF\b|Hashd\s+al-Shaabi",
        ("popular mobili", "PMF", "hashd"),
        "IQ",
    ),
    NamedGroup("Peshmerga", r"Peshmerga", ("peshmerga",), "IQ"),
    NamedGroup(
        "AQAP: Al Qaeda in the Arabian Peninsula",
        r"\bAQAP\b|al-Qaeda\s+in\s+the\s+Arabian\s+Peninsula",
        ("AQAP", "arabian peninsula"),
        "YE",
    ),
    NamedGroup(
        "LNA: Libyan National Army",
        r"Libyan\s+National\s+Army|\bLNA\b",
        ("libyan national army", "LNA"),
        "LY",
    ),
    NamedGroup(
        "NPA: New Peoples Army", r"New\s+People['’]s\s+Army|\bNPA\b", ("new people", "NPA"), "PH"
    ),
    NamedGroup("FARC", r"\bFARC\b", ("FARC",), "CO"),
    NamedGroup("Arakan Army", r"Arakan\s+Army", ("arakan army",), "MM"),
    NamedGroup(
        "KIA: Kachin Independence Army",
        r"Kachin\s+Independence\s+Army|\bKIA\b",
        ("kachin independence", "KIA"),
        "MM",
    ),
    NamedGroup(
        "PKK: Kurdistan Workers Party",
        r"\bPKK\b|Kurdistan\s+Workers['’]?\s+Party",
        ("PKK", "kurdistan workers"),
        None,
    ),
    NamedGroup(
        "BLA: Balochistan Liberation Army",
        r"Balochistan\s+Liberation\s+Army|\bBLA\b",
        ("balochistan liberation", "BLA"),
        "PK",
    ),
    NamedGroup(
        "TPLF: Tigray Peoples Liberation Front",
        r"\bTPLF\b|Tigray\s+People['’]s\s+Liberation\s+Front",
        ("TPLF", "tigray people"),
        "ET",
    ),
    NamedGroup(
        "OLA: Oromo Liberation Army",
        r"Oromo\s+Liberation\s+Army|\bOLA\b",
        ("oromo liberation", "OLA"),
        "ET",
    ),
    NamedGroup("CODECO", r"\bCODECO\b", ("CODECO",), "CD"),
    NamedGroup(
        "IPOB: Indigenous People of Biafra",
        r"\bIPOB\b|Indigenous\s+People\s+of\s+Biafra",
        ("IPOB", "indigenous people of biafra"),
        "NG",
    ),
    NamedGroup(
        "Ansar al Sunna",
        r"Ansar\s+al-Sunna|al-Sunnah\s+wa\s+Jama'?ah",
        ("ansar al-sunna", "sunnah wa"),
        "MZ",
    ),
)
_NAMED = tuple((re.compile(group.pattern, re.I), group) for group in GROUPS)


def _word_automaton(words: dict[str, set[int]]) -> Any:
    automaton = ahocorasick.Automaton()
    for word, groups in words.items():
        automaton.add_word(word, frozenset(groups))
    automaton.make_automaton()
    return automaton


def _group_words() -> tuple[Any, Any]:
    """Two automatons from each group's words to the groups (by index) that have them:
    acronyms as written, searched in the text; the rest searched in the lowered text."""
    acronyms: dict[str, set[int]] = {}
    words: dict[str, set[int]] = {}
    for index, group in enumerate(GROUPS):
        for word in group.words:
            (acronyms if word.isupper() else words).setdefault(word, set()).add(index)
    return _word_automaton(acronyms), _word_automaton(words)


_ACRONYM_WORDS, _LOWER_WORDS = _group_words()


def _named_groups(text: str) -> list[tuple[re.Match[str], NamedGroup]]:
    """Each named group's mentions, in reading order. Most text names no group: a group's
    pattern runs only when one of its words is there, and one pass over the text says
    which groups' words are."""
    present: set[int] = set()
    for _, groups in _ACRONYM_WORDS.iter(text):
        present |= groups
    for _, groups in _LOWER_WORDS.iter(text.lower()):
        present |= groups
    found = []
    for index in sorted(present):
        pattern, group = _NAMED[index]
        found.extend((match, group) for match in pattern.finditer(text))
    return sorted(found, key=lambda item: item[0].start())


def group_countries(text: str) -> dict[str, int]:
    """The home countries of the armed groups the text names, by how many it names there."""
    homes: dict[str, int] = {}
    for group in dict.fromkeys(group for _, group in _named_groups(text)):  # reading order
        if group.home:
            homes[group.home] = homes.get(group.home, 0) + 1
    return homes


_NOT_AN_ACTOR_AFTER = re.compile(r"[-\s](?:run|controlled|owned|affiliated)\b", re.I)

_POLICE_WORDS = r"(?:police(?:men)?|security\s+forces|riot\s+police|gendarmes?)"
_FORCE_WORDS = (
    r"(?:coalition|forces|troops|army|artillery|warplanes?|jets?|military|positions|soldiers?|"
    r"drones?|navy|air\s+force|air\s+defen[cs]es|units|missiles?|rockets?|shelling|shells|"
    r"(?:glide|guided|aerial)\s+bombs|bombs|air\s*strikes?|strikes?|aircraft|helicopters?|"
    r"tanks|planes|bombers|" + _POLICE_WORDS + r")"
)


def _adjective_alternation() -> str:
    words = {**DEMONYMS, **VARIANTS}
    words.update({name: code for name, code in country_aliases().items() if " " not in name})
    return "|".join(sorted((re.escape(word) for word in words), key=len, reverse=True))


_STATE = None  # compiled on first use: the country list comes from the gazetteer


def _state_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    global _STATE
    if _STATE is None:
        adjective = _adjective_alternation()
        _STATE = (
            # "Russian glide bombs", "Sudan's army", "the Saudi-led coalition", "Ukrainian and Russian forces"
            re.compile(
                rf"\b(?=[A-Z])(?P<adj>{adjective})(?:['’]s)?(?:-led)?"
                rf"(?:\s+and\s+(?P<adj2>{adjective}))?\s+(?:\w+\s+){{0,1}}?(?P<force>{_FORCE_WORDS})\b"
            ),
            # "warplanes believed to be Russian", "shelling from across the Saudi border"
            re.compile(
                rf"\b(?:believed|thought|said|suspected)\s+to\s+be\s+(?P<adj>{adjective})\b|"
                rf"\b(?:planes|jets|aircraft|warplanes|drones|missiles)\s+(?:were|was)\s+(?P<adj3>{adjective})\b|"
                rf"\bfrom\s+across\s+the\s+(?P<adj2>{adjective})\s+border\b"
            ),
            # "He blamed Ukraine for the attack"
            re.compile(rf"\bblam(?:ed|es|ing)\s+(?=[A-Z])(?P<adj>{adjective})(?:n)?\b"),
        )
    return _STATE


_UNNAMED_STATE = re.compile(
    r"\b(?:(?:the\s+)?(?:army|military|air\s+force|junta|navy)|government\s+(?:forces|troops|air\s*strikes|"
    r"aircraft|warplanes)|federal\s+(?:troops|forces)|soldiers|troops|" + _POLICE_WORDS + r")\b",
    re.I,
)
_UNIDENTIFIED = re.compile(
    r"\b(?:gunmen|bandits|armed\s+men|attackers|militiamen|assailants|jihadists|militants|"
    r"insurgents|gang\s+members)\b",
    re.I,
)
_TARGETED = re.compile(
    r"\b(?:struck|hit|targeted|attacked|ambushed|against|on|at|into)\s+(?:a|an|the)\s+(?:\w+\s+)?$",
    re.I,
)
_VICTIM_AFTER = re.compile(
    r"\s*(?:(?:\w+\s+){0,2}?(?:were|was)\s+(?:killed|wounded|injured)|(?:\w+\s+){0,2}?"
    r"(?:building|station|headquarters|base|post|checkpoint|convoy|patrol|vehicle|truck|barracks))\b",
    re.I,
)
# "police said", "an army spokesman told": who speaks, not who acted
_ATTRIBUTION_AFTER = re.compile(
    r"\s+(?:\w+\s+)?(?:said|says|told|reported|confirmed|stated|added|spokes(?:man|woman|person)|"
    r"commander\s+said|officials?\s+said|statement)\b",
    re.I,
)
_BYSTANDER_BEFORE = re.compile(r"\b(?:with|for|of|to|among|from|near|like)\s+(?:the\s+)?$", re.I)
_CLAIM = re.compile(
    r"\bclaimed\s+(?:responsibility|the\s+attack|the\s+bombing)|\bsaid\s+it\s+was\s+behind\b", re.I
)
_COMBATANT_VICTIMS = re.compile(
    r"\b(?:soldiers?|troops|servicemen|fighters|militants|policemen|police\s+officers)\b", re.I
)
_CIVILIAN_VICTIMS = re.compile(
    r"\b(?:civilians?|people|residents|villagers|children|child|women|woman|man|men|girl|boy|"
    r"family|families|worshippers|shoppers|traders|farmers|pupils|students|migrants|"
    r"journalists?|photojournalist|market|apartment|residential|homes?|house|school|hospital|"
    r"hypermarket|restaurant|bus)\b",
    re.I,
)


def _code(adjective: str) -> str:
    return {**country_aliases(), **DEMONYMS, **VARIANTS}.get(adjective, "")


_POLICE = re.compile(_POLICE_WORDS, re.I)


def _state_name(code: str, force: str | None) -> str:
    police = force is not None and _POLICE.search(force)
    return f"{'Police' if police else 'Military'} Forces of {country_name(code)}"


@text_cache(maxsize=64)
def _named_in(text: str) -> tuple[tuple[int, str | None, bool, str], ...]:
    """(position, actor, named as hit, words) for every actor the text names; the actor is
    None for forces named without their country ("the army"), which belong to the
    event's. Cached: an article with many events asks this of its whole text once per
    event, whatever country each event is in."""
    found: list[tuple[int, str | None, bool, str]] = []

    def targeted(start: int, end: int) -> bool:
        return bool(_TARGETED.search(text[max(0, start - 40) : start])) or bool(
            _VICTIM_AFTER.match(text, end)
        )

    seen: set[str] = set()
    for match, group in _named_groups(text):
        if group.name in seen or _NOT_AN_ACTOR_AFTER.match(text, match.end()):
            continue
        seen.add(group.name)
        found.append((match.start(), group.name, targeted(match.start(), match.end()), ""))
    states, believed, blamed = _state_patterns()
    spans: list[tuple[int, int]] = []
    for match in states.finditer(text):
        force = match.group("force")
        spans.append(match.span())
        if _ATTRIBUTION_AFTER.match(text, match.end()):
            continue
        for key in ("adj", "adj2"):
            if match.group(key) and (code := _code(match.group(key))):
                hit = targeted(match.start(), match.end())
                found.append((match.start(key), _state_name(code, force), hit, ""))
    for match in believed.finditer(text):
        adjective = match.group("adj") or match.group("adj2") or match.group("adj3")
        if code := _code(adjective):
            found.append((match.start(), _state_name(code, None), False, ""))
    for match in blamed.finditer(text):  # weakest evidence: ranked after every other mention
        if code := _code(match.group("adj")):
            found.append((len(text) + match.start(), _state_name(code, None), False, ""))
    for match in _UNNAMED_STATE.finditer(text):
        if any(start <= match.start() < end for start, end in spans):
            continue  # "Sudan's army": already named with its country
        if _ATTRIBUTION_AFTER.match(text, match.end()):
            continue
        if _BYSTANDER_BEFORE.search(text[max(0, match.start() - 12) : match.start()]):
            continue  # "a pizzeria popular with soldiers"
        hit = targeted(match.start(), match.end())
        found.append((match.start(), None, hit, match.group(0)))
    return tuple(found)


def _mentions(text: str, country: str) -> list[tuple[int, str, bool]]:
    """(position, actor, named as hit) for every actor the text names, in order."""
    found = [
        (position, name if name is not None else _state_name(country, words), hit)
        for position, name, hit, words in _named_in(text)
    ]
    ordered: list[tuple[int, str, bool]] = []
    for position, name, hit in sorted(found):
        if all(name != other for _, other, _ in ordered):
            ordered.append((position, name, hit))
    return ordered


def find_actors(text: str, country: str = "", targets: bool = False) -> list[str]:
    """Actors in order of first mention: those acting, or with ``targets`` those hit."""
    return [name for _, name, hit in _mentions(text, country) if hit == targets]


@text_cache(maxsize=64)
def _claimant(article_text: str) -> str | None:
    """The named group a sentence of the article says claimed the attack, if any."""
    for sentence in re.split(r"(?<=[.!?])\s+", article_text):
        if _CLAIM.search(sentence):
            named = _named_groups(sentence)
            if named:
                return named[0][1].name
    return None


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
    if event_type == EventType.RIOTS:
        return (
            f"{'Mob' if sub_event_type == SubEventType.MOB_VIOLENCE else 'Rioters'} ({place})",
            None,
        )
    if event_type == EventType.PROTESTS:
        protesters = f"Protesters ({place})"
        forces = [name for _, name, _ in _mentions(lead, country)]
        if sub_event_type == SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS:
            return (forces[0] if forces else None, protesters)
        if sub_event_type == SubEventType.PROTEST_WITH_INTERVENTION:
            return (protesters, forces[0] if forces else None)
        return (protesters, None)
    if sub_event_type == SubEventType.AGREEMENT:
        parties = [f"Government of {country_name(code)}" for code in countries_in_order(lead)]
        return (parties[0] if parties else None, parties[1] if len(parties) > 1 else None)

    mentions = _mentions(lead, country)
    acting = [name for _, name, targeted in mentions if not targeted]
    hit = [name for _, name, targeted in mentions if targeted]
    claimant = _claimant(article_text)
    if claimant:
        acting = [claimant, *[a for a in acting if a != claimant]]
    if not acting:
        acting = [a for a in find_actors(article_text, country) if a not in hit]
    if not acting and _UNIDENTIFIED.search(lead):
        acting = [f"Unidentified Armed Group ({place})"]
    actor1 = acting[0] if acting else None
    targets = [a for a in hit if a != actor1]
    actor2 = None
    if event_type == EventType.BATTLES:
        others = targets + [a for a in acting[1:] if a not in targets]
        actor2 = others[0] if others else None
    elif targets:
        actor2 = targets[0]
    elif event_type in (EventType.STRATEGIC_DEVELOPMENTS,):
        actor2 = None
    elif _COMBATANT_VICTIMS.search(lead) and not _CIVILIAN_VICTIMS.search(lead):
        others = [a for a in acting[1:] if a != actor1]
        actor2 = others[0] if others else None
    elif _CIVILIAN_VICTIMS.search(lead) or event_type == EventType.VIOLENCE_AGAINST_CIVILIANS:
        actor2 = f"Civilians ({place})"
    return actor1, actor2

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

from processors.extraction.countries import (
    DEMONYMS,
    VARIANTS,
    countries_in_order,
    country_aliases,
    country_name,
)
from schemas.taxonomy import EventType, SubEventType

NAMED_GROUPS: dict[str, str] = {
    r"Rapid\s+Support\s+Forces|\bRSF\b": "Rapid Support Forces",
    r"al-Shabaab|al-Shabab|al\s+Shabaab": "Al Shabaab",
    r"Houthis?(?:\s+movement)?|Ansar\s+Allah": "Houthi Movement",
    r"Allied\s+Democratic\s+Forces|\bADF\b": "Allied Democratic Forces",
    r"Pakistani\s+Taliban|Tehrik-[ei]-Taliban|\bTTP\b": "Tehrik-i-Taliban Pakistan",
    r"Islamic\s+State|\bISIS\b|\bISIL\b|\bISWAP\b": "Islamic State",
    r"Boko\s+Haram": "Boko Haram",
    r"Hamas": "Hamas Movement",
    r"Hezbollah": "Hezbollah",
    r"Taliban": "Taliban",
    r"Wagner\s+Group": "Wagner Group",
    r"\bM23\b": "M23: March 23 Movement",
    r"\bJNIM\b|Jama'?at\s+Nusrat\s+al-Islam": "JNIM: Group for Support of Islam and Muslims",
    r"Abu\s+Sayyaf": "Abu Sayyaf Group",
    r"\bELN\b|National\s+Liberation\s+Army": "ELN: National Liberation Army",
    r"\bFano\b": "Fano Militia",
    r"Syrian\s+Democratic\s+Forces|\bSDF\b": "SDF: Syrian Democratic Forces",
    r"Hay'?[ay]?[ae]?t\s+Tahrir\s+al-Sham|\bHTS\b|Tahrir\s+al-Sham": "HTS: Hayat Tahrir al Sham",
    r"Jabhat\s+(?:al-)?Nusra|al-Nusra\s+Front|Nusra\s+Front": "Jabhat al Nusra",
    r"Jaysh\s+al-Islam|Jaish\s+al-Islam|Army\s+of\s+Islam": "Jaysh al Islam",
    r"Free\s+Syrian\s+Army|\bFSA\b": "Free Syrian Army",
    r"\bYPG\b|People['’]s\s+Protection\s+Units": "YPG: Peoples Protection Units",
    r"Popular\s+Mobili[sz]ation\s+(?:Forces|Units)|\bPMF\b|Hashd\s+al-Shaabi": "PMF: Popular Mobilization Forces",
    r"Peshmerga": "Peshmerga",
    r"\bAQAP\b|al-Qaeda\s+in\s+the\s+Arabian\s+Peninsula": "AQAP: Al Qaeda in the Arabian Peninsula",
    r"Libyan\s+National\s+Army|\bLNA\b": "LNA: Libyan National Army",
    r"New\s+People['’]s\s+Army|\bNPA\b": "NPA: New Peoples Army",
    r"\bFARC\b": "FARC",
    r"Arakan\s+Army": "Arakan Army",
    r"Kachin\s+Independence\s+Army|\bKIA\b": "KIA: Kachin Independence Army",
    r"\bPKK\b|Kurdistan\s+Workers['’]?\s+Party": "PKK: Kurdistan Workers Party",
    r"Balochistan\s+Liberation\s+Army|\bBLA\b": "BLA: Balochistan Liberation Army",
    r"\bTPLF\b|Tigray\s+People['’]s\s+Liberation\s+Front": "TPLF: Tigray Peoples Liberation Front",
    r"Oromo\s+Liberation\s+Army|\bOLA\b": "OLA: Oromo Liberation Army",
    r"\bCODECO\b": "CODECO",
    r"\bIPOB\b|Indigenous\s+People\s+of\s+Biafra": "IPOB: Indigenous People of Biafra",
    r"Ansar\s+al-Sunna|al-Sunnah\s+wa\s+Jama'?ah": "Ansar al Sunna",
}
_NAMED = tuple((re.compile(pattern, re.I), name) for pattern, name in NAMED_GROUPS.items())
# Words one of which each group's mention contains (lowercase: in the lowered text;
# capitals: an acronym, as written). Most text names no group: checking these words
# first spares it a pass of every group's pattern.
GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "Rapid Support Forces": ("rapid support", "RSF"),
    "Al Shabaab": ("shabab", "shabaab"),
    "Houthi Movement": ("houthi", "ansar allah"),
    "Allied Democratic Forces": ("allied democratic", "ADF"),
    "Tehrik-i-Taliban Pakistan": ("taliban", "TTP"),
    "Islamic State": ("islamic state", "ISIS", "ISIL", "ISWAP"),
    "Boko Haram": ("boko haram",),
    "Hamas Movement": ("hamas",),
    "Hezbollah": ("hezbollah",),
    "Taliban": ("taliban",),
    "Wagner Group": ("wagner group",),
    "M23: March 23 Movement": ("M23",),
    "JNIM: Group for Support of Islam and Muslims": ("JNIM", "nusrat"),
    "Abu Sayyaf Group": ("abu sayyaf",),
    "ELN: National Liberation Army": ("ELN", "national liberation army"),
    "Fano Militia": ("fano",),
    "SDF: Syrian Democratic Forces": ("syrian democratic", "SDF"),
    "HTS: Hayat Tahrir al Sham": ("tahrir", "HTS"),
    "Jabhat al Nusra": ("nusra",),
    "Jaysh al Islam": ("al-islam", "army of islam"),
    "Free Syrian Army": ("free syrian", "FSA"),
    "YPG: Peoples Protection Units": ("YPG", "protection units"),
    "PMF: Popular Mobilization Forces": ("popular mobili", "PMF", "hashd"),
    "Peshmerga": ("peshmerga",),
    "AQAP: Al Qaeda in the Arabian Peninsula": ("AQAP", "arabian peninsula"),
    "LNA: Libyan National Army": ("libyan national army", "LNA"),
    "NPA: New Peoples Army": ("new people", "NPA"),
    "FARC": ("FARC",),
    "Arakan Army": ("arakan army",),
    "KIA: Kachin Independence Army": ("kachin independence", "KIA"),
    "PKK: Kurdistan Workers Party": ("PKK", "kurdistan workers"),
    "BLA: Balochistan Liberation Army": ("balochistan liberation", "BLA"),
    "TPLF: Tigray Peoples Liberation Front": ("TPLF", "tigray people"),
    "OLA: Oromo Liberation Army": ("oromo liberation", "OLA"),
    "CODECO": ("CODECO",),
    "IPOB: Indigenous People of Biafra": ("IPOB", "indigenous people of biafra"),
    "Ansar al Sunna": ("ansar al-sunna", "sunnah wa"),
}


def _named_groups(text: str) -> list[tuple[re.Match[str], str]]:
    """Each named group's mentions, in reading order."""
    lowered = text.lower()
    found = []
    for pattern, name in _NAMED:
        words = GROUP_WORDS[name]
        if any((word in text) if word.isupper() else (word in lowered) for word in words):
            found.extend((match, name) for match in pattern.finditer(text))
    return sorted(found, key=lambda item: item[0].start())


# Where a group fights at home: with no place named at all, "Al Shabaab fighters stormed a
# base" is placed in Somalia at country precision. Groups active in many countries
# (Islamic State, Wagner) have none.
GROUP_HOMES: dict[str, str] = {
    "Rapid Support Forces": "SD",
    "Al Shabaab": "SO",
    "Houthi Movement": "YE",
    "Allied Democratic Forces": "CD",
    "Tehrik-i-Taliban Pakistan": "PK",
    "Boko Haram": "NG",
    "Hamas Movement": "PS",
    "Hezbollah": "LB",
    "Taliban": "AF",
    "M23: March 23 Movement": "CD",
    "Abu Sayyaf Group": "PH",
    "ELN: National Liberation Army": "CO",
    "Fano Militia": "ET",
    "SDF: Syrian Democratic Forces": "SY",
    "HTS: Hayat Tahrir al Sham": "SY",
    "Jabhat al Nusra": "SY",
    "Jaysh al Islam": "SY",
    "Free Syrian Army": "SY",
    "YPG: Peoples Protection Units": "SY",
    "PMF: Popular Mobilization Forces": "IQ",
    "Peshmerga": "IQ",
    "AQAP: Al Qaeda in the Arabian Peninsula": "YE",
    "LNA: Libyan National Army": "LY",
    "NPA: New Peoples Army": "PH",
    "FARC": "CO",
    "Arakan Army": "MM",
    "KIA: Kachin Independence Army": "MM",
    "BLA: Balochistan Liberation Army": "PK",
    "TPLF: Tigray Peoples Liberation Front": "ET",
    "OLA: Oromo Liberation Army": "ET",
    "CODECO": "CD",
    "IPOB: Indigenous People of Biafra": "NG",
    "Ansar al Sunna": "MZ",
}


def group_countries(text: str) -> dict[str, int]:
    """The home countries of the armed groups the text names, by how many it names there."""
    homes: dict[str, int] = {}
    for name in {name for _, name in _named_groups(text)}:
        if home := GROUP_HOMES.get(name):
            homes[home] = homes.get(home, 0) + 1
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


def _mentions(text: str, country: str) -> list[tuple[int, str, bool]]:
    """(position, actor, named as hit) for every actor the text names, in order."""
    found: list[tuple[int, str, bool]] = []

    def targeted(start: int, end: int) -> bool:
        return bool(_TARGETED.search(text[max(0, start - 40) : start])) or bool(
            _VICTIM_AFTER.match(text, end)
        )

    seen: set[str] = set()
    for match, name in _named_groups(text):
        if name in seen or _NOT_AN_ACTOR_AFTER.match(text, match.end()):
            continue
        seen.add(name)
        found.append((match.start(), name, targeted(match.start(), match.end())))
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
                found.append((match.start(key), _state_name(code, force), hit))
    for match in believed.finditer(text):
        adjective = match.group("adj") or match.group("adj2") or match.group("adj3")
        if code := _code(adjective):
            found.append((match.start(), _state_name(code, None), False))
    for match in blamed.finditer(text):  # weakest evidence: ranked after every other mention
        if code := _code(match.group("adj")):
            found.append((len(text) + match.start(), _state_name(code, None), False))
    for match in _UNNAMED_STATE.finditer(text):
        if any(start <= match.start() < end for start, end in spans):
            continue  # "Sudan's army": already named with its country
        if _ATTRIBUTION_AFTER.match(text, match.end()):
            continue
        if _BYSTANDER_BEFORE.search(text[max(0, match.start() - 12) : match.start()]):
            continue  # "a pizzeria popular with soldiers"
        hit = targeted(match.start(), match.end())
        found.append((match.start(), _state_name(country, match.group(0)), hit))
    ordered: list[tuple[int, str, bool]] = []
    for position, name, hit in sorted(found):
        if all(name != other for _, other, _ in ordered):
            ordered.append((position, name, hit))
    return ordered


def find_actors(text: str, country: str = "", targets: bool = False) -> list[str]:
    """Actors in order of first mention: those acting, or with ``targets`` those hit."""
    return [name for _, name, hit in _mentions(text, country) if hit == targets]


def _claimant(article_text: str) -> str | None:
    for sentence in re.split(r"(?<=[.!?])\s+", article_text):
        if _CLAIM.search(sentence):
            named = _named_groups(sentence)
            if named:
                return named[0][1]
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

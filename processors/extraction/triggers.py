"""Which kind of event a sentence reports, and which sentences report none.

Triggers are checked in order of specificity: a suicide bombing is also a bombing,
an air strike also "hits" something. A sentence that threatens, denies, accuses or
looks back reports no new event even when a trigger word is in it.
"""

from __future__ import annotations

import re

from schemas.taxonomy import SubEventType as S

_TRIGGERS: tuple[tuple[S, re.Pattern[str]], ...] = tuple(
    (sub_type, re.compile(pattern, re.I))
    for sub_type, pattern in (
        (
            S.SUICIDE_BOMB,
            r"\bsuicide\s+(?:bomb(?:er|ers|ing|ings)?|attack(?:er|ers)?|car\s+bomb)\b",
        ),
        (
            S.REMOTE_EXPLOSIVE_LANDMINE_IED,
            r"\b(?:roadside\s+bombs?|improvised\s+explosive|IEDs?|landmines?|land\s+mines?|car\s+bombs?|bomb\s+(?:exploded|went\s+off|blast)|explosive\s+device)\b",
        ),
        (
            S.CHEMICAL_WEAPON,
            r"\b(?:chemical\s+(?:weapons?|attack)|sarin|chlorine\s+(?:gas|attack))\b",
        ),
        (
            S.AIR_DRONE_STRIKE,
            r"\b(?:air\s*strikes?|air\s+raids?|warplanes?|fighter\s+jets?|drone\s+(?:strikes?|attacks?)|drones?\s+(?:struck|hit|attacked)|helicopter\s+gunships?|bombed\s+from\s+the\s+air|aerial\s+bombardment)\b",
        ),
        (
            S.SHELLING_ARTILLERY_MISSILE_ATTACK,
            r"\b(?:missiles?|rockets?|shell(?:s|ed|ing)|artillery|mortars?|howitzers?|multiple[\s-]launch|Grad|Smerch|bombardment|ballistic)\b",
        ),
        (S.GRENADE, r"\bgrenades?\b"),
        (
            S.ARMED_CLASH,
            r"\b(?:clash(?:ed|es)?|gun\s*battles?|firefights?|exchanged\s+fire|heavy\s+fighting|fighting\s+(?:between|in)|fought)\b",
        ),
        (
            S.ABDUCTION_FORCED_DISAPPEARANCE,
            r"\b(?:abduct(?:ed|ion|s)?|kidnapp?(?:ed|ing|ings)?|taken\s+hostage)\b",
        ),
        (
            S.ATTACK,
            r"\b(?:gunmen|bandits|armed\s+men|militiamen|attackers)\b.{0,80}\b(?:killed|killing|stormed|attacked|opened\s+fire|shot|raided|massacred)\b|\bmassacre(?:d)?\b",
        ),
        (
            S.VIOLENT_DEMONSTRATION,
            r"\b(?:rioters?|riots?|protesters?\s+(?:threw|hurled|torched|set\s+fire|clashed)|demonstrators?\s+(?:threw|hurled|torched|set\s+fire|clashed))\b",
        ),
        (
            S.PEACEFUL_PROTEST,
            r"\b(?:protesters?|demonstrators?|rall(?:y|ied|ies)|marched|took\s+to\s+the\s+streets|sit-in|protest(?:ed|s)?\s+(?:in|outside|against))\b",
        ),
        (
            S.AGREEMENT,
            r"\b(?:agreed\s+(?:to\s+)?(?:a\s+|an\s+)?(?:\w+\s+){0,2}(?:ceasefire|cease-fire|truce|deal|peace|prisoner)|signed\s+(?:a|an|the)\s+(?:\w+\s+){0,2}(?:agreement|deal|accord)|(?:ceasefire|truce|peace\s+deal)\s+(?:was|has\s+been)\s+(?:agreed|signed))\b",
        ),
        (S.ARRESTS, r"\b(?:arrested|detained)\b"),
    )
)

_NOT_NEW = re.compile(
    r"\b(?:will|would|could|might|may\s+(?:be|have)|threaten(?:s|ed|ing)?|warn(?:s|ed|ing)?|"
    r"vow(?:s|ed)?|pledg(?:e|ed|es)|promis(?:e|ed|es)|plan(?:s|ned)?\s+to|if|unless|"
    r"denie[sd]|deny|denying|rejected|accus(?:e|ed|es|ing)|alleg(?:e|ed|es|ing)|"
    r"claimed\s+to\s+have|anniversary|remember(?:s|ed)?|commemorat\w*|memorial|"
    r"years?\s+(?:ago|since)|in\s+the\s+past|has\s+been\s+struck\s+repeatedly|struck\s+repeatedly)\b",
    re.I,
)


_EXPLOSIONS = (S.REMOTE_EXPLOSIVE_LANDMINE_IED, S.SHELLING_ARTILLERY_MISSILE_ATTACK, S.GRENADE)


def event_triggers(sentence: str) -> list[S]:
    """Sub-types whose trigger words appear in the sentence, the one it leads with first.

    A sentence is about what it names first ("protesters ... over the deal that ended
    the fighting" is a protest), except that a suicide attack or an air strike is
    named as such even when the bomb or the missile comes first.
    """
    positions = {}
    for sub_type, pattern in _TRIGGERS:
        match = pattern.search(sentence)
        if match:
            positions[sub_type] = match.start()
    ordered = sorted(positions, key=lambda sub_type: positions[sub_type])
    if ordered and ordered[0] in _EXPLOSIONS:
        if S.SUICIDE_BOMB in positions:
            ordered.remove(S.SUICIDE_BOMB)
            ordered.insert(0, S.SUICIDE_BOMB)
        elif ordered[0] == S.SHELLING_ARTILLERY_MISSILE_ATTACK and S.AIR_DRONE_STRIKE in positions:
            ordered.remove(S.AIR_DRONE_STRIKE)
            ordered.insert(0, S.AIR_DRONE_STRIKE)
    return ordered


def reports_new_event(sentence: str) -> bool:
    """False for threats, denials, accusations, hypotheticals and looks back."""
    return not _NOT_NEW.search(sentence)


# Words that mark an article about sport, markets or culture, whose war words are metaphors.
_FIGURATIVE_DOMAINS = re.compile(
    r"\b(?:goals?|derby|striker|midfield(?:er)?|final\s+whistle|relegation|league|penalty|"
    r"half-time|first\s+half|second\s+half|fans|pitch|manager|coach|season|tournament|"
    r"match|stocks?|shares|bonds?|yields?|crude|Brent|traders?|investors?|rally|"
    r"percent|index|Nasdaq|Dow|earnings|bulls?|bears?|price\s+war|novel|film|movie|"
    r"album|review|premiere|box\s+office|episode|video\s+game|\d+-\d+\s+(?:win|victory|defeat))\b",
    re.I,
)
_REAL_VIOLENCE = re.compile(
    r"\b(?:civilians?|soldiers?|troops|militants?|insurgents?|rebels?|army|military|police|"
    r"residents|villagers|ministry|governor|hospital|medics|health\s+officials?)\b",
    re.I,
)


def is_figurative(text: str) -> bool:
    """Sport, markets or culture using war words, with no sign of real violence."""
    domain_words = {m.group(0).lower() for m in _FIGURATIVE_DOMAINS.finditer(text)}
    violence_words = {m.group(0).lower() for m in _REAL_VIOLENCE.finditer(text)}
    return len(domain_words) >= 3 and len(domain_words) > 2 * len(violence_words)

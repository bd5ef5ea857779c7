"""Which kind of event a sentence reports, and which sentences report none.

Each of the 25 sub-event types has trigger phrases. A sentence is about what it
names first ("protesters ... over the deal that ended the fighting" is a protest),
except where one type is the more specific reading of another: a suicide bombing is
also an explosion, an air strike also "hits" something, a clash at an army base is
not an attack on civilians, police dispersing a rally make it a protest with
intervention. A sentence that threatens, denies, accuses, rehearses or looks back
reports no new event even when a trigger word is in it.
"""

from __future__ import annotations

import re

from schemas.taxonomy import SubEventType as S

_ARMED = (
    r"(?:gunm[ae]n|bandits?|armed\s+m[ae]n|militiam[ae]n|attackers?|assailants?|gang\s+members|gangs?|"
    r"jihadists?|militants?|rebels?|insurgents?|fighters?|extremists?)"
)
_CIVILIAN_TARGETS = (
    r"(?:civilians?|people|villagers|farmers|worshippers|residents|passengers|travell?ers|"
    r"women|children|men|family|families|pupils|students|herders|traders|journalists?|"
    r"villages?|homes?|neighbourhoods?|neighborhoods?|markets?|displaced)"
)
_CROWD = r"(?:protesters|demonstrators|crowds?|marchers|mourners|rioters)"
_MUNITIONS = r"(?:drones?|missiles?|rockets?|projectiles?|shells?|UAVs?)"

_TRIGGERS: tuple[tuple[S, re.Pattern[str]], ...] = tuple(
    (sub_type, re.compile(pattern, re.I))
    for sub_type, pattern in (
        (
            S.SUICIDE_BOMB,
            r"\bsuicide\s+(?:bomb(?:er|ers|ing|ings|s)?|attack(?:er|ers|s)?|car\s+bomb(?:ing)?|blasts?|vests?)\b|"
            r"\bblew\s+(?:himself|herself|themselves)\s+up\b",
        ),
        (
            S.CHEMICAL_WEAPON,
            r"\b(?:chemical\s+(?:weapons?|attacks?|agents?|munitions?)|sarin|chlorine|mustard\s+gas|"
            r"nerve\s+agents?|toxic\s+gas|poison(?:ous)?\s+gas)\b",
        ),
        (
            S.DISRUPTED_WEAPONS_USE,
            rf"\b(?:defused|defusing|bomb\s+disposal|disarmed\s+(?:a|an|the)\s+(?:\w+\s+)?(?:bomb|device|mine)|"
            rf"(?:shot|brought)\s+down\s+(?:\w+\s+){{0,3}}?{_MUNITIONS}|"
            rf"intercepted\s+(?:\w+\s+){{0,3}}?{_MUNITIONS}|"
            rf"{_MUNITIONS}\s+(?:were|was)\s+(?:all\s+)?(?:shot\s+down|intercepted|downed|destroyed\s+in\s+the\s+air)|"
            rf"foiled\s+(?:a|an)\s+(?:\w+\s+)?(?:attack|bombing|plot))\b",
        ),
        (
            S.AIR_DRONE_STRIKE,
            r"\b(?:air\s*strikes?|air\s+raids?|warplanes?|war\s+planes?|fighter\s+jets?|"
            r"jets?\s+(?:bombed|struck|hit|pounded)|aircraft\s+(?:\w+\s+)?(?:bombed|struck|hit|attacked|fired)|"
            r"helicopter\s+gunships?|gunships?|bombed\s+from\s+the\s+air|aerial\s+(?:bombardment|bombs?|attacks?)|"
            r"(?:guided|glide|barrel)\s+(?:aerial\s+)?bombs?|drone\s+(?:strikes?|attacks?)|"
            r"(?:attack|kamikaze|armed|Shahed|explosive-laden)\s+drones?|"
            r"drones?\s+(?:\w+\s+){0,2}?(?:struck|hit|slammed|crashed|dropped|exploded|targeted|attacked|bombed))\b",
        ),
        (
            S.REMOTE_EXPLOSIVE_LANDMINE_IED,
            r"\b(?:roadside\s+bombs?|improvised\s+explosive|IEDs?|landmines?|land\s+mines?|"
            r"(?:hit|struck|stepped\s+on|ran\s+over)\s+a\s+(?:\w+\s+)?mine|car\s+bombs?|"
            r"bomb\s+(?:exploded|went\s+off|blast)|explosive\s+devices?|booby[\s-]trap\w*|"
            r"(?:planted|hidden)\s+(?:bombs?|explosives))\b",
        ),
        (
            S.SHELLING_ARTILLERY_MISSILE_ATTACK,
            r"\b(?:missiles?|rockets?|(?-i:[Ss]hell)(?:s|ed|ing)?|artillery|mortars?|howitzers?|"
            r"multiple[\s-]launch|Grad|Smerch|bombardment|ballistic|projectiles?|"
            r"bombs?\s+(?:struck|hit|landed|fell|rained))\b",
        ),
        (S.GRENADE, r"\bgrenades?\b"),
        (
            S.GOVERNMENT_REGAINS_TERRITORY,
            r"\b(?:retook|retaken|recaptured|recapture[sd]?|regained\s+control|took\s+back|"
            r"liberated|won\s+back)\b",
        ),
        (
            S.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
            r"\b(?:(?:seized|captured|overran|overrun|took\s+control\s+of|taken\s+control\s+of)\s+"
            r"(?:the\s+)?(?:\w+\s+){0,2}?(?:town|city|village|district|base|territory|airport|capital|"
            r"border\s+crossing|control)|fell\s+to\s+(?:the\s+)?(?:\w+\s+){0,2}?"
            r"(?:rebels|militants|jihadists|fighters|insurgents|M23|RSF|Taliban|Houthis?))\b",
        ),
        (
            S.NON_VIOLENT_TRANSFER_OF_TERRITORY,
            r"\b(?:hand(?:ed|s|ing)\s+(?:back|over)|handover\s+of\s+(?:\w+\s+){0,2}(?:territory|villages?|district|town)|"
            r"ceded|withdrew\s+(?:\w+\s+){0,3}under\s+(?:the\s+)?(?:\w+\s+){0,3}(?:agreement|deal|ceasefire))\b",
        ),
        (
            S.ARMED_CLASH,
            r"\b(?:clash(?:ed|es)?|gun\s*battles?|firefights?|fire\s*fights?|exchanged\s+(?:heavy\s+)?fire|"
            r"(?:heavy|fierce)\s+fighting|fighting\s+(?:between|erupted|broke\s+out)|"
            r"fighting\s+(?:in|near|around)\s+(?-i:[A-Z])|fought|"
            r"ambush(?:ed)?|attack(?:ed|s)?\s+(?:on\s+)?(?:a|an|the)\s+(?:\w+\s+)?(?:military|army|police)\s+"
            r"(?:base|post|outpost|checkpoint|convoy|patrol|barracks|station))\b",
        ),
        (
            S.ABDUCTION_FORCED_DISAPPEARANCE,
            r"\b(?:abduct(?:ed|ion|ions|s|ing)?|kidnapp?(?:ed|ing|ings|s)?|taken\s+hostage|"
            r"took\s+(?:\w+\s+){0,3}hostage|forcibly\s+disappeared)\b",
        ),
        (
            S.SEXUAL_VIOLENCE,
            r"\b(?:rap(?:e|ed|es|ing)|gang-raped|sexual(?:ly)?\s+(?:assault\w*|violence|abuse\w*|abused))\b",
        ),
        (
            S.MOB_VIOLENCE,
            r"\bmob\b.{0,60}?\b(?:beat|lynched|killed|attacked|torched|burned|set\s+fire|stoned|hacked)\b|"
            r"\blynch(?:ed|ing|ings)?\b",
        ),
        (
            S.ATTACK,
            rf"\b{_ARMED}\b.{{0,80}}?\b(?:killed|killing|stormed|attacked|opened\s+fire|shot|raided|massacred|"
            rf"hacked|beheaded|torched)\b.{{0,60}}?\b{_CIVILIAN_TARGETS}\b|"
            r"\bmassacre(?:d)?\b|\b(?:shot|gunned)\s+(?:dead|down)\b|\bhacked\s+to\s+death\b|\bbeheaded\b|"
            r"\braid(?:s|ed)?\s+on\s+(?:a|the)\s+(?:\w+\s+)?(?:village|town|camp|market|school|church|mosque)\b",
        ),
        (
            S.VIOLENT_DEMONSTRATION,
            r"\b(?:rioters?|riot(?:s|ed|ing)?(?!\s+(?:police|gear|squad|control|officers))|"
            r"(?:protesters?|demonstrators?|crowds?|youths|inmates|prisoners)\s+(?:[\w'’-]+\s+){0,6}?(?:rioted|threw|hurled|torched|"
            r"set\s+fire|set\s+ablaze|vandali[sz]ed|smashed|looted|burned|stormed|clashed|pelted|attacked))\b",
        ),
        (
            S.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
            rf"\b(?:opened\s+fire\s+on|fired\s+(?:live\s+(?:rounds|ammunition|bullets)\s+)?(?:at|on|into)|"
            rf"shot\s+(?:dead\s+)?|killed|beat|beaten)\s+(?:\w+\s+){{0,3}}?{_CROWD}\b|"
            rf"\b{_CROWD}\s+(?:\w+\s+){{0,3}}?(?:were|was)\s+(?:shot|killed|beaten\s+to\s+death)\b",
        ),
        (
            S.PROTEST_WITH_INTERVENTION,
            r"\b(?:police|security\s+forces|troops|soldiers|officers|authorities)\s+(?:[\w'’-]+\s+){0,4}?"
            r"(?:dispersed|disperse|broke\s+up|break\s+up|used\s+(?:water\s+cannons?|tear\s*gas|batons|rubber\s+bullets)|"
            r"fired\s+(?:tear\s*gas|rubber\s+bullets|water\s+cannons?))\b",
        ),
        (
            S.PEACEFUL_PROTEST,
            r"\b(?:protesters?|demonstrators?|rall(?:y|ied|ies)|marched|march\s+(?:in|through|against)|"
            r"took\s+to\s+the\s+streets|sit-ins?|protest(?:ed|s|ing)?\s+(?:in|outside|against|over|at)|"
            r"staged\s+(?:a\s+)?(?:protest|demonstration|march)|demonstrat(?:ed|ion)\s+(?:in|outside|against))\b",
        ),
        (
            S.AGREEMENT,
            r"\b(?:agreed\s+(?:to\s+|on\s+)?(?:a\s+|an\s+)?(?:\w+\s+){0,2}(?:ceasefire|cease-fire|truce|deal|peace|prisoner\s+(?:swap|exchange))|"
            r"signed\s+(?:a|an|the)\s+(?:\w+\s+){0,2}(?:agreement|deal|accord|truce|ceasefire|peace)|"
            r"(?:ceasefire|truce|peace\s+deal|agreement)\s+(?:was|has\s+been|were)\s+(?:agreed|signed|reached)|"
            r"reached\s+(?:a|an)\s+(?:\w+\s+){0,2}(?:agreement|deal|truce|ceasefire)|"
            r"brokered\s+(?:a|an)\s+(?:\w+\s+){0,2}(?:truce|ceasefire|deal)|"
            r"exchanged\s+(?:\w+\s+){0,2}prisoners|prisoner\s+(?:swap|exchange))\b",
        ),
        (
            S.HEADQUARTERS_OR_BASE_ESTABLISHED,
            r"\b(?:set\s+up|established|opened|built)\s+(?:a\s+|an\s+|their\s+|its\s+)?(?:new\s+)?"
            r"(?:military\s+|forward\s+)?(?:base|bases|camp|headquarters|outpost)\b|"
            r"\bmoved\s+(?:its|their)\s+headquarters\b",
        ),
        (
            S.CHANGE_TO_GROUP_ACTIVITY,
            r"\b(?:publicly\s+)?(?:destroyed|burned|burnt|crushed)\s+(?:more\s+than\s+|over\s+|some\s+)?[\d,]+\s+"
            r"(?:\w+\s+){0,2}?(?:firearms|weapons|guns|rifles)\b|\b(?:weapons|arms)\s+(?:amnesty|buyback)\b|"
            r"\bsurrendered\s+(?:their\s+)?(?:weapons|arms)\b|\bdisbanded\b",
        ),
        (
            S.LOOTING_PROPERTY_DESTRUCTION,
            r"\b(?:loot(?:ed|ing)|ransack(?:ed|ing)|pillag(?:ed|ing)|"
            r"(?:torched|burned\s+down|burnt\s+down|set\s+fire\s+to|demolished)\s+(?:\w+\s+){0,3}?"
            r"(?:houses|homes|shops|markets?|villages?|buildings?|churches|mosques|schools?|"
            r"health\s+cent(?:re|er)s?|clinics?|crops|granaries|offices?))\b",
        ),
        (S.ARRESTS, r"\b(?:arrested|detained|rounded\s+up|took\s+into\s+custody)\b"),
    )
)

# (more specific reading, the readings it replaces when both are in one sentence)
_OVERRIDES: tuple[tuple[S, frozenset[S]], ...] = (
    (S.ARMED_CLASH, frozenset({S.ATTACK, S.ARRESTS})),
    (S.ABDUCTION_FORCED_DISAPPEARANCE, frozenset({S.ATTACK, S.ARRESTS})),
    (S.SEXUAL_VIOLENCE, frozenset({S.ATTACK, S.LOOTING_PROPERTY_DESTRUCTION})),
    (S.AIR_DRONE_STRIKE, frozenset({S.SHELLING_ARTILLERY_MISSILE_ATTACK})),
    (S.CHEMICAL_WEAPON, frozenset({S.SHELLING_ARTILLERY_MISSILE_ATTACK, S.AIR_DRONE_STRIKE})),
    (
        S.SUICIDE_BOMB,
        frozenset(
            {
                S.REMOTE_EXPLOSIVE_LANDMINE_IED,
                S.SHELLING_ARTILLERY_MISSILE_ATTACK,
                S.AIR_DRONE_STRIKE,
                S.GRENADE,
                S.ATTACK,
                S.ARMED_CLASH,
            }
        ),
    ),
    (S.PROTEST_WITH_INTERVENTION, frozenset({S.PEACEFUL_PROTEST, S.ARRESTS})),
    (
        S.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
        frozenset({S.PEACEFUL_PROTEST, S.PROTEST_WITH_INTERVENTION, S.ATTACK}),
    ),
    (
        S.VIOLENT_DEMONSTRATION,
        frozenset(
            {S.PEACEFUL_PROTEST, S.PROTEST_WITH_INTERVENTION, S.EXCESSIVE_FORCE_AGAINST_PROTESTERS}
        ),
    ),
    (
        S.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
        frozenset({S.ARMED_CLASH, S.SHELLING_ARTILLERY_MISSILE_ATTACK, S.AIR_DRONE_STRIKE}),
    ),
    (
        S.GOVERNMENT_REGAINS_TERRITORY,
        frozenset(
            {
                S.ARMED_CLASH,
                S.SHELLING_ARTILLERY_MISSILE_ATTACK,
                S.AIR_DRONE_STRIKE,
                S.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
            }
        ),
    ),
    (
        S.NON_VIOLENT_TRANSFER_OF_TERRITORY,
        frozenset(
            {
                S.AGREEMENT,
                S.ARMED_CLASH,
                S.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
                S.GOVERNMENT_REGAINS_TERRITORY,
            }
        ),
    ),
)
_EXPLOSIVE = frozenset(
    {
        S.AIR_DRONE_STRIKE,
        S.SHELLING_ARTILLERY_MISSILE_ATTACK,
        S.REMOTE_EXPLOSIVE_LANDMINE_IED,
        S.GRENADE,
    }
)
_CASUALTIES = re.compile(
    r"\b(?:killed|killing|dead|died|wounded|wounding|injured|injuring|hurt|damaged|destroyed)\b",
    re.I,
)
_PROTEST_WORDS = re.compile(
    r"\b(?:protest\w*|demonstrat\w*|rall(?:y|ies|ied)|march\w*|crowds?)\b", re.I
)


def event_triggers(sentence: str) -> list[S]:
    """Sub-types whose trigger phrases appear in the sentence, the one it reports first."""
    positions = {}
    for sub_type, pattern in _TRIGGERS:
        match = pattern.search(sentence)
        if match:
            positions[sub_type] = match.start()
    if S.PROTEST_WITH_INTERVENTION in positions and not _PROTEST_WORDS.search(sentence):
        del positions[S.PROTEST_WITH_INTERVENTION]
    ordered = sorted(positions, key=lambda sub_type: positions[sub_type])
    if not ordered:
        return ordered
    for specific, replaced in _OVERRIDES:
        if specific in positions and ordered[0] in replaced:
            ordered.remove(specific)
            ordered.insert(0, specific)
    if (
        S.DISRUPTED_WEAPONS_USE in positions
        and ordered[0] in _EXPLOSIVE
        and not _CASUALTIES.search(sentence)
    ):
        ordered.remove(S.DISRUPTED_WEAPONS_USE)
        ordered.insert(0, S.DISRUPTED_WEAPONS_USE)
    elif ordered[0] == S.DISRUPTED_WEAPONS_USE and _CASUALTIES.search(sentence):
        ordered.append(ordered.pop(0))
    return ordered


_NOT_NEW = re.compile(
    r"\b(?:will|would|could|might|may\s+(?:be|have)|threaten(?:s|ed|ing)?|warn(?:s|ed|ing)?|"
    r"vow(?:s|ed)?|pledg(?:e|ed|es)|promis(?:e|ed|es)|(?:plans|planned|planning)\s+to|if|unless|"
    r"denie[sd]|deny|denying|rejected|alleg(?:es|ing)|rumou?rs?|"
    r"accus(?:e|ed|es|ing)\s+(?:\w+\s+){0,4}?of\s+(?:shelling|firing|attacking|striking|bombing|killing|"
    r"launching|targeting|breaking|violating|carrying\s+out|staging|plotting|provoking)|"
    r"claimed\s+to\s+have|anniversary|remember(?:s|ed)?|commemorat\w*|memorial|"
    r"years?\s+(?:ago|since|after)|in\s+the\s+past|has\s+been\s+struck\s+repeatedly|struck\s+repeatedly|"
    r"exercises|drills|manoeuvres|maneuvers|war\s+games|sentenced|convicted|verdict|on\s+trial|"
    r"(?:images|photographs|photos|pictures|paintings|film|book|novel|exhibition)\s+"
    r"(?:show|depict|describe|recall|recreate)s?)\b",
    re.I,
)


def trigger_position(sentence: str, sub_type: S) -> int:
    """Where the sentence names its event of this sub-type (0 when it does not)."""
    for candidate, pattern in _TRIGGERS:
        if candidate == sub_type and (match := pattern.search(sentence)):
            return match.start()
    return 0


def reports_new_event(sentence: str) -> bool:
    """False for threats, denials, accusations, hypotheticals, drills, trials, looks back
    and what pictures or books "show" (present tense: art, not news footage)."""
    return not _NOT_NEW.search(sentence)


# Words that mark an article about sport, markets, culture or elections, whose war words are metaphors.
_FIGURATIVE_DOMAINS = re.compile(
    r"\b(?:goals?|derby|striker|midfield(?:er)?|final\s+whistle|relegation|league|penalty|"
    r"half-time|first\s+half|second\s+half|fans|pitch|manager|coach|season|tournament|"
    r"match|tries|try|winger|forwards|scrum|breakdown|kicks|wickets?|innings|batters?|bowlers?|"
    r"bouncers|umpire|stadium|Stade|series|"
    r"stocks?|shares|bonds?|yields?|crude|Brent|traders?|investors?|sell-off|chipmakers|"
    r"percent|index|Nasdaq|Dow|earnings|bulls?|bears?|price\s+war|currency|lira|rate\s+cut|"
    r"novel(?:'s)?|narrator|chapter|author|book|characters|readers?|film(?:'s)?|movie|director|cast|"
    r"actors|scenes|album|review(?:ers)?|premieres?|box\s+office|episode|streaming|"
    r"video\s+game|game(?:'s)?|players|multiplayer|consoles|"
    r"exhibition|photographs|images|gallery|museum|documentary|"
    r"candidates?|campaigns?|polls?|voters|battleground|"
    r"champion|challenger|title\s+fight|rounds|punches|knockout|bout|arena|judges|"
    r"\d+-\d+\s+(?:win|victory|defeat)|(?:win|won|beat|lost)\s+\d+-\d+)\b",
    re.I,
)
_REAL_VIOLENCE = re.compile(
    r"\b(?:civilians?|soldiers?|troops|militants?|insurgents?|rebels?|army|military|police|"
    r"residents|villagers|ministry|governor|hospital|medics|health\s+officials?)\b",
    re.I,
)


def is_figurative(text: str) -> bool:
    """Sport, markets, culture or campaigns using war words, with little sign of real violence."""
    domain_words = {m.group(0).lower() for m in _FIGURATIVE_DOMAINS.finditer(text)}
    violence_words = {m.group(0).lower() for m in _REAL_VIOLENCE.finditer(text)}
    return len(domain_words) >= 3 and len(domain_words) > 2 * len(violence_words)

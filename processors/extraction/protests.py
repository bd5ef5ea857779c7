"""How far a protest went, decided on the event's own sentences, in ACLED's order.

1. The protesters used violence, told as a verb, an adjective or a noun ("turned
   violent", "unrest", "pushing and shoving", blocking roads, tearing down barriers,
   stones or petrol bombs thrown at police, a building stormed, seized or occupied, walls
   climbed): a violent demonstration.
2. Protesters killed or injured, shoved or beaten, live fire, "excessive" or "lethal
   force", a crackdown, deaths the protest resulted in: excessive force against
   protesters.
3. Tear gas, pepper spray, water cannon, dispersal, chasing, detentions at the
   protest: a protest with intervention.
4. Otherwise: a peaceful protest.

The first reading found wins: protesters who threw stones and were then shot make a
violent demonstration, as ACLED codes it. The event's own sentences are its first and
the later ones that still speak of the protest: those naming it, and the one right after
the first that goes on with its crowd or its police ("They climbed the embassy's walls",
"Security forces then opened fire").
"""

from __future__ import annotations

import re

from processors.extraction.literals import gated
from schemas.taxonomy import SubEventType as S

_CROWD = (
    r"(?:protesters?|protestors?|demonstrators?|crowds?|marchers|mourners|students|youths|"
    r"supporters|activists|rioters|people|residents|villagers|workers|mobs?)"
)
# who protests, named as the doer of a violent act
_PROTEST_CROWD = (
    r"(?:protesters?|protestors?|demonstrators?|crowds?|marchers|rioters|mobs?|youths|"
    r"(?:angry|hundreds\s+of|thousands\s+of)\s+(?:people|residents|villagers|students|supporters))"
)
PROTEST_TYPES = frozenset(
    {
        S.PEACEFUL_PROTEST,
        S.PROTEST_WITH_INTERVENTION,
        S.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
        S.VIOLENT_DEMONSTRATION,
    }
)
# a protest is what the sentence is about
PROTEST_NOUNS = gated(
    r"\b(?:protest(?:s|ers?|ors?|ing)?|demonstrat(?:ions?|ors?|ing)|rall(?:y|ies)|marchers|marched|marching|"
    r"sit-ins?|rioters?|rioting|riots?(?!\s+(?:police|gear|squad|control|officers)))\b",
    re.I,
)
_PROTESTERS_VIOLENT = gated(
    r"\b(?:turn(?:s|ed|ing)?\s+(?:\w+\s+)?violent|violent(?:ly)?\s+(?:\w+\s+)?(?:protests?|protesters?|"
    r"protestors?|demonstrat\w+|rall(?:y|ies)|crowds?|clashes|confrontations?)|"
    r"escalat(?:e|es|ed|ing)\s+into\s+(?:\w+\s+)?(?:violence|clashes|riots?)|"
    r"riot(?:s|ed|ing|ers?)?(?!\s+(?:police|gear|squad|control|officers|shields?))|unrest|"
    r"pushing\s+and\s+shoving|scuffl(?:e|es|ed|ing)|skirmish(?:es|ed)?|clash(?:es|ed|ing)?|"
    r"scuffles|brawl\w*|melee|"
    r"block(?:s|ed|ing|ade|ades)?\s+(?:off\s+)?(?:the\s+|a\s+|major\s+|main\s+|several\s+|\w+\s+)?"
    r"(?:\w+\s+)?(?:roads?|highways?|motorways?|streets?|traffic|bridges?|railways?|rail\s+lines?|"
    r"routes?|junctions?|intersections?|passages?|border\s+crossings?|access)|"
    r"road\s*blocks?|barricad(?:ed|ing)|(?:erect\w*|set\s+up|put\s+up|buil(?:t|d|ds|ding)|burn\w*)\s+(?:\w+\s+)?barricades|burn(?:ed|ing|t|s)?\s+(?:\w+\s+)?(?:tyres|tires)|"
    r"(?:tear(?:s|ing)?|tore|pull(?:s|ed|ing)?|push(?:es|ed|ing)?)\s+down\s+(?:\w+\s+){0,2}?"
    r"(?:barriers?|barricades?|fences?|gates?|statues?|flags?)|"
    r"(?:thr(?:ew|own|ow|ows|owing)|hurl(?:s|ed|ing)?|pelt(?:s|ed|ing)?|fir(?:ed|ing))\s+(?:\w+\s+){0,2}?"
    r"(?:stones|rocks|bricks|bottles|eggs|projectiles|objects|petrol\s+bombs|molotov|firebombs|dynamite|"
    r"fireworks|firecrackers|flares|smoke\s+bombs)|stone-throwing|"
    r"petrol\s+bombs|molotov\s+cocktails|"
    r"(?:storm(?:s|ed|ing)?|ransack(?:s|ed|ing)?|vandali[sz](?:e|es|ed|ing)|smash(?:es|ed|ing)?|"
    r"loot(?:s|ed|ing)?|torch(?:es|ed|ing)?|set\s+(?:\w+\s+)?(?:on\s+fire|alight|ablaze)|(?:setting|sets)\s+fire\s+to|"
    r"set\s+fire\s+to|br(?:eak|oke|eaks)\s+into|attack(?:s|ed|ing)?|"
    r"(?:seiz(?:e|es|ed|ing)|occup(?:y|ies|ied|ying))\s+(?:the\s+|a\s+|an\s+|several\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:buildings?|offices?|ministry|ministries|parliament|headquarters|town\s+halls?|city\s+halls?)|"
    r"climb(?:s|ed|ing)?\s+(?:over\s+|up\s+)?(?:the\s+)?(?:[\w'’-]+\s+)?(?:walls?|fences?|gates?))\b)",
    re.I,
)
# who did it: a protester doing it, or it done "by protesters"; police storming a camp
# or attacking a march is no violence of the protesters'
_POLICE_ACT = re.compile(
    r"\b(?:police|policemen|officers|security\s+forces|troops|soldiers|army|authorities|guards|"
    r"gendarmes?|riot\s+police)\s+(?:[\w'’-]+\s+){0,3}?$",
    re.I,
)
_BY_PROTESTERS = re.compile(rf"\s*(?:\w+\s+){{0,3}}?by\s+(?:\w+\s+){{0,2}}?{_CROWD}", re.I)
_CROWD_BEFORE = re.compile(rf"\b{_PROTEST_CROWD}\b(?:\s+[\w'’,-]+){{0,8}}?\s*$", re.I)
_NEEDS_AGENT = re.compile(
    r"^(?:storm|ransack|vandal|smash|loot|torch|set|br(?:eak|oke)|attack|fir|seiz|occup|climb)",
    re.I,
)
# "blocked main roads in a peaceful campaign of civil disobedience": a sit-in on a road
_PEACEFUL = gated(
    r"\b(?:peaceful(?:ly)?|non-?violent(?:ly)?|civil\s+disobedience|without\s+(?:incident|violence))\b",
    re.I,
)
_BLOCKING = re.compile(r"block", re.I)
_EXCESSIVE = gated(
    r"\b(?:live\s+(?:fire|rounds|ammunition|bullets)|(?:excessive|lethal|deadly)\s+force|"
    r"crackdown(?!\s+on\s+(?:\w+\s+){0,3}?(?:social\s+media|online|internet|dissent|corruption|crime))|cracked\s+down|"
    r"(?:resulting\s+in|leaving|left|caus(?:ing|ed))\s+(?:at\s+least\s+|more\s+than\s+)?(?:\d+|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|dozens\s+of|scores\s+of)\s+(?:\w+\s+)?(?:deaths|dead)|"
    r"(?:open(?:s|ed)?\s+fire|fir(?:e|es|ed|ing))\s+(?:live\s+\w+\s+)?(?:on|at|into)\s+(?:\w+\s+){0,3}?"
    + _CROWD
    + r"|(?:shot|shoot(?:s|ing)?|kill(?:s|ed|ing)?|beat(?:s|en|ing)?|injur(?:e|es|ed|ing)|shov(?:e|es|ed|ing)|"
    r"wound(?:s|ed|ing)?)\s+(?:dead\s+)?(?:\w+\s+){0,3}?(?:protesters?|protestors?|demonstrators?|marchers)|"
    r"(?:protesters?|protestors?|demonstrators?|marchers)\s+(?:\w+\s+){0,2}?(?:die[sd]?|killed|shot\s+dead)\b|"
    r"(?:protesters?|protestors?|demonstrators?|marchers),?\s+(?:[\w'’,-]+\s+){0,16}?(?:were|was|are|is|being|"
    r"have\s+been|had\s+been)\s+(?:\w+\s+)?(?:shot|killed|injured|wounded|hurt|beaten)|"
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|dozens|scores|tens|hundreds)\s+(?:of\s+)?"
    r"(?:\w+\s+)?(?:protesters?|protestors?|demonstrators?|people|persons)\s+(?:\w+\s+){0,3}?"
    r"(?:killed|dead|died|die|injured|wounded|hurt)|"
    r"(?:killed|dead|died|die|dies|injured|wounded|hurt)\s+(?:\w+\s+){0,2}?(?:in|during|at)\s+(?:the\s+)?"
    r"(?:\w+\s+){0,2}?(?:protests?|demonstrations?|rall(?:y|ies)|marches)|death\s+toll)\b",
    re.I,
)
_INTERVENTION = gated(
    r"\b(?:tear\s*-?gas|pepper\s+spray(?:ed)?|water\s+cannons?|rubber\s+bullets|stun\s+grenades|"
    r"batons?|baton\s+charge\w*|"
    r"(?<!gathering\s)(?<!crowd\s)(?<!crowds\s)(?<!rally\s)(?<!march\s)(?<!protest\s)(?<!protesters\s)"
    r"(?<!demonstrators\s)(?<!later\s)(?<!eventually\s)(?<!then\s)"
    r"dispers(?:e|es|ed|ing|al)(?!\s+(?:peacefully|quietly|calmly|without|on\s+(?:its|their)\s+own|later|by\s+(?:noon|midday|evening|nightfall)))|br(?:oke|eak|eaks|oken)\s+up|chas(?:e|es|ed|ing)|"
    r"kettl(?:e|ed|ing)|evict(?:s|ed|ing)?|clear(?:s|ed|ing)?\s+(?:\w+\s+)?(?:camp|square|site|streets?)|"
    r"(?:end(?:s|ed)?|clear(?:s|ed)?|remov(?:e|es|ed)|raid(?:s|ed)?)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:sit-ins?|protest\s+camps?|encampments?|occupations?|blockades?)|"
    r"(?:protesters|protestors|demonstrators)\s+(?:are|were)\s+(?:forcibly\s+)?removed|"
    r"arrest(?:s|ed|ing)?|detain(?:s|ed|ing)?|detentions|rounded\s+up|taken\s+into\s+custody)\b",
    re.I,
)


def _by_protesters(text: str, match: re.Match[str]) -> bool:
    """Whether a violent act in TEXT is the protesters' rather than the police's."""
    if not _NEEDS_AGENT.match(match.group(0)):
        return True  # "unrest", "clashes", "turned violent": the protest's own
    if _BY_PROTESTERS.match(text, match.end()):
        return True  # "the parliament is stormed by protesters"
    before = text[max(0, match.start() - 70) : match.start()]
    return _CROWD_BEFORE.search(before) is not None and _POLICE_ACT.search(before) is None


# a sentence that goes on with the protest's crowd or its police, naming neither
_GOES_ON = re.compile(
    r"^(?:They|Some(?:\s+of\s+them)?|Many(?:\s+of\s+them)?|Others|The\s+crowds?|Police|"
    r"(?:The\s+)?(?:riot\s+police|police|security\s+forces|troops|soldiers|(?:[A-Z]\w+\s+){1,3}(?:Forces|Police)))\b"
)


def _later(sentences: list[str]) -> list[str]:
    """The event's own sentence, and the later ones that still speak of the protest: those
    naming it, and the next one when it goes on with the crowd or the police."""
    return sentences[:1] + [
        s
        for i, s in enumerate(sentences[1:])
        if PROTEST_NOUNS.search(s) or (i == 0 and _GOES_ON.match(s))
    ]


def protesters_violent(text: str) -> bool:
    peaceful = _PEACEFUL.search(text) is not None
    return any(
        _by_protesters(text, m) and not (peaceful and _BLOCKING.match(m.group(0)))
        for m in _PROTESTERS_VIOLENT.finditer(text)
    )


_ORDER = (
    S.PEACEFUL_PROTEST,
    S.PROTEST_WITH_INTERVENTION,
    S.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
    S.VIOLENT_DEMONSTRATION,
)


def stronger(a: S, b: S) -> S:
    """Of two protest readings, the one ACLED's order puts first."""
    return a if _ORDER.index(a) >= _ORDER.index(b) else b


def escalation(sentences: list[str]) -> S:
    """The protest sub-type the sentences tell, by the first of ACLED's readings that holds."""
    own = _later(sentences)
    if any(protesters_violent(sentence) for sentence in own):
        return S.VIOLENT_DEMONSTRATION
    if any(_EXCESSIVE.search(sentence) for sentence in own):
        return S.EXCESSIVE_FORCE_AGAINST_PROTESTERS
    if any(_INTERVENTION.search(sentence) for sentence in sentences):
        return S.PROTEST_WITH_INTERVENTION
    return S.PEACEFUL_PROTEST

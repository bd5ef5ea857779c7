"""Events told by who did them: a named armed side as the subject of an act of violence.

Local conflict news names its sides by the words of the place, not by "gunmen" or
"militants": "the junta", "PDF fighters", "KIA", "herdsmen", "cultists", "Boko Haram",
"NAF jets". A sentence with no trigger phrase and no casualty word the outcome rule
knows still reports an event when such a side (a word below, or a group on the
project's list) is

- the subject of an act of violence right after its name, with at most a few names,
  members or adverbs between ("KIA, PDF fight military", "herders murder 11 persons",
  "junta troops torch six villages", "NAF jets obliterate a meeting venue"). The act
  needs an object that can be hit: fighting, striking, clearing or destroying an armed
  side or its post ("the army fights corruption", "troops clear snow" are none);
  attacking an armed side, people or a named place ("attacks press freedom" is none);
  sacking a village, not a governor; rescuing from a side or from captivity;
- the agent of a passive act ("tortured and murdered by the junta", "shot by gunmen");
- the one hit: "two PDF members killed", "junta outpost attacked" (by arms or a side
  when an agent is named: "soldiers hit by pay cuts" is none);
- named with an operation told as a noun: "launches an offensive", "under siege",
  "opens a new front", "claims an attack on a column", "moves into a stronghold".
People killed with no side named ("four civilians killed in ...") are an attack too.

Its type follows ACLED: fighting between armed sides, or an armed side hit, is an armed
clash; killing or attacking anyone else is an attack on civilians; an air force's act is
an air strike, a bombing on the ground a remote explosive; torching, razing or blowing
up property, or destroying a shrine, a monument or homes, is property destruction,
burning people alive an attack. Police are a side
only when they kill, shoot or torture: a police raid is an arrest. An accident or a
disaster, a tally, a mass grave, "nobody was hurt", or an act after "after" or
"following" (the background of another matter) makes no event.
"""

from __future__ import annotations

import re

from processors.extraction.group_homes import group_mentions
from processors.extraction.literals import gated
from processors.extraction.outcomes import tells_no_new_harm
from schemas.taxonomy import SubEventType as S

# sides named by a word, in any case; the group list adds the named groups
_SIDE = gated(
    r"(?<![\w-])(?:juntas?|Tatmadaw|military|army|troops?|soldiers?|servicem[ae]n|regime|"
    r"(?:regime|junta|government|security|state|federal|military|pro-junta)\s+(?:forces|troops|soldiers|personnel)|"
    r"police(?:men)?|policem[ae]n|cops?|air\s*force|airforce|(?:fighter\s+)?jets?|air\s*crafts?|"
    r"militias?|militiam[ae]n|militia\s+members|vigilantes?|vigilance\s+groups?|"
    r"herds?m[ae]n|herders|Fulani|cultists?|cult\s+(?:members?|groups?|gangs?)|Islamists?|"
    r"insurgents?|terrorists?|militants?|rebels?|gunm[ae]n|bandits?|guerrill?as?|"
    r"resistance\s+(?:forces?|fighters?|groups?|members?|army)|"
    r"(?:anti|pro)-(?:regime|junta|government|coup|military)\s+(?:groups?|guerrill?as?|fighters|forces|"
    r"militias?|resistance|gunmen)|armed\s+forces|(?:local\s+)?resistance|"
    r"(?:people['’]s\s+)?defen[cs]e\s+(?:forces?|force\s+members)|Pyu\s+Saw\s+Htee|rangers?|"
    r"Boko\s+Haram|B['’]\s?Haram|mercenaries|armed\s+(?:men|groups?|mercenaries))(?![\w-])",
    re.I,
)
# acronyms of sides the group list does not carry as such, as written
_SIDE_ACRONYM = gated(r"(?<![\w-])(?:PDFs?|AA|NAF|BHT|KNDF|CDF|SAC)(?![\w-])")
_AIR_SIDE = re.compile(
    r"air\s*force|airforce|jets?|air\s*crafts?|NAF|aircraft|warplanes?|helicopters?|drones?", re.I
)
_POLICE_SIDE = re.compile(r"police|policem|cops?\b", re.I)
# who is a civilian when hit, though armed when acting: herders, a farmer's group
_CIVILIAN_SIDE = re.compile(r"herds?m|herders|Fulani", re.I)

_KILL = (
    r"kill(?:s|ed|ing)?|murder(?:s|ed|ing)?|slaughter(?:s|ed|ing)?|butcher(?:s|ed|ing)?|"
    r"massacre[sd]?|execut(?:e|es|ed|ing)|behead(?:s|ed)?|decapitat(?:e|es|ed)|"
    r"shoot(?:s|ing)?|shot|torture[sd]?|slit|stab(?:s|bed)?"
)
_ATTACK = (
    r"attack(?:s|ed)?(?!\s+(?:helicopters?|aircraft|jets?|planes?|dogs?|ads?|submarines?|drones?|boats?))|"
    r"raid(?:s|ed)?|assault(?:s|ed)?|ambush(?:es|ed)?|storm(?:s|ed)?|invade[sd]?|sack(?:s|ed)?"
)
_STRIKE = r"strike|strikes|struck|hit|hits|pound(?:s|ed)?"
_AIR_ACT = (
    r"bomb(?:s|ed)?|blast(?:s|ed)?|obliterat(?:e|es|ed)|destroy(?:s|ed)?|degrad(?:e|es|ed)|"
    r"neutrali[sz](?:e|es|ed)"
)
_GROUND_ACT = (
    r"bomb(?:s|ed)?|neutrali[sz](?:e|es|ed)|intercept(?:s|ed)?|dislodg(?:e|es|ed)|clear(?:s|ed)?|"
    r"destroy(?:s|ed)?|rescue[sd]?|rescuing|overr(?:an|un|uns)"
)
_FIGHT = r"fight(?:s)?|battl(?:e|es|ed)|clash(?:es|ed)?|engag(?:e|es|ed)"
_BURN = (
    r"bl(?:ow|ows|ew)\s+up|torch(?:es|ed)?|burn(?:s|ed|t)?|raze[sd]?|loot(?:s|ed)?|set\s+fire\s+to"
)
_ACT = re.compile(
    rf"(?P<verb>(?P<kill>{_KILL})|(?P<attack>{_ATTACK})|(?P<strike>{_STRIKE})|(?P<air>{_AIR_ACT})|"
    rf"(?P<ground>{_GROUND_ACT})|(?P<fight>{_FIGHT})|(?P<burn>{_BURN}))(?![\w-])",
    re.I,
)
# what may stand between a side's name and its verb: more names, the side's members,
# adverbs ("KIA, PDF fight", "junta troops allegedly torch", "Boko Haram fighters")
_GAP_WORD = re.compile(
    r"(?:and|&|allies|troops|forces|soldiers|fighters|members|militants|gunmen|personnel|"
    r"columns?|units?|men|groups?|jets|reportedly|allegedly|again|also|suspected|has|have|had|"
    r"(?i:continu|beg[iu]n|start)\w*\s+to|"
    r"(?!(?:In|On|At|Of|For|With|To|The|An?|Against|From|By|After|As|Over|Into|Amid|Despite|"
    r"Under|Near|Says?|Said|Is|Are|Was|Were|Be|Been|Not|No|Will|Would|Could|"
    r"May|Must|Should|Can|Seeks?|Vows?|Plans?|Wants?|Denies|Deny|Warns?|Accused|Demands?|Calls?|"
    r"Urges?|Asks?|Blames?|Condemns?|Threatens?|Faces?|Reports?|Claims?|Orders?|Needs?|Fears?)$)[A-Z][\w'’/-]*|"
    r"\w+ly)$"
)
_GAP_MAX = 3
# the object of a strike that is no act of violence: "strikes a deal", "hits back"
_NOT_STRUCK = re.compile(
    r"\s+(?:an?\s+|the\s+)?(?:deals?|agreements?|accords?|balance|chord|notes?|tone|poses?|back|out|"
    r"gold|records?|bargains?|compromises?|truces?|ceasefires?|jackpot|headlines|snags?|roadblocks?|"
    r"(?:\w+\s+)?(?:markets?|shares|stocks|prices|economy|budget|corruption|fires?|floods?|"
    r"covid|virus|disease|locusts?|rumou?rs?|critics|claims?|reports?))\b",
    re.I,
)
# the hit side: "two PDF members killed", "junta personnel killed", "Ranger killed"
_HIT = re.compile(
    r"\s+(?:(?:[\w'’-]+\s+){0,2}?)(?:killed|slain|dead|died|die|wounded|injured|casualties)\b", re.I
)
_BY = re.compile(
    r"\b(?P<verb>killed|slain|murdered|shot|slaughtered|butchered|massacred|executed|beheaded|decapitated|"
    r"tortured|beaten|hacked|attacked|ambushed|raided|torched|burned|burnt|razed|bombed|looted)\s+"
    r"(?:[\w'’,-]+\s+){0,4}?by\s+(?:the\s+|a\s+|an\s+)?",
    re.I,
)
# a side's operation told as a noun, with the side named anywhere: "the junta launches an
# offensive", "the town is under siege by the military", "killed in junta custody"
_OPERATION = re.compile(
    r"\b(?:(?:launch(?:es|ed|ing)?|intensif(?:y|ies|ied|ying)|step(?:s|ped|ping)?\s+up|"
    r"continu(?:e|es|ed|ing)|beg(?:in|ins|an)|resum(?:e|es|ed))\s+(?:\w+\s+){0,3}?"
    r"(?!(?:charm|diplomatic|media|legal|peace|PR|public|cyber|propaganda|political|campaign)\b)"
    r"(?:[\w-]+\s+)?(?:offensives?|attacks|assaults?|fighting|ground\s+operations?|military\s+operations?)|"
    r"offensives?\s+(?:continues?|against)|under\s+(?:heavy\s+)?(?:[\w'’-]+\s+){0,2}?(?:attack|siege)|"
    r"heavy\s+(?:loss(?:es)?|casualties)|open(?:s|ed|ing)?\s+(?:a\s+)?new\s+front|"
    r"claim(?:s|ed)?\s+(?:an?\s+)?(?:\w+\s+)?(?:attacks?|ambush(?:es)?|raids?)\s+(?:on|in|against|at)|"
    r"(?:military|ground|clearance)\s+operations?\s+underway|conduct(?:s|ed|ing)?\s+(?:\w+\s+)?"
    r"(?:military|ground|clearance)\s+operations?|(?:mov(?:e|es|ed)|push(?:es|ed)?)\s+into\s+(?:[\w'’-]+\s+){0,3}?"
    r"(?:strongholds?|enclaves?|hideouts?)|(?:on|go(?:es)?|went)\s+(?:a\s+)?(?:killing\s+)?rampage|"
    r"killed\s+in\s+(?:\w+\s+)?custody)\b",
    re.I,
)
_PASSIVE_VERB = re.compile(r"\w+ed|shot|slain|beaten|struck|hit|overrun", re.I)
_BY_NEXT = re.compile(r"\s*by\b", re.I)
_WEAPON = re.compile(
    r"\b(?:bombs?|mines?|landmines?|IEDs?|explosives?|shells?|shelling|mortars?|rockets?|missiles?|"
    r"grenades?|drones?|air\s*strikes?|gunfire|bullets?|snipers?)\b",
    re.I,
)
_NOT_SHOT = re.compile(
    r"\b(?:films?|videos?|photos?|pictures|scenes?|movies?|rumou?rs?|hoops|goals?|penalt(?:y|ies))\b",
    re.I,
)
_SACKED_PLACE = re.compile(
    r"\b(?:villages?|towns?|communit(?:y|ies)|cit(?:y|ies)|camps?|bases?)\b", re.I
)
_NAME = re.compile(r"\s*(?:the\s+)?[A-Z]")
# what a side destroys that is no armed object: places of worship, heritage, homes
_HERITAGE = re.compile(
    r"\b(?:monaster(?:y|ies)|church(?:es)?|mosques?|shrines?|temples?|tombs?|mausole(?:um|ums|a)|"
    r"museums?|arch(?:es)?|ruins|statues?|heritage|homes|houses|villages?)\b",
    re.I,
)
_CAPTIVES = re.compile(r"\b(?:hostages?|captives?|abduct\w*|kidnap\w*|captivity)\b", re.I)
# an act told as the background of another matter: "... after police shot a man"
_BACKGROUND = re.compile(r"\b(?:after|following|since|over|for)\s+(?:the\s+)?$", re.I)
# an armed side's post or convoy hit, told with no side: "two checkpoints attacked in ..."
_TARGET_HIT = gated(
    r"\b(?:police\s+(?:stations?|posts?|outposts?)|checkpoints?|outposts?|(?:military|army|junta|police|"
    r"security|regime)\s+(?:[\w'’-]+\s+)?(?:posts?|bases?|camps?|offices?|convoys?|columns?|stations?|barracks|"
    r"positions))\s+(?:[\w'’-]+\s+){0,5}?(?:(?:was|were|is|are|being|been)\s+)?"
    r"(?:attacked|ambushed|raided|stormed|overrun|bombed)\b",
    re.I,
)
# property destroyed, told with no side: "over 300 houses razed", "oil fields set on fire"
_PROPERTY_HIT = gated(
    r"\b(?:houses|homes|villages?|buildings|shops|properties|fields)\s+(?:\w+\s+){0,2}?"
    r"(?:razed|torched|burnt|burned(?:\s+down)?|set\s+(?:on\s+fire|ablaze|alight))\b",
    re.I,
)
# people killed, with no side named: in a headline, "Four civilians killed in Rakhine"
_UNNAMED_KILLING = gated(
    r"\b(?:(?:civilians?|villagers|farmers)\s+(?:[\w'’-]+\s+){0,4}?(?:killed|slain|murdered|massacred|shot\s+dead|"
    r"found\s+dead)|"
    r"feared\s+killed)\b",
    re.I,
)
_KILLING_OPERATION = re.compile(r"custody|rampage", re.I)
_ALIVE = re.compile(r"\s+(?:\w+\s+){0,3}?alive\b", re.I)
_CIVILIAN_WORDS = (
    r"civilians?|villagers?|people|persons|residents|locals|children|child|women|woman|men|man|"
    r"girls?|boys?|youths?|famil(?:y|ies)|farmers?|worshippers|students?|pupils|teachers?|traders?|"
    r"vendors?|passengers|travell?ers?|commuters|drivers?|workers?|refugees|displaced|IDPs|monks?|"
    r"abbots?|priests?|pastors?|imams?|Christians|Muslims|administrators?|officials?|wife|husband|"
    r"father|mother|sons?|daughters?|teenagers?|elderly|lawyers?|activists?|journalists?|"
    r"villages?|communit(?:y|ies)|homes?|houses?|churche?s?|mosques?|schools?|hospitals?|markets?|"
    r"vehicles?|bus(?:es)?|cars?|civilian\s+\w+"
)
# whom an act hit, when it names them: people, their places, or a number of them
_CIVILIAN_OBJECT = re.compile(
    rf"\b(?:{_CIVILIAN_WORDS}|\d+|two|three|four|five|six|seven|eight|nine|ten|dozens|scores|hundreds)\b",
    re.I,
)
# civilians or their dead named anywhere: "bodies recovered after a herdsmen attack"
_CIVILIAN_HARM = re.compile(rf"\b(?:{_CIVILIAN_WORDS}|bod(?:y|ies)|corpses?)\b", re.I)
_STOP_OBJECT = re.compile(
    r"[.;:!?]|\s(?:as|after|while|when|in|at|near|on|over|amid|despite)\s", re.I
)


# every word one of the readings needs: a sentence with none of them is never searched
# (gated, it is one look at the literal gate's pass, not a walk through the sentence)
_ANY_ACT = gated(
    r"kill|murder|slaughter|butcher|massacr|execut|behead|decapitat|shoot|shot|tortur|slit|stab|"
    r"attack|raid|assault|ambush|storm|invade|sack|strike|struck|hit|pound|bomb|blast|obliterat|"
    r"destroy|degrad|neutrali|intercept|dislodg|clear|rescu|overr|fight|battl|clash|engag|torch|"
    r"burn|raze|loot|blow|blew|fire|ablaze|alight|slain|dead|die|wound|injur|casualties|offensive|siege|loss|"
    r"front|claim|operation|stronghold|enclave|hideout|rampage|custody",
    re.I,
)


def _sides(text: str) -> list[tuple[int, int, str]]:
    """(start, end, words) of each armed side the text names, in reading order."""
    found = [(m.start(), m.end(), m.group(0)) for m in _SIDE.finditer(text)]
    found += [(m.start(), m.end(), m.group(0)) for m in _SIDE_ACRONYM.finditer(text)]
    found += [(start, end, text[start:end]) for start, end, _ in group_mentions(text)]
    return sorted(found)


def _is_side(text: str) -> bool:
    return bool(_SIDE.search(text) or _SIDE_ACRONYM.search(text) or group_mentions(text))


def _object(text: str, start: int) -> str:
    after = text[start : start + 80]
    stop = _STOP_OBJECT.search(after)
    return after[: stop.start()] if stop else after


def _act_after(text: str, end: int) -> re.Match[str] | None:
    """The verb a side's name is the subject of: the first word after it that is one,
    with only names, members and adverbs between."""
    position = end
    for _ in range(_GAP_MAX + 1):
        while position < len(text) and text[position] in " ,’'/":
            position += 1
        act = _ACT.match(text, position)
        if act is not None:
            return act
        word = re.match(r"(?:(?:continu|beg[iu]n|start)\w*\s+to|[\w'’&/-]+)", text[position:], re.I)
        if word is None or not _GAP_WORD.match(word.group(0)):
            return None
        position += word.end()
    return None


def _by_act(text: str, side: str, act: re.Match[str]) -> S | None:
    """The sub-type of the act a side is the subject of, or None when it is no violence."""
    obj = _object(text, act.end())
    verb = act.group("verb").lower()
    if _PASSIVE_VERB.fullmatch(verb) and (not obj.strip() or _BY_NEXT.match(obj)):
        # "three PDF members killed near Taze", "junta outpost attacked": the side was hit,
        # by arms or an armed side when one is named ("soldiers hit by pay cuts" is none)
        by = _BY_NEXT.match(obj)
        if by is not None and not (_is_side(obj[by.end() :]) or _WEAPON.search(obj)):
            return None
        return S.ATTACK if _CIVILIAN_SIDE.match(side) else S.ARMED_CLASH
    if _NOT_STRUCK.match(text, act.end()) or _NOT_SHOT.search(obj):
        return None  # "strikes a deal", "hits back", "shoots a film"
    if _AIR_SIDE.search(side) and (act.group("air") or act.group("strike") or act.group("kill")):
        return S.AIR_DRONE_STRIKE if obj.strip() else None
    if act.group("kill"):
        if _CIVILIAN_OBJECT.search(obj) or not _armed(obj):
            return S.ATTACK
        return S.ARMED_CLASH
    if _POLICE_SIDE.match(side):
        return None  # a police raid or clearance is an arrest, told by its own words
    if act.group("burn"):
        if verb.startswith("bl"):
            return S.LOOTING_PROPERTY_DESTRUCTION if obj.strip() else None
        return S.ATTACK if _ALIVE.match(text, act.end()) else S.LOOTING_PROPERTY_DESTRUCTION
    if act.group("air") and verb.startswith("bomb"):
        return S.REMOTE_EXPLOSIVE_LANDMINE_IED if obj.strip() else None
    if verb.startswith("rescu"):
        rescued = _is_side(text[act.end() :]) or _CAPTIVES.search(text)
        return S.ARMED_CLASH if rescued else None  # "the army rescues flood victims"
    if verb.startswith("sack") and not _SACKED_PLACE.search(obj):
        return None  # "the junta sacks its central bank governor"
    if verb.startswith("destroy") and _HERITAGE.search(obj):
        return S.LOOTING_PROPERTY_DESTRUCTION  # "ISIS destroys a monastery"
    if act.group("fight") or act.group("strike") or act.group("ground") or act.group("air"):
        # "fights corruption", "clears snow", "destroys seized drugs": no armed object
        return S.ARMED_CLASH if _armed(obj) else None
    if _armed(obj):
        return S.ARMED_CLASH
    if _CIVILIAN_OBJECT.search(obj):
        return S.ATTACK
    if not obj.strip():
        # "attack near the border": a noun, placed; its victims, if any, named elsewhere
        return S.ATTACK if _CIVILIAN_HARM.search(text[: act.start()]) else S.ARMED_CLASH
    return S.ARMED_CLASH if _NAME.match(obj) else None  # "attacks press freedom": no violence


def _armed(text: str) -> bool:
    return _is_side(text) or bool(
        re.search(
            r"\b(?:convoys?|columns?|outposts?|posts?|bases?|camps?|checkpoints?|positions?|"
            r"stations?|barracks|hideouts?|strongholds?|units?|battalions?|brigades?|offices?)\b",
            text,
            re.I,
        )
    )


def named_side_event(sentence: str) -> S | None:
    """The sub-type of the event a named armed side's act reports (see the module's rule),
    else None."""
    if not _ANY_ACT.search(sentence):
        return None  # most sentences: no word of an act, a hit or an operation at all
    sides = _sides(sentence)
    if not sides and not (
        _UNNAMED_KILLING.search(sentence)
        or _TARGET_HIT.search(sentence)
        or _PROPERTY_HIT.search(sentence)
    ):
        return None  # most sentences: no side, no killing, no post or home hit
    if tells_no_new_harm(sentence):
        return None
    if _UNNAMED_KILLING.search(sentence):
        return S.ATTACK
    if _TARGET_HIT.search(sentence):
        return S.ARMED_CLASH
    if _PROPERTY_HIT.search(sentence):
        return S.LOOTING_PROPERTY_DESTRUCTION
    for start, end, side in sides:
        if _BACKGROUND.search(sentence, max(0, start - 16), start):
            continue
        act = _act_after(sentence, end)
        if act is not None:
            found = _by_act(sentence, side, act)
            if found is not None:
                return found
        hit = _HIT.match(sentence, end)
        if hit is not None and not _CIVILIAN_SIDE.match(side):
            return S.ARMED_CLASH
        if hit is not None:
            return S.ATTACK
    operation = _OPERATION.search(sentence)
    if operation is not None:
        killing = _KILLING_OPERATION.search(operation.group(0))
        return S.ATTACK if killing else S.ARMED_CLASH
    for by in _BY.finditer(sentence):
        after = sentence[by.end() : by.end() + 40]
        named = _sides(after)
        if named and named[0][0] <= 12:
            verb = by.group("verb").lower()
            if verb.startswith(("torch", "burn", "raze", "loot")):
                return S.LOOTING_PROPERTY_DESTRUCTION
            if verb == "bombed":
                air = _AIR_SIDE.search(named[0][2])
                return S.AIR_DRONE_STRIKE if air else S.REMOTE_EXPLOSIVE_LANDMINE_IED
            before = sentence[max(0, by.start() - 60) : by.start()]
            return S.ARMED_CLASH if _is_side(before) else S.ATTACK
    return None

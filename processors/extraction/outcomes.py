"""Events told by their outcome: a casualty with an armed agent, a weapon or a fight nearby.

Most reports of battles and attacks never say "clash" or "attack": "a soldier was
killed by a sniper", "two policemen died when gunmen stormed a checkpoint", "the
bodies of three men were found with gunshot wounds", "regime forces lost 12 men".
A casualty statement (killed, died, wounded, executed, bodies found...) opens an
event when the same sentence names how (a weapon), by whom (an armed agent) or in
what (fighting, an ambush). Its type follows the weapon first, then the victims:
combatants killed by armed men is a battle, anyone else is an attack on civilians.
A death from an accident, a disaster or an illness is no event however it is told,
unless a weapon or an armed agent is named too ("a worker collecting virus samples is
shot dead": the virus is no cause of death).
"""

from __future__ import annotations

import re

from processors.extraction.literals import gated
from schemas.taxonomy import SubEventType as S

_CASUALTY = gated(
    r"\b(?:kill(?:s|ed|ing)?|murder(?:s|ed)?(?!\s+(?:of|case|cases|charges?|trials?|rate|suspects?))|dead|deaths?|die[sd]?|dying|slain|martyr(?:s|ed|dom)?|"
    r"wound(?:s|ed|ing)?|injur(?:e|es|ed|ing|y|ies)|casualties|bod(?:y|ies)|remains|corpses?|"
    r"execut(?:e|es|ed|ing|ion|ions)|behead\w*|assassinat\w*|liquidat\w*|"
    r"eliminat(?:e|es|ed|ing)\s+(?:\d+|[a-z]+)\s+(?:\w+\s+)?(?:militants|insurgents|rebels|fighters|terrorists|members)|"
    r"lost\s+(?:\d+|[a-z]+)\s+(?:of\s+(?:its|their)\s+)?(?:men|soldiers|fighters|members|troops)|"
    r"claim(?:s|ed|ing)?\s+the\s+lives?|human\s+losses|fatalities|(?:is|are|was|were)\s+shot)\b",
    re.I,
)
# what makes a death no conflict event, whatever else the sentence says
_NOT_CONFLICT = gated(
    r"\b(?:accidents?|accidental(?:ly)?|crash(?:es|ed)?|collisions?|collided|derail\w*|"
    r"floods?|flooding|earthquakes?|quakes?|landslides?|mudslides?|(?:a|the|tropical|severe|winter|snow|dust|sand|ice|rain|hail|wind|thunder)\s*storms?|storms?\s+(?:hit|hits|lash\w*|batter\w*|swept|sweeps?|struck|killed)|cyclones?|hurricanes?|"
    r"typhoons?|tornado(?:es)?|avalanches?|lightning|heat\s*waves?|drown\w*|stampedes?|"
    r"outbreaks?|epidemic|pandemic|cholera|ebola|covid(?:-19)?|coronavirus|virus|disease|cancer|"
    r"illness|overdose|heart\s+attack|natural\s+causes|(?:died|dies|death)\s+(?:\w+\s+){0,4}?(?:aged\s+\d+|at\s+the\s+age\s+of)|"
    r"gas\s+(?:leak|explosion|cylinder)|boiler|fireworks?|(?:mine|colliery|tunnel|building|bridge|roof|wall|house|dam|structure|ceiling|stage)s?\s+(?:\w+\s+)?collaps\w*|collaps\w*\s+of\s+(?:an?|the)\s+(?:\w+\s+)?(?:mine|colliery|tunnel|building|bridge|roof|wall|house|dam|structure|ceiling)|"
    r"(?:house|building|factory|forest|bush|wild)\s*fires?|blaze|capsized|sank|shipwreck|"
    r"poisoning|food\s+poisoning|suicide\s+(?:note|rate|prevention)|committed\s+suicide|"
    r"took\s+(?:his|her|their)\s+own\s+li(?:fe|ves)|self-inflicted)\b",
    re.I,
)
_SUICIDE = gated(
    r"\bsuicide\s+(?:bomb\w*|attack\w*|car|vest|blast)|\bblew\s+(?:himself|herself|themselves)\s+up\b",
    re.I,
)
# a stun grenade is riot control, no weapon of war
_GRENADE = gated(r"\b(?<!stun\s)(?<!stun-)grenades?\b", re.I)
_AIR = gated(
    r"\b(?:warplanes?|war\s+planes|jets?|aircraft|helicopters?|gunships?|drones?|UAVs?|"
    r"air\s*-?\s*strikes?|air\s+raids?|airstrikes?|aerial|barrel\s+bombs?|air\s+force|"
    r"bombing\s+raids?|raids?\s+by\s+(?:\w+\s+)?(?:planes|warplanes|jets))\b",
    re.I,
)
_SHELL = gated(
    r"\b(?:(?-i:shell(?:s|ed|ing)?)|artillery|mortars?|rockets?|missiles?|bombardments?|"
    r"projectiles?|howitzers?|tank\s+fire|Grad)\b",
    re.I,
)
_EXPLOSIVE = gated(
    r"\b(?:bombs?|bombings?|bomber|IEDs?|explosives?|explosions?|blasts?|(?-i:[Mm]ines?)|landmines?|"
    r"detonat\w*|booby[\s-]?trap\w*|car\s+bomb\w*|went\s+off|exploded|explodes?|"
    r"remnants\s+of\s+(?:the\s+)?(?:\w+\s+)?war|unexploded\s+ordnance|UXOs?)\b",
    re.I,
)
_EXECUTION = gated(
    r"\b(?:execut(?:e|es|ed|ing|ion|ions)|behead\w*|stoning|(?:stoned|stone[sd]?)\s+(?:to\s+death|a\b|an\b)|"
    r"crucif\w*|hang(?:s|ed)?\s+(?:the\s+)?bod|tortured\s+to\s+death)\b",
    re.I,
)
_FIGHT = gated(
    r"\b(?:fighting|fights?|fought|clash(?:es|ed)?|battles?|combat|confrontations?|ambush\w*|"
    r"offensive|firefights?|gun\s*battles?|exchange\s+of\s+fire|skirmish\w*|counter-?attacks?|"
    r"assaults?|attacks?|attacked|attacking|raids?|raided|operations?|violence|unrest|encounters?|"
    r"targeting|targeted)\b",
    re.I,
)
_BATTLE = gated(
    r"\b(?:fighting|clash\w*|battles?|combat|firefights?|gun\s*battles?|skirmish\w*|"
    r"exchange\s+of\s+fire|ambush\w*)\b",
    re.I,
)
_ASSASSINATION = gated(r"\bassassinat\w*", re.I)
# "killed on Mindanao between the government and armed groups": two armed sides fought
_ARMED_WORD = (
    r"(?:government|army|military|troops|soldiers|forces|police|junta|regime|rebels?|militants?|"
    r"insurgents?|jihadists?|militias?|armed\s+groups?|guerrill?as?|fighters|separatists)"
)
# "the army suffers heavy casualties": an armed side hit, whoever hit it
_SIDE_LOSSES = gated(
    r"\b(?:army|military|junta|troops|forces|soldiers|regime|convoys?|columns?|rebels|militants|"
    r"insurgents|fighters|militias?|Army|Tatmadaw)\s+(?:\w+\s+)?suffer(?:s|ed|ing)?\s+"
    r"(?:heavy\s+|huge\s+|serious\s+|more\s+|significant\s+)?(?:casualties|losses)\b",
    re.I,
)
_BETWEEN_SIDES = gated(
    rf"\bbetween\s+(?:the\s+)?(?:[\w'’-]+\s+){{0,3}}?{_ARMED_WORD}\s+and\s+(?:the\s+)?"
    rf"(?:[\w'’-]+\s+){{0,3}}?{_ARMED_WORD}\b",
    re.I,
)
# words that only war reporting uses for its dead ("martyrs", "human losses")
_WAR_LOSSES = gated(r"\b(?:martyr(?:s|ed|dom)?|human\s+losses|casualties)\b", re.I)
_GUN = gated(
    r"\b(?:gunm[ae]n|gunfire|gunshots?|snipers?|shot|shoots?|shooter|shooting|bullets?|opened\s+fire|"
    r"fir(?:e|es|ed|ing)\s+(?:up)?on|fire-?bombs?|petrol\s+bombs?|molotov|"
    r"(?:guards?|forces|troops|soldiers|police|army|gunmen)['’]?\s+fire|"
    r"open\s+fire|opens\s+fire|live\s+(?:fire|rounds|ammunition)|stabb\w*|stabs?|machetes?|knives|"
    r"armed\s+m[ae]n|armed\s+groups?|assailants?|attackers?|militants?|insurgents?|rebels?|jihadists?|"
    r"militia\w*|bandits?|gangs?|cartel|terrorists?|extremists?|fighters|factions?|cells|"
    r"soldiers?|troops|forces|army|military|police(?:men)?|guards|coast\s*guards?|navy|commandos?|regime|Islamic\s+State|ISIS|ISIL|"
    r"(?-i:IS)|Taliban|al-Shabaa?b|Boko\s+Haram|Houthis?|SDF|YPG|PKK|Hezbollah|Hamas|"
    r"(?-i:Ahrar|Jaysh|Jaish|Jabhat|Faylaq|Failaq|Liwa|Hayyaat|Harakat|Fateh\s+al-Sham))\b",
    re.I,
)
_BODIES_FOUND = gated(
    r"\b(?:bod(?:y|ies)|remains|corpses?)\b.{0,80}?\b(?:found|discovered|recovered|dumped|"
    r"retrieved|exhumed)\b|\b(?:found|discovered|recovered)\b.{0,40}?\b(?:bod(?:y|ies)|corpses?)\b",
    re.I,
)
_VIOLENT_DEATH = gated(
    r"\b(?:gunshot|bullet|shot|tortur\w*|dismember\w*|behead\w*|mutilat\w*|decapitat\w*|"
    r"bound|blindfolded|handcuffed|execut\w*|stab\w*|slit)\b",
    re.I,
)
_COMBATANTS = gated(
    r"\b(?:soldiers?|troops|servicem[ae]n|fighters?|militants?|rebels?|insurgents?|jihadists?|separatists?|guerrillas?|"
    r"Islamists|kingpins?|battalions?|brigades?|regiments?|garrisons?|"
    r"(?:terror(?:ist)?|militant|insurgent|jihadist|Boko\s+Haram|rebel)\s+suspects|"
    r"policem[ae]n|police\s+officers?|officers?|commanders?|gunm[ae]n|militiam[ae]n|guards?|"
    r"reinforcements|"
    r"(?:people['’]s\s+)?defen[cs]e\s+forces?|resistance\s+(?:forces?|fighters?|members?)|"
    r"bases?|outposts?|garrisons?|"
    r"personnel|conscripts?|recruits|elements|(?:security\s+)?operatives?|commandos?|bodyguards?|terrorists?|paramilitar(?:y|ies)|"
    r"village\s+(?:guards?|defen[cs]e\s+(?:volunteers?|forces?|guards?))|home\s+guards?|vigilantes?|"
    r"(?:civilian\s+)?joint\s+task\s+force|CJTF|self-defen[cs]e\s+(?:forces?|groups?|units?|militias?)|militias?|"
    r"(?:local|tribal|community|ethnic|pro-government|government-backed)\s+(?:militias?|fighters|guards?|defen[cs]e\s+forces?)|"
    r"tribesm[ae]n|dozos?|Koglweogo|Imbonerakure|Mai-Mai|Mai\s+Mai|anti-balaka|Rangers|Levies|Frontier\s+Corps|"
    r"police(?:\s+(?:station|post|checkpoint|check\s*post|patrol|vehicle|convoy))?|check\s*posts?|checkpoints?|"
    r"(?:military|army|security)\s+(?:convoys?|bases?|posts?|outposts?|patrols?|vehicles?|positions|barracks)|"
    r"security\s+(?:guards?|posts?|personnel)|members\s+of\s+(?:the\s+)?(?:[\w'’-]+\s+){0,4}?"
    r"(?:forces|army|militias?|factions?|organi[sz]ation|group|police|brigades?|units?|"
    r"Islamic\s+State|ISIS|SDF|Hezbollah|Corps)|(?:regime|government|security)\s+forces|"
    r"members\s+of\s+(?:ISIS|(?-i:IS)|ISIL|SDF|YPG|HTS|Tahrir\s+al-Sham)|"
    r"(?:ISIS|(?-i:IS)|ISIL|Taliban|SDF|YPG|Shabaa?b|Boko\s+Haram)\s+(?:members|fighters|militants|elements))\b",
    re.I,
)
_CIVILIANS = gated(
    r"\b(?:civilians?|citizens?|people|persons|residents|villagers|children|child|kids|women|woman|"
    r"men|man|girls?|boys?|teenagers?|couples?|family|families|farmers?|herders?|shepherds?|worshippers|"
    r"students?|pupils|teachers?|doctors?|nurses?|journalists?|reporters?|activists?|traders?|"
    r"merchants?|drivers?|passengers|workers?|displaced|refugees|migrants|judges?|officials?|"
    r"mayors?|chiefs?|elders?|clerics?|imams?|priests?|candidates?|politicians?|young\s+m[ae]n)\b",
    re.I,
)


# who speaks is no victim: "officials said", "according to residents", "..., militia says"
_SPEAKER = re.compile(
    r"(?:,\s*)?\b(?:(?:local|police|security|military|army|government|hospital|health|village|district|"
    r"provincial|senior|an?|the|two|other)\s+)*(?:officials?|spokes(?:man|woman|person)|residents|witnesses|"
    r"sources|elders?|police|officers?|authorities|medics|doctors)\s+(?:said|say|says|told|reported|added|confirmed)\b|"
    r",\s*(?:the\s+|a\s+|local\s+)?(?:militias?|vigilantes?|locals|military|army|troops|rebels|group)\s+"
    r"(?:said|says|told|claims?|claimed)\b|"
    r"\baccording\s+to\s+(?:\w+\s+){0,4}?(?:officials?|residents|witnesses|sources|police|authorities|medics|elders?)\b",
    re.I,
)


# a headline's source after a dash or colon: "... in Yobe - Official", "...: residents"
_ATTRIBUTION = re.compile(r"\s*(?:\s[-–—]+|:)\s*(?:[\w'’.]+,?\s*){1,4}$")


def _by_whom(sentence: str) -> S:
    """Battle when only combatants are hit, else an attack on civilians."""
    sentence = _SPEAKER.sub(" ", _ATTRIBUTION.sub("", sentence))
    if _COMBATANTS.search(sentence) and not _CIVILIANS.search(sentence):
        return S.ARMED_CLASH
    return S.ATTACK


# The victims of a casualty statement, never its agent: the object of an active verb
# ("militiamen kill six mediators", "soldiers shoot and wound four men"), else the
# subject of a passive or intransitive one ("a 15-year-old is shot by police", "a couple
# shot dead by gunmen", "two soldiers die").
_HIT = gated(
    r"\b(?:kill(?:s|ed|ing)?|shot|shoots?|murder(?:s|ed)?|wound(?:s|ed)?|injur(?:e|es|ed)|slain|"
    r"slaughter(?:s|ed)?|massacre[sd]?|behead(?:s|ed)?|hack(?:s|ed)\s+to\s+death|execut(?:e|es|ed)|"
    r"stab(?:s|bed)?|die[sd]?|dead)\b",
    re.I,
)
_ACTIVE = re.compile(
    r"(?:kills?|killing|shoots?|murders?|wounds?|injures?|slaughters?|massacres?|beheads?|executes?|stabs?)$",
    re.I,
)
_TRANSITIVE = re.compile(
    r"(?:killed|shot|murdered|wounded|injured|slaughtered|massacred|beheaded|executed|stabbed)$",
    re.I,
)
_AUXILIARY_BEFORE = re.compile(
    r"\b(?:is|are|was|were|been|being|be|get|gets|got|have|has|had)\s+(?:\w+\s+)?$", re.I
)
_OBJECT_AFTER = re.compile(
    r"\s+(?:dead\s+)?(?:(?:at\s+least|more\s+than|some|about|nearly|up\s+to|over)\s+"
    r"(?=\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|a\s+dozen|dozens|"
    r"scores|hundreds)\b))?"
    r"(?:\d|['‘’\"]|a\b|an\b|the\b|one\b|two\b|three\b|four\b|five\b|six\b|seven\b|eight\b|nine\b|ten\b|"
    r"several\b|dozens\b|scores\b|many\b|his\b|her\b|their\b|its\b|him\b|them\b|"
    r"(?!(?:In|On|At|Near|Over|During|After|As|By|From|With|For|Since|Amid|Across|Inside|Outside|Along|"
    r"Around|Following|While|When|And|Or|But|To|Into|Yesterday|Today|Last|This|Early|Late)\b)(?-i:[A-Z]))",
    re.I,
)
_SUBJECT_START = re.compile(r".*(?:^|[;:]|\b(?:as|after|when|while|where|but)\s)", re.I | re.S)


# an armed group named as the victims: its members were hit
_ARMED_GROUP = gated(
    r"\b(?:Boko\s+Haram|ISIS|ISIL|(?-i:IS)|Islamic\s+State|Daesh|Taliban|al-Shabaa?b|Shabaa?b|Houthis?|"
    r"al-Qaeda|AQAP|JNIM|ISWAP|guerr?ill?as?|Tatmadaw|PKK|YPG|SDF|HTS|Nusra|TNLA|MNDAA|(?-i:KIA|AA|PDFs?))\b",
    re.I,
)
_BY_AGENT = re.compile(
    r"\bby\s+(?:[\w'’-]+\s+){0,4}?[\w'’-]+(?=[,.;:]|\s+(?:in|on|at|near|during|after|as)\b|$)", re.I
)


# a group named before an act noun did the act: "killed in a Boko Haram raid on a village",
# "died in an IS attack": the agent, never the victims
_GROUP_ACT = re.compile(
    r"\b(?:in|during|by)\s+(?:an?\s+|the\s+)?(?:suspected\s+|fresh\s+|another\s+|new\s+|deadly\s+)*"
    r"(?:'|‘)?(?:Boko\s+Haram|ISIS|ISIL|(?-i:IS)|Islamic\s+State|Daesh|Taliban|al-Shabaa?b|Shabaa?b|Houthis?|"
    r"al-Qaeda|AQAP|JNIM|ISWAP|jihadists?|militants?|insurgents?|rebels?|gunm[ae]n|bandits?|"
    r"militiam[ae]n|terrorists?|herds(?:men|man)|herders?)(?:'|’)?\s+"
    r"(?:attacks?|raids?|assaults?|strikes?|ambush(?:es)?|offensives?|onslaughts?|incursions?|invasions?)\b",
    re.I,
)


# where the words after a passive casualty verb stop naming its victims
_PASSIVE_REST_END = re.compile(
    r"[;:.]|,\s+(?!including|among)|\s(?:as|after|when|while|and|but|trying|attempting)\s", re.I
)


def _victims_and_context(sentence: str) -> tuple[str, str, bool, bool] | None:
    """The words naming who a casualty statement says was hit, the sentence without its
    agent (to read when the victims are only a number), whether an armed group is named
    as the victims themselves, and whether the agent is left out of the context (an
    active verb's subject); None without a casualty verb."""
    sentence = _SPEAKER.sub(" ", _ATTRIBUTION.sub("", sentence))
    hit = _HIT.search(sentence)
    if hit is None:
        return None
    verb = hit.group(0)
    before = sentence[: hit.start()]
    after = sentence[hit.end() : hit.end() + 120]
    active = _ACTIVE.match(verb) is not None or (
        _TRANSITIVE.match(verb) is not None
        and _AUXILIARY_BEFORE.search(before) is None
        and _OBJECT_AFTER.match(sentence, hit.end()) is not None
    )
    if active:
        # the agent is the subject, named before any act: "Hezbollah targets a military
        # convoy, killing two": the convoy is who was hit, "soldiers raid a Boko Haram
        # hideout, kill two": the hideout's men
        act = _HOSTILE_ACT.search(before)
        context = (before[act.start() :] if act else "") + after
        return after, context, True, True  # the object of an active verb is the victims
    start = _SUBJECT_START.match(before)
    subject = before[start.end() if start else 0 :][-120:]
    rest = _BY_AGENT.sub(
        " ",
        _GROUP_ACT.sub(
            " an attack", after[: m.start()] if (m := _PASSIVE_REST_END.search(after)) else after
        ),
    )
    # "a Boko Haram kingpin killed", "42 killed including 15 IS": the group's men
    named = " ".join(subject.split()[-5:]) + " " + rest
    return (
        f"{subject} {rest}",
        _BY_AGENT.sub(" ", _GROUP_ACT.sub(" an attack", sentence)),
        _ARMED_GROUP.search(named) is not None,
        False,
    )


def _by_victims(sentence: str) -> S:
    """Battle when the victims named are all combatants, else an attack on civilians;
    victims told only as a number are read from the sentence without its agent."""
    found = _victims_and_context(sentence)
    if found is None:
        # "gunmen open fire at a mosque, resulting in one death": a place of civilians hit
        return S.ATTACK if _FIRE_AT_CIVILIANS.search(sentence) else _by_whom(sentence)
    victims, context, group_named, agent_dropped = found
    if group_named and _ARMED_GROUP.search(victims) and not _CIVILIANS.search(victims):
        return S.ARMED_CLASH  # "troops kill 10 Boko Haram", "a Boko Haram kingpin killed"
    if _COMBATANTS.search(victims) or _CIVILIANS.search(victims):
        return _by_whom(victims)
    if agent_dropped and _ARMED_GROUP.search(context) and not _CIVILIANS.search(context):
        return S.ARMED_CLASH
    return _by_whom(context)


def armed_victims(text: str) -> bool:
    """Whether the people TEXT names as hit are all armed: soldiers, guards, militants, a
    named armed group's base ("an attack on a KIA base"); not a group named as the agent of
    a raid ("shot dead in a Taliban raid")."""
    text = _GROUP_ACT.sub(" an attack", text)
    if _ARMED_GROUP.search(text) and not _CIVILIANS.search(text):
        return True
    return _by_whom(text) == S.ARMED_CLASH


# "killed 30 across Ukraine over the past day": a tally of many incidents, not one
_TALLY = gated(
    r"\b(?:across|throughout|all\s+over)\s+(?:the\s+)?(?:country|region|(?-i:[A-Z])\w+)\b|"
    r"\b(?:over|in|during)\s+the\s+(?:past|last)\s+(?:day|week|month|year|\d+\s+(?:hours|days)|"
    r"(?:two|three|four|five|six|seven|ten)\s+(?:hours|days))\b|"
    r"\b(?:deaths|killings|murders|homicides)\s+(?:\w+\s+){0,2}?(?:last|this|in\s+a|per|a|each)\s+(?:month|year)\b|"
    r"\b(?:death|murder|homicide|killing)\s+rates?\b",
    re.I,
)


# a mass grave or an exhumation reports killings of an earlier time, not a new incident
_EARLIER_KILLINGS = gated(r"\b(?:mass\s+graves?|exhum\w*)\b", re.I)
# "in the last five days": a span of many days, not one incident's
_PAST_SPAN = gated(
    r"\b(?:in|over|during)\s+the\s+(?:past|last)\s+(?:\w+\s+)?(?:days|weeks|months|years)\b", re.I
)
# a weapon or an armed agent: with one, an "explosion" or a death is no accident
_ARMED_CONTEXT = gated(
    r"\b(?:bomb\w*|IEDs?|explosive\s+devices?|mines?|landmines?|grenades?|rockets?|missiles?|shell(?:s|ing)|"
    r"mortars?|artillery|drones?|air\s*strikes?|militants?|insurgents?|rebels?|jihadists?|gunm[ae]n|"
    r"attack(?:s|ed|ers)?|suicide\s+bomb\w*|terror\w*|"
    r"(?:plough|plow|ram|rammed|drove|drives|slam)\w*\s+into\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:crowds?|revell?ers|pedestrians|people|shoppers|worshippers|protesters|marchers))\b",
    re.I,
)


_NONE_HURT = gated(
    r"\b(?:no|without|nobody|none|neither)\b(?:\s+\w+){0,3}?\s+(?:casualt|kill|dead|death|injur|wound|hurt)",
    re.I,
)


# gunfire that hit someone: no accident or illness word makes that death a natural one
_SHOT_AT = gated(
    r"\b(?:hit|struck|riddled|sprayed)\s+(?:by|with)\s+(?:\w+\s+)?(?:gunfire|bullets)|shot\s+dead|gunned\s+down\b",
    re.I,
)


def tells_no_new_harm(sentence: str) -> bool:
    """A mishap or a disaster (whatever else is named), killings of an earlier time or a
    tally of many, or nobody hurt: no casualty of a new act of violence is told."""
    return bool(
        _NOT_CONFLICT.search(sentence)
        or _EARLIER_KILLINGS.search(sentence)
        or _PAST_SPAN.search(sentence)
        or _NONE_HURT.search(sentence)
    )


def is_accident(sentence: str) -> bool:
    """Deaths or a blast from an accident, a disaster or an illness, with no weapon named."""
    return bool(_NOT_CONFLICT.search(sentence)) and not _ARMED_CONTEXT.search(sentence)


# An armed side acting on another, told without a casualty: "ISIS attacks the regime
# forces", "regime forces target the countryside of Hama", "raids target two towns".
_ARMED_SIDE = gated(
    r"\b(?:forces|troops|army|regime|soldiers|rebels|militants|insurgents|jihadists|fighters|factions?|"
    r"militias?|militiamen|gunmen|cells|Islamic\s+State|ISIS|ISIL|(?-i:IS)|Daesh|Taliban|al-Shabaa?b|"
    r"Boko\s+Haram|Houthis?|SDF|YPG|PKK|HTS|Tahrir\s+al-Sham|Hezbollah|Hamas|coalition|organi[sz]ation|"
    r"tribes?|tribesm[ae]n|clans?|clansm[ae]n)\b",
    re.I,
)
_HOSTILE_ACT = gated(
    r"\b(?:attack(?:s|ed|ing)?|target(?:s|ed|ing)?|assault(?:s|ed)?|storm(?:s|ed)?|raid(?:s|ed)?|"
    r"ambush(?:es|ed)?|bombard(?:s|ed)?|pound(?:s|ed)?|strik(?:es|ing)|struck|hit(?:s)?|"
    r"advanc(?:e|es|ed)\s+(?:\w+ly\s+)?(?:on|towards?|into|against)|offensive\s+(?:on|against)|"
    r"bomb(?:s|ed|ing)?|end(?:s|ed)?\s+the\s+presence\s+of)\b",
    re.I,
)
_PLACES_HIT = gated(
    r"\b(?:areas?|villages?|towns?|countryside|neighbou?rhoods?|outskirts|cit(?:y|ies)|districts?|"
    r"hills?|regions?|provinces?|positions|suburbs?|capital)\b",
    re.I,
)
# where civilians are, as the object of an attack
_CIVILIAN_PLACES = gated(
    r"\b(?:bars?|restaurants?|caf[eé]s?|hotels?|shops?|markets?|churche?s?|mosques?|temples?|"
    r"schools?|universit(?:y|ies)|hospitals?|clinics?|homes?|houses?|villages?|camps?|buses|bus|"
    r"weddings?|funerals?|nightclubs?|malls?|embass(?:y|ies)|offices?)\b",
    re.I,
)
_FIRE_AT_CIVILIANS = gated(
    r"\b(?:open(?:s|ed)?\s+fire|fir(?:e|es|ed|ing)|shoot(?:s|ing)?)\s+(?:at|on|in|into|inside)\s+(?:an?|the)\s+"
    r"(?:[\w'’-]+\s+)?(?:bars?|restaurants?|caf[eé]s?|hotels?|shops?|markets?|churche?s?|mosques?|temples?|"
    r"schools?|universit(?:y|ies)|hospitals?|clinics?|homes?|houses?|buses|bus|weddings?|funerals?|"
    r"nightclubs?|malls?|supermarkets?|crowds?|worshippers|passengers)\b",
    re.I,
)
_NAME_NEXT = re.compile(r"\s+(?:the\s+)?(?:(?:al|el)-)?[A-Z]")
_DEADLY = gated(r"\b(?:deadly|fatal|lethal)\b", re.I)
_EXPLOSION_NEWS = gated(r"\b(?:explosions?|blasts?)\b", re.I)
_AIR_RAIDS = gated(
    r"\b(?:\d+|tens\s+of|dozens\s+of|more)?\s*raids?\s+(?:target\w*|on|hit\w*|pound\w*)\b", re.I
)


def untriggered_event(sentence: str) -> S | None:
    """The sub-type of the event a sentence with no trigger phrase reports, else None:
    by its casualties first, then by an armed side's act on another."""
    if (
        (_NOT_CONFLICT.search(sentence) and not _SHOT_AT.search(sentence))
        or _TALLY.search(sentence)
        or _NONE_HURT.search(sentence)
    ):
        return None
    if _CASUALTY.search(sentence) and not _EARLIER_KILLINGS.search(sentence):
        found = _by_outcome(sentence)
        if found is not None:
            return found
    return _by_act(sentence)


def _by_act(sentence: str) -> S | None:
    """An armed side's act on another told without casualties."""
    if _AIR_RAIDS.search(sentence):
        return S.AIR_DRONE_STRIKE
    if _EXPLOSION_NEWS.search(sentence) and _ARMED_CONTEXT.search(sentence) is None:
        # "deadly explosions at the arena": a blast that killed, with no accident named
        told = _PLACES_HIT.search(sentence) or _ARMED_SIDE.search(sentence)
        return S.REMOTE_EXPLOSIVE_LANDMINE_IED if told or _DEADLY.search(sentence) else None
    agent = _ARMED_SIDE.search(sentence)
    act = _HOSTILE_ACT.search(sentence)
    if agent is None or act is None:
        return None
    after = sentence[act.end() :]
    if act.group(0).lower().startswith(("target", "bomb")) and not _COMBATANTS.search(after):
        # "rebels target Damascus", "regime forces bomb five areas": fire on a place
        places_hit = _PLACES_HIT.search(sentence) or _NAME_NEXT.match(after)
        return S.SHELLING_ARTILLERY_MISSILE_ATTACK if places_hit else None
    civilian_target = _CIVILIANS.search(after) or _CIVILIAN_PLACES.search(after)
    if civilian_target and not _COMBATANTS.search(after) and not _ARMED_GROUP.search(after):
        return S.ATTACK  # "gunmen attacked a bar", "militants stormed a village"
    return S.ARMED_CLASH


def _by_outcome(sentence: str) -> S | None:
    """A casualty statement typed by its weapon, then by its victims."""
    if _SUICIDE.search(sentence):
        return S.SUICIDE_BOMB
    if _GRENADE.search(sentence):
        return S.GRENADE
    if _AIR.search(sentence):
        return S.AIR_DRONE_STRIKE
    if _EXPLOSIVE.search(sentence):
        return S.REMOTE_EXPLOSIVE_LANDMINE_IED
    if _SHELL.search(sentence):
        return S.SHELLING_ARTILLERY_MISSILE_ATTACK
    if _EXECUTION.search(sentence):
        return S.ATTACK
    if _BODIES_FOUND.search(sentence):
        return S.ATTACK if _VIOLENT_DEATH.search(sentence) else None
    if _BATTLE.search(sentence) or _BETWEEN_SIDES.search(sentence) or _SIDE_LOSSES.search(sentence):
        return S.ARMED_CLASH
    if (
        _FIGHT.search(sentence)
        or _GUN.search(sentence)
        or _ASSASSINATION.search(sentence)
        or _WAR_LOSSES.search(sentence)
    ):
        return _by_victims(sentence)
    return None

"""Sentences that report no ACLED event although a trigger word is in them.

ACLED codes political violence, protests and strategic moves of armed and political
actors; it does not code the talk around them, diplomacy, justice, accidents or crime:

- A claim of responsibility or a blame for an attack reported before ("X claims
  responsibility for the bombing", "Y blames Z for Monday's attack"): the claim comes
  before the attack's words and names it as known (a definite article, a past day).
- A perpetrator identified ("the attacker is identified as ...", "police identify the
  gunman as ..."): the attacker or the identifying verb comes before the attack's words.
- A ban on protests imposed, lifted or overturned ("the city bans demonstrations", "a
  court overturns the ban on rallies"); "thousands march despite a ban" stays a march.
- A report or documents that state, blame or show ("a report by X blames air strikes
  for ...", "declassified documents show ..."): a look at many events, or at old ones,
  not one new event.
- Sanctions, expelled diplomats, conventions and treaties: diplomacy.
- An industrial accident: a plant, factory, furnace, refinery, pipeline, tanker or
  warehouse exploding, burning or leaking gas. The rule is anchored on the industrial
  object, and a weapon or an armed agent named anywhere keeps the event: a bomb hidden
  in a container stays a bomb.
- A judicial execution, an arrest warrant, a court's order, ruling or award: justice.
- Sport and metaphor ("a clash of oars", "the contract was fought for").
- An arrest with nothing political or armed in the article: ordinary crime.
"""

from __future__ import annotations

import re

from processors.extraction.literals import gated

_CLAIM_OR_BLAME = gated(
    r"\b(?:claim(?:s|ed|ing)?\s+(?:\w+\s+){0,3}?responsibility\s+(?:\w+\s+){0,3}?for|"
    r"(?:blam(?:e|es|ed|ing)|accus(?:e|es|ed|ing)|hold(?:s|ing)?\s+(?:\w+\s+){0,3}?responsible)\s+"
    r"(?:[\w'’-]+\s+){0,8}?for|(?:is|are|was|were)\s+(?:blamed|held\s+responsible)\s+for)\b",
    re.I,
)
# the attack the claim is about is one already told: "the attack", "Monday's bombing"
_KNOWN_ATTACK = re.compile(
    r"\s*(?:the|these|those|this|that|yesterday['’]s|last\s+\w+['’]s|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day['’]s|recent|earlier|previous|(?:an?|the)\s+(?:\w+\s+){0,10}?"
    r"(?:on\s+(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)|last\s+(?:week|month|year)|earlier\s+this))\b",
    re.I,
)
_IDENTIFIED = gated(
    r"\b(?:(?:attackers?|gunm[ae]n|suspects?|bombers?|perpetrators?|shooters?|assailants?|killers?|"
    r"culprits?|m[ae]n|wom[ae]n)\b[^.;:]{0,120}?\b(?:is|are|was|were|has\s+been|have\s+been)\s+(?:\w+\s+)?"
    r"identified|identif(?:y|ies|ied|ying)\s+(?:the\s+|a\s+|two\s+|three\s+|one\s+)?(?:[\w-]+\s+)?"
    r"(?:attackers?|gunm[ae]n|suspects?|bombers?|perpetrators?|shooters?|assailants?|killers?|culprits?))\b",
    re.I,
)
_PROTEST_BAN = gated(
    r"\b(?:(?:ban(?:s|ned)?|prohibit(?:s|ed)?|outlaw(?:s|ed)?|forbid(?:s)?|forbade)\s+(?:all\s+|further\s+|public\s+|"
    r"street\s+|mass\s+|opposition\s+)?(?:protests|demonstrations|rallies|gatherings|marches)|"
    r"(?:overturn(?:s|ed)?|uph(?:olds?|eld)|lift(?:s|ed)?|impos(?:e|es|ed)|extend(?:s|ed)?|scrap(?:s|ped)?|"
    r"revok(?:e|es|ed))\s+(?:[\w'’-]+\s+){0,4}?ban\s+on\s+(?:\w+\s+)?(?:protests|demonstrations|rallies|"
    r"gatherings|marches))\b",
    re.I,
)
_REPORT = gated(
    r"^(?:[\w'’-]+\s+){0,3}?(?:an?\s+|the\s+|new\s+)*(?:\w+\s+)?(?:report|study|survey|documents|inquiry)\s+"
    r"(?:by|from|of|released|published|issued)\s+[^.;,]{0,100}?\b(?:states?|says|finds|found|blames?|shows?|"
    r"estimates?|documents|concludes?|accuses)\b|"
    r"^(?:[\w'’-]+\s+){0,3}?(?:documents|cables|files|records|papers)\s+(?:show|shows|reveal|reveals|suggest|suggests)\b",
    re.I,
)
_DIPLOMACY = gated(
    r"\b(?:(?:impos(?:e|es|ed|ing)|announc(?:e|es|ed|ing)|extend(?:s|ed|ing)?|lev(?:y|ies|ied)|"
    r"tighten(?:s|ed)?|expand(?:s|ed)?|lift(?:s|ed)?|eas(?:e|es|ed))\s+(?:[\w'’-]+\s+){0,4}?sanctions|"
    r"sanctions\s+(?:on|against)|"
    r"expel(?:s|led|ling)?\s+(?:[\w'’-]+\s+){0,4}?(?:diplomats?|ambassadors?|envoys?|attach[eé]s?)|"
    r"(?:diplomats?|ambassadors?|envoys?)\s+(?:\w+\s+){0,2}?(?:are|were|is|was)\s+expelled|"
    r"(?-i:Convention)|treaty|non-proliferation)\b",
    re.I,
)
_INDUSTRIAL = gated(
    r"\b(?:(?:chemical|power|nuclear|gas|petrochemical|fertili[sz]er|steel|cement|coal|industrial)\s+plants?|"
    r"factor(?:y|ies)|furnaces?|refiner(?:y|ies)|pipelines?|gas\s+(?:pipes?|mains?|stations?|tanks?|lines?)|"
    r"petrol\s+stations?|filling\s+stations?|fuel\s+(?:depots?|tankers?|trucks?|tanks?|stations?)|"
    r"(?:oil|fuel|gas|petrol)?\s*tankers?\s+(?:trucks?|lorr(?:y|ies))|tanker\s+trucks?|storage\s+tanks?|"
    r"warehouses?|mills?|workshops?|boilers?|propane|butane|liquefied|LPG|methane|coal\s+mines?|"
    r"mine\s+shafts?|collier(?:y|ies)|fireworks|plants?\s+(?:explod\w*|blasts?|explosions?|fires?|leak\w*))\b",
    re.I,
)
_ACCIDENT_ACT = gated(
    r"\b(?:explo(?:de|des|ded|ding|sions?)|blasts?|fires?|blaze|burn(?:s|ed|ing)?|caught\s+fire|"
    r"leak(?:s|ed|ing)?|gas\s+leak|ignit\w*)\b",
    re.I,
)
# with one of these named, an explosion at a plant or a depot is an attack
_WEAPON_OR_AGENT = gated(
    r"\b(?:bomb(?:s|ed|ing|ings|er|ers)?|IEDs?|explosive\s+devices?|suicide|grenades?|rockets?|missiles?|"
    r"shell(?:s|ed|ing)|mortars?|artillery|drones?|air\s*strikes?|air\s+raids?|sabotage\w*|saboteurs|"
    r"militants?|insurgents?|rebels?|jihadists?|gunm[ae]n|attack(?:s|ed|ers)?|terror\w*|arson\w*|"
    r"target(?:s|ed|ing)?|assassinat\w*|gunfire|shot|shooting|police|tear\s*gas|protest\w*)\b",
    re.I,
)
_JUSTICE = gated(
    r"\b(?:arrest\s+warrants?|warrants?\s+(?:for|of)\s+(?:the\s+)?arrest|red\s+notice|"
    r"stay\s+of\s+(?:[\w'’-]+\s+){0,3}?execution|death\s+row|lethal\s+injection|death\s+(?:sentence|penalty)|"
    r"execut(?:es|ed|ion\s+of)\s+(?:[\w'’-]+\s+){0,5}?for\s+(?:drug|murder|rape|trafficking|(?:his|her|their)\s+role|"
    r"crimes?|killing)|(?:judge|court)\s+(?:\w+\s+){0,3}?orders?|"
    r"(?:court|judge|tribunal)\s+(?:\w+\s+){0,2}?(?:slams?|rules?|ruled|awards?|awarded|convicts?|acquits?|fines?|"
    r"upholds?|overturns?|dismiss(?:es|ed)?))\b",
    re.I,
)
_SPORT_OR_METAPHOR = gated(
    r"\b(?:clash\s+of\s+(?!arms\b)\w+|culture\s+clash|(?:was|were|is|are|been)\s+fought\s+(?:for|over)\b|"
    r"pillow\s+fights?|food\s+fights?|boat\s+race|(?:football|soccer|rugby|cricket|hockey|basketball)\s+"
    r"(?:match|game|final|fans|players?)|(?-i:Pussy\s+Riot)|(?:price|trade|tariff|bidding|turf)\s+wars?)\b",
    re.I,
)


# reactions to a killing already told: "condemn the murders", "investigates the alleged
# killings", "evacuate over the massacre"
_REACTION = gated(
    r"\b(?:condemn(?:s|ed|ing)?|denounc(?:e|es|ed|ing)|deplor(?:e|es|ed|ing)|mourn(?:s|ed|ing)?|"
    r"investigat(?:e|es|ed|ing|ion\s+into)|prob(?:e|es|ed|ing)(?:\s+into)?|inquiry\s+into|"
    r"in\s+response\s+to|evacuat(?:e|es|ed|ing)\s+(?:\w+\s+)?over|outrage\s+over|protest(?:s|ed)?\s+over)\s+"
    r"(?:the|these|those|this|that|yesterday['’]s|last\s+\w+['’]s|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day['’]s)\s+"
    r"(?:[\w'’-]+\s+){0,4}?(?:murders?|killings?|attacks?|bombings?|massacres?|rapes?|shootings?|deaths?|"
    r"assassinations?|explosions?|blasts?|violence)\b",
    re.I,
)
# a law, a resolution, a release, an online campaign
_NOT_AN_ACT = gated(
    r"\b(?:pass(?:es|ed|ing)?\s+(?:a\s+|the\s+|an\s+)?(?:\w+\s+)?(?:law|bill|legislation|resolution|amendment)|"
    r"(?:law|bill|legislation|decree)\s+(?:allowing|authori[sz]ing|permitting|banning|giving)|"
    r"(?:online|virtual|twitter|social\s+media)\s+(?:rall(?:y|ies)|protests?|campaigns?)|rall(?:y|ied|ies)\s+online)\b",
    re.I,
)
_RELEASED = gated(
    r"\b(?:(?:is|are|was|were|been|being)\s+(?:\w+\s+)?(?:released|freed|acquitted|pardoned)|"
    r"(?:releas(?:e|es|ed|ing)|free(?:s|d)?|pardon(?:s|ed)?)\s+(?:\w+\s+){0,4}?(?:detained|jailed|imprisoned|arrested)|"
    r"(?:escap(?:e|es|ed|ing)|evad(?:e|es|ed|ing)|resist(?:s|ed|ing)?|avoid(?:s|ed|ing)?|dodg(?:e|es|ed|ing))\s+arrest)\b",
    re.I,
)


def released(sentence: str) -> bool:
    """An arrest sentence that tells a release, or an arrest escaped or resisted: no
    arrest happened."""
    return _RELEASED.search(sentence) is not None


def no_event(sentence: str, first_trigger: int) -> bool:
    """True when the sentence's trigger words report no new event of ACLED's: a claim or
    blame about a known attack, a perpetrator identified, a ban on protests, a report,
    diplomacy, an industrial accident, justice, sport."""
    claim = _CLAIM_OR_BLAME.search(sentence)
    if (
        claim is not None
        and claim.start() <= first_trigger
        and _KNOWN_ATTACK.match(sentence, claim.end())
    ):
        return True
    identified = _IDENTIFIED.search(sentence)
    if identified is not None and identified.start() <= first_trigger:
        return True  # "the attacker is identified as ...": the attack was told before
    if _PROTEST_BAN.search(sentence) or _REPORT.search(sentence):
        return True
    reaction = _REACTION.search(sentence)
    if reaction is not None and reaction.start() <= first_trigger:
        return True
    if _DIPLOMACY.search(sentence) or _JUSTICE.search(sentence) or _NOT_AN_ACT.search(sentence):
        return True
    if _SPORT_OR_METAPHOR.search(sentence) and _WEAPON_OR_AGENT.search(sentence) is None:
        return True  # "a clash of oars"; a bomb at a football match stays a bomb
    return is_industrial_accident(sentence)


def is_industrial_accident(sentence: str) -> bool:
    """A plant, a pipeline, a tanker exploding, burning or leaking, with no weapon named."""
    return (
        _INDUSTRIAL.search(sentence) is not None
        and _ACCIDENT_ACT.search(sentence) is not None
        and _WEAPON_OR_AGENT.search(sentence) is None
    )


# What makes an arrest ACLED's: an armed or political side, a conflict or a protest,
# a mass arrest; without any of these in the article it is police work on crime.
_POLITICAL = gated(
    r"\b(?:terror\w*|militants?|insurgents?|rebels?|jihadists?|extremists?|Islamists?|separatists?|"
    r"militias?|militiam[ae]n|guerrillas?|bomb\w*|explosives?|attacks?|attackers?|assailants?|"
    r"shoot(?:ing|er)s?|gunm[ae]n|armed|weapons?|grenades?|suicide|plot\w*|coup|sedition|treason|"
    r"espionage|spy(?:ing)?|spies|opposition|dissidents?|activists?|protest\w*|demonstrat\w*|rall(?:y|ies)|"
    r"journalists?|reporters?|bloggers?|lawyers?|politicians?|lawmakers?|MPs?|ministers?|former\s+president|"
    r"(?<!vice\s)president|leaders?|commanders?|generals?|soldiers?|troops|army|military|intelligence|regime|"
    r"cartels?|gangs?|Zetas|ISIS|ISIL|(?-i:IS)|Islamic\s+State|al-Qaeda|Taliban|Shabaa?b|Boko\s+Haram|"
    r"Hamas|Hezbollah|PKK|FARC|SDF|YPG|HTS|Nusra|Asayish|Hisba|massacre|war\s+crimes?|genocide|"
    r"forces|factions?|civilians|IEDs?|mines|clash\w*|skirmish\w*|fighting|battles?|war|conflict|"
    r"displaced|refugees|checkpoints?|raids?|countryside|occupation|occupied|settlers?|"
    r"(?:hundreds|thousands|dozens|scores)\s+of|\d{2,}\s+(?:\w+\s+){0,2}?(?:people|persons|suspects|men|women|members|"
    r"individuals|protesters|demonstrators|activists|students|crew|sailors|fishermen))\b",
    re.I,
)


def is_ordinary_arrest(text: str) -> bool:
    """An arrest told with nothing political, armed or massed in the whole text."""
    return _POLITICAL.search(text) is None

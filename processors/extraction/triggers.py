"""Which kind of event a sentence reports, and which sentences report none.

Each of the 25 sub-event types has trigger phrases. A sentence is about what it
names first ("protesters ... over the deal that ended the fighting" is a protest),
except where one type is the more specific reading of another: a suicide bombing is
also an explosion, an air strike also "hits" something, a clash at an army base is
not an attack on civilians, police dispersing a rally make it a protest with
intervention. A sentence that threatens, denies, accuses, rehearses or looks back
reports no new event even when a trigger word is in it, and so does one that apologises,
remembers, tells a protest scheduled, or a death after wounds of an earlier day.

A strategic move (reinforcements sent, a base set up) yields only to violence the
sentence names or to casualties it tells, never to an act read by the fallback ("troops
sent to Diffa after the attack"); a weapons store found or seized is the event even when
the sentence names deaths of another matter ("where two soldiers were killed").

A protest is sometimes only the scene or the background of what a sentence tells: a
gunman who shoots people at a rally attacks them (ACLED's attack, not a protest), and a
decree, a resignation or a verdict "following the riots" or "in response to the rally"
reports no protest of its own. An armed side's base, outpost, convoy or patrol attacked
is a battle, whoever's it is; ground taken over (control or not) changes hands.
Party supporters or fans clashing with each other, with no armed side or gun named, are
a riot (mob violence). Who an act hit is its object, or its subject when a place follows the act ("a man shot
dead at a junta checkpoint": the checkpoint is the scene, the man the victim). Soldiers or
fighters executed or beheaded were captives, out of combat: an attack, as
ACLED codes it, never a battle; "IS executes ..." names the group, not a passive "is".
"""

from __future__ import annotations

import re

from processors.extraction.literals import Gated, gated
from processors.extraction.named_sides import named_side_event
from processors.extraction.nonevents import no_event, released
from processors.extraction.outcomes import armed_victims, is_accident, untriggered_event
from processors.extraction.protests import PROTEST_NOUNS, PROTEST_TYPES, escalation, stronger
from schemas.taxonomy import EventType, event_type_of
from schemas.taxonomy import SubEventType as S

_ARMED = (
    r"(?:gunm[ae]n|bandits?|armed\s+m[ae]n|militiam[ae]n|attackers?|assailants?|gang\s+members|gangs?|"
    r"jihadists?|militants?|rebels?|insurgents?|fighters?|extremists?|pirates)"
)
_CIVILIAN_TARGETS = (
    r"(?:civilians?|people|villagers|farmers|worshippers|residents|passengers|travell?ers|"
    r"women|children|men|family|families|pupils|students|herders|traders|journalists?|fishermen|"
    r"pilgrims|tourists|shoppers|pedestrians|patients|"
    r"villages?(?!\s+(?:guards?|defen[cs]e|militias?|volunteers?|vigilantes?))|homes?|neighbourhoods?|"
    r"neighborhoods?|markets?|displaced)"
)
_CROWD = r"(?:protesters|protestors|demonstrators|crowds?|marchers|mourners|rioters|demonstrations?|protests?|sit-ins?)"
_MUNITIONS = r"(?:drones?|missiles?|rockets?|projectiles?|shells?|UAVs?)"
# what a search may find or seize: "a cache was uncovered", "rifles and ammunition were seized"
_ARSENAL = (
    r"(?:weapons|arms|rifles|guns|pistols|firearms|ammunition|munitions|explosives|IEDs|landmines|mines|"
    r"grenades|rockets|mortars|detonators|bombs?|explosive\s+devices?|suicide\s+vests?|caches?|stockpiles?|"
    r"arsenals?|ammonium\s+nitrate|bomb-making\s+materials?)"
)

_TRIGGERS: tuple[tuple[S, Gated], ...] = tuple(
    (sub_type, gated(pattern, re.I))
    for sub_type, pattern in (
        (
            S.SUICIDE_BOMB,
            r"\bsuicide\s+(?:bomb(?:er|ers|ing|ings|s)?|attack(?:er|ers|s)?|(?:car|truck|vehicle)\s+bomb(?:er|ers|ing|s)?|blasts?|vests?)\b|"
            r"\bbl(?:ew|ows?)\s+(?:himself|herself|themselves)\s+up\b",
        ),
        (
            S.CHEMICAL_WEAPON,
            r"\b(?:chemical\s+(?:weapons?|attacks?|agents?|munitions?)|sarin|chlorine|mustard\s+gas|"
            r"nerve\s+agents?|toxic\s+gas|poison(?:ous)?\s+gas)\b",
        ),
        (
            S.DISRUPTED_WEAPONS_USE,
            rf"\b(?:defus(?:ed|es|e|ing)|bomb\s+disposal|(?:disarm|dismantl|neutrali[sz])(?:ed|es|e|ing)?\s+(?:a|an|the|two|three|several)\s+(?:\w+\s+)?(?:bombs?|devices?|mines?|IEDs?|explosives?)|"
            rf"(?:arms|weapons|ammunition|munitions|explosives?)\s+(?:cache|caches|depot|stockpile)s?|"
            rf"(?:seiz(?:e|es|ed|ing|ure\s+of)|confiscat(?:e|es|ed|ing|ion\s+of)|recover(?:s|ed)?|found|discover(?:s|ed)?)\s+(?:[\w,-]+\s+){{0,5}}?"
            rf"(?:weapons|arms|rifles|guns|ammunition|munitions|explosives|IEDs|landmines|grenades|rockets|ammonium\s+nitrate|detonators|suicide\s+vests?|"
            rf"bomb-making\s+(?:materials?|equipment|components|factor(?:y|ies)|workshops?))|"
            rf"(?:shot|brought)\s+down\s+(?:\w+\s+){{0,3}}?{_MUNITIONS}|"
            rf"intercept(?:s|ed|ing)?\s+(?:and\s+(?:down|destroy)\w*\s+)?(?:\w+\s+){{0,3}}?{_MUNITIONS}|"
            rf"{_MUNITIONS}\s+(?:were|was)\s+(?:all\s+)?(?:shot\s+down|intercepted|downed|destroyed\s+in\s+the\s+air)|"
            rf"(?:foil(?:s|ed|ing)?|thwart(?:s|ed|ing)?)\s+(?:a|an|the|two|three|several)\s+(?:[\w-]+\s+){{0,3}}?(?:attacks?|bombings?|plots?|attempts?)|"
            rf"(?:attacks?|bombings?|plots?)\s+(?:\w+\s+){{0,3}}?(?:was|were|has\s+been|have\s+been)\s+(?:foiled|thwarted)|"
            rf"intercept(?:s|ed|ing)?\s+(?:[\w-]+\s+){{0,4}}?(?:carrying|loaded\s+with|laden\s+with|packed\s+with|smuggling)\s+"
            rf"(?:[\w,-]+\s+){{0,3}}?(?:weapons|arms|explosives|ammunition|IEDs|rockets|grenades|bombs)|"
            rf"{_ARSENAL}\s+(?:[\w,'’-]+\s+){{0,8}}?(?:were|was|are|is|have\s+been|has\s+been|had\s+been|being|got)\s+"
            rf"(?:\w+\s+)?(?:seized|found|discovered|uncovered|unearthed|recovered|confiscated|impounded|defused|"
            rf"dismantled|destroyed|neutrali[sz]ed|detonated\s+(?:safely|in\s+a\s+controlled)|intercepted)|"
            rf"(?:seiz(?:e|es|ed|ing|ure\s+of)|confiscat(?:e|es|ed|ing|ion\s+of)|uncover(?:s|ed|ing)?|unearth(?:s|ed|ing)?|"
            rf"discover(?:y|ies)\s+of|find\s+of|haul\s+of)\s+(?:[\w,'’-]+\s+){{0,5}}?{_ARSENAL}|"
            rf"(?:destroy(?:s|ed|ing)?|clear(?:s|ed|ing)?|remov(?:e|es|ed|ing)|defus(?:e|es|ed|ing)|dismantl(?:e|es|ed|ing)|"
            rf"neutrali[sz](?:e|es|ed|ing)|detonat(?:e|es|ed|ing)\s+safely)\s+(?:[\w,'’-]+\s+){{0,5}}?"
            rf"(?:mines|landmines|IEDs|explosive\s+devices|unexploded\s+(?:ordnance|bombs|shells|munitions)|UXOs?|"
            rf"booby[\s-]?traps|roadside\s+bombs|car\s+bombs?|explosive-laden\s+\w+))\b",
        ),
        (
            S.AIR_DRONE_STRIKE,
            r"\b(?:air\s*strikes?|air\s+raids?|warplanes?|war\s+planes?|fighter\s+jets?|"
            r"jets?\s+(?:bomb(?:s|ed)?|str(?:uck|ike)s?|hit|hits|pound(?:s|ed)?|raid(?:s|ed)?|target(?:s|ed)?)|"
            r"aircraft\s+(?:\w+\s+)?(?:bomb(?:s|ed)?|str(?:uck|ike)s?|hit|hits|attack(?:s|ed)?|fire[sd]?|target(?:s|ed)?)|"
            r"helicopters?\s+(?:\w+\s+)?(?:drop(?:s|ped)?|fire[sd]?|target(?:s|ed)?|bomb(?:s|ed)?|attack(?:s|ed)?|"
            r"destroy(?:s|ed)?|str(?:ike|ikes|uck)|hit(?:s)?|pound(?:s|ed)?)|"
            r"helicopter\s+gunships?|gunships?|bombed\s+from\s+the\s+air|bombing\s+raids?|air\s+force\s+(?:\w+\s+)?(?:bombs?|bombed|strikes?|struck|hits?|targets?|targeted|raids?|raided)|aerial\s+(?:bombardments?|bombs?|attacks?|targeting)|"
            r"strikes\s+(?:pound|pounded|target|targeted|targeting|hit|hammer|hammered|kill\w*)|explosive\s+barrels?|"
            r"raids(?<!police\sraids)(?<!security\sraids)\s+(?:target|targeted|pound|pounded|hit)\s+(?:the\s+)?(?:\w+\s+){0,3}?"
            r"(?:town|city|village|countryside|areas?|neighbou?rhoods?|outskirts|(?-i:[A-Z])\w*)|"
            r"(?:guided|glide|barrel)\s+(?:aerial\s+)?bombs?|drone\s+(?:strikes?|attacks?)|"
            r"(?:U\.?S\.?|American|CIA)\s+(?:[\w-]+\s+){0,2}?missile\s+(?:strikes?|attacks?)|"
            r"(?:attack|kamikaze|armed|Shahed|explosive-laden)\s+drones?|(?:bombed|attacked|struck|hit)\s+(?:with|by)\s+(?:an?\s+)?drones?|"
            r"drones?\s+(?:\w+\s+){0,6}?(?:struck|strikes?|hit|hits|slam(?:s|med)|crash(?:es|ed)|drop(?:s|ped)|explode[sd]|target(?:s|ed)?|attack(?:s|ed)?|bomb(?:s|ed)?))\b",
        ),
        (
            S.REMOTE_EXPLOSIVE_LANDMINE_IED,
            r"\b(?:roadside\s+bombs?|improvised\s+explosive|IEDs?|landmines?|land\s+mines?|"
            r"(?:hit|struck|stepped\s+on|ran\s+over)\s+a\s+(?:\w+\s+)?mine|car\s+bombs?|"
            r"bombs?\s+(?:\w+\s+){0,3}?(?:explode[sd]?|went\s+off|goes\s+off|go\s+off|blasts?|targeted|targets|ripped|tore)|"
            r"explosive\s+devices?|booby[\s-]?trap\w*|(?:planted|hidden|placed)\s+(?:bombs?|explosives)|"
            r"bombs?\s+(?:planted|placed|hidden|attached)|sticky\s+bombs?|magnetic\s+bombs?|"
            r"detonat(?:e|es|ed|ing)\s+(?:\w+\s+){0,3}?(?:bombs?|explosives?|devices?|IEDs?|car|vehicle|motorcycle)|"
            r"(?:roadside|car|motorcycle|truck|vehicle|bicycle|mine|landmine)[\s-]+(?:bomb\w*|blasts?|explosions?)|"
            r"(?:blew|blow|blows|blowing)\s+up\s+(?:an?|the|two|three|several)\s+(?:[\w-]+\s+){0,3}?"
            r"(?:pipelines?|bridges?|vehicles?|cars?|trucks?|buildings?|towers?|pylons?|railways?|rail\s+lines?|"
            r"trains?|tankers?|checkpoints?|posts?|bases?|stations?|offices?|wells?|depots?)|"
            r"rigged\s+with\s+explosives|(?:explosives?|bombs?|devices?)\s+(?:[\w'’-]+\s+){0,3}?(?:is|are|was|were)\s+detonated|"
            r"(?:car|motorcycle|vehicle|truck|van)\s+(?:[\w'’-]+\s+){0,5}?(?:is|are|was|were)\s+detonated|"
            r"(?:bomb|bombing|bomb\s+attack)s?\s+(?:in|on|at|near|outside|kill\w*|wound\w*|injur\w*)|"
            r"(?:is|are|was|were|been|being)\s+(?:bombed|blown\s+up)|"
            r"(?:militants|saboteurs|insurgents|rebels|attackers|gunmen|jihadists|separatists)\s+bomb(?:s|ed)?\s+(?:an?|the)\b|"
            r"(?:double|twin|triple|multiple|series\s+of)\s+(?:bombings?|blasts|explosions)|"
            r"explosions?\s+(?:of\s+(?:an?\s+|more\s+|two\s+)?(?:IEDs?|mines?|landmines?|bombs?|booby|car|motorcycle|explosive|device)|"
            r"(?:\w+\s+){0,2}?(?:targets?|targeted|hits?|pounds?|pounded|rock(?:s|ed)|rattl(?:e|es|ed)|shak(?:es|ed)|shook|struck|kill\w*))|"
            r"blasts?\s+(?:\w+\s+){0,2}?(?:targets?|targeted|hits?|rock(?:s|ed)|kill\w*|wound\w*|injur\w*|struck))\b",
        ),
        (
            S.SHELLING_ARTILLERY_MISSILE_ATTACK,
            r"\b(?:missiles?|rockets?|(?-i:[Ss]hell)(?:s|ed|ing|fire)?|artillery|mortars?|howitzers?|"
            r"multiple[\s-]launch|Grad|Smerch|bombardments?|ballistic|projectiles?|"
            r"bombs?\s+(?:struck|hit|landed|fell|rained))\b|"
            r"\b(?:forces|army|troops|regime|artillery)\s+(?:\w+\s+){0,3}?(?:shell(?:s|ed)?|pound(?:s|ed)?|bombard(?:s|ed)?)\b",
        ),
        (S.GRENADE, r"\b(?:stun[\s-]+)?grenades?\b"),
        (
            S.GOVERNMENT_REGAINS_TERRITORY,
            r"\b(?:retook|retakes?|retaken|retaking|recaptur(?:ed|es|e|ing)|regain(?:s|ed|ing)?\s+(?:[\w,]+\s+){0,4}?control|"
            r"t(?:ook|akes?)\s+back|liberat(?:ed|es|e|ing)|w(?:on|ins|inning)\s+back|"
            r"(?:recover(?:s|ed|ing)?|regain(?:s|ed|ing)?|reclaim(?:s|ed|ing)?)\s+(?:[\w,]+\s+){0,4}?"
            r"(?:control|territory|ground|villages?|towns?|cit(?:y|ies)|districts?|areas?|positions|hills?|neighbou?rhoods?)|"
            r"(?:drove|drive|drives|driving|driven|push|pushes|pushed|pushing|forced|forcing|chase|chases|chased|chasing|"
            r"flush|flushes|flushed|flushing)\s+"
            r"(?:[\w'’-]+\s+){0,5}?(?:out\s+of|out\s+from|away\s+from|back\s+from|back\s+to|back|out)\b(?!\s+(?:\w+\s+)?(?:attacks?|assaults?|offensives?)))\b",
        ),
        (
            S.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
            r"\b(?:(?:seiz(?:ed|es|e|ing)|captur(?:ed|es|e|ing)|overr(?:an|un|uns)|t(?:ook|akes?|aken|aking)\s+(?:full\s+)?control\s+(?:of|over))\s+"
            r"(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:towns?|townships?|city|cities|villages?|district|(?:air)?base|territory|airport|capital|"
            r"border\s+crossing|control|strongholds?|positions|(?:oil|gas)\s*fields?|dam|hills?)|"
            r"(?:seiz(?:ed|es|e)|captur(?:ed|es|e)|overr(?:an|un|uns))\s+(?:(?:most|parts?|much|all)\s+of\s+)?(?:the\s+)?"
            r"(?!(?:One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Several|Dozens|Scores|Many|Some|Him|Them|"
            r"Suspects?|Members|Militants|Fighters|Soldiers|Terrorists|Insurgents|Rebels|Commanders?|Leaders?|"
            r"Weapons|Arms|Ammunition|Hostages)\b)(?-i:[A-Z])\w*|"
            r"(?:seiz(?:ed|es|e|ing)|captur(?:ed|es|e|ing))\s+(?:(?:at\s+least|more\s+than)\s+)?(?:\d+|two|three|four|five|six|several|dozens\s+of)\s+(?:\w+\s+)?(?:villages|towns|areas)|"
            r"(?:gain(?:s|ed)?|took|take|takes|taken|taking|restor(?:e|es|ed))\s+(?:full\s+)?control\s+(?:of|over|on)|"
            r"t(?:ook|akes?|aken|aking)\s+over\s+(?:(?:full\s+)?control\s+(?:of|over)\s+)?(?:the\s+)?(?:[\w'’-]+\s+){0,3}?"
            r"(?:towns?|cit(?:y|ies)|villages?|airports?|(?:air)?bases?|districts?|territory|border\s+crossings?|"
            r"(?:military\s+|army\s+|police\s+)?posts?|checkpoints?|(?-i:[A-Z])\w+)|"
            r"(?:seiz(?:e|es|ed|ing)|captur(?:e|es|ed|ing)|enter(?:s|ed|ing)?)\s+(?:[\w-]+\s+){0,5}?(?:\w+-)?(?:held|controlled)\s+(?:towns?|city|villages?|areas?|territory|district|neighbou?rhoods?)\b|"
            r"(?:seiz|captur)(?:e|es|ed|ing)\s+(?:[\w-]+\s+){0,5}?(?:\w+-)?(?:held|controlled)\b|"
            r"(?:captur(?:ed|es|e|ing)|seiz(?:ed|es|e|ing))\s+(?:(?:one|some|parts?|most)\s+of\s+)?(?:the\s+)?(?:[\w-]+\s+){0,4}?(?:pockets?|enclaves?|strongholds?)\b|"
            r"assert(?:s|ed|ing)?\s+(?:full\s+)?control\s+(?:of|over)|"
            r"controlling\s+(?:\d+|two|three|four|five|several)\s+(?:villages|towns|areas|hills)|"
            r"control(?:s|led)?\s+(?:about\s+|nearly\s+)?(?:half|most|parts?)\s+of|"
            r"restor(?:e|es|ed)\s+(?:more\s+|\d+\s+|several\s+)?(?:villages|towns|areas|positions|hills)|"
            r"expel(?:s|led)?\s+(?:\w+\s+){0,3}?from|"
            r"t(?:ook|akes?|aking)\s+(?-i:[A-Z])[\w'’-]*(?:\s+(?:and\s+)?(?:al-)?(?-i:[A-Z])[\w'’-]*){0,4}\s+from\s+(?:the\s+)?"
            r"(?:ISIL|ISIS|(?-i:IS)|Islamic\s+State|rebels|militants|insurgents|jihadists|Taliban|al-Shabaab|army|government|regime)\b|"
            r"control(?:s|led(?!\s+(?:areas?|villages?|towns?|neighbou?rhoods?|territor\w+|regions?|cit(?:y|ies)|parts?)))?\s+"
            r"(?:the\s+)?(?:last\s+|new\s+|more\s+|\d+\s+)?(?:\w+\s+)?(?:villages?|towns?|areas|hills?|neighbou?rhoods?)|"
            r"expand(?:s|ed)?\s+(?:the\s+|their\s+|its\s+)?(?:scope|areas?)\s+of\s+control|"
            r"fell\s+to\s+(?:the\s+)?(?:\w+\s+){0,2}?"
            r"(?:rebels|militants|jihadists|fighters|insurgents|M23|RSF|Taliban|Houthis?))\b",
        ),
        (
            S.NON_VIOLENT_TRANSFER_OF_TERRITORY,
            r"\b(?:hand(?:ed|s|ing)\s+(?:back|over)|handover\s+of\s+(?:\w+\s+){0,2}(?:territory|villages?|district|town)|"
            r"ceded|withdrew\s+(?:\w+\s+){0,3}under\s+(?:the\s+)?(?:\w+\s+){0,3}(?:agreement|deal|ceasefire)|"
            r"(?:withdr(?:aw|aws|ew|awn|awing)|pull(?:s|ed|ing)?\s+(?:out|back)|retreat(?:s|ed|ing)?|"
            r"abandon(?:s|ed|ing)?|vacat(?:e|es|ed|ing))\s+(?:their\s+|its\s+)?(?:forces\s+|troops\s+|fighters\s+)?"
            r"(?:from|out\s+of)\s+(?:the\s+|their\s+|its\s+|several\s+|more\s+|\d+\s+)?"
            r"(?:(?-i:[A-Z])|(?:\w+\s+)?(?:towns?|cit(?:y|ies)|villages?|districts?|areas?|positions|bases?|posts?|"
            r"territory|region|province|hills?|neighbou?rhoods?|outskirts|strongholds?|countryside|border))|"
            r"without\s+(?:a\s+)?(?:fight|fighting|resistance|a\s+shot\s+(?:being\s+)?fired))\b",
        ),
        (
            S.ARMED_CLASH,
            r"\b(?:clash(?:ed|es|ing)?|gun\s*battles?|gun\s*fights?|gunfire\s+fights?|firefights?|fire\s*fights?|"
            r"exchang(?:ed|e|es)\s+(?:heavy\s+)?(?:gun)?(?:fire|shots)|cult\s+(?:wars?|clash(?:es)?|battles?|fights?)|"
            r"engag(?:ed|es|e|ing)\s+in\s+(?:an?\s+)?(?:\w+\s+)?(?:fight(?:s|ing)?|battles?|combat|clash(?:es)?|gunfire|firefights?)|"
            r"fighting\s+(?:reported|flares?|flared|spread(?:s|ing)?|drives?|drove|forc(?:es|ed)|displac(?:es|ed)|"
            r"br(?:oke|eaks?)-out|escalating|on\s+(?:\d+|two|three|four|several|multiple)\s+fronts)|"
            r"(?:sustained|fresh|heavy|fierce|deadly|bloody|intense)\s+(?-i:[A-Z])[\w'’-]*\s+fighting|"
            r"(?:sustained|fresh|deadly|bloody)\s+fighting|battles?\s+(?:edges?|edged|spreads?|spread|nears?|neared|reach(?:es|ed)?)|"
            r"(?:heavy\s+)?gunfire\s+(?:erupt(?:s|ed)?|broke\s+out|breaks\s+out)|"
            r"fir(?:e|es|ed|ing)\s+(?:up)?on\s+(?:[\w'’-]+\s+){0,2}?(?:posts|positions|troops|soldiers|checkpoints?|patrols?)|"
            r"(?:heavy|fierce|violent|intense|renewed|ongoing)\s+(?:fighting|battles|confrontations)|"
            r"fighting\s+(?:(?:has|have|had)\s+)?(?:between|erupted|erupts|broke\s+out|breaks\s+out|continues|continued|rages|raged|"
            r"renews|renewed|resumes|resumed|inside|intensifies|intensified|escalates|escalated)|"
            r"(?:continued|continuing|continuous|renewed|new)\s+(?:fighting|battles|confrontations|clashes)|"
            r"battles?\s+(?:rages?|raged|renews?|renewed|intensif\w+|of\s+(?-i:[A-Z])\w*)|"
            r"(?:forces|troops|army|factions|fighters|militants|rebels|militiamen|[Oo]peration|State|organi[sz]ation|Hezbollah|(?-i:SDF|ISIS|IS))\s+(?:\w+\s+){0,2}?"
            r"advanc(?:e|es|ed|ing)\s+(?:again\s+|\w+ly\s+)?(?:in|on|over|into|inside|towards?|near|from|against)|"
            r"achiev(?:e|es|ed|ing)\s+(?:an?\s+)?(?:new\s+|further\s+)?advancement|"
            r"advances?\s+(?:for|of|by)\s+(?:the\s+)?(?:regime|government|army|rebels?|opposition|factions|forces|(?-i:SDF|ISIS|IS|YPG))\b|"
            r"attempts?\s+to\s+advance|exchanges?\s+of\s+(?:heavy\s+)?fire|trad(?:e|es|ed|ing)\s+(?:heavy\s+)?(?:gun)?fire|"
            r"fighting\s+(?:in|on|at|around)\s+(?:the\s+)?(?:\w+\s+)?(?:countryside|outskirts|vicinity|city|town|areas?|"
            r"east|west|north|south|villages?|neighbou?rhoods?|desert|front)|"
            r"battl(?:e|es|ed|ing)\s+(?:[\w'’-]+\s+){0,2}?(?:militants|rebels|insurgents|fighters|forces|troops|jihadists|gunmen)|"
            r"(?:in|during)\s+an?\s+(?:\w+\s+)?encounter\s+(?:with|between|in)|"
            r"fighting\s+(?:in|near|around|on|at|for)\s+(?-i:[A-Z])\w*|fought|"
            r"(?:fierce|violent|heavy)\s+(?:clashes|battles)|battles?\s+(?:between|for|in|near|rage|continue)|"
            r"(?:are|is|were|was|continue\s+to\s+be|remain)\s+besieging|besieg(?:es|ed)\s+(?:the\s+)?(?:\w+\s+)?(?:towns?|city|cities|villages?|(?-i:[A-Z]))|"
            r"shoot-?outs?|gunfights?|"
            r"(?:shot|shoots?|shooting)\s+down\s+(?:an?\s+|the\s+|two\s+)?(?:[\w'’-]+\s+){0,3}?(?:military\s+|army\s+|air\s+force\s+|fighter\s+)?"
            r"(?:helicopters?|jets?|warplanes?|fighters?|aircraft|planes?)(?<!passenger\splane)|"
            r"(?:helicopters?|jets?|warplanes?|aircraft)\s+(?:[\w,'’-]+\s+){0,8}?(?:is|are|was|were|been)\s+shot\s+down|"
            r"ambush(?:ed|es|ing)?|repel(?:s|led)?\s+(?:an?\s+)?(?:\w+\s+){0,2}?(?:attack|assault|offensive|attempt)|"
            r"counter-?attacks?|attack(?:ed|s)?\s+(?:on\s+)?(?:a|an|the)\s+(?:\w+\s+)?(?:military|army|police|security|border)\s+"
            r"(?:base|post|outpost|checkpoint|check\s*post|convoy|patrol|barracks|station)|"
            r"attack(?:ed|s)?\s+(?:\w+\s+){0,2}?(?:positions|checkpoints?|military\s+posts?|army\s+posts?)|"
            r"attacks?\s+(?:on|against)\s+(?:an?\s+|the\s+|two\s+|three\s+|several\s+)?(?:[\w'’-]+\s+){0,2}?"
            r"(?<!aid\s)(?<!humanitarian\s)(?<!relief\s)(?<!food\s)(?<!refugee\s)(?<!wedding\s)(?<!funeral\s)"
            r"(?:convoys?|bases?|outposts?|barracks|garrisons?|patrols?))\b",
        ),
        (
            S.ABDUCTION_FORCED_DISAPPEARANCE,
            r"\b(?:abduct(?:ed|ion|ions|s|ing)?|kidnap(?:ped|ping|pings|s)?|taken\s+hostage|"
            r"t(?:ook|akes?|aking)\s+(?:\w+\s+){0,3}hostages?|forcibly\s+disappeared|hijack(?:ed|s|ing)?|"
            r"pirates\s+(?:\w+\s+){0,2}?(?:seiz(?:e|es|ed)|captur(?:e|es|ed)|board(?:s|ed)?)|"
            r"seiz(?:e|es|ed|ing)\s+(?:\w+\s+){0,2}?hostages|hold(?:s|ing)?\s+(?:\w+\s+){0,4}?hostages?)\b",
        ),
        (
            S.SEXUAL_VIOLENCE,
            r"\b(?:rap(?:e|ed|es|ing)|gang-raped|sexual(?:ly)?\s+(?:assault\w*|violence|abuse\w*|abused))\b",
        ),
        (
            S.MOB_VIOLENCE,
            r"\bmob\b(?=.{0,60}?\b(?:beat|lynched|kill(?:s|ed)?|attack(?:s|ed)?|torched|burned|set\s+fire|stoned|hacked)\b)|"
            r"\bmob(?=\s+(?:killings?|attacks?|justice|violence)\b)|"
            r"\blynch(?:ed|ing|ings)?\b",
        ),
        (
            S.ATTACK,
            rf"\b{_ARMED}\b.{{0,80}}?\b(?:kill(?:ed|ing|s)?|storm(?:ed|s)?|attack(?:ed|s)?|open(?:ed|s)?\s+fire|shot|shoots?|raid(?:ed|s)?|massacre[sd]?|"
            rf"hack(?:ed|s)?|behead(?:ed|s)?|torch(?:ed|es)?)\b.{{0,60}}?\b{_CIVILIAN_TARGETS}\b|"
            r"\bmassacre[sd]?\b|\b(?:shot|shoots?|gunned|guns?)\s+(?:dead|down)\b|\bhacked\s+to\s+death\b|\bbehead(?:ed|s|ing)\b|"
            r"\bexecut(?:ed|es|e|ing)\s+(?:\w+\s+){0,3}?(?:civilians?|people|persons|men|man|women|woman|citizens?|members?|hostages?|prisoners?|captives?|detainees?|soldiers?|a\b|an\b|\d+)|"
            rf"\b{_ARMED}\s+(?:\w+\s+){{0,2}}?storm(?:s|ed)?\s+(?:a|an|the)\b|"
            r"\bassassinat(?:ed|es|e|ing|ion)\b|\bmass\s+shootings?\b|\bshooting\s+(?:spree|rampage|attack)\b|\b(?:knife|stabbing|machete|axe)\s+attacks?\b|\bmass\s+stabbing\b|\bstabbing\s+spree\b|\b(?:multiple|several|a\s+series\s+of|two|three|four)\s+stabbings\b|"
            r"\b(?:ramming\s+attack|(?:truck|lorry|van|vehicle|car)\s+(?:[\w'’-]+\s+){0,3}?(?:rams?|rammed|plough(?:s|ed)|plow(?:s|ed)|driven|drove|slam(?:s|med))\s+(?:into\s+)?(?:a\s+|the\s+)?(?:\w+\s+){0,3}?(?:crowds?|civilians|people|pedestrians|revell?ers|shoppers|worshippers|protesters|marchers|markets?|parades?|festivals?|cyclists))\b|\bfatally\s+(?:shot|shoots?|shooting|stabb(?:ed|ing)|stabs?)\b|"
            r"\bshots\s+(?:are|were|was|have\s+been)\s+fired\s+at\b|\b(?:is|are|was|were)\s+fired\s+(?:up)?on\b|"
            rf"\bfir(?:e|es|ed|ing)\s+(?:up)?on\s+(?:\w+\s+){{0,2}}?{_CIVILIAN_TARGETS}\b|"
            r"\braid(?:s|ed)?\s+on\s+(?:a|the)\s+(?:\w+\s+)?(?:village|town|camp|market|school|church|mosque)\b|"
            rf"\battacks?\s+(?:by\s+(?:[\w'’–-]+\s+){{1,4}}?)?(?:on|against)\s+(?:an?\s+|the\s+)?(?:[\w'’-]+\s+){{0,2}}?{_CIVILIAN_TARGETS}\b|"
            r"\b(?:deadly|fatal|terrorist|terror|militant)\s+attacks?\b|"
            r"\bburn(?:s|t|ed|ing)?\s+(?:\w+\s+){0,3}?alive\b|\bbeaten\s+to\s+death\b|\bdecapitat(?:e|es|ed|ing)\b|"
            r"\bcult(?=\s+(?:killings?|attacks?)\b)",
        ),
        (
            S.VIOLENT_DEMONSTRATION,
            r"\b(?:rioters?|riot(?:s|ed|ing)?(?!\s+(?:police|gear|squad|control|officers))|"
            r"(?:protesters?|protestors?|demonstrators?|crowds?|youths|inmates|prisoners)\s+(?:[\w'’-]+\s+){0,6}?(?:riot(?:ed|s)?|thr(?:ew|ow|ows)|hurl(?:ed|s)?|torch(?:ed|es)?|"
            r"set(?:s)?\s+fire|set(?:s)?\s+ablaze|vandali[sz](?:ed|es)|smash(?:ed|es)?|loot(?:ed|s)?|burn(?:ed|s|t)?|storm(?:ed|s)?|clash(?:ed|es)?|pelt(?:ed|s)?|attack(?:ed|s)?|break\s+into|broke\s+into)|"
            r"(?:protests?|demonstrations?|rall(?:y|ies))\s+(?:\w+\s+){0,4}?turn(?:ed|s)?\s+violent|violent\s+(?:protests?|demonstrations?)|"
            r"clash(?:ed|es|ing)?\s+with\s+(?:\w+\s+){0,2}?(?:protesters|protestors|demonstrators|rioters|crowds?|students)|"
            r"thr(?:ew|own|ow|ows|owing)\s+(?:\w+\s+)?(?:rocks|stones|bricks|petrol\s+bombs|molotov\s+cocktails))\b",
        ),
        (
            S.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
            rf"\b(?:open(?:ed|s)?\s+fire\s+on|fire[sd]?\s+(?:live\s+(?:rounds|ammunition|bullets)\s+)?(?:at|on|into)|"
            rf"shoot(?:s)?\s+(?:dead\s+)?|shot\s+(?:dead\s+)?|kill(?:ed|s|ing)?|beat|beats|beaten)\s+(?:\w+\s+){{0,3}}?{_CROWD}\b|"
            rf"\b{_CROWD}\s+(?:\w+\s+){{0,3}}?(?:were|was|are|is|being)\s+(?:shot|killed|beaten\s+to\s+death)\b|"
            rf"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|dozens\s+of)\s+{_CROWD}\s+(?:\w+\s+){{0,2}}?(?:killed|dead|died)\b|"
            r"\b(?:deadly|fatal|bloody|lethal)\s+crackdown\b",
        ),
        (
            S.PROTEST_WITH_INTERVENTION,
            r"\b(?:police|security\s+forces|troops|soldiers|officers|authorities)\s+(?:[\w'’-]+\s+){0,4}?"
            r"(?:dispers(?:ed|e|es|ing)|br(?:oke|eak|eaks)\s+up|us(?:ed|e|es)\s+(?:water\s+cannons?|tear\s*gas|batons|rubber\s+bullets)|"
            r"fir(?:ed|e|es|ing)\s+(?:tear\s*gas|rubber\s+bullets|water\s+cannons?))\b|"
            r"\btear\s*gas\b|\bwater\s+cannons?\b|"
            rf"\b(?:arrest(?:ed|s|ing)?|detain(?:ed|s|ing)?)\s+(?:\w+\s+){{0,4}}?(?:{_CROWD}|protest\w*|demonstrat\w*|activists)\b|"
            rf"\b(?:{_CROWD}|activists)\s+(?:\w+\s+){{0,3}}?(?:were|are|was|is|have\s+been|being)\s+(?:arrested|detained)\b",
        ),
        (
            S.PEACEFUL_PROTEST,
            r"\b(?:protesters?|protestors?|demonstrators?|rall(?:y|ied|ies)|march(?:ed|es)?\s+(?:in|through|against|to|on)|marched|"
            r"t(?:ook|ake|akes)\s+to\s+the\s+streets|sit-ins?|(?<!in\s)protest(?:ed|ing)?\s+(?:in|outside|against|over|at)|protests\s+(?:in|outside|against|over|at)|"
            r"human\s+chains?|"
            r"stag(?:ed|e|es)\s+(?:a\s+)?(?:protests?|demonstrations?|march(?:es)?|rall(?:y|ies))|demonstrat(?:ed|ion|ions|e)\s+(?:in|outside|against)|"
            r"(?:protests?|demonstrations?|rallies)\s+(?:continue[sd]?|t(?:ook|ake|akes)\s+place|(?:are|were)\s+held|erupt(?:s|ed)?|spread|"
            r"occur(?:s|red)?|br(?:oke|eak|eaks)\s+out|resume[sd]?|enter(?:s|ed)?|turn(?:s|ed)?\s+(?:\w+\s+)?violent|escalat\w+)|"
            r"(?:violent|angry)\s+(?:protests?|demonstrations?|protesters|protestors|demonstrators)|"
            r"(?:biggest|largest|mass|huge|massive)\s+(?:demonstrations?|protests?|rall(?:y|ies))|"
            r"(?:people|residents|students|workers|supporters|thousands|hundreds|citizens)\s+(?:\w+\s+){0,2}?(?:demonstrated|protested|rallied))\b",
        ),
        (
            S.AGREEMENT,
            r"\b(?:agree[sd]?\s+(?:to\s+|on\s+)?(?:a\s+|an\s+)?(?:[\w-]+\s+){0,2}(?:ceasefire|cease-fire|truce|peace|prisoner\s+(?:swap|exchange))|"
            r"sign(?:ed|s)?\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}(?:peace\s+(?:agreement|deal|accord)|truce|ceasefire|cease-fire|power-sharing\s+(?:deal|agreement))|"
            r"(?:declare[sd]?|announce[sd]?)\s+(?:a\s+|an\s+)?(?:[\w-]+\s+){0,2}(?:ceasefire|cease-fire|truce)|"
            r"(?:ceasefire|truce|peace\s+deal|agreement)\s+(?:was|has\s+been|were)\s+(?:agreed|signed|reached)|"
            r"reach(?:ed|es)?\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}(?:truce|ceasefire|cease-fire|peace\s+(?:agreement|deal))|"
            r"broker(?:ed|s)?\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}(?:truce|ceasefire|cease-fire)|"
            r"exchanged\s+(?:\w+\s+){0,2}prisoners|prisoner\s+(?:swap|exchange)|"
            r"(?:reconciliation|settlement|evacuation|surrender|de-?escalation)\s+(?:agreement|deal|accord)s?|"
            r"(?:agreement|deal|accord)\s+(?:was|has\s+been|is)\s+(?:reached|signed|agreed|struck)|"
            r"(?:sign(?:s|ed|ing)?|reach(?:es|ed|ing)?|strik(?:e|es|ing)|struck|conclud(?:e|es|ed))\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?"
            r"(?:agreement|deal|accord)\s+(?:with|between|to\s+(?:end|halt|stop|evacuate|withdraw)))\b",
        ),
        (
            S.HEADQUARTERS_OR_BASE_ESTABLISHED,
            r"\b(?:set(?:s)?\s+up|establish(?:ed|es)?|open(?:ed|s)?|buil(?:t|ds?))\s+(?:a\s+|an\s+|their\s+|its\s+)?(?:new\s+)?"
            r"(?:military\s+|forward\s+)?(?:base|bases|camp|headquarters|outpost)\b|"
            r"\bmoved\s+(?:its|their)\s+headquarters\b|"
            r"\b(?:set(?:s|ting)?\s+up|establish(?:ed|es|ing)?|open(?:ed|s|ing)?|buil(?:t|ds?|ding)|construct(?:s|ed|ing)?)\s+"
            r"(?:a\s+|an\s+|their\s+|its\s+|two\s+|three\s+|several\s+|\d+\s+)?(?:new\s+)?(?:[\w-]+\s+)?"
            r"(?:bases?|camps?|headquarters|outposts?|checkpoints?|posts|observation\s+points?|garrisons?)\b|"
            r"\b(?:bases?|headquarters|outposts?|observation\s+points?)\s+(?:\w+\s+){0,2}?(?:was|were|is|are|has\s+been|have\s+been)\s+"
            r"(?:set\s+up|established|opened|built)\b",
        ),
        (
            S.CHANGE_TO_GROUP_ACTIVITY,
            r"\b(?:publicly\s+)?(?:destroyed|burned|burnt|crushed)\s+(?:more\s+than\s+|over\s+|some\s+)?[\d,]+\s+"
            r"(?:\w+\s+){0,2}?(?:firearms|weapons|guns|rifles)\b|\b(?:weapons|arms)\s+(?:amnesty|buyback)\b|"
            r"\bsurrendered\s+(?:their\s+)?(?:weapons|arms)\b|\bdisbanded\b|"
            r"\b(?:reinforcements?|(?:send|sends|sent|sending|bring|brings|brought|bringing|deploy(?:s|ed|ing)?|rush(?:es|ed)?|"
            r"dispatch(?:es|ed)?)\s+(?:more\s+|further\s+|new\s+|large\s+|military\s+|additional\s+|thousands\s+of\s+|"
            r"hundreds\s+of\s+|\d[\d,]*\s+)*(?=(?:reinforcements?|troops|soldiers|forces|tanks|warships|warplanes|fighter\s+jets|"
            r"(?:[\w-]+\s+){0,4}?(?:missiles|(?:missile|air\s+defen[cs]e|anti-?aircraft)\s+(?:systems?|batter(?:y|ies)|launchers?))|"
            r"aircraft|(?:military\s+)?convoys?|(?:military\s+)?advisers|paratroopers|marines)\s+(?:to|into|towards?)\b)"
            r"(?:[\w-]+\s+){1,5}?(?:to|into|towards?)|"
            r"(?<!Popular\s)mobili[sz](?:ation|ations|e|es|ed|ing)(?!\s+(?:Forces|Units|Front|Committees?))|fortif(?:y|ies|ied|ying|ications?)|(?<=military\s)build-?up|"
            r"defect(?:s|ing|ions?|ors?)\b|defected\s+to|deserted|desertions?|"
            r"surrender(?:s|ed|ing)?(?!\s+of\s+weapons)|laid(?=\s+down\s+(?:their\s+)?(?:arms|weapons)\b)\s+\w+\s+(?:their\s+)?\w+|"
            r"(?:pledg(?:e|es|ed)|swear(?:s)?|swore)\s+(?:allegiance|loyalty))\b",
        ),
        (
            S.LOOTING_PROPERTY_DESTRUCTION,
            r"\b(?:loot(?:ed|ing)|ransack(?:ed|ing)|pillag(?:ed|ing)|"
            r"(?:(?:are|were|was|is)\s+set\s+(?:alight|ablaze|on\s+fire)|arsonists)|"
            r"(?:militants|rebels|insurgents|gunmen|fighters|jihadists|Taliban|attackers|saboteurs)\s+(?:\w+\s+){0,2}?"
            r"(?:destroy(?:s|ed|ing)?)\s+(?:a|an|the|two|three|several)\b|"
            r"(?:ISIS|ISIL|Islamic\s+State|Levant|Daesh|jihadists|extremists)\s+(?:\w+\s+){0,2}?destroy(?:s|ed|ing)?\s+"
            r"(?:an?\s+|the\s+)?(?:[\w'’-]+\s+){0,4}?(?:monaster(?:y|ies)|church(?:es)?|mosques?|shrines?|temples?|"
            r"tombs?|museums?|arch(?:es)?|statues?|ruins)|"
            r"(?:(?:torch(?:es|ed|ing)?|set\s+fire\s+to|demolish(?:es|ed)?|tear(?:s)?\s+down|tore\s+down|"
            r"raze[sd]?|bulldoz(?:e|es|ed))\s+(?:[\w'’-]+\s+){0,5}?|"
            r"burn(?:s|ed|t|ing)?(?:\s+down)?\s+(?:(?!(?:in|at|on|inside|near|for)\s)[\w'’,-]+\s+){0,3}?)"
            r"(?:houses?|homes?|shops|markets?|villages?|communit(?:y|ies)|buildings?|church(?:es)?|mosques?|schools?|vehicles?|cars?|trucks?|tankers?|"
            r"health\s+cent(?:re|er)s?|clinics?|crops|granaries|offices?|tents|shelters|structures|parts\s+of)|"
            r"arson(?=\s+(?:attacks?|campaigns?)\b)|"
            r"(?:saboteurs|militants|gunmen|rebels|insurgents)\s+(?:\w+\s+){0,2}?(?:attack(?:s|ed)?|sabotag(?:e|es|ed))\s+"
            r"(?:[\w'’-]+\s+){0,3}?(?:pipelines?|power\s+lines?|pylons?|railways?|rail\s+lines?|bridges?|"
            r"(?:telecom(?:munications?)?\s+)?towers?)|"
            r"(?:houses?|homes?|shops|villages?|buildings?|church(?:es)?|mosques?|temples?|synagogues?|schools?|"
            r"(?:community\s+)?cent(?:re|er)s?|offices?|clinics?|shrines?|monaster(?:y|ies))\s+(?:[\w'’-]+\s+){0,2}?"
            r"(?:is|are|was|were|has\s+been|have\s+been)\s+(?:\w+\s+)?(?:torched|burn(?:ed|t)\s+down|razed|vandali[sz]ed|"
            r"set\s+(?:alight|ablaze|on\s+fire)|demolished|ransacked))\b",
        ),
        (
            S.ARRESTS,
            r"\b(?:arrest(?:ed|s|ing)?|detain(?:ed|s|ing)?|round(?:ed|s)?\s+up|t(?:ook|akes?)\s+into\s+custody|"
            r"captur(?:ed|es)\s+(?:\w+\s+){0,3}?(?:suspects?|members|militants|fighters|commanders?|leaders?))\b",
        ),
    )
)

# a leading clause that names the earlier event the sentence's own act answers
_EARLIER_LEAD = re.compile(
    r"^(?:Following|In\s+(?:response|retaliation|reaction)\s+to)\s+(?:an?|the|last|yesterday['’]s|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day['’]s)\s+[^,;]{3,120}?,\s+",
    re.I,
)
# a leading clause that sets the scene of the sentence's own act of violence
_SCENE_LEAD = re.compile(r"^(?:As|Amid|While)\s+[^,;]{3,120}?,\s+", re.I)
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
            {
                S.PEACEFUL_PROTEST,
                S.PROTEST_WITH_INTERVENTION,
                S.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
                S.ARMED_CLASH,  # police clashing with protesters: a riot, not a battle
            }
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
_CASUALTIES = gated(
    r"\b(?:killed|killing|dead|die|dies|died|wounded|wounding|injured|injuring|hurt|damaged|destroyed)\b",
    re.I,
)
# casualties told in any form: what lets the fallback's reading outrank a strategic move
_HARM = gated(
    r"\b(?:kill(?:s|ed|ing)?|murder(?:s|ed)?|dead|die[sd]?|wound(?:s|ed|ing)?|injur(?:e|es|ed|ing)|hurt|"
    r"casualties|massacre[sd]?|behead\w*|execut(?:e|es|ed)|slain|shot)\b",
    re.I,
)
_PROTEST_WORDS = gated(
    r"\b(?:protest\w*|demonstrat\w*|rall(?:y|ies|ied)|march\w*|crowds?|dispers(?:e|ed|es|ing))\b",
    re.I,
)


_STATE_AGENT = gated(
    r"\b(?:army|armed\s+forces|military|troops|soldiers|(?:government|regime|state|federal|security|"
    r"national|pro-government|loyalist)\s+(?:forces|troops)|forces\s+loyal\s+to\s+the\s+(?:government|regime)|"
    r"(?!(?:Democratic|Support|Mobili[sz]ation|Liberation|Resistance|Protection)\b)(?-i:[A-Z])\w+\s+(?:forces|troops|army)|"
    r"police|gendarmes?|marines|special\s+forces|[\w-]+\s+loyal\s+to\s+(?:the\s+)?(?:\w+\s+)?(?:government|regime|president))\b",
    re.I,
)
_NON_STATE_AGENT = gated(
    r"\b(?:rebels?|militants?|insurgents?|jihadists?|Islamists?|extremists?|fighters|militias?|militiamen|"
    r"factions?|opposition|guerrillas?|separatists?|Islamic\s+State|ISIS|ISIL|(?-i:IS)|Daesh|Taliban|"
    r"Syrian\s+Democratic\s+Forces|Rapid\s+Support\s+Forces|Popular\s+Mobili[sz]ation\s+(?:Forces|Units)|"
    r"al-Shabaa?b|Shabaa?b|Boko\s+Haram|Houthis?|M23|RSF|Rapid\s+Support|SDF|YPG|PKK|HTS|"
    r"Tahrir\s+al-Sham|Nusra|al-Qaeda|JNIM|gangs?|bandits|gunmen|armed\s+(?:[\w-]+\s+)?(?:men|groups?))\b"
    r"(?!\s+loyal\s+to\s+(?:the\s+)?(?:\w+\s+)?(?:government|regime|president))",
    re.I,
)
_TERRITORY = frozenset({S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY})


# a territory verb that is only aimed at: "aimed at retaking", "an attempt to capture"
_ATTEMPT_BEFORE = re.compile(
    r"\b(?:aim(?:s|ed|ing)?\s+(?:at|to)|attempt(?:s|ed|ing)?\s+to|attempts?\s+to|trying\s+to|tries\s+to|"
    r"tried\s+to|try\s+to|bid\s+to|seek(?:s|ing)?\s+to|sought\s+to|push\s+to|drive\s+to|"
    r"(?:operation|offensive|campaign|assault|battle|fight)\s+(?:\w+\s+){0,3}?(?:to|for)|"
    r"in\s+order\s+to|so\s+as\s+to|fail(?:s|ed)?\s+to)\s+(?:\w+\s+)?$",
    re.I,
)
_ALLIED_BEFORE = re.compile(
    r"\b(?:allied|pro-government|pro-regime|loyalist|government-backed|state-backed|army-backed)\s+"
    r"(?:[\w-]+\s+)?$",
    re.I,
)
# an agent named in a prepositional phrase or as a modifier is not the clause's subject:
# "Backed by air strikes against the rebels, troops retook ...", "the ISIS-held town"
_IN_PHRASE = re.compile(
    r"\b(?:with|against|from|by|of|on|near|between|to|under|into|towards?|over|for|at|in|amid|"
    r"despite|than)\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?(?:[\w'’-]+\s+){0,2}$",
    re.I,
)
_MODIFIER_AFTER = re.compile(r"-(?:held|controlled|run|occupied|dominated)\b", re.I)
_PASSIVE = re.compile(r"\b(?:was|were|is|are|been|being|be)\s+(?:\w+ly\s+)?$", re.I)
_BY_AGENT = re.compile(r"\bby\s+", re.I)


def _subjects(pattern: Gated, before: str) -> list[int]:
    return [
        m.start()
        for m in pattern.finditer(before)
        if not _IN_PHRASE.search(before[: m.start()]) and not _MODIFIER_AFTER.match(before, m.end())
    ]


def _territory_direction(sentence: str, position: int) -> S:
    """Who took the ground: the subject of the clause, the agent named last before the verb
    outside a prepositional phrase; in the passive, the agent after "by" (else the first
    agent named after the verb)."""
    before = sentence[:position]
    if _PASSIVE.search(before):
        by = _BY_AGENT.search(sentence, position)
        if by is not None:
            position, before = by.end(), ""
    state = _subjects(_STATE_AGENT, before)
    # "government forces and allied Shia militias recaptured ...": the state's side
    rebels = [
        r for r in _subjects(_NON_STATE_AGENT, before) if not _ALLIED_BEFORE.search(before[:r])
    ]
    if state or rebels:
        return (
            S.GOVERNMENT_REGAINS_TERRITORY
            if max(state, default=-1) > max(rebels, default=-1)
            else S.NON_STATE_ACTOR_OVERTAKES_TERRITORY
        )
    after = sentence[position:]
    state_after = _STATE_AGENT.search(after)
    rebel_after = _NON_STATE_AGENT.search(after)
    if rebel_after and (not state_after or rebel_after.start() < state_after.start()):
        return S.NON_STATE_ACTOR_OVERTAKES_TERRITORY
    return S.GOVERNMENT_REGAINS_TERRITORY


def event_triggers(sentence: str) -> list[S]:
    """Sub-types whose trigger phrases appear in the sentence, the one it reports first;
    a casualty told by its outcome when no trigger phrase is there."""
    lead = _EARLIER_LEAD.match(sentence)
    if lead is not None and (told := event_triggers(sentence[lead.end() :])):
        return told  # "Following an airstrike on its convoy, Hezbollah targets ...": the reply
    scene = _SCENE_LEAD.match(sentence)
    if (
        scene is not None
        and (told := event_triggers(sentence[scene.end() :]))
        and told[0] in _VIOLENT
    ):
        return told  # "As protests continue in Jordan, gunmen storm a police station"
    matches = _trigger_matches(sentence)
    if not matches:
        found = untriggered_event(sentence) or named_side_event(sentence)
        return [found] if found is not None and not no_event(sentence, len(sentence)) else []
    positions = _kept_positions(sentence, matches)
    if positions is None:
        return []
    if not positions:
        # "suspects escape arrest and kill a policeman": the casualty is still told
        found = untriggered_event(sentence)
        return [found] if found is not None else []
    ordered = _ordered(sentence, positions, matches)
    ordered = _violence_first(sentence, ordered, positions, matches)
    ordered = _who_and_where(sentence, ordered, positions)
    if (
        positions
        and all(t in PROTEST_TYPES for t in positions)
        and _BACKGROUND_BEFORE.search(sentence, 0, min(positions.values()))
        and not _CASUALTIES.search(sentence)
    ):
        return []  # "a curfew imposed following the riots": no protest of its own
    return ordered


def _trigger_matches(sentence: str) -> dict[S, re.Match[str]]:
    """Each sub-type's first trigger phrase in the sentence."""
    matches = {}
    for sub_type, pattern in _TRIGGERS:
        match = pattern.search(sentence)
        if match:
            matches[sub_type] = match
    return matches


def _kept_positions(sentence: str, matches: dict[S, re.Match[str]]) -> dict[S, int] | None:
    """Where each trigger the sentence reports stands, the readings it rules out dropped;
    None when the sentence reports no event at all (an accident, a claim, a launch)."""
    positions = {sub_type: match.start() for sub_type, match in matches.items()}
    if is_accident(sentence):
        return None  # "a gas cylinder explosion at a restaurant": no armed agent, no weapon
    if no_event(sentence, min(positions.values())):
        return None  # a claim about a known attack, sanctions, a plant exploding, a court
    if S.SHELLING_ARTILLERY_MISSILE_ATTACK in positions and _NO_STRIKE.search(sentence):
        del positions[
            S.SHELLING_ARTILLERY_MISSILE_ATTACK
        ]  # a space launch, an arms deal, Shell plc
        if not positions:
            return None
    if S.GRENADE in positions and matches[S.GRENADE].group(0).lower().startswith("stun"):
        # "police fire tear gas and stun grenades at striking workers": riot control
        del positions[S.GRENADE]
        positions.setdefault(S.PROTEST_WITH_INTERVENTION, matches[S.GRENADE].start())
    elif S.PROTEST_WITH_INTERVENTION in positions and not _PROTEST_WORDS.search(sentence):
        del positions[S.PROTEST_WITH_INTERVENTION]

    def unarmed() -> bool:
        return not (_STATE_AGENT.search(sentence) or _NON_STATE_AGENT.search(sentence))

    for sub_type, match in list(matches.items()):
        if (
            (sub_type == S.NON_VIOLENT_TRANSFER_OF_TERRITORY and unarmed())
            or (
                sub_type == S.GOVERNMENT_REGAINS_TERRITORY
                and _MOVED.match(match.group(0))
                and unarmed()
            )
            or (sub_type == S.PEACEFUL_PROTEST and _TROOPS_MARCH.search(sentence, 0, match.end()))
            or (sub_type == S.ARRESTS and released(sentence))
        ):
            del positions[sub_type]  # "withdraws from the Paris accord", "Boeing pushes back ..."
    return positions


def _ordered(sentence: str, positions: dict[S, int], matches: dict[S, re.Match[str]]) -> list[S]:
    """The readings in the order the sentence names them, a more specific one first, an
    arrest after the act it answers."""
    ordered = sorted(positions, key=lambda sub_type: positions[sub_type])
    for specific, replaced in _OVERRIDES:
        if (
            specific in positions
            and ordered[0] in replaced
            and not _ANOTHER_SCENE.search(sentence, positions[ordered[0]], positions[specific])
            and not (
                # "a singer is assassinated in an ambush": who was ambushed is unarmed
                specific == S.ARMED_CLASH
                and ordered[0] == S.ATTACK
                and matches[S.ARMED_CLASH].group(0).lower().startswith("ambush")
                and not armed_victims(_victims(sentence, matches[S.ATTACK]))
            )
        ):
            ordered.remove(specific)
            ordered.insert(0, specific)
    if (
        ordered[0] == S.ARRESTS
        and len(ordered) > 1
        and ordered[1] in _VIOLENT
        and _ARREST_AFTER.search(sentence, positions[S.ARRESTS], positions[ordered[1]])
    ):
        ordered.append(ordered.pop(0))  # "a man is arrested after a machete attack": the attack
    if S.ARRESTS in positions and ordered[0] != S.ARRESTS and _ARREST_FOR.search(sentence):
        ordered.remove(S.ARRESTS)  # "arrested for kidnapping two women": the arrest is the news
        ordered.insert(0, S.ARRESTS)
    if (
        ordered[0] == S.ABDUCTION_FORCED_DISAPPEARANCE
        and S.ARMED_CLASH in positions
        and _DURING_FIGHT.search(sentence)
    ):
        ordered.remove(S.ARMED_CLASH)  # "kidnap 19 policemen during clashes with troops"
        ordered.insert(0, S.ARMED_CLASH)
    return ordered


def _violence_first(
    sentence: str, ordered: list[S], positions: dict[S, int], matches: dict[S, re.Match[str]]
) -> list[S]:
    """Violence the sentence tells before a move, a handover or a store it names; a
    weapons store found before the blast it did not cause; an armed target's clash."""
    violent = [t for t in ordered if t in _VIOLENT]
    if ordered[0] == S.LOOTING_PROPERTY_DESTRUCTION and _LOOKED_BACK.match(sentence):
        violent = []  # "Following the killing of three soldiers, tankers were set alight"
    elif ordered[0] in _CONTEXT and not violent and _HARM.search(sentence):
        told = untriggered_event(sentence)  # "a defector and his mother were killed"
        violent = [told] if told in _VIOLENT else []
        ordered = violent + ordered
    if ordered[0] in _CONTEXT and violent:
        # "reinforcements arrive as clashes rage": the fighting is the event
        ordered = [*violent, *[t for t in ordered if t not in _VIOLENT]]
    if (
        ordered[0] == S.NON_VIOLENT_TRANSFER_OF_TERRITORY
        and len(violent) > 0
        and not _PEACEFULLY.search(sentence)
    ):
        ordered.append(ordered.pop(0))  # a withdrawal after a battle: the battle
    ordered = _store_or_blast(sentence, ordered, positions, matches)
    attack = matches.get(S.ATTACK) if ordered[0] == S.ATTACK else None
    if (
        attack is not None
        and not _CIVILIAN_WORDS.search(attack.group(0))  # "a raid on a village"
        and not _EXECUTION_ACT.match(attack.group(0))
        and armed_victims(_victims(sentence, attack))
    ):
        ordered.insert(0, S.ARMED_CLASH)  # "gunmen shot dead two village guards": armed targets
    return ordered


def _store_or_blast(
    sentence: str, ordered: list[S], positions: dict[S, int], matches: dict[S, re.Match[str]]
) -> list[S]:
    """A weapons store only named as the target of a blast gives way to the blast; one
    found or seized is the event, unless the sentence tells its finders' own casualties."""
    if (S.DISRUPTED_WEAPONS_USE in ordered[1:] or ordered[0] == S.DISRUPTED_WEAPONS_USE) and (
        _BARE_STORE.fullmatch(store := matches[S.DISRUPTED_WEAPONS_USE].group(0))
        and not _STORE_FOUND.match(sentence, matches[S.DISRUPTED_WEAPONS_USE].end())
        and not _FIND_BEFORE.search(sentence, 0, matches[S.DISRUPTED_WEAPONS_USE].start())
        and store
    ):
        others = [t for t in ordered if t != S.DISRUPTED_WEAPONS_USE]
        if not others and (told := untriggered_event(sentence)) in _VIOLENT:
            others = [told]
        if others and others[0] in _VIOLENT:
            # "an explosion strikes a weapons depot": the depot is the target
            ordered = [*others, S.DISRUPTED_WEAPONS_USE]
            del positions[S.DISRUPTED_WEAPONS_USE]
    disrupted = S.DISRUPTED_WEAPONS_USE in positions
    own_casualties = disrupted and _own_casualties(sentence, matches[S.DISRUPTED_WEAPONS_USE])
    if disrupted and ordered[0] in _EXPLOSIVE and not own_casualties:
        ordered.remove(S.DISRUPTED_WEAPONS_USE)
        ordered.insert(0, S.DISRUPTED_WEAPONS_USE)
    elif ordered[0] == S.DISRUPTED_WEAPONS_USE and own_casualties:
        ordered.append(ordered.pop(0))
        if len(ordered) == 1 and (told := untriggered_event(sentence)) is not None:
            ordered.insert(0, told)  # "troops killed two militants and seized their rifles"
    return ordered


def _who_and_where(sentence: str, ordered: list[S], positions: dict[S, int]) -> list[S]:
    """Who took the ground, an attempt not yet a change of hands; a protest's own reading,
    or the act it is only the scene of; supporters fighting each other, a riot."""
    if ordered[0] in _TERRITORY and _ATTEMPT_BEFORE.search(sentence[: positions[ordered[0]]]):
        # "an offensive aimed at retaking Fallujah": no ground changed hands yet
        ordered = [
            S.ARMED_CLASH,
            *[t for t in ordered if t not in _TERRITORY and t != S.ARMED_CLASH],
        ]
    if ordered[0] in _TERRITORY:
        direction = _territory_direction(sentence, positions[ordered[0]])
        ordered = [direction, *[t for t in ordered if t not in _TERRITORY]]
    if ordered[0] in PROTEST_TYPES or (
        ordered[0] in _PROTEST_SIDE_READINGS
        and PROTEST_NOUNS.search(sentence)
        and not _NON_STATE_AGENT.search(sentence)
        and not _ARMED_MARCH.search(sentence)
        and not _PLANNED_PROTEST.search(sentence)
    ):
        # "clashes between demonstrators and police", "64 arrested as crowds marched"
        reading = escalation([sentence])
        if ordered[0] in PROTEST_TYPES:
            reading = stronger(reading, ordered[0])  # "rioters torched a bank" stays a riot
        ordered = [reading, *[t for t in ordered if t != reading]]
    if ordered[0] in (S.PEACEFUL_PROTEST, S.PROTEST_WITH_INTERVENTION) and _AT_A_PROTEST.search(
        sentence
    ):
        acts = [t for t in ordered if t in _VIOLENT]
        if not acts and (told := untriggered_event(sentence)) in _VIOLENT:
            acts = [told]
        if acts:
            # "a gunman shot two people at a rally": the rally is only the scene
            ordered = [acts[0], *[t for t in ordered if t != acts[0]]]
    if (
        ordered[0] == S.ARMED_CLASH
        and _SUPPORTERS.search(sentence)
        and not _STATE_AGENT.search(sentence)
        and not _NON_STATE_AGENT.search(sentence)
        and not _ARMED_WORDS.search(sentence)
    ):
        # "rival party supporters clash, two dead": unarmed crowds fighting, a riot
        ordered = [S.MOB_VIOLENCE, *[t for t in ordered if t != S.MOB_VIOLENCE]]
    return ordered


# ACLED: supporters of parties or rival fans fighting each other are rioters, not armed
# sides; their clash is mob violence unless an armed side or a gun is named
_SUPPORTERS = gated(
    r"\b(?:supporters|loyalists|partisans|party\s+(?:members|faithful|thugs)|(?:football|soccer)\s+fans|"
    r"rival\s+fans|(?-i:[A-Z]{2,5})\s*(?:/|,|and)\s*(?-i:[A-Z]{2,5})\s+(?:supporters|clash(?:es)?))\b",
    re.I,
)
_ARMED_WORDS = gated(
    r"\b(?:guns?|gunfire|gunshots?|rifles?|shot|shoot\w*|bombs?|explosives?|grenades?)\b", re.I
)


# where a protest is only the scene of another act: "at a rally", "during a march"
_AT_A_PROTEST = gated(
    r"\b(?:at|during)\s+(?:an?|the)\s+(?:[\w'’\"-]+\s+){0,4}?(?:rall(?:y|ies)|protests?|demonstrations?|"
    r"march(?:es)?|vigils?|sit-ins?)\b",
    re.I,
)
# a protest named as the background of the sentence's own act, told as a noun phrase
# ("following the riots"); "after police shot a protester" is a clause with its own act
_BACKGROUND_BEFORE = re.compile(
    r"\b(?:following|(?:in\s+)?response\s+to|in\s+the\s+(?:wake|aftermath)\s+of|prompted\s+by|"
    r"during\s+last\s+\w+['’]s|over\s+last\s+\w+['’]s)\s+(?:the\s+|these\s+|those\s+|yesterday['’]s\s+|"
    r"last\s+\w+['’]s\s+|(?:days|weeks|months)\s+of\s+|recent\s+)?(?:[\w'’-]+\s+){0,2}?$",
    re.I,
)


# territory verbs that say nothing of ground without an armed side: "Boeing pushes back"
_MOVED = re.compile(r"(?:dr(?:ove|ive|iv)|push|forc|chas|flush|recover|regain|reclaim)", re.I)
# "a military convoy marching into the town was attacked": no protest anywhere
_ARMED_MARCH = gated(
    r"\b(?:army|troops|soldiers|forces|column|convoy)\s+(?:\w+\s+){0,2}?(?:marched|marching)\b",
    re.I,
)
# "the army marches on the capital" is no protest
_TROOPS_MARCH = re.compile(
    r"\b(?:army|troops|soldiers|forces|rebels|militants|fighters|column)\s+(?:\w+\s+){0,2}?march\w*\s+\w+$",
    re.I,
)
_ARREST_AFTER = re.compile(
    r"\b(?:after|following|during)\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,2}$", re.I
)
_ARREST_FOR = gated(
    r"\b(?:arrest(?:s|ed|ing)?|detain(?:s|ed|ing)?)\s+(?:[\w'’.-]+\s+){0,6}?(?:for|over|on\s+charges\s+of|"
    r"on\s+suspicion\s+of|accused\s+of|in\s+connection\s+with|suspected\s+of)\s+(?:\w+\s+)?"
    r"(?:kidnapping|abducting|raping|rape|assault\w*|murder\w*|killing|robb\w*|hijacking)\b",
    re.I,
)
_LOOKED_BACK = re.compile(r"(?:following|after|(?:a\s+|two\s+|\w+\s+)?days?\s+after|since)\b", re.I)
# words of strategy that yield to any violence the same sentence tells; a torching in
# which people are killed is the killing ("troops kill five in an arson attack")
_CONTEXT = frozenset(
    {
        S.CHANGE_TO_GROUP_ACTIVITY,
        S.HEADQUARTERS_OR_BASE_ESTABLISHED,
        S.LOOTING_PROPERTY_DESTRUCTION,
    }
)
_VIOLENT = frozenset(
    sub_type
    for sub_type in S
    if event_type_of(sub_type)
    in (
        EventType.BATTLES,
        EventType.EXPLOSIONS_REMOTE_VIOLENCE,
        EventType.VIOLENCE_AGAINST_CIVILIANS,
    )
)
_PEACEFULLY = gated(
    r"\bwithout\s+(?:a\s+)?(?:fight|fighting|resistance|clashes|a\s+shot)|\bpeacefully\b|"
    r"\bunder\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,3}?(?:agreement|deal|ceasefire|truce)\b",
    re.I,
)
# a clash, an arrest or a looting that a protest is the scene of
_PROTEST_SIDE_READINGS = frozenset(
    {S.ARMED_CLASH, S.ARRESTS, S.LOOTING_PROPERTY_DESTRUCTION, S.PEACEFUL_PROTEST}
)
_PLANNED_PROTEST = gated(
    r"\b(?:ahead\s+of|planned|upcoming|call(?:s|ed)?\s+for)\s+(?:\w+\s+){0,3}?"
    r"(?:protests?|demonstrations?|rall(?:y|ies)|marches)\b",
    re.I,
)
# where a casualty word speaks of another matter: "... where a soldier was killed in March"
_OTHER_MATTER = re.compile(
    r"(?:,\s*|\s)(?:where|after|a\s+day\s+after|days?\s+after|weeks?\s+after|following|since|"
    r"which|that\s+had|used\s+in|a\s+week\s+after)\s",
    re.I,
)


# a store that was itself found or seized: "a weapons cache was found in a house"
_STORE_FOUND = re.compile(
    r"\s+(?:[\w'’,-]+\s+){0,6}?(?:was|were|is|are|has\s+been|have\s+been|had\s+been)\s+(?:\w+\s+)?"
    r"(?:found|seized|discovered|uncovered|unearthed|recovered|confiscated|raided)\b",
    re.I,
)
_FIND_BEFORE = re.compile(
    r"\b(?:f(?:ind|inds|ound)|seiz(?:e|es|ed|ing)|discover(?:s|ed)?|uncover(?:s|ed)?|unearth(?:s|ed)?|"
    r"recover(?:s|ed)?|confiscat(?:e|es|ed))\s+(?:an?\s+|the\s+|two\s+|three\s+|several\s+)?(?:[\w-]+\s+){0,2}?$",
    re.I,
)
_BARE_STORE = re.compile(
    r"(?:arms|weapons|ammunition|munitions|explosives?)\s+(?:cache|caches|depot|stockpile)s?", re.I
)
# a battle that frames the other acts the sentence tells
_DURING_FIGHT = re.compile(
    r"\b(?:during|amid|in)\s+(?:the\s+)?(?:\w+\s+)?(?:clash(?:es)?|fighting|battles?|gun\s*battles?|"
    r"firefights?|shoot-?outs?)\b",
    re.I,
)
# a clause about another incident: "..., the same town where 74 died in a suicide bombing"
_ANOTHER_SCENE = re.compile(
    r"(?:,\s*|\s)(?:where|since|(?:a|one|two|three|four|five|\d+)\s+(?:days?|weeks?|months?)\s+"
    r"(?:after|before|earlier))\s",
    re.I,
)
# ACLED: people executed or beheaded were in their killers' hands, hors de combat, so an
# execution is an attack whoever the victims ("executes two captured soldiers")
_EXECUTION_ACT = re.compile(r"execut|behead|decapitat", re.I)
_CIVILIAN_WORDS = re.compile(rf"\b{_CIVILIAN_TARGETS}\b", re.I)
# words after an act that tell where it happened, not whom it hit: a headline's passive
_SCENE_AFTER = re.compile(r"\s*(?:at|near|in|outside|inside|around|close\s+to)\s", re.I)
# an act told without its object: "shot dead", "gunned down", "beheaded"
_BARE_ACT = re.compile(
    r"(?:shot|gunned|guns?)\s+(?:dead|down)|hacked\s+to\s+death|beaten\s+to\s+death|behead\w*|"
    r"assassinat\w*|massacred|decapitat\w*|fatally\s+\w+",
    re.I,
)
# "IS executes a man": the group, not the auxiliary of a passive
_PASSIVE_BEFORE = re.compile(
    r"\b(?!(?-i:IS)\b)(?:is|are|was|were|been|being)\s+(?:\w+\s+){0,2}$", re.I
)
_CLAUSE_END = re.compile(r"[.;:]|,\s+(?:and|but|while|as|after|when)\b|\s+(?:after|when|as|by)\s")


def _victims(sentence: str, act: re.Match[str]) -> str:
    """The words that name who an act hit: its object, or in the passive its subject."""
    before = sentence[: act.start()]
    if _PASSIVE_BEFORE.search(before):
        return before[-100:]
    after = sentence[act.end() : act.end() + 100]
    if _BARE_ACT.fullmatch(act.group(0)) and _SCENE_AFTER.match(after):
        return before[-100:]  # "a man shot dead at a checkpoint": the checkpoint is the scene
    end = _CLAUSE_END.search(after)
    return after[: end.start()] if end else after


def _own_casualties(sentence: str, disrupted: re.Match[str]) -> bool:
    """Whether the sentence's casualties belong to the seizure or defusing it tells, not to
    another matter a subordinate clause after it names."""
    for casualty in _CASUALTIES.finditer(sentence):
        if disrupted.start() <= casualty.start() < disrupted.end():
            continue  # "destroyed 40 mines": the words of the seizure itself
        if casualty.start() < disrupted.start():
            return True
        boundary = _OTHER_MATTER.search(sentence, disrupted.end(), casualty.start())
        if boundary is None:
            return True
    return False


# "rocket" and "missile" with no target: a space launch, an arms purchase; "Shell" the company
_NO_STRIKE = gated(
    r"\b(?:satellites?|spacecraft|space\s+(?:station|agency|launch|centre|center|port)|spaceport|"
    r"orbit(?:al)?|payload|launch\s+(?:pad|vehicle|site)|lift(?:s|ed)?\s+off|SpaceX|Falcon\s+9|"
    r"Atlas\s+V|Soyuz|Long\s+March|Ariane|cosmodrome|shell\s+(?:compan(?:y|ies)|firms?|corporations?|accounts?))\b|"
    r"\b(?:sends?|sent|deploy(?:s|ed|ing)?|station(?:s|ed)?|mov(?:es|ed))\s+(?:[\w-]+\s+){0,5}?(?:missiles|rockets)"
    r"(?:\s+(?:systems?|batter(?:y|ies)|launchers?))?\s+(?:to|into|in|near|along)\b|"
    r"\b(?:buy|buys|bought|purchas\w+|acqui\w+|deal|contract|sale|sells?|sold|deliver\w*|order(?:s|ed)?|"
    r"sends?|sent|deploy(?:s|ed|ing)?|station(?:s|ed)?|install(?:s|ed)?|mov(?:es|ed))"
    r"\s+(?:[\w-]+\s+){0,4}?(?:missile|rocket|air\s+defen[cs]e)\s+(?:systems?|batter(?:y|ies)|launchers?)\b|"
    r"(?-i:\bShell)(?:\s+(?:Oil|plc|Company|Nigeria|Energy|Petroleum|profits?|shares?|chief|executives?|"
    r"reported|reports|said|says|announced|posted|plans|agreed|signed)\b|['’]s\b)|"
    r"\bRoyal\s+Dutch\s+Shell\b",
    re.I,
)
# Words that make a whole sentence no report of a new event: denials, accusations,
# trials, drills, looks back, what pictures "show".
_NOT_NEW = gated(
    r"\b(?:warn(?:s|ed)?\b(?!\s+shots)|"
    r"denie[sd]|deny|denying|rejected|alleg(?:es|ing)|rumou?rs?|"
    r"accus(?:e|ed|es|ing)\s+(?:\w+\s+){0,4}?of\s+(?:shelling|firing|attacking|striking|bombing|killing|"
    r"launching|targeting|breaking|violating|carrying\s+out|staging|plotting|provoking|massing|amassing|"
    r"faking|fabricating|"
    r"deploying|sending|arming|supporting|backing|funding|harbou?ring)|"
    r"(?:continu\w*|lasted|going\s+on|raged|ongoing)\s+(?:[\w-]+\s+){0,5}?(?:for|since)\s+(?:over\s+|more\s+than\s+|"
    r"nearly\s+|almost\s+)?(?:a|one|two|three|four|five|six|several|many|\d+)\s+(?:years?|months)|"
    r"claimed\s+to\s+have|(?<!mark\sthe\s)(?<!marks\sthe\s)(?<!marking\sthe\s)anniversary|remember(?:s|ed|ing)?|commemorat\w*|(?-i:memorial)|"
    r"apologi[sz](?:e|es|ed|ing)\s+(?:to|for)|(?:had|has|have)\s+scheduled|scheduled\s+(?:for|to)|"
    r"after\s+having\s+been\s+(?:\w+\s+)?(?:wounded|injured|shot)|"
    r"years?\s+(?:ago|since|after)|in\s+the\s+past(?!\s+(?:\d+|twenty-four|forty-eight|few)\s+hours|\s+day\b)|"
    r"has\s+been\s+struck\s+repeatedly|struck\s+repeatedly|"
    r"(?:is|are|was|were|being)\s+planned|"
    r"exercises|drills|manoeuvres|maneuvers|war\s+games|sentenced|convicted|verdict|on\s+trial|"
    r"defendants?|pleaded\s+guilty|found\s+(?:not\s+)?guilty|acquitted|(?:is|are|was|were)\s+jailed|"
    r"tries\s+(?:\d+|[a-z]+)\s+(?:\w+\s+)?(?:activists|protesters|suspects|defendants|people|men)|"
    r"(?:images|photographs|photos|pictures|paintings|film|book|novel|exhibition)\s+"
    r"(?:show|depict|describe|recall|recreate)s?)\b",
    re.I,
)
# Words that look forward (threats, plans, conditions): they make their own clause no
# report, not the clause before them. "ETA declares a ceasefire, which will be verified"
# reports the declaration; "Protesters vow to march" reports nothing.
_FORWARD = gated(
    r"\b(?:will|would(?!-be)|could|might|may\s+(?:be|have)|threaten(?:s|ed)?\s+(?:\w+\s+){0,3}?(?:to|with)\b|"
    r"vow(?:s|ed)?|pledg(?:e|ed|es)|promis(?:e|ed|es)|(?:plans|planned|planning)\s+to|if|unless)\b",
    re.I,
)
# where the clause a forward-looking word governs may begin
_CLAUSE_START = re.compile(
    r"(?:[,;:]\s+|\s+(?:while|whereas|as|after|before|which|who|that|when|where|because)\s+)", re.I
)


def trigger_position(sentence: str, sub_type: S) -> int:
    """Where the sentence names its event of this sub-type (0 when it does not)."""
    for candidate, pattern in _TRIGGERS:
        if candidate == sub_type and (match := pattern.search(sentence)):
            return match.start()
    return 0


def before_forward_clause(sentence: str) -> str:
    """The sentence up to the clause a forward-looking word rules ("" when that clause is
    the whole sentence)."""
    forward = _FORWARD.search(sentence)
    if forward is None:
        return sentence
    start = 0
    for boundary in _CLAUSE_START.finditer(sentence, 0, forward.start()):
        start = boundary.start()
    return sentence[:start]


def new_event_text(sentence: str) -> str:
    """The part of the sentence that may report a new event: none of a sentence that
    denies, accuses, rehearses or looks back, and none of a clause that threatens, plans
    or supposes ("" when nothing is left)."""
    if _NOT_NEW.search(sentence):
        return ""
    return before_forward_clause(sentence)


# Words that mark an article about sport, markets, culture or elections, whose war words are metaphors.
_FIGURATIVE_DOMAINS = gated(
    r"\b(?:goals?|derby|striker|midfield(?:er)?|final\s+whistle|relegation|league|penalty|"
    r"half-time|first\s+half|second\s+half|fans|pitch|manager|coach|season|tournament|"
    r"match|tries|try|winger|forwards|scrum|breakdown|kicks|wickets?|innings|batters?|bowlers?|"
    r"players?|World\s+Cup|Olympics?|"
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
_REAL_VIOLENCE = gated(
    r"\b(?:civilians?|soldiers?|troops|militants?|insurgents?|rebels?|army|military|police|"
    r"residents|villagers|ministry|governor|hospital|medics|health\s+officials?)\b",
    re.I,
)


def is_figurative(text: str) -> bool:
    """Sport, markets, culture or campaigns using war words, with little sign of real violence."""
    if not _FIGURATIVE_DOMAINS.may_match_times(text, 3):
        return False  # most text holds too few of the domain words' letters to name three
    domain_words = {m.group(0).lower() for m in _FIGURATIVE_DOMAINS.finditer(text)}
    violence_words = {m.group(0).lower() for m in _REAL_VIOLENCE.finditer(text)}
    return len(domain_words) >= 3 and len(domain_words) > 2 * len(violence_words)

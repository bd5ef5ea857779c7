"""The right ACLED sub-type, and no event where there is none (issue 24, items 6-11).

Every sentence here is written for the test: each shows one phenomenon, in words the
extractor's patterns were not built from.
"""

from __future__ import annotations

import pytest

from processors.extraction import extract_events
from processors.extraction.triggers import event_triggers, new_event_text
from processors.offline import article_from_record
from schemas.taxonomy import SubEventType as S


def _first(sentence: str) -> S | None:
    found = event_triggers(sentence)
    return found[0] if found else None


def _types(title: str, text: str) -> list[S]:
    article = article_from_record(
        {
            "id": title,
            "title": title,
            "text": text,
            "published": "2024-05-14T10:00:00+00:00",
            "source": "Test Wire",
        }
    )
    return [event.sub_event_type for event in extract_events(article)]


# 6. Protest escalation, in ACLED's order
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Teachers marched through Lusaka on Tuesday and the march turned violent.",
            S.VIOLENT_DEMONSTRATION,
        ),
        (
            "A rally against fuel prices in Accra descended into unrest by nightfall.",
            S.VIOLENT_DEMONSTRATION,
        ),
        (
            "Demonstrators in Quito blocked the main highway with burning tyres.",
            S.VIOLENT_DEMONSTRATION,
        ),
        (
            "Protesters tore down the barriers outside the ministry in Tunis.",
            S.VIOLENT_DEMONSTRATION,
        ),
        (
            "Clashes broke out between demonstrators and police in Dhaka on Sunday.",
            S.VIOLENT_DEMONSTRATION,
        ),
        (
            "The regional assembly in Skopje was stormed by protesters on Monday.",
            S.VIOLENT_DEMONSTRATION,
        ),
        (
            "Hundreds of violent protesters gathered outside the court in Lima.",
            S.VIOLENT_DEMONSTRATION,
        ),
        (
            "Two protesters were shot dead during a march in Conakry.",
            S.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
        ),
        (
            "Police used live ammunition against a student rally in Harare.",
            S.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
        ),
        (
            "Four people died in the protests over bread prices in Khartoum.",
            S.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
        ),
        (
            "Police fired tear gas to disperse a protest by nurses in Nairobi.",
            S.PROTEST_WITH_INTERVENTION,
        ),
        (
            "Dozens of demonstrators were detained at a sit-in outside parliament in Baku.",
            S.PROTEST_WITH_INTERVENTION,
        ),
        (
            "Police in Minsk arrest at least 120 left-wing demonstrators.",
            S.PROTEST_WITH_INTERVENTION,
        ),
        (
            "Thousands of farmers rallied peacefully in Delhi against the new law.",
            S.PEACEFUL_PROTEST,
        ),
    ],
)
def test_a_protest_gets_acled_s_reading(sentence: str, expected: S):
    assert _first(sentence) == expected


def test_a_protest_s_later_sentence_can_escalate_it():
    text = (
        "Hundreds of workers protested outside the mine offices in Rustenburg on Monday. "
        "Police later fired rubber bullets and tear gas at the crowd."
    )
    assert _types("Mine workers protest in Rustenburg", text)[:1] == [S.PROTEST_WITH_INTERVENTION]


def test_a_stance_taken_in_protest_is_no_protest():
    assert _first("The minister resigned in protest at the budget cuts in Lisbon.") is None


# 7. Weapons found, seized, defused or destroyed
@pytest.mark.parametrize(
    "sentence",
    [
        "Rifles and ammunition were seized at a checkpoint outside Gao on Friday.",
        "A cache of grenades and detonators was uncovered in a farmhouse near Mosul.",
        "Army engineers destroyed 40 mines along the road to Marib.",
        "Two roadside bombs were defused near the market in Kandahar.",
        "Army engineers destroyed 40 mines on the road where a soldier was killed last month.",
    ],
)
def test_weapons_found_or_destroyed_are_disrupted_weapons_use(sentence: str):
    assert _first(sentence) == S.DISRUPTED_WEAPONS_USE


def test_a_casualty_of_the_seizure_itself_keeps_the_fight():
    found = _first("Troops killed two militants and seized their weapons in a raid near Kidal.")
    assert found is not None and found != S.DISRUPTED_WEAPONS_USE


# 8. Territory
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The militants pulled out of the town of Foobar without a fight.",
            S.NON_VIOLENT_TRANSFER_OF_TERRITORY,
        ),
        (
            "Rebel fighters withdrew from their positions around Kidal on Sunday.",
            S.NON_VIOLENT_TRANSFER_OF_TERRITORY,
        ),
        (
            "Government troops drove the insurgents out of the district on Tuesday.",
            S.GOVERNMENT_REGAINS_TERRITORY,
        ),
        ("The army recaptured on Saturday the town of Palma.", S.GOVERNMENT_REGAINS_TERRITORY),
        (
            "The rebel-held village of Kiwanja was retaken by government forces.",
            S.GOVERNMENT_REGAINS_TERRITORY,
        ),
        (
            "Backed by air strikes against jihadist positions, the army won back the district.",
            S.GOVERNMENT_REGAINS_TERRITORY,
        ),
        (
            "After weeks of fighting, the rebels overran the army base in Bambari.",
            S.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
        ),
    ],
)
def test_territory_goes_to_the_subject_of_the_clause(sentence: str, expected: S):
    assert _first(sentence) == expected


def test_withdrawing_from_an_accord_or_pushing_back_a_launch_is_no_territory():
    assert _first("The government withdrew from the Paris accord on Friday.") is None
    assert _first("The carmaker pushed back the launch of its new model by a year.") is None


# 9. Battle or attack on civilians
@pytest.mark.parametrize(
    "sentence",
    [
        "Gunmen killed three village guards in the district, officials said.",
        "Insurgents killed two commandos in an ambush near Khost.",
        "Militants attacked a police check post in Bannu, killing two officers.",
        "Gunmen shot dead the bodyguards of a local commander in Beledweyne.",
        "A soldier was killed by a sniper in Kunduz on Monday, officials said.",
    ],
)
def test_armed_targets_make_a_battle(sentence: str):
    assert _first(sentence) == S.ARMED_CLASH


def test_civilians_are_still_victims_of_an_attack():
    assert _first("Gunmen killed five farmers in their fields near Jos, police said.") == S.ATTACK


# the victims decide, never the agent: armed men killing unarmed people is an attack
@pytest.mark.parametrize(
    "sentence",
    [
        "Tribal militiamen kill four negotiators near Gardez.",
        "Bandits kill 9 in two villages of Katsina.",
        "A 16-year-old is shot in the leg by soldiers in Hebron.",
        "Troopers Shot Him Dead Outside His Shop - Brother",
        "A newlywed couple shot and killed by masked gunmen in Lashio",
        "Army Soldiers Murder Shan Farmer Near Kyaukme",
        "Border guards shoot and wound three Afghans who were crossing near Torkham.",
    ],
)
def test_the_victims_not_the_agent_make_an_attack(sentence: str):
    assert _first(sentence) == S.ATTACK


@pytest.mark.parametrize(
    "sentence",
    [
        "Troops Kill 'Dozens' Of Al-Shabaab Fighters in Jubaland - Spokesman",
        "Troops Kill 12 Boko Haram, Free 30 Captives",
        "27 killed yesterday including 9 regime forces",
        "Eight Junta Soldiers Killed In Sagaing's Kani Township",
        "Rebel Commander Killed in Shootout Near Bunia",
        "Gang Members Escape Arrest, Kill Security Operative in Zaria",
        "Air defences shoot down an enemy fighter jet over the border zone.",
        "A military transport helicopter flying near Kramatorsk is shot down.",
        "Rebels abduct 12 policemen during clashes with troops in Faryab province.",
        "Sixteen Islamists killed in northern Mali: army",
        "Police kill three terror suspects in Diffa",
        "Troops Storm Al-Shabaab Hideout, Kill Four",
        "Senior Taliban Kingpin Killed in Kunduz",
        "55 killed yesterday including 20 ISIS",
        "Government troops attacked a KIA camp near Laiza on Monday.",
        "Two killed in militant attack on an infantry battalion near Buthidaung",
    ],
)
def test_armed_victims_make_a_battle(sentence: str):
    assert _first(sentence) == S.ARMED_CLASH


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # explosives that destroy a thing are an explosion, not property destruction
        ("Saboteurs blow up a gas pipeline in Sinai.", S.REMOTE_EXPLOSIVE_LANDMINE_IED),
        (
            "A car packed with explosives is detonated outside a campaign rally in Khost.",
            S.REMOTE_EXPLOSIVE_LANDMINE_IED,
        ),
        # drones told as "U.S. missile strikes"
        ("Suspected U.S. missile strikes kill 9 in South Waziristan.", S.AIR_DRONE_STRIKE),
        # a suicide bombing named only as an earlier matter does not retype the event
        (
            "A roadside bomb wounds six policemen in Peshawar, the city where 40 died in a "
            "suicide bombing last week.",
            S.REMOTE_EXPLOSIVE_LANDMINE_IED,
        ),
        # deminers killed by the bomb they were defusing: the bomb went off
        (
            "Three deminers die while trying to defuse a landmine near Kandahar.",
            S.REMOTE_EXPLOSIVE_LANDMINE_IED,
        ),
        ("A van ploughs into a crowded street market in Lyon.", S.ATTACK),
        # militias loyal to the government take ground for the state
        (
            "Militias loyal to the government captured the town of Sirte after a week of battle.",
            S.GOVERNMENT_REGAINS_TERRITORY,
        ),
        # a plot foiled, a load of explosives intercepted: weapons use disrupted
        ("Intelligence agents foil a suicide bomb plot in Herat.", S.DISRUPTED_WEAPONS_USE),
        (
            "Soldiers intercepted a lorry loaded with explosives outside Gao.",
            S.DISRUPTED_WEAPONS_USE,
        ),
        # a protester who dies is excessive force, whatever the police used
        (
            "A demonstrator dies after being struck by a tear gas canister in Basra.",
            S.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
        ),
        # territory only aimed at has not changed hands: the fighting is the event
        (
            "The army launched an offensive aimed at retaking the town of Hit from the jihadists.",
            S.ARMED_CLASH,
        ),
        # militias allied to the state take ground on the state's side
        (
            "Army units and allied tribal militias recaptured the village of Zuwara from IS.",
            S.GOVERNMENT_REGAINS_TERRITORY,
        ),
        # a weapons depot hit by a blast is the target, not a find
        (
            "A blast rips through an ammunition depot in Tartus, killing four.",
            S.REMOTE_EXPLOSIVE_LANDMINE_IED,
        ),
        ("A lorry rams pedestrians on a promenade in Nice.", S.ATTACK),
        # a leading clause naming the earlier event the sentence's act answers
        (
            "Following last week's shelling of its outposts, the militia ambushes an army patrol near Beni.",
            S.ARMED_CLASH,
        ),
        # a military convoy hit is an armed target, whoever struck it
        ("Insurgents targeted a military convoy near Gao, killing three.", S.ARMED_CLASH),
        # an unarmed person killed in an ambush is an attack; gunfire at a mosque too
        ("A radio presenter is assassinated in an ambush outside Mosul.", S.ATTACK),
        (
            "Masked men open fire at a church in Kaduna, resulting in at least two deaths.",
            S.ATTACK,
        ),
        ("A suicide truck bomber strikes a checkpoint outside Kirkuk.", S.SUICIDE_BOMB),
        # missiles sent or deployed somewhere are a move, not a strike
        (
            "The ministry deploys Patriot air defence systems to the northern border.",
            S.CHANGE_TO_GROUP_ACTIVITY,
        ),
        # the protest's own acts, however far the verb: violent first, then lethal force
        (
            "Crowds march through Jos, setting fire to the ruling party's office.",
            S.VIOLENT_DEMONSTRATION,
        ),
        (
            "Three demonstrators, who had gathered to stop trucks leaving the mine, were shot "
            "dead near Kolwezi.",
            S.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
        ),
        (
            "Riot police end a two-week sit-in outside parliament in Lima.",
            S.PROTEST_WITH_INTERVENTION,
        ),
        # a protest that only sets the scene of an armed attack
        (
            "As strikes over wages continue in Lagos, gunmen storm a police station in Ikeja.",
            S.ARMED_CLASH,
        ),
        # a headline's capitals: "Capture Five" is five people, not a place
        ("Soldiers Kill 8 Insurgents, Capture Five In Gwoza", S.ARMED_CLASH),
        (
            "On the fourth day of protests in Lima, the death toll rises to 20.",
            S.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
        ),
    ],
)
def test_the_codebook_s_reading_of_mixed_wordings(sentence: str, expected: S):
    assert _first(sentence) == expected


# 10. Strategic developments
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The army sent reinforcements to the northern front near Tessalit.",
            S.CHANGE_TO_GROUP_ACTIVITY,
        ),
        ("Dozens of militia fighters surrendered to the army in Beni.", S.CHANGE_TO_GROUP_ACTIVITY),
        (
            "A rebel commander and his unit defected to the government side.",
            S.CHANGE_TO_GROUP_ACTIVITY,
        ),
        (
            "The rebels set up a new headquarters in the hills above Ndele.",
            S.HEADQUARTERS_OR_BASE_ESTABLISHED,
        ),
        ("The two militias signed an agreement to end the fighting in Tripoli.", S.AGREEMENT),
    ],
)
def test_strategic_moves_get_their_own_sub_type(sentence: str, expected: S):
    assert _first(sentence) == expected


def test_strategy_yields_to_the_violence_the_sentence_tells():
    found = _first("Reinforcements arrived as heavy clashes raged around Tal Afar.")
    assert found == S.ARMED_CLASH


def test_a_popular_mobilization_force_is_no_mobilisation():
    assert _first("A convoy of the Popular Mobilization Forces drove through Baiji.") is None


# 11. Not an event
@pytest.mark.parametrize(
    "sentence",
    [
        "The Islamic State claimed responsibility for the bombing in the capital.",
        "Officials blamed the militia for Tuesday's attack on the convoy.",
        "The European Union imposes new sanctions on the junta over the killings.",
        "The country expels four diplomats after the attack on its embassy.",
        "A fertilizer plant exploded in the industrial zone of Tianjin, killing six workers.",
        "A gas pipeline caught fire and exploded near Lagos, killing three people.",
        "An arrest warrant is issued for the boxer after a brawl at a press event.",
        "The country executes two men for drug trafficking.",
        "After a clash of oars at the start, the Oxford crew won easily.",
        "Another 200 homicides were recorded last month in the state as a result of gang violence.",
        "Rights groups condemn the killings of three journalists in the province.",
    ],
)
def test_no_event_is_reported(sentence: str):
    assert event_triggers(sentence) == []


def test_a_bomb_in_a_container_stays_a_bomb():
    found = _first(
        "A bomb hidden in a shipping container exploded at the port of Aden, killing four."
    )
    assert found == S.REMOTE_EXPLOSIVE_LANDMINE_IED


def test_a_new_attack_named_in_a_claim_is_still_an_event():
    found = _first(
        "The group claimed responsibility for a car bombing in Mogadishu that killed nine people."
    )
    assert found == S.REMOTE_EXPLOSIVE_LANDMINE_IED


def test_a_bomb_at_a_football_match_is_no_sport():
    assert _first("A bomb exploded at a football match in Maiduguri, killing 12 fans.") == (
        S.REMOTE_EXPLOSIVE_LANDMINE_IED
    )


def test_an_ordinary_arrest_reports_no_event_but_a_political_one_does():
    assert (
        _types("Car thief arrested", "Police in Ohio arrested a man for stealing cars on Monday.")
        == []
    )
    assert _types(
        "Opposition leader arrested",
        "Police in Kampala arrested the opposition leader on Monday.",
    ) == [S.ARRESTS]


def test_an_attack_told_only_by_its_outcome_beside_a_seizure_is_read():
    found = _first("Gunmen killed two farmers and seized their rifles near Zamfara.")
    assert found == S.ATTACK


def test_a_road_blocked_in_a_peaceful_campaign_stays_a_peaceful_protest():
    sentence = "Hundreds of drivers blocked the ring road in Almaty in a peaceful protest over fuel prices."
    assert _first(sentence) == S.PEACEFUL_PROTEST


def test_a_crowd_that_disperses_by_itself_met_no_intervention():
    text = (
        "Nurses rallied outside the health ministry in Lilongwe on Friday to demand overtime pay. "
        "The crowd dispersed peacefully in the afternoon."
    )
    assert _types("Nurses rally in Lilongwe", text) == [S.PEACEFUL_PROTEST]


def test_a_named_non_state_force_takes_ground_for_itself():
    sentence = "The Syrian Democratic Forces took control of the village of Tal Baydar on Monday."
    assert _first(sentence) == S.NON_STATE_ACTOR_OVERTAKES_TERRITORY


def test_an_arrest_after_an_attack_leaves_the_attack_the_event():
    sentence = (
        "Two people were hurt and a man was arrested after a knife attack at a station in Lyon."
    )
    assert _first(sentence) == S.ATTACK
    assert _first("Police arrested four men in connection with the bombing in Lyon.") == S.ARRESTS


# --- a second pass over the phenomena (issue 24, items 6-11), one test each -----------------


def test_the_sentence_after_a_protest_that_goes_on_with_its_crowd_escalates_it():
    text = (
        "Students rallied outside the consulate in Bamako on Tuesday against the new visa rules. "
        "They climbed over the consulate's fence and pulled down its flag."
    )
    assert _types("Students rally in Bamako", text)[:1] == [S.VIOLENT_DEMONSTRATION]


def test_protesters_who_occupy_a_ministry_riot():
    sentence = "Protesters occupied the agriculture ministry building in Kyiv on Friday."
    assert _first(sentence) == S.VIOLENT_DEMONSTRATION


@pytest.mark.parametrize(
    "sentence",
    [
        "Two officers were filmed shoving an elderly protester to the pavement at a march in Leeds.",
        "Demonstrations against the tax rose in Lagos, resulting in at least five deaths.",
    ],
)
def test_force_on_protesters_told_by_a_shove_or_by_deaths_is_excessive(sentence: str):
    assert _first(sentence) == S.EXCESSIVE_FORCE_AGAINST_PROTESTERS


def test_a_crackdown_online_is_no_force_against_a_march():
    sentence = (
        "Hundreds of nationalists marched in Warsaw amid a crackdown on their accounts "
        "on social media."
    )
    assert _first(sentence) == S.PEACEFUL_PROTEST


def test_stun_grenades_are_riot_control_not_a_grenade_attack():
    sentence = "Police fired stun grenades and rubber bullets at striking dock workers in Durban."
    assert _first(sentence) == S.PROTEST_WITH_INTERVENTION


@pytest.mark.parametrize(
    "sentence",
    [
        "A gunman opened fire and killed two people at a rally for the mayor in Quito.",
        "Police reported three stabbings at a march by two rival groups in Portland.",
    ],
)
def test_violence_by_an_attacker_at_a_rally_is_an_attack(sentence: str):
    assert _first(sentence) == S.ATTACK


@pytest.mark.parametrize(
    "sentence",
    [
        "The governor lifted the curfew imposed following the riots in the port city of Durres.",
        "The cabinet resigned in response to the rally held against it in Sofia.",
    ],
)
def test_a_protest_named_only_as_the_background_is_no_protest(sentence: str):
    assert _first(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Police in Manila say they discovered bomb-making materials in a rented flat.",
        "Air defences intercept and down three drones over the port of Aden.",
    ],
)
def test_weapons_found_and_drones_intercepted_are_disrupted_weapons_use(sentence: str):
    assert _first(sentence) == S.DISRUPTED_WEAPONS_USE


def test_a_cache_found_where_deaths_of_another_day_are_named_is_weapons_found():
    sentence = (
        "A weapons cache was found in a farmhouse near Ngala where two soldiers died in June."
    )
    assert _first(sentence) == S.DISRUPTED_WEAPONS_USE


@pytest.mark.parametrize(
    "sentence",
    [
        "Armed men in unmarked uniforms have taken over the airport of Kismayo.",
        "The rebels captured one of the last remaining strongholds of the army near Goma.",
    ],
)
def test_ground_taken_over_by_a_non_state_side(sentence: str):
    assert _first(sentence) == S.NON_STATE_ACTOR_OVERTAKES_TERRITORY


@pytest.mark.parametrize(
    "sentence",
    [
        "Militants launched a fatal attack on a KNU base near Myawaddy.",
        "A soldier and a trader were killed in an attack on convoys near Lashio.",
        "The junta's column suffers heavy casualties near Kalay.",
        "Thirty people were killed in Jolo between the army and armed groups on Sunday.",
    ],
)
def test_an_armed_side_hit_or_two_sides_fighting_is_a_battle(sentence: str):
    assert _first(sentence) == S.ARMED_CLASH


def test_an_attack_on_an_aid_convoy_stays_an_attack_on_civilians():
    sentence = "Gunmen killed four drivers in an attack on an aid convoy near Mopti."
    assert _first(sentence) == S.ATTACK


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The army sent reinforcements to the town of Diffa after the attack.",
            S.CHANGE_TO_GROUP_ACTIVITY,
        ),
        (
            "Militia fighters torched granaries in Ndele in an arson attack.",
            S.LOOTING_PROPERTY_DESTRUCTION,
        ),
    ],
)
def test_a_strategic_move_never_yields_to_an_act_read_by_the_fallback(sentence: str, expected: S):
    assert _first(sentence) == expected


def test_a_strategic_move_with_casualties_told_is_the_violence():
    sentence = "Gunmen burned 12 houses and killed four farmers in Kauru."
    assert _first(sentence) == S.ATTACK


@pytest.mark.parametrize(
    "sentence",
    [
        "The attacker who stabbed three people in Leeds on Tuesday is identified as a local man.",
        "Prosecutors in Lyon identify the attacker as a student who stabbed two teachers.",
        "The mayor of Lima bans demonstrations in the old town ahead of the summit.",
        "A court in Vienna overturns the city's ban on protests against the lockdown.",
        "A report from a monitoring group finds that drone strikes killed 12 civilians in Marib.",
        "Newly released files show that the army knew of the massacre in 1982.",
        "A court in Abuja awards damages to the widow of a man killed by police.",
        "The suspect in the murders in Bristol died of a self-inflicted gunshot wound.",
    ],
)
def test_talk_justice_and_looks_back_report_no_event(sentence: str):
    assert _first(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "The government of Peru apologises to farmers injured at a protest near a copper mine.",
        "The town holds services remembering the miners killed in the clashes.",
        "The opposition had scheduled a march in Dhaka for Friday.",
        "A former governor dies after having been wounded in the attack on his convoy in Kano.",
        "The minister accuses the rebels of faking evidence of a chemical attack in Idlib.",
    ],
)
def test_apologies_remembrance_plans_old_wounds_and_fakes_are_no_new_event(sentence: str):
    assert new_event_text(sentence) == ""


def test_a_blame_for_an_attack_named_with_its_date_is_no_new_event():
    sentence = (
        "The interior ministry blames a little-known cell for an attack on a crowded church "
        "in the centre of Lahore on 3 March."
    )
    assert _first(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "A synagogue in Lyon is torched overnight.",
        "A refugee centre was burned down in Dresden.",
        "ISIL destroys an ancient temple in the desert near Hatra.",
        "Saboteurs attacked the gas pipeline to Jordan near El Arish.",
    ],
)
def test_property_destroyed_without_a_victim_is_property_destruction(sentence: str):
    assert _first(sentence) == S.LOOTING_PROPERTY_DESTRUCTION


def test_helicopters_that_destroy_a_target_are_an_air_strike():
    sentence = "Army helicopters destroyed a rebel fuel convoy near Tal Afar."
    assert _first(sentence) == S.AIR_DRONE_STRIKE


def test_an_illness_word_does_not_excuse_a_death_by_gunfire():
    sentence = (
        "A health worker carrying coronavirus vaccines was killed when his car was hit by "
        "gunfire near Sittwe."
    )
    assert _first(sentence) == S.ATTACK


def test_a_truck_driven_into_a_crowd_at_a_fireworks_show_is_no_accident():
    sentence = (
        "A van ploughed into a crowd of spectators at a fireworks show in Marseille, killing 12."
    )
    assert _first(sentence) == S.ATTACK


def test_a_tribe_that_attacks_a_town_is_an_armed_side():
    sentence = "Hundreds of men from a rival clan attacked the town of Bor on Sunday."
    assert _first(sentence) is not None


def test_a_coast_guard_that_kills_a_crew_is_an_armed_agent():
    sentence = "The coast guard stopped a fishing boat near Kismayo, killing its captain."
    assert _first(sentence) == S.ATTACK


@pytest.mark.parametrize(
    "sentence",
    [
        "Nine dead in an Islamic State raid on a hamlet near Sirte: elders",
        "Seven people killed in suspected ISWAP attack outside Damboa",
        "Four shot dead in Taliban assault on a Ghazni market",
    ],
)
def test_a_group_named_before_its_raid_is_the_agent_not_the_victims(sentence: str):
    assert _first(sentence) == S.ATTACK


def test_soldiers_killed_in_a_group_raid_are_still_a_battle():
    sentence = "Six soldiers died in an ISWAP raid on their camp near Monguno"
    assert _first(sentence) == S.ARMED_CLASH


@pytest.mark.parametrize(
    "sentence",
    [
        "Al-Shabaab kills five near Baidoa, militia says",
        "Twelve dead in gunmen raid on Zamfara hamlet: farmer, vigilante",
    ],
)
def test_a_militia_that_reports_a_killing_is_no_victim(sentence: str):
    assert _first(sentence) == S.ATTACK


@pytest.mark.parametrize(
    "sentence",
    [
        "IS executes a shepherd near Mayadin",
        "IS executes 12 men in a square of Mayadin",
        "The Islamic State executed the brother of a rebel commander in Hajin",
    ],
)
def test_an_execution_is_an_attack_whoever_the_captives_are(sentence: str):
    assert _first(sentence) == S.ATTACK


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Shopkeeper shot dead at army checkpoint in Lashio", S.ATTACK),
        ("Three farmers gunned down near a militia camp in Plateau", S.ATTACK),
        ("Border guard shot dead at checkpoint near Maungdaw", S.ARMED_CLASH),
    ],
)
def test_a_post_after_the_act_is_the_scene_not_the_victim(sentence: str, expected: S):
    assert _first(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Three hurt as NDC, NPP supporters clash in Tamale",
        "One dead after rival party supporters clash at a ward office in Kisumu",
    ],
)
def test_party_supporters_clashing_are_a_riot(sentence: str):
    assert _first(sentence) == S.MOB_VIOLENCE


def test_supporters_fighting_troops_stay_a_battle():
    assert _first("Militia supporters clash with troops near Beni") == S.ARMED_CLASH


def test_soldiers_reported_killed_are_victims_not_speakers():
    assert _first("Nine army soldiers reported killed in Chin State") == S.ARMED_CLASH

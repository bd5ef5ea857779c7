"""Events told in the words of local conflict news: named sides, fights, torchings (issue 24).

Every sentence here is written for the test, with made-up places where a place is
needed: each shows one phenomenon, and the negatives show the same words with no event.
"""

from __future__ import annotations

import pytest

from processors.extraction.named_sides import named_side_event
from processors.extraction.triggers import event_triggers
from schemas.taxonomy import SubEventType as S


def _first(sentence: str) -> S | None:
    found = event_triggers(sentence)
    return found[0] if found else None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a named side as the subject of an act of violence
        (
            "Junta troops reportedly torch four villages in Lanmaw township",
            S.LOOTING_PROPERTY_DESTRUCTION,
        ),
        ("Herders murder nine persons in Okpara community", S.ATTACK),
        ("Suspected cultists kill two traders in Ubeji", S.ATTACK),
        ("TNLA and PDF fight regime troops near Sakhan", S.ARMED_CLASH),
        ("KNDF Attacks Junta Outpost In Daw Lone", S.ARMED_CLASH),
        ("NAF jets obliterate terrorists' hideout near Kwara ridge", S.AIR_DRONE_STRIKE),
        ("Soldiers burn three captured fighters alive in Kanthit", S.ATTACK),
        ("Local resistance forces strike a junta column on the Pinle road", S.ARMED_CLASH),
        ("Anti-regime group bombs a junta-linked office tower", S.REMOTE_EXPLOSIVE_LANDMINE_IED),
        # the agent of a passive act, or the side hit
        ("Two monks tortured and murdered by the junta in Wetlet", S.ATTACK),
        ("Three PDF members killed near Taze", S.ARMED_CLASH),
        # an operation named with its side
        ("Regime launches a fresh offensive in the northern hills", S.ARMED_CLASH),
        ("Hlaing town under siege by the military", S.ARMED_CLASH),
        ("Two men killed in junta custody", S.ATTACK),
        # an attack told as a noun: its victims named before it, else a fight
        ("Four bodies found after a herdsmen attack on Agwan", S.ATTACK),
        ("Junta attack near Mawlu repelled, resistance says", S.ARMED_CLASH),
        # civilians killed, no side named
        ("Four villagers killed in Kinmun village", S.ATTACK),
    ],
)
def test_named_side_acts(sentence: str, expected: S) -> None:
    assert named_side_event(sentence) == expected
    assert _first(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The army fights corruption in its own ranks",
        "Junta extends the state of emergency by six months",
        "Myanmar junta holds talks with ethnic armed groups in the capital",
        "Police raid a warehouse and seize counterfeit goods",
        "The army rescues flood victims in the delta",
        "Governor deploys the guard after police shot a man on Sunday",
        "An Air Force attack helicopter crashes during training, killing two pilots",
        "Rebels vow to fight on despite the ceasefire",
        "Junta chief meets the Chinese envoy in the capital",
        "Police beat Rangers 2-1 in the league final",
        "Troops clear snow from mountain roads",
        "Junta sacks the central bank governor",
        "Army destroys seized drugs at the barracks gate",
        "Military attacks press freedom with a new law",
        "Junta targets journalists with a new law",
        "Air force jets fly past at the independence parade",
        "Cultists initiate new members at the university campus",
        "Army shoots a film about its peacekeepers",
        "The stock index took heavy losses on Monday",
        "No suspected militants were killed in the raid on the farm",
        "Herdsmen and farmers meet the governor to end the grazing dispute",
    ],
)
def test_no_event_from_named_sides(sentence: str) -> None:
    assert named_side_event(sentence) is None
    assert _first(sentence) is None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("At least two killed in a TNLA gunfight", S.ARMED_CLASH),
        ("Gunfire fight ensues between the alliance and the army near Lanmaw", S.ARMED_CLASH),
        (
            "Rebels and government troops engaged in a gunfire fight in Hsipaw township",
            S.ARMED_CLASH,
        ),
        ("Fighting reported between the army and Arakan rebels", S.ARMED_CLASH),
        ("Fighting flares in the northeast as talks near", S.ARMED_CLASH),
        ("Fighting drives out 5,000 villagers from Pinle", S.ARMED_CLASH),
        ("Sustained fighting in the north, rebels say", S.ARMED_CLASH),
        ("Heavy TNLA fighting with the junta displaces thousands", S.ARMED_CLASH),
        ("Battles edge closer to the town of Mawlu", S.ARMED_CLASH),
        ("Twelve killed in renewed cult war in Ekpoma", S.ARMED_CLASH),
        ("Two military checkpoints attacked in Kyaungon", S.ARMED_CLASH),
        ("An army convoy marching into Lanmaw was attacked, killing six soldiers", S.ARMED_CLASH),
        ("Police station in Sinbo attacked overnight", S.ARMED_CLASH),
        (
            "Security tightened as more explosions rattle the jade town",
            S.REMOTE_EXPLOSIVE_LANDMINE_IED,
        ),
        ("Junta ships on the river bombed with a drone", S.AIR_DRONE_STRIKE),
        ("Villagers suffer in junta bombardments", S.SHELLING_ARTILLERY_MISSILE_ATTACK),
        ("Mob attacks two herders at a cattle market", S.MOB_VIOLENCE),
        ("An elderly man was burnt alive in his house", S.ATTACK),
        ("Troops torch 80 homes in Wuntho", S.LOOTING_PROPERTY_DESTRUCTION),
        ("Over 300 houses razed in Agatu", S.LOOTING_PROPERTY_DESTRUCTION),
        ("The junta steps up arson attacks in the dry zone", S.LOOTING_PROPERTY_DESTRUCTION),
        # a torching in which people are killed is the killing
        ("Gunmen kill four villagers and burn 15 houses in Dogon Daji", S.ATTACK),
        ("Rebels hold 40 women and children hostage in a school", S.ABDUCTION_FORCED_DISAPPEARANCE),
    ],
)
def test_local_trigger_wordings(sentence: str, expected: S) -> None:
    assert _first(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Following the killing of three soldiers, fuel tankers are set alight in Kotri",
        "Wildfire burns 200 homes in the hills",
        "Pilgrims burn candles in the old church at dawn",
    ],
)
def test_torching_readings(sentence: str) -> None:
    found = event_triggers(sentence)
    if "Following" in sentence:
        assert found[0] == S.LOOTING_PROPERTY_DESTRUCTION  # the killing is another matter
    else:
        assert found == []

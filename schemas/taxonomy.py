"""ACLED's event taxonomy as slugs, with the nearest CAMEO root code for each sub-type.

ACLED codes six event types and 25 sub-event types; GDELT users join on CAMEO root
codes (two digits), so every sub-type carries the root that best matches it.
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    BATTLES = "battles"
    EXPLOSIONS_REMOTE_VIOLENCE = "explosions_remote_violence"
    VIOLENCE_AGAINST_CIVILIANS = "violence_against_civilians"
    PROTESTS = "protests"
    RIOTS = "riots"
    STRATEGIC_DEVELOPMENTS = "strategic_developments"


class SubEventType(StrEnum):
    # battles
    ARMED_CLASH = "armed_clash"
    GOVERNMENT_REGAINS_TERRITORY = "government_regains_territory"
    NON_STATE_ACTOR_OVERTAKES_TERRITORY = "non_state_actor_overtakes_territory"
    # explosions / remote violence
    CHEMICAL_WEAPON = "chemical_weapon"
    AIR_DRONE_STRIKE = "air_drone_strike"
    SUICIDE_BOMB = "suicide_bomb"
    SHELLING_ARTILLERY_MISSILE_ATTACK = "shelling_artillery_missile_attack"
    REMOTE_EXPLOSIVE_LANDMINE_IED = "remote_explosive_landmine_ied"
    GRENADE = "grenade"
    # violence against civilians
    SEXUAL_VIOLENCE = "sexual_violence"
    ATTACK = "attack"
    ABDUCTION_FORCED_DISAPPEARANCE = "abduction_forced_disappearance"
    # protests
    PEACEFUL_PROTEST = "peaceful_protest"
    PROTEST_WITH_INTERVENTION = "protest_with_intervention"
    EXCESSIVE_FORCE_AGAINST_PROTESTERS = "excessive_force_against_protesters"
    # riots
    VIOLENT_DEMONSTRATION = "violent_demonstration"
    MOB_VIOLENCE = "mob_violence"
    # strategic developments
    AGREEMENT = "agreement"
    ARRESTS = "arrests"
    CHANGE_TO_GROUP_ACTIVITY = "change_to_group_activity"
    DISRUPTED_WEAPONS_USE = "disrupted_weapons_use"
    HEADQUARTERS_OR_BASE_ESTABLISHED = "headquarters_or_base_established"
    LOOTING_PROPERTY_DESTRUCTION = "looting_property_destruction"
    NON_VIOLENT_TRANSFER_OF_TERRITORY = "non_violent_transfer_of_territory"
    OTHER = "other"


_E = EventType
_S = SubEventType

# sub-type -> (its event type, nearest CAMEO root code)
SUB_EVENT_TYPES: dict[SubEventType, tuple[EventType, str]] = {
    _S.ARMED_CLASH: (_E.BATTLES, "19"),
    _S.GOVERNMENT_REGAINS_TERRITORY: (_E.BATTLES, "19"),
    _S.NON_STATE_ACTOR_OVERTAKES_TERRITORY: (_E.BATTLES, "19"),
    _S.CHEMICAL_WEAPON: (_E.EXPLOSIONS_REMOTE_VIOLENCE, "20"),
    _S.AIR_DRONE_STRIKE: (_E.EXPLOSIONS_REMOTE_VIOLENCE, "19"),
    _S.SUICIDE_BOMB: (_E.EXPLOSIONS_REMOTE_VIOLENCE, "18"),
    _S.SHELLING_ARTILLERY_MISSILE_ATTACK: (_E.EXPLOSIONS_REMOTE_VIOLENCE, "19"),
    _S.REMOTE_EXPLOSIVE_LANDMINE_IED: (_E.EXPLOSIONS_REMOTE_VIOLENCE, "18"),
    _S.GRENADE: (_E.EXPLOSIONS_REMOTE_VIOLENCE, "18"),
    _S.SEXUAL_VIOLENCE: (_E.VIOLENCE_AGAINST_CIVILIANS, "18"),
    _S.ATTACK: (_E.VIOLENCE_AGAINST_CIVILIANS, "18"),
    _S.ABDUCTION_FORCED_DISAPPEARANCE: (_E.VIOLENCE_AGAINST_CIVILIANS, "18"),
    _S.PEACEFUL_PROTEST: (_E.PROTESTS, "14"),
    _S.PROTEST_WITH_INTERVENTION: (_E.PROTESTS, "14"),
    _S.EXCESSIVE_FORCE_AGAINST_PROTESTERS: (_E.PROTESTS, "17"),
    _S.VIOLENT_DEMONSTRATION: (_E.RIOTS, "14"),
    _S.MOB_VIOLENCE: (_E.RIOTS, "18"),
    _S.AGREEMENT: (_E.STRATEGIC_DEVELOPMENTS, "05"),
    _S.ARRESTS: (_E.STRATEGIC_DEVELOPMENTS, "17"),
    _S.CHANGE_TO_GROUP_ACTIVITY: (_E.STRATEGIC_DEVELOPMENTS, "15"),
    _S.DISRUPTED_WEAPONS_USE: (_E.STRATEGIC_DEVELOPMENTS, "15"),
    _S.HEADQUARTERS_OR_BASE_ESTABLISHED: (_E.STRATEGIC_DEVELOPMENTS, "15"),
    _S.LOOTING_PROPERTY_DESTRUCTION: (_E.STRATEGIC_DEVELOPMENTS, "17"),
    _S.NON_VIOLENT_TRANSFER_OF_TERRITORY: (_E.STRATEGIC_DEVELOPMENTS, "08"),
    _S.OTHER: (_E.STRATEGIC_DEVELOPMENTS, "01"),
}


def event_type_of(sub_event_type: SubEventType) -> EventType:
    return SUB_EVENT_TYPES[sub_event_type][0]


def cameo_root_of(sub_event_type: SubEventType) -> str:
    return SUB_EVENT_TYPES[sub_event_type][1]

"""Which country a word points at: names from GeoNames, plus demonyms and usual variants."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from processors.extraction.gazetteer import get_gazetteer

# Adjectival forms and names that GeoNames does not use, written for this project.
DEMONYMS: dict[str, str] = {
    "Afghan": "AF",
    "Albanian": "AL",
    "Algerian": "DZ",
    "Angolan": "AO",
    "Armenian": "AM",
    "Azerbaijani": "AZ",
    "Azeri": "AZ",
    "Bangladeshi": "BD",
    "Belarusian": "BY",
    "Bosnian": "BA",
    "Burkinabe": "BF",
    "Burundian": "BI",
    "Cameroonian": "CM",
    "Chadian": "TD",
    "Chinese": "CN",
    "Colombian": "CO",
    "Congolese": "CD",
    "Egyptian": "EG",
    "Eritrean": "ER",
    "Ethiopian": "ET",
    "French": "FR",
    "Georgian": "GE",
    "Haitian": "HT",
    "Indian": "IN",
    "Iranian": "IR",
    "Iraqi": "IQ",
    "Israeli": "IL",
    "Jordanian": "JO",
    "Kenyan": "KE",
    "Kosovar": "XK",
    "Lebanese": "LB",
    "Libyan": "LY",
    "Malian": "ML",
    "Mexican": "MX",
    "Moroccan": "MA",
    "Mozambican": "MZ",
    "Burmese": "MM",
    "Nigerian": "NG",
    "Nigerien": "NE",
    "Pakistani": "PK",
    "Palestinian": "PS",
    "Filipino": "PH",
    "Philippine": "PH",
    "Russian": "RU",
    "Rwandan": "RW",
    "Saudi": "SA",
    "Serbian": "RS",
    "Somali": "SO",
    "Sudanese": "SD",
    "South Sudanese": "SS",
    "Syrian": "SY",
    "Turkish": "TR",
    "Ugandan": "UG",
    "Ukrainian": "UA",
    "American": "US",
    "Venezuelan": "VE",
    "Yemeni": "YE",
    "Zimbabwean": "ZW",
    "Mozambique's": "MZ",
    "Tunisian": "TN",
    "Greek": "GR",
    "British": "GB",
    "German": "DE",
    "Polish": "PL",
    "Lithuanian": "LT",
    "Moldovan": "MD",
    "Tajik": "TJ",
    "Kyrgyz": "KG",
    "Uzbek": "UZ",
    "Kazakh": "KZ",
    "Thai": "TH",
    "Cambodian": "KH",
    "Indonesian": "ID",
    "Nepali": "NP",
    "Nepalese": "NP",
    "Sri Lankan": "LK",
    "Ecuadorian": "EC",
    "Peruvian": "PE",
    "Brazilian": "BR",
    "Nicaraguan": "NI",
    "Honduran": "HN",
    "Salvadoran": "SV",
    "Guatemalan": "GT",
    "Senegalese": "SN",
    "Ghanaian": "GH",
    "Togolese": "TG",
    "Beninese": "BJ",
    "Ivorian": "CI",
    "Liberian": "LR",
    "Sierra Leonean": "SL",
    "Guinean": "GN",
    "Mauritanian": "MR",
    "Central African": "CF",
    "Gabonese": "GA",
    "Tanzanian": "TZ",
    "Zambian": "ZM",
    "Malawian": "MW",
    "Spanish": "ES",
    "Italian": "IT",
    "Dutch": "NL",
    "Belgian": "BE",
    "Swedish": "SE",
    "Norwegian": "NO",
    "Danish": "DK",
    "Finnish": "FI",
    "Austrian": "AT",
    "Swiss": "CH",
    "Portuguese": "PT",
    "Irish": "IE",
    "Canadian": "CA",
    "Australian": "AU",
    "Japanese": "JP",
    "Bolivian": "BO",
    "Chilean": "CL",
    "Argentine": "AR",
    "Argentinian": "AR",
    "Paraguayan": "PY",
    "Uruguayan": "UY",
    "Cuban": "CU",
    "Vietnamese": "VN",
    "Malaysian": "MY",
    "Emirati": "AE",
    "Qatari": "QA",
    "Kuwaiti": "KW",
    "Bahraini": "BH",
    "Omani": "OM",
    "Romanian": "RO",
    "Bulgarian": "BG",
    "Hungarian": "HU",
    "Czech": "CZ",
    "Croatian": "HR",
    "Macedonian": "MK",
    "Cypriot": "CY",
    "South African": "ZA",
    "Djiboutian": "DJ",
    "Gambian": "GM",
    "Namibian": "NA",
    "Malagasy": "MG",
}
VARIANTS: dict[str, str] = {
    "Burma": "MM",
    "DR Congo": "CD",
    "DRC": "CD",
    "Chechen": "RU",
    "Chechnya": "RU",
    "Dagestan": "RU",
    "Congo": "CD",  # in conflict news, nearly always the DRC; Congo-Brazzaville is named so
    "Republic of Congo": "CG",
    "Congo-Brazzaville": "CG",
    "Houthi": "YE",
    "Houthis": "YE",
    "Democratic Republic of Congo": "CD",
    "Democratic Republic of the Congo": "CD",
    "Ivory Coast": "CI",
    "C. Africa": "CF",
    "C.Africa": "CF",
    "CAR": "CF",  # "CAR rebels", "in southwestern CAR": the Central African Republic
    "Gaza": "PS",
    "Gaza Strip": "PS",
    "West Bank": "PS",
    "Palestine": "PS",
    "US": "US",
    "U.S.": "US",
    "United States": "US",
    "UK": "GB",
    "Britain": "GB",
    "Northern Ireland": "GB",
    "Turkiye": "TR",
    "Türkiye": "TR",
    "Nagorno-Karabakh": "AZ",
    "Karabakh": "AZ",
    "Darfur": "SD",
    "Donbas": "UA",
    "Crimea": "UA",
    "Tigray": "ET",
    "Kashmir": "IN",
    "Kurdistan": "IQ",
}


@lru_cache(maxsize=1)
def country_aliases() -> dict[str, str]:
    """Every alias (as written, capitalized) -> ISO 3166-1 alpha-2 code."""
    aliases = {country.name: code for code, country in get_gazetteer().countries.items()}
    aliases.update(DEMONYMS)
    aliases.update(VARIANTS)
    return aliases


@lru_cache(maxsize=1)
def _alias_pattern() -> re.Pattern[str]:
    names = sorted(country_aliases(), key=len, reverse=True)
    # (?=[A-Z]) fails fast at the many lowercase words before trying ~300 names
    return re.compile(
        r"(?<![\w-])(?=[A-Z])(" + "|".join(re.escape(n) for n in names) + r")(?:'s)?(?![\w])"
    )


# "Russian warplanes", "Iran-backed militias", "Turkish forces": the adjective names who
# acted, not where; such a mention says nothing of the place of the event
_ACTOR_AFTER = re.compile(
    r"(?:-(?:backed|led|allied|aligned|supported|funded|trained|based|affiliated|loyal)\b|"
    r"(?:['’]s)?\s+(?:-?led\s+)?(?:and\s+\w+\s+)?(?:\w+\s+)?(?:forces|troops?|army|military|soldiers?|officers?|commanders?|operations?|"
    r"warplanes|planes|jets|aircraft|drones?|navy|naval|warships?|air\s+force|artillery|missiles?|"
    r"rockets?|shell(?:s|ing)|strikes?|air\s*strikes?|raids?|bombardment|bombing|attacks?|bombers?|"
    r"helicopters?|special\s+forces|marines|militias?|guards?|gendarmerie|jandarma|guarantor|ally|"
    r"patrols?|fighters?|mercenar(?:y|ies)|servicem[ae]n|personnel|convoys?|intelligence|regime|government|officials?|authorities|ministry|"
    r"embassy|president|minister|envoy|diplomats?|nationals?|citizens?\s+abroad)\b)",
    re.I,
)
# "pro-Turkey factions", "backed by Russia", "loyal to Iran": the country is a patron
_PATRON_BEFORE = re.compile(
    r"(?:\bpro-|\b(?:backed|supported|funded|armed|sponsored)\s+by\s+(?:the\s+)?|"
    r"\b(?:loyal|allied)\s+to\s+(?:the\s+)?)$",
    re.I,
)
# "Iranian Revolutionary Guards", "the Russian – Turkish truce": an organisation's name or
# a pair of states, not a place
_NAME_OR_PAIR_AFTER = re.compile(r"\s*(?:[-–—/]\s*[A-Z]|\s[A-Z])")
_PAIR_BEFORE = re.compile(r"[A-Z][a-z]+\s*[-–—/]\s*$")
# "in Syria", "across Yemen": the surest sign of where
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|inside|across|throughout|into|within|near|of)\s+(?:the\s+)?(?:\w+\s+)?$", re.I
)
# "killed in Nigeria village raid", "in Syria strikes": right after "in", a name is the place
_IN_BEFORE = re.compile(r"\b(?:in|inside|across|throughout|within)\s+$", re.I)
# "the Syrian town of", "Nigerian soil": a demonym before such a noun always names a place
# ("Turkish border guards" are who fired, not where)
_PLACE_AFTER_DEMONYM = re.compile(
    r"\s+(?:[a-z]+\s+)?(?:towns?|city|cities|villages?|province|region|capital|border(?!\s+(?:guards?|police|forces|troops))|"
    r"territory|territories|soil|side|coast|waters|airspace|countryside|frontier|districts?|"
    r"state\s+of|part|(?:military\s+|army\s+|air\s+|naval\s+)?(?:base|bases|outpost|port|island))\b"
)
# who usually acts at home: with no place named, "Sudan's army shelled positions" is in
# Sudan, while "Russian warplanes" or "Turkish shelling" more often strike abroad
_DOMESTIC_ACTOR_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:\w+\s+)?(?:police|army|troops|soldiers|security\s+forces|military|"
    r"government|authorities|regime|gendarmerie|courts?|officials|opposition|protesters|"
    r"demonstrators)\b",
    re.I,
)


# how strongly a mention names a country as the place of the text's events
LOCATIVE_WEIGHT = 3  # "in Syria", "across Yemen" (and a dateline: "IMPHAL -")
NAME_WEIGHT = 2  # "Syria" elsewhere
DEMONYM_WEIGHT = 1  # "Iraqi clashes", "the Syrian town of"


class CountryMentions(NamedTuple):
    """The countries a text names, in the two roles that matter for placing its events."""

    places: dict[str, int]  # named as a place, by weight
    # named only as the qualifier of an actor who usually acts at home ("Sudan's army",
    # "Kenyan police"), by count: a last resort for placing an event
    home_actors: dict[str, int]


def country_mentions(text: str) -> CountryMentions:
    """Each country the text names, as a place or as an actor at home.

    A name or demonym that qualifies an actor ("a US air strike", "Russian warplanes",
    "Iran-backed militias", "pro-Turkey factions", "the Iranian Revolutionary Guards", "the
    Russian – Turkish truce") says who acted, not where; "Iraqi clashes" and "the Syrian
    town of" name a place."""
    counts: dict[str, int] = {}
    actors: dict[str, int] = {}
    aliases = country_aliases()
    for match in _alias_pattern().finditer(text):
        word, end = match.group(1), match.end(1)
        code = aliases[word]
        before = text[max(0, match.start(1) - 40) : match.start(1)]
        if word in DEMONYMS:
            weight = DEMONYM_WEIGHT
            is_place = _PLACE_AFTER_DEMONYM.match(text, end) is not None or not (
                _ACTOR_AFTER.match(text, end)
                or _NAME_OR_PAIR_AFTER.match(text, end)
                or _PAIR_BEFORE.search(before)
            )
        else:
            weight = LOCATIVE_WEIGHT if _LOCATIVE_BEFORE.search(before) else NAME_WEIGHT
            is_place = _IN_BEFORE.search(before) is not None or not (
                _ACTOR_AFTER.match(text, end) or _PATRON_BEFORE.search(before)
            )
        if is_place:
            counts[code] = counts.get(code, 0) + weight
        elif _DOMESTIC_ACTOR_AFTER.match(text, end):
            actors[code] = actors.get(code, 0) + 1
    return CountryMentions(counts, actors)


def countries_in_order(text: str) -> list[str]:
    """Countries named in the text, in order of first mention."""
    aliases = country_aliases()
    ordered: list[str] = []
    for match in _alias_pattern().finditer(text):
        code = aliases[match.group(1)]
        if code not in ordered:
            ordered.append(code)
    return ordered


def is_country_word(word: str) -> bool:
    return word in country_aliases()


# Where ACLED's actor names spell a country otherwise than GeoNames does.
ACLED_COUNTRY_NAMES = {
    "PS": "Palestine",
    "CD": "Democratic Republic of Congo",
    "CG": "Republic of Congo",
    "CI": "Ivory Coast",
    "SZ": "eSwatini",
}


def country_name(code: str) -> str:
    if code in ACLED_COUNTRY_NAMES:
        return ACLED_COUNTRY_NAMES[code]
    country = get_gazetteer().countries.get(code)
    return country.name if country else code

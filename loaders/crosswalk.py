"""Correlates of War codes and country names -> ISO 3166-1 alpha-3 actor ids.

country_converter (coco) does the work.  coco has no COW column; its
Gleditsch–Ward column (``GWcode``) equals the COW code for almost every state,
so COW codes go through it, except the codes in ``COW_OVERRIDES``: every COW
code where GW (as coco stores it) means another state or where coco has no
entry.  That list was made by resolving every name of the COW state list
(COW country codes, 217 states) through coco and comparing with coco's GW
column; the silent
mis-maps it prevents are real (coco's GW 315 is Czechia, COW 315 Czechoslovakia;
GW 970 is Kiribati, COW 970 Nauru; GW 817 is Vietnam, COW 817 South Vietnam;
GW 680 is Yemen, COW 680 South Yemen).

Historical states follow one rule, documented per entry in ``HISTORICAL``:

* a successor's code only where the successor is the *same* state in law
  (the continuator): FRG -> DEU, USSR -> RUS (COW itself codes both as 365),
  FR Yugoslavia / Serbia and Montenegro -> SRB, Yemen Arab Republic -> YEM;
* otherwise ISO 3166-3's former alpha-3 code where ISO assigned one
  (YUG, CSK, DDR, YMD): real, unambiguous, never reassigned;
* otherwise a code from ISO's user-assigned range X**, as data/FORMAT.md does
  for Northern Cyprus (XNC).

ISO-3-style codes as a dataset writes them (JME) are validated, not trusted:
``iso3_code`` accepts a code only when it is in coco's ISO3 column or in
``HISTORICAL``, after folding case and spaces; the few alpha-3 codes ISO
withdrew and replaced (``FORMER_ISO3``: Romania's ROM until 2002, …) map to
today's code.

Anything still unmapped returns ``None``; callers report the record as skipped.
Lookups are cached: the big files repeat the same few hundred values.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from typing import Any

#: ISO-style code -> (name, note) for states coco does not know or names differently here
HISTORICAL: dict[str, tuple[str, str]] = {
    "DDR": ("German Democratic Republic", "ISO 3166-3 former code (withdrawn 1990); COW 265."),
    "CSK": ("Czechoslovakia", "ISO 3166-3 former code (withdrawn 1993); COW 315. Dissolved: no "
                              "continuator, so neither CZE nor SVK."),
    "YUG": ("Yugoslavia (SFRY)", "ISO 3166-3 former code; COW 345 before 1992. Dissolved without a "
                                 "continuator (UN 2000), so not SRB."),
    "YMD": ("Yemen, People's Democratic Republic", "ISO 3166-3 former code (South Yemen); COW 680."),
    "XRV": ("Republic of Vietnam", "South Vietnam 1954-1975, COW 817; no ISO code of its own "
                                   "(user-assigned range X**)."),
    "XAH": ("Austria-Hungary", "Austrian Empire / Austria-Hungary 1816-1918, COW 300; not the "
                               "Republic of Austria (user-assigned range X**)."),
    "XHA": ("Hanover", "COW 240, 1816-1866 (user-assigned range X**)."),
    "XBV": ("Bavaria", "COW 245, 1816-1871 (user-assigned range X**)."),
    "XBD": ("Baden", "COW 267, 1816-1871 (user-assigned range X**)."),
    "XSX": ("Saxony", "COW 269, 1816-1867 (user-assigned range X**)."),
    "XWT": ("Württemberg", "COW 271, 1816-1871 (user-assigned range X**)."),
    "XHE": ("Hesse Electoral", "Hesse-Kassel, COW 273, 1816-1866 (user-assigned range X**)."),
    "XHG": ("Hesse Grand Ducal", "Hesse-Darmstadt, COW 275, 1816-1867 (user-assigned range X**)."),
    "XMS": ("Mecklenburg-Schwerin", "COW 280, 1843-1867 (user-assigned range X**)."),
    "XPS": ("Papal States", "COW 327, 1816-1870; not the Vatican City State (user-assigned range X**)."),
    "XTS": ("Two Sicilies", "COW 329, 1816-1861 (user-assigned range X**)."),
    "XMD": ("Modena", "COW 332, 1842-1860 (user-assigned range X**)."),
    "XPR": ("Parma", "COW 335, 1851-1860 (user-assigned range X**)."),
    "XTC": ("Tuscany", "COW 337, 1816-1860 (user-assigned range X**)."),
    "XKO": ("Korea (Joseon / Korean Empire)", "COW 730, 1887-1905; neither PRK nor KOR "
                                             "(user-assigned range X**)."),
    "XZN": ("Zanzibar", "COW 511, 1963-1964 (user-assigned range X**)."),
    "XNC": ("Turkish Republic of Northern Cyprus", "Not recognised by ISO 3166; XNC is from the ISO "
                                                   "user-assigned range XAA-XZZ, as in the bundled data."),
    "XAN": ("Annam", "ATOP member code 8152 (Gleditsch-Ward 815; no COW code), ATOP codebook "
                     "note 18 (user-assigned range X**)."),
}

#: COW code -> ISO id, for every code where coco's GW column is wrong for COW or empty
COW_OVERRIDES: dict[int, str] = {
    240: "XHA", 245: "XBV", 255: "DEU", 265: "DDR", 267: "XBD", 269: "XSX", 271: "XWT",
    273: "XHE", 275: "XHG", 280: "XMS", 300: "XAH", 315: "CSK", 316: "CZE", 327: "XPS",
    329: "XTS", 332: "XMD", 335: "XPR", 337: "XTC", 511: "XZN", 678: "YEM", 679: "YEM",
    680: "YMD", 730: "XKO", 816: "VNM", 817: "XRV", 946: "KIR", 947: "TUV", 955: "TON",
    970: "NRU", 8152: "XAN",
}
#: COW 345 is Yugoslavia until the SFRY dissolved, then FR Yugoslavia / Serbia and Montenegro
#: / Serbia, whose continuator is Serbia.  Split by year (FRY proclaimed 27 April 1992).
YUGOSLAVIA_SPLIT_YEAR = 1992

#: names coco cannot map or maps to another state (lower case, exact)
NAME_OVERRIDES: dict[str, str] = {
    "german democratic republic": "DDR", "east germany": "DDR", "east germany (gdr)": "DDR",
    "west germany": "DEU", "west germany (frg)": "DEU",
    "czechoslovakia": "CSK",  # coco: CZE
    "soviet union": "RUS", "ussr": "RUS",  # coco: SUN; COW 365 and the continuator rule give RUS
    "south yemen": "YMD", "yemen people's republic": "YMD",  # coco: YEM
    "north yemen": "YEM", "yemen arab republic": "YEM",
    "south vietnam": "XRV", "republic of vietnam": "XRV", "north vietnam": "VNM",
    "serbia and montenegro": "SRB",
    "uae": "ARE",
    "st. christopher": "KNA",  # "St Christopher and Nevis", the other official name
    "zanzibar": "XZN", "annam": "XAN", "austria-hungary": "XAH",
    # coco maps "Northern Cyprus" to CYP, the Republic of Cyprus; the bundled data use XNC
    "northern cyprus": "XNC", "turkish republic of northern cyprus": "XNC", "trnc": "XNC",
}
_YUGOSLAVIA_NAMES = frozenset({"yugoslavia", "federal republic of yugoslavia"})
#: ISO 3166-1 alpha-3 codes ISO withdrew and replaced for the *same* state (ISO 3166-3)
FORMER_ISO3: dict[str, str] = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS"}
#: coco's codes for states whose continuator (or chosen id) is another (see the module docstring)
_COCO_SUCCESSORS: dict[str, str] = {"SUN": "RUS", "EAZ": "XZN", "EAT": "TZA"}
#: non-state participants the exercise datasets name (MME, JME), as organisation actors
ORGANIZATIONS: dict[str, dict[str, Any]] = {
    "nato": {"id": "nato", "kind": "organization", "name": "North Atlantic Treaty Organization",
             "aliases": ["NATO"]}}

_NOT_FOUND = "\x00not found"
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _converter() -> Any:
    """coco's converter, built once.

    coco 1.3.2 reads its table with pandas options that pandas 3 turns into NaN
    for "NA" (Namibia) and empty ISO2 cells, and then fails compiling regexes;
    reading the table ourselves as plain text avoids that on every pandas.
    """
    import country_converter as coco
    import pandas as pd
    from country_converter import country_converter as module

    logging.getLogger("country_converter").setLevel(logging.CRITICAL)
    table = pd.read_csv(module.COUNTRY_DATA_FILE, sep="\t", encoding="utf-8", dtype=str,
                        keep_default_na=False)
    for column in ("ISOnumeric", "UNcode", "FAOcode", "GBDcode", "EURO", "UN", "UNmember",
                   "obsolete", "GEOnumeric"):
        table[column] = pd.to_numeric(table[column].replace("", None)).astype("Int64")
    return coco.CountryConverter(country_data=table, include_obsolete=True)


@lru_cache(maxsize=1)
def _gw_table() -> dict[int, str]:
    data = _converter().data
    return {int(code): iso for code, iso in zip(data["GWcode"], data["ISO3"]) if str(code).strip()}


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    data = _converter().data
    names = dict(zip(data["ISO3"], data["name_short"]))
    names.update({code: name for code, (name, _) in HISTORICAL.items()})
    return names


@lru_cache(maxsize=8192)
def cow_to_iso3(code: int | str, year: int | None = None) -> str | None:
    """ISO id of COW state code ``code`` (in ``year``, which matters only for 345 Yugoslavia)."""
    try:
        number = int(str(code).strip())
    except ValueError:
        return None
    if number == 345:
        return "YUG" if year is not None and year < YUGOSLAVIA_SPLIT_YEAR else "SRB"
    if number in COW_OVERRIDES:
        return COW_OVERRIDES[number]
    return _gw_table().get(number)


def name_to_iso3(name: str, year: int | None = None) -> str | None:
    """ISO id of a country name (English, as coco's regexes know them); None when not a state.

    ``year`` matters only for "Yugoslavia".  An ambiguous name (coco returns
    several codes) is unmapped, never guessed.
    """
    key = re.sub(r"\s+", " ", name.strip()).lower()
    if key in _YUGOSLAVIA_NAMES:
        return "YUG" if year is not None and year < YUGOSLAVIA_SPLIT_YEAR else "SRB"
    return _name_lookup(key)


@lru_cache(maxsize=4096)
def _name_lookup(key: str) -> str | None:
    """Cached by name alone: coco's regex search is the slow part of every import."""
    if not key or key in ("-9", "unknown"):
        return None
    if key in NAME_OVERRIDES:
        return NAME_OVERRIDES[key]
    found = _converter().convert(key, to="ISO3", not_found=_NOT_FOUND)
    if not isinstance(found, str) or found == _NOT_FOUND:
        return None
    return _COCO_SUCCESSORS.get(found, found)


@lru_cache(maxsize=1)
def _iso3_codes() -> frozenset[str]:
    return frozenset(str(code) for code in _converter().data["ISO3"] if str(code).strip())


@lru_cache(maxsize=1024)
def iso3_code(code: str) -> str | None:
    """The actor id of an ISO-3-style state code (JME); None when it is not a known state code.

    Case and surrounding spaces are folded (``'DEu'``, ``'BEL '``); a withdrawn
    code maps to its replacement (``ROM`` -> ``ROU``); anything else must be a
    code coco knows or one of ``HISTORICAL`` — never guessed.
    """
    key = code.strip().upper()
    if key in FORMER_ISO3:
        return FORMER_ISO3[key]
    if key in HISTORICAL:
        return key
    if re.fullmatch(r"[A-Z]{3}", key) and key in _iso3_codes():
        return _COCO_SUCCESSORS.get(key, key)
    return None


def state_name(iso3: str) -> str:
    """A readable name for an ISO id (coco's short name, or the historical table's)."""
    return _names().get(iso3, iso3)


def state_actor(iso3: str) -> dict[str, Any]:
    """The actor record for a state id, with the reason for any non-ISO-3166-1 code in ``note``."""
    record: dict[str, Any] = {"id": iso3, "kind": "state", "name": state_name(iso3)}
    if iso3 in HISTORICAL:
        record["note"] = HISTORICAL[iso3][1]
    return record


def slug(text: str) -> str:
    """Lowercase slug of a name, the id form of companies and organisations."""
    folded = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("&", " and "))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")

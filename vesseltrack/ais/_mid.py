"""Maritime Identification Digits (MID) and the flag they denote.

The first three digits of a ship station's MMSI are its MID, allocated by the ITU to the
administration (country or territory) responsible for the station, i.e. the flag. This module
holds the complete MID table as data, mapped to ISO 3166-1 alpha-2 codes, and extracts the MID
from every MMSI format of Recommendation ITU-R M.585 that carries one.

Source and choices
------------------
The table follows the ITU "Table of Maritime Identification Digits" (ITU Radio Regulations,
Appendix 43, Table 1, as published on the ITU-R MARS pages), 292 MIDs from 201 to 775. It was
written here from that list and cross-checked against two open-source copies: the
``COUNTRY_MAPPING`` of pyais 3.3.1 (``pyais/constants.py``, MIT licence), and a JavaScript list
compiled from the ITU page in 2023 by Bernhard R. Fischer. Where those disagree with the ITU
list or with ISO 3166-1, this table corrects them: pyais lacks 550 (Timor-Leste) and 638
(South Sudan), gives 740 the non-ISO code "UK" (Falkland Islands: FK), 608 "IO" (Ascension
Island is in ISO's SH, "Saint Helena, Ascension and Tristan da Cunha") and 618/635 "AQ"
(Crozet and Kerguelen are French Southern Territories, TF).

A MID that the ITU allocates to a territory with its own ISO 3166-1 code maps to that code
(Aruba AW, Hong Kong HK, Macao MO, Taiwan TW, Greenland GL, Puerto Rico PR, ...). Where ISO has
no separate code the sovereign state's code is used (Azores and Madeira PT, Alaska US).
Two judgement calls:

- 306 is shared by Curaçao, Sint Maarten and Bonaire/Sint Eustatius/Saba (ISO CW, SX, BQ); it
  maps to "CW", the territory with the ship register behind nearly all 306 MMSIs.
- 501 (Adélie Land) maps to "AQ": ISO 3166-1 puts everything south of 60° S under AQ and
  excludes Adélie Land from TF.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd
import pyarrow as pa

from vesseltrack._schema import STRING

__all__ = ["MID_TO_FLAG", "flag_from_mmsi", "flags_from_mmsi", "mid_from_mmsi"]

_MID_TABLE: dict[int, str] = {
    # 2xx: Europe
    201: "AL",  # Albania
    202: "AD",  # Andorra
    203: "AT",  # Austria
    204: "PT",  # Portugal - Azores
    205: "BE",  # Belgium
    206: "BY",  # Belarus
    207: "BG",  # Bulgaria
    208: "VA",  # Vatican City State
    209: "CY",  # Cyprus
    210: "CY",  # Cyprus
    211: "DE",  # Germany
    212: "CY",  # Cyprus
    213: "GE",  # Georgia
    214: "MD",  # Moldova
    215: "MT",  # Malta
    216: "AM",  # Armenia
    218: "DE",  # Germany
    219: "DK",  # Denmark
    220: "DK",  # Denmark
    224: "ES",  # Spain
    225: "ES",  # Spain
    226: "FR",  # France
    227: "FR",  # France
    228: "FR",  # France
    229: "MT",  # Malta
    230: "FI",  # Finland
    231: "FO",  # Denmark - Faroe Islands
    232: "GB",  # United Kingdom
    233: "GB",  # United Kingdom
    234: "GB",  # United Kingdom
    235: "GB",  # United Kingdom
    236: "GI",  # United Kingdom - Gibraltar
    237: "GR",  # Greece
    238: "HR",  # Croatia
    239: "GR",  # Greece
    240: "GR",  # Greece
    241: "GR",  # Greece
    242: "MA",  # Morocco
    243: "HU",  # Hungary
    244: "NL",  # Netherlands
    245: "NL",  # Netherlands
    246: "NL",  # Netherlands
    247: "IT",  # Italy
    248: "MT",  # Malta
    249: "MT",  # Malta
    250: "IE",  # Ireland
    251: "IS",  # Iceland
    252: "LI",  # Liechtenstein
    253: "LU",  # Luxembourg
    254: "MC",  # Monaco
    255: "PT",  # Portugal - Madeira
    256: "MT",  # Malta
    257: "NO",  # Norway
    258: "NO",  # Norway
    259: "NO",  # Norway
    261: "PL",  # Poland
    262: "ME",  # Montenegro
    263: "PT",  # Portugal
    264: "RO",  # Romania
    265: "SE",  # Sweden
    266: "SE",  # Sweden
    267: "SK",  # Slovak Republic
    268: "SM",  # San Marino
    269: "CH",  # Switzerland
    270: "CZ",  # Czech Republic
    271: "TR",  # Türkiye
    272: "UA",  # Ukraine
    273: "RU",  # Russian Federation
    274: "MK",  # North Macedonia
    275: "LV",  # Latvia
    276: "EE",  # Estonia
    277: "LT",  # Lithuania
    278: "SI",  # Slovenia
    279: "RS",  # Serbia
    # 3xx: North America, Central America and the Caribbean
    301: "AI",  # United Kingdom - Anguilla
    303: "US",  # United States - Alaska
    304: "AG",  # Antigua and Barbuda
    305: "AG",  # Antigua and Barbuda
    306: "CW",  # Netherlands - Curaçao; Sint Maarten; Bonaire, Sint Eustatius and Saba
    307: "AW",  # Netherlands - Aruba
    308: "BS",  # Bahamas
    309: "BS",  # Bahamas
    310: "BM",  # United Kingdom - Bermuda
    311: "BS",  # Bahamas
    312: "BZ",  # Belize
    314: "BB",  # Barbados
    316: "CA",  # Canada
    319: "KY",  # United Kingdom - Cayman Islands
    321: "CR",  # Costa Rica
    323: "CU",  # Cuba
    325: "DM",  # Dominica
    327: "DO",  # Dominican Republic
    329: "GP",  # France - Guadeloupe
    330: "GD",  # Grenada
    331: "GL",  # Denmark - Greenland
    332: "GT",  # Guatemala
    334: "HN",  # Honduras
    336: "HT",  # Haiti
    338: "US",  # United States
    339: "JM",  # Jamaica
    341: "KN",  # Saint Kitts and Nevis
    343: "LC",  # Saint Lucia
    345: "MX",  # Mexico
    347: "MQ",  # France - Martinique
    348: "MS",  # United Kingdom - Montserrat
    350: "NI",  # Nicaragua
    351: "PA",  # Panama
    352: "PA",  # Panama
    353: "PA",  # Panama
    354: "PA",  # Panama
    355: "PA",  # Panama
    356: "PA",  # Panama
    357: "PA",  # Panama
    358: "PR",  # United States - Puerto Rico
    359: "SV",  # El Salvador
    361: "PM",  # France - Saint Pierre and Miquelon
    362: "TT",  # Trinidad and Tobago
    364: "TC",  # United Kingdom - Turks and Caicos Islands
    366: "US",  # United States
    367: "US",  # United States
    368: "US",  # United States
    369: "US",  # United States
    370: "PA",  # Panama
    371: "PA",  # Panama
    372: "PA",  # Panama
    373: "PA",  # Panama
    374: "PA",  # Panama
    375: "VC",  # Saint Vincent and the Grenadines
    376: "VC",  # Saint Vincent and the Grenadines
    377: "VC",  # Saint Vincent and the Grenadines
    378: "VG",  # United Kingdom - British Virgin Islands
    379: "VI",  # United States - United States Virgin Islands
    # 4xx: Asia (except the south-east)
    401: "AF",  # Afghanistan
    403: "SA",  # Saudi Arabia
    405: "BD",  # Bangladesh
    408: "BH",  # Bahrain
    410: "BT",  # Bhutan
    412: "CN",  # China
    413: "CN",  # China
    414: "CN",  # China
    416: "TW",  # China - Taiwan
    417: "LK",  # Sri Lanka
    419: "IN",  # India
    422: "IR",  # Iran
    423: "AZ",  # Azerbaijan
    425: "IQ",  # Iraq
    428: "IL",  # Israel
    431: "JP",  # Japan
    432: "JP",  # Japan
    434: "TM",  # Turkmenistan
    436: "KZ",  # Kazakhstan
    437: "UZ",  # Uzbekistan
    438: "JO",  # Jordan
    440: "KR",  # Korea (Republic of)
    441: "KR",  # Korea (Republic of)
    443: "PS",  # State of Palestine
    445: "KP",  # Democratic People's Republic of Korea
    447: "KW",  # Kuwait
    450: "LB",  # Lebanon
    451: "KG",  # Kyrgyz Republic
    453: "MO",  # China - Macao
    455: "MV",  # Maldives
    457: "MN",  # Mongolia
    459: "NP",  # Nepal
    461: "OM",  # Oman
    463: "PK",  # Pakistan
    466: "QA",  # Qatar
    468: "SY",  # Syrian Arab Republic
    470: "AE",  # United Arab Emirates
    471: "AE",  # United Arab Emirates
    472: "TJ",  # Tajikistan
    473: "YE",  # Yemen
    475: "YE",  # Yemen
    477: "HK",  # China - Hong Kong
    478: "BA",  # Bosnia and Herzegovina
    # 5xx: Oceania, south-east Asia, eastern Indian Ocean
    501: "AQ",  # France - Adélie Land (south of 60° S: ISO AQ)
    503: "AU",  # Australia
    506: "MM",  # Myanmar
    508: "BN",  # Brunei Darussalam
    510: "FM",  # Micronesia
    511: "PW",  # Palau
    512: "NZ",  # New Zealand
    514: "KH",  # Cambodia
    515: "KH",  # Cambodia
    516: "CX",  # Australia - Christmas Island
    518: "CK",  # New Zealand - Cook Islands
    520: "FJ",  # Fiji
    523: "CC",  # Australia - Cocos (Keeling) Islands
    525: "ID",  # Indonesia
    529: "KI",  # Kiribati
    531: "LA",  # Lao People's Democratic Republic
    533: "MY",  # Malaysia
    536: "MP",  # United States - Northern Mariana Islands
    538: "MH",  # Marshall Islands
    540: "NC",  # France - New Caledonia
    542: "NU",  # New Zealand - Niue
    544: "NR",  # Nauru
    546: "PF",  # France - French Polynesia
    548: "PH",  # Philippines
    550: "TL",  # Timor-Leste
    553: "PG",  # Papua New Guinea
    555: "PN",  # United Kingdom - Pitcairn Island
    557: "SB",  # Solomon Islands
    559: "AS",  # United States - American Samoa
    561: "WS",  # Samoa
    563: "SG",  # Singapore
    564: "SG",  # Singapore
    565: "SG",  # Singapore
    566: "SG",  # Singapore
    567: "TH",  # Thailand
    570: "TO",  # Tonga
    572: "TV",  # Tuvalu
    574: "VN",  # Viet Nam
    576: "VU",  # Vanuatu
    577: "VU",  # Vanuatu
    578: "WF",  # France - Wallis and Futuna Islands
    # 6xx: Africa, Atlantic and western Indian Ocean
    601: "ZA",  # South Africa
    603: "AO",  # Angola
    605: "DZ",  # Algeria
    607: "TF",  # France - Saint Paul and Amsterdam Islands
    608: "SH",  # United Kingdom - Ascension Island
    609: "BI",  # Burundi
    610: "BJ",  # Benin
    611: "BW",  # Botswana
    612: "CF",  # Central African Republic
    613: "CM",  # Cameroon
    615: "CG",  # Congo (Republic of the)
    616: "KM",  # Comoros
    617: "CV",  # Cabo Verde
    618: "TF",  # France - Crozet Archipelago
    619: "CI",  # Côte d'Ivoire
    620: "KM",  # Comoros
    621: "DJ",  # Djibouti
    622: "EG",  # Egypt
    624: "ET",  # Ethiopia
    625: "ER",  # Eritrea
    626: "GA",  # Gabon
    627: "GH",  # Ghana
    629: "GM",  # Gambia
    630: "GW",  # Guinea-Bissau
    631: "GQ",  # Equatorial Guinea
    632: "GN",  # Guinea
    633: "BF",  # Burkina Faso
    634: "KE",  # Kenya
    635: "TF",  # France - Kerguelen Islands
    636: "LR",  # Liberia
    637: "LR",  # Liberia
    638: "SS",  # South Sudan
    642: "LY",  # Libya
    644: "LS",  # Lesotho
    645: "MU",  # Mauritius
    647: "MG",  # Madagascar
    649: "ML",  # Mali
    650: "MZ",  # Mozambique
    654: "MR",  # Mauritania
    655: "MW",  # Malawi
    656: "NE",  # Niger
    657: "NG",  # Nigeria
    659: "NA",  # Namibia
    660: "RE",  # France - Réunion
    661: "RW",  # Rwanda
    662: "SD",  # Sudan
    663: "SN",  # Senegal
    664: "SC",  # Seychelles
    665: "SH",  # United Kingdom - Saint Helena
    666: "SO",  # Somalia
    667: "SL",  # Sierra Leone
    668: "ST",  # Sao Tome and Principe
    669: "SZ",  # Eswatini
    670: "TD",  # Chad
    671: "TG",  # Togo
    672: "TN",  # Tunisia
    674: "TZ",  # Tanzania
    675: "UG",  # Uganda
    676: "CD",  # Democratic Republic of the Congo
    677: "TZ",  # Tanzania
    678: "ZM",  # Zambia
    679: "ZW",  # Zimbabwe
    # 7xx: South America
    701: "AR",  # Argentina
    710: "BR",  # Brazil
    720: "BO",  # Bolivia
    725: "CL",  # Chile
    730: "CO",  # Colombia
    735: "EC",  # Ecuador
    740: "FK",  # United Kingdom - Falkland Islands (Malvinas)
    745: "GF",  # France - French Guiana
    750: "GY",  # Guyana
    755: "PY",  # Paraguay
    760: "PE",  # Peru
    765: "SR",  # Suriname
    770: "UY",  # Uruguay
    775: "VE",  # Venezuela
}

MID_TO_FLAG: Mapping[int, str] = MappingProxyType(_MID_TABLE)
"""Read-only map from MID (int, 201-775) to the ISO 3166-1 alpha-2 flag code (e.g. 445 -> "KP")."""

# Lookup arrays for the vectorised path. _FLAG_CODE_BY_MID holds, for every MID 0-999, the index
# of its flag in _FLAG_CATEGORIES, or -1 where no MID is allocated; it has one extra slot (index
# 1000, also reachable as -1) so that "no MID" (-1) looks up "no flag" (-1).
_FLAG_CATEGORIES: list[str] = sorted(set(_MID_TABLE.values()))
_FLAG_CODE_BY_MID = np.full(1001, -1, dtype=np.int16)
for _mid, _flag in _MID_TABLE.items():
    _FLAG_CODE_BY_MID[_mid] = _FLAG_CATEGORIES.index(_flag)
del _mid, _flag
_FLAG_DICTIONARY = pa.array(_FLAG_CATEGORIES, type=pa.string())

_MMSI_MAX = 999_999_999  # nine decimal digits; smaller values are read with leading zeros


def _mmsi_as_int(mmsi: object) -> int | None:
    """Return ``mmsi`` as a Python int in 0..999 999 999, or None if it cannot be an MMSI."""
    if mmsi is None or isinstance(mmsi, bool | np.bool_):
        return None
    if isinstance(mmsi, numbers.Integral):
        value = int(mmsi)
    elif isinstance(mmsi, numbers.Real):
        as_float = float(mmsi)
        if not math.isfinite(as_float) or not as_float.is_integer():
            return None
        value = int(as_float)
    else:
        return None
    if value < 0 or value > _MMSI_MAX:
        return None
    return value


def mid_from_mmsi(mmsi: int) -> int | None:
    """Return the Maritime Identification Digits carried by an MMSI.

    The MMSI is read as nine decimal digits (an integer below 100 000 000 has leading zeros)
    and the MID is taken from the position that ITU-R M.585 gives it in each format:

    =====================  ==============  =========================
    format                 pattern         station
    =====================  ==============  =========================
    ship station           ``MIDxxxxxx``   first digit 2-7
    group of ships         ``0MIDxxxxx``
    coast station          ``00MIDxxxx``
    SAR aircraft           ``111MIDxxx``
    handheld VHF           ``8MIDxxxxx``
    craft of a parent ship ``98MIDxxxx``
    aid to navigation      ``99MIDxxxx``
    =====================  ==============  =========================

    SART, MOB and EPIRB-AIS devices (``970``, ``972``, ``974`` + six digits) carry no MID.

    Parameters
    ----------
    mmsi : int
        Maritime Mobile Service Identity (dimensionless identifier). An integral float is
        accepted (MMSI columns with gaps are often float); NaN is not.

    Returns
    -------
    int or None
        The three-digit MID (200-799, whether or not the ITU has allocated it), or None when the
        value is negative, longer than nine digits, not integral, or of a format without a MID.

    Examples
    --------
    >>> mid_from_mmsi(445123456), mid_from_mmsi(2734500), mid_from_mmsi(992731234)
    (445, 273, 273)
    >>> mid_from_mmsi(970123456) is None
    True
    """
    value = _mmsi_as_int(mmsi)
    if value is None:
        return None
    digits = f"{value:09d}"
    first = digits[0]
    if first in "234567":
        mid = digits[0:3]
    elif first == "8":
        mid = digits[1:4]
    elif first == "0":
        mid = digits[2:5] if digits[1] == "0" else digits[1:4]
    elif digits.startswith("111"):
        mid = digits[3:6]
    elif digits.startswith(("98", "99")):
        mid = digits[2:5]
    else:
        return None
    if mid[0] not in "234567":
        return None
    return int(mid)


def flag_from_mmsi(mmsi: int) -> str | None:
    """Return the ISO 3166-1 alpha-2 flag code denoted by an MMSI's MID.

    Parameters
    ----------
    mmsi : int
        Maritime Mobile Service Identity (dimensionless identifier), any format that
        :func:`mid_from_mmsi` reads.

    Returns
    -------
    str or None
        Two-letter upper-case code (e.g. ``"KP"`` for 445, ``"RU"`` for 273), or None when the
        MMSI carries no MID or its MID is not allocated by the ITU.

    Examples
    --------
    >>> flag_from_mmsi(445123456), flag_from_mmsi(636012345), flag_from_mmsi(4771234)
    ('KP', 'LR', 'HK')
    """
    mid = mid_from_mmsi(mmsi)
    if mid is None:
        return None
    return _MID_TABLE.get(mid)


def mmsi_values(mmsi: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (int64 values, validity mask) for a column of MMSIs of any numeric dtype."""
    series = mmsi if isinstance(mmsi, pd.Series) else pd.Series(np.asarray(mmsi))
    if series.dtype == object or not (
        pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)
    ):
        series = pd.to_numeric(series, errors="coerce")
    if pd.api.types.is_bool_dtype(series.dtype):
        return np.zeros(len(series), dtype=np.int64), np.zeros(len(series), dtype=bool)
    if pd.api.types.is_float_dtype(series.dtype):
        floats = series.to_numpy(dtype=np.float64, na_value=np.nan)
        valid = np.isfinite(floats) & (floats >= 0) & (floats <= _MMSI_MAX)
        valid &= np.floor(np.where(valid, floats, 0.0)) == np.where(valid, floats, 0.0)
        values = np.where(valid, floats, -1.0).astype(np.int64)
        return values, valid
    present = ~series.isna().to_numpy(dtype=bool)
    if pd.api.types.is_unsigned_integer_dtype(series.dtype):
        raw = series.to_numpy(dtype=np.uint64, na_value=0)
        present &= raw <= np.uint64(_MMSI_MAX)
        values = np.where(present, raw, 0).astype(np.int64)
    else:
        values = series.to_numpy(dtype=np.int64, na_value=-1)
    valid = present & (values >= 0) & (values <= _MMSI_MAX)
    return values, valid


def _mid_by_head() -> np.ndarray:
    """MID for every value of the first five digits of a nine-digit MMSI (the "head").

    Index ``h`` (0-99 999) holds the MID that the MMSI formats of ITU-R M.585 place within
    ``h``, -1 where the format carries none, and -2 for SAR aircraft (``111MIDxxx``), whose MID
    runs into the sixth digit and is computed from the full MMSI instead.
    """
    h = np.arange(100_000, dtype=np.int64)
    mids = np.select(
        [
            (h >= 20_000) & (h < 80_000),  # ship station MIDxxxxxx
            (h >= 80_000) & (h < 90_000),  # handheld VHF 8MIDxxxxx
            (h >= 1_000) & (h < 10_000),  # group of ships 0MIDxxxxx
            (h >= 100) & (h < 1_000),  # coast station 00MIDxxxx
            (h >= 98_000),  # craft of a parent ship 98MIDxxxx, aid to navigation 99MIDxxxx
        ],
        [h // 100, (h // 10) % 1000, h // 10, h, h % 1000],
        default=-1,
    )
    mids = np.where((mids >= 200) & (mids < 800), mids, -1)
    mids[(h >= 11_100) & (h < 11_200)] = -2  # SAR aircraft 111MIDxxx
    return mids.astype(np.int16)


_MID_BY_HEAD = _mid_by_head()


def _mids(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Vectorised :func:`mid_from_mmsi`: MIDs as int16, -1 where there is none."""
    clean = np.where(valid, values, 0)  # 0 (000000000) carries no MID
    mids = _MID_BY_HEAD[clean // 10_000]
    sar = mids == -2
    if sar.any():
        sar_mids = (clean[sar] // 1000) % 1000
        mids[sar] = np.where((sar_mids >= 200) & (sar_mids < 800), sar_mids, -1)
    return mids


def flags_from_mmsi(mmsi: pd.Series | np.ndarray) -> pd.Series:
    """Return the ISO 3166-1 alpha-2 flag code for every MMSI of a column (vectorised).

    Equivalent to :func:`flag_from_mmsi` element by element, computed with integer arithmetic
    on the whole column and a lookup array indexed by MID.

    Parameters
    ----------
    mmsi : pandas.Series or numpy.ndarray
        MMSIs (dimensionless identifiers) of an integer, nullable-integer or float dtype;
        other dtypes are parsed with ``pandas.to_numeric`` and unparsable values count as
        missing.

    Returns
    -------
    pandas.Series
        Flags as pandas ``string`` dtype, ``<NA>`` where the MMSI is missing, invalid, carries
        no MID or an unallocated one. Keeps the index (and name) of a Series input.

    Examples
    --------
    >>> flags_from_mmsi(pd.Series([445123456, 273000001, 970123456])).tolist()
    ['KP', 'RU', <NA>]
    """
    values, valid = mmsi_values(mmsi)
    mids = _mids(values, valid)
    codes = _FLAG_CODE_BY_MID[mids]  # mid -1 reads the extra last slot: code -1
    indices = pa.array(codes, mask=codes < 0)
    flags = STRING.__from_arrow__(
        pa.DictionaryArray.from_arrays(indices, _FLAG_DICTIONARY).cast(pa.string())
    )
    if isinstance(mmsi, pd.Series):
        return pd.Series(flags, index=mmsi.index, name=mmsi.name, dtype=STRING)
    return pd.Series(flags, dtype=STRING)

"""Physical constants and unit conversions, defined once for the whole package."""

from __future__ import annotations

METERS_PER_NM: float = 1852.0
"""Metres in one international nautical mile."""

SECONDS_PER_HOUR: float = 3600.0

EARTH_RADIUS_M: float = 6_371_008.8
"""Mean Earth radius (IUGG), metres; used for haversine distances."""

UN_CAP_BBL: int = 500_000
"""UN Security Council resolution 2397 (2017): refined petroleum to the DPRK, barrels per year."""

BBL_PER_T: dict[str, float] = {
    "diesel": 7.46,
    "gasoline": 8.35,
    "fuel_oil": 6.35,
    "crude": 7.33,
}
"""Barrels per metric tonne by cargo (BP conversion tables)."""

"""Synthetic AIS scenarios with ground truth (SYNTHETIC data: not real observations).

``write_fixture`` generates a scenario and writes its NMEA file plus the truth of the watched
fleet's terminal calls, the truth of the background traffic's calls, the sightings and an exact
count of the lines. ``SCENARIOS`` holds the ready-made scenarios; every parameter of a scenario
lives in its dataclasses (``_scenario.py``). The identity scenario (``identity-2024``: shared
MMSIs, an identity swap, an MMSI change, spoofing, jamming, with its ground truth) is written by
``write_identity_fixture`` (``_identity.py``).

Examples
--------
>>> from vesseltrack.synth import write_fixture
>>> paths = write_fixture("data/fixtures/vostochny_2024.nmea.gz")  # doctest: +SKIP
"""

from __future__ import annotations

from ._atsea import AT_SEA_KEY, generate_at_sea, score_at_sea, write_at_sea_fixture
from ._generate import (
    Fixture,
    fixture_paths,
    generate,
    ports_geojson,
    registry_frame,
    write_fixture,
    write_ports,
    write_registry,
)
from ._identity import (
    IDENTITY_SCENARIO,
    generate_identity,
    identity_truth,
    write_identity_fixture,
)
from ._routes import scenario_routes
from ._scenario import SCENARIOS, Scenario

__all__ = [
    "AT_SEA_KEY",
    "IDENTITY_SCENARIO",
    "SCENARIOS",
    "Fixture",
    "Scenario",
    "fixture_paths",
    "generate",
    "generate_at_sea",
    "generate_identity",
    "identity_truth",
    "ports_geojson",
    "registry_frame",
    "scenario_routes",
    "score_at_sea",
    "write_at_sea_fixture",
    "write_fixture",
    "write_identity_fixture",
    "write_ports",
    "write_registry",
]

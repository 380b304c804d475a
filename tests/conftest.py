"""Shared, session-scoped fixtures: the synthetic Vostochny case read and counted once."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "data" / "fixtures" / "vostochny_2024.nmea.gz"
PORTS = ROOT / "data" / "ports" / "vostochny.geojson"
REGISTRY = ROOT / "data" / "vessels" / "dprk_tankers.csv"
SIGHTINGS = ROOT / "data" / "fixtures" / "vostochny_2024_sightings.csv"


@pytest.fixture(scope="session")
def vostochny_case():
    """The fixture read, with ports, registry, sightings, and the main job's count.

    Tests must not modify these frames (they are shared by the whole session).
    """
    from vesseltrack.count import count_port_calls
    from vesseltrack.io import read_ais
    from vesseltrack.ports import read_ports
    from vesseltrack.registry import read_registry, read_sightings

    data = read_ais([FIXTURE], progress=False)
    ports = read_ports(PORTS)
    registry = read_registry(REGISTRY)
    sightings = read_sightings(SIGHTINGS)
    result = count_port_calls(data.positions, data.statics, ports, registry=registry,
                              sightings=sightings, port="Vostochny oil terminal", flag="KP")
    return SimpleNamespace(data=data, ports=ports, registry=registry, sightings=sightings,
                           result=result)

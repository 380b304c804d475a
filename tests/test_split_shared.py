"""Port calls and gaps per segment (--split-shared-mmsi): both ships behind one MMSI count."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from vesseltrack.params import CountParams, SegmentParams

ROOT = Path(__file__).resolve().parents[1]
FX = ROOT / "data" / "fixtures"


@pytest.fixture(scope="module")
def identity_case():
    from vesseltrack.io import read_ais
    from vesseltrack.ports import read_ports

    data = read_ais([FX / "identity_2024.nmea.gz"], progress=False)
    return data, read_ports(FX / "identity_2024_ports.geojson")


def _count(case, segments):
    from vesseltrack.count import count_port_calls

    data, ports = case
    return count_port_calls(data.positions, data.statics, ports,
                            params=CountParams(segments=segments))


def test_both_ships_behind_a_shared_mmsi_are_counted(identity_case):
    calls = _count(identity_case, SegmentParams()).port_calls
    truth = pd.read_csv(FX / "identity_2024_calls_truth.csv")
    got = calls.loc[calls["mmsi"] == 445600001]
    # one call per ship, each in its own segment (numbered by first position)
    assert (sorted(got["port"]), sorted(got["segment"])) == (sorted(truth["port"]), [1, 2])


def test_call_times_match_the_plan(identity_case):
    # planned stays 24 h at the berth; arrival/departure at the fence edge, a few km out
    calls = _count(identity_case, SegmentParams()).port_calls
    truth = pd.read_csv(FX / "identity_2024_calls_truth.csv", parse_dates=["arrival",
                                                                            "departure"])
    got = calls.loc[calls["mmsi"] == 445600001].reset_index(drop=True)
    assert (got["arrival"] - truth["arrival"]).abs().max() < pd.Timedelta(hours=2)


def test_default_keeps_one_ship_per_mmsi(identity_case):
    calls = _count(identity_case, None).port_calls
    assert "segment" not in calls.columns


def test_segment_param_is_recorded(identity_case):
    result = _count(identity_case, SegmentParams())
    assert result.params["segments"]["split_speed_knots"] == 40.0


def test_gaps_per_segment_do_not_join_two_ships(identity_case):
    from vesseltrack.segments import detect_gaps_by_segment

    data, ports = identity_case
    gaps = detect_gaps_by_segment(data.positions, data.statics, ports)
    shared = gaps.loc[gaps["mmsi"] == 445600001]
    # both ships report every 15 min all along: no silence of 6 h in either segment
    assert len(shared) == 0


def test_split_changes_nothing_on_the_vostochny_fixture(vostochny_case):
    from vesseltrack.count import count_port_calls

    c = vostochny_case
    split = count_port_calls(c.data.positions, c.data.statics, c.ports, registry=c.registry,
                             sightings=c.sightings, port="Vostochny oil terminal", flag="KP",
                             params=CountParams(segments=SegmentParams()))
    a = c.result.summary()
    b = split.summary()
    a.pop("params")
    b.pop("params")
    assert a == b


def test_cli_port_calls_split_writes_segment_column(tmp_path):
    from vesseltrack.cli import main

    out = tmp_path / "calls.csv"
    rc = main(["port-calls", str(FX / "identity_2024.nmea.gz"), "--ports",
               str(FX / "identity_2024_ports.geojson"), "--split-shared-mmsi", "-q",
               "-o", str(out)])
    calls = pd.read_csv(out)
    assert (rc, sorted(calls.loc[calls["mmsi"] == 445600001, "port"])) == (
        0, ["North berth", "South berth"])


def test_cli_gaps_split_has_segment_column(tmp_path):
    from vesseltrack.cli import main

    out = tmp_path / "gaps.csv"
    rc = main(["gaps", str(FX / "identity_2024.nmea.gz"), "--split-shared-mmsi", "-q",
               "-o", str(out)])
    assert (rc, pd.read_csv(out).columns[-1]) == (0, "segment")

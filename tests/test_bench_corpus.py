"""The benchmark corpus builder (bench/corpus.py) writes the advertised mix (not timed)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from vesseltrack.io import read_ais

BENCH = Path(__file__).resolve().parents[1] / "bench" / "corpus.py"


@pytest.fixture(scope="module")
def corpus():
    spec = importlib.util.spec_from_file_location("bench_corpus", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while executing it
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "mixed.nmea"
    info = corpus.write_corpus(path, 40_000, parts=3, chunk_messages=15_000)
    return path, info, read_ais(path, progress=False)


def test_lines_messages_and_parts(built):
    path, info, data = built
    rep = data.report
    assert info["lines"] == rep.lines and 39_999 <= rep.lines <= 40_000
    assert info["messages"] == rep.messages
    assert rep.bad_lines == 0 and rep.orphan_fragments == 0 and rep.untimed == 0
    assert rep.decode_errors == 0
    # the parts are the same lines, cut between messages
    parts = [Path(p) for p in info["part_paths"]]
    assert len(parts) == 3
    assert b"".join(p.read_bytes() for p in parts) == path.read_bytes()
    assert read_ais(parts, progress=False).report.orphan_fragments == 0


def test_type_mix_matches_the_advertised_shares(built, corpus):
    _, info, data = built
    n = info["messages"]
    pos = data.positions["msg_type"].value_counts()
    sta = data.statics["msg_type"].value_counts()
    shares = {
        "1-3": (pos.get(1, 0) + pos.get(2, 0) + pos.get(3, 0)) / n,
        "18": pos.get(18, 0) / n,
        "5": sta.get(5, 0) / n,
        "24": sta.get(24, 0) / n,
    }
    for kind, share in shares.items():
        assert share == pytest.approx(corpus.MIX[kind], abs=0.01), kind
    # type 4 (base stations) frames as a message but makes no row
    n4 = n - sum(round(s * n) for s in shares.values())
    assert n4 / n == pytest.approx(corpus.MIX["4"], abs=0.005)
    assert info["messages_by_kind"]["5"] == sta.get(5, 0)
    # all three position types occur, type 1 most often
    assert pos.get(1, 0) > pos.get(3, 0) > pos.get(2, 0) > 0


def test_times_rise_and_tracks_are_continuous(built, corpus):
    _, info, data = built
    ts = data.positions["timestamp"]
    assert ts.is_monotonic_increasing and ts.dt.tz is not None
    assert ts.min().value // 10**9 == corpus.T0_UNIX_S
    # one class A vessel on its circle: 12 knots between consecutive reports
    p = data.positions.loc[data.positions["msg_type"].isin([1, 2, 3])]
    mmsi = p.loc[p["sog_knots"] > 1, "mmsi"].value_counts().index[0]
    v = p.loc[p["mmsi"] == mmsi].sort_values("timestamp")
    dlat_nm = np.diff(v["lat"].to_numpy()) * 60.0
    dlon_nm = np.diff(v["lon"].to_numpy()) * 60.0 * np.cos(np.radians(v["lat"].to_numpy()[1:]))
    step_nm = np.hypot(dlat_nm, dlon_nm)
    assert np.median(step_nm) == pytest.approx(
        corpus.SPEED_KNOTS * corpus.REPORT_S / 3600.0, rel=0.05)
    assert set(np.round(v["sog_knots"].unique(), 1)) <= {corpus.SPEED_KNOTS, 0.0}

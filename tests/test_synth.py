"""Tests of the synthetic scenario generator and of the committed Vostochny 2024 fixture.

The committed fixture is decoded here with pyais alone (no vesseltrack reader), so these tests
do not depend on the package's own NMEA reader.
"""

from __future__ import annotations

import gzip
import json
import operator
import re
from collections import Counter
from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd
import pyais
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box, shape

from vesseltrack.synth import (
    SCENARIOS,
    fixture_paths,
    generate,
    ports_geojson,
    registry_frame,
    scenario_routes,
    write_fixture,
)
from vesseltrack.synth._plan import plan_scenario
from vesseltrack.synth._routes import haversine_nm

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "data" / "fixtures"
NMEA = FIXTURES / "vostochny_2024.nmea.gz"
VOSTOCHNY = SCENARIOS["vostochny-2024"]
FICTIONAL = SCENARIOS["fictional-cove-2024"]

TRUTH_COLUMNS = [
    "mmsi", "name", "arrival", "departure", "arrival_draught_m", "departure_draught_m",
    "cargo_t", "cargo_bbl", "ais_at_terminal", "draught_updated", "sighted",
]
REGISTRY_COLUMNS = [
    "mmsi", "imo", "name", "flag", "dwt_t", "length_m", "beam_m", "summer_draught_m",
    "ballast_draught_m", "cargo", "source",
]
SIGHTING_COLUMNS = ["timestamp", "lon", "lat", "mmsi", "imo", "name", "state", "source"]
TERMINAL_RING = [(133.062, 42.748), (133.076, 42.748), (133.076, 42.756), (133.062, 42.756)]
BERTH_LON, BERTH_LAT = 133.067, 42.752

# Barrels per tonne written here by hand (BP Statistical Review conversion factors), not
# imported: the generator states its own, and both must agree with the published figures.
DIESEL_BBL_PER_T = 7.46
CRUDE_BBL_PER_T = 7.33

_LINE = re.compile(r"^\\(s:([^,*\\]+),c:(\d+))\*([0-9A-F]{2})\\(!AIVDM,.*)$")


# --------------------------------------------------------------------------------------------
# An independent decoder: tag blocks checked here, sentences checked and decoded by pyais.
# --------------------------------------------------------------------------------------------


def _xor_hex(text: str) -> str:
    return f"{reduce(operator.xor, text.encode('ascii'), 0):02X}"


def decode_lines(lines: list[str]) -> tuple[pd.DataFrame, Counter, list[int]]:
    """Decode fixture lines with pyais; return messages, line statistics, fragment gaps."""
    stats: Counter = Counter()
    rows = []
    pending: dict[tuple, tuple] = {}
    gaps = []
    for i, line in enumerate(lines):
        stats["lines"] += 1
        if line.startswith("#"):
            stats["comments"] += 1
            continue
        m = _LINE.match(line)
        assert m is not None, f"line {i} has no valid tag block: {line!r}"
        tag, src, c, tag_cs, sentence = m.groups()
        assert _xor_hex(tag) == tag_cs, f"line {i}: bad tag block checksum"
        if "*" not in sentence:
            stats["truncated"] += 1
            continue
        nmea = pyais.NMEAMessage.from_string(sentence)  # pyais checks the checksum
        if not nmea.is_valid:
            stats["bad_checksum"] += 1
            continue
        stats["sentences"] += 1
        fields = sentence.split(",")
        total, num, seq, channel = fields[1], fields[2], fields[3], fields[4]
        if total == "1":
            msg = nmea.decode()
        else:
            key = (src, seq, channel)
            if num == "1":
                assert key not in pending, f"line {i}: sequence id reused while open"
                pending[key] = (nmea, i, sentence)
                continue
            first, first_line, first_text = pending.pop(key)
            gaps.append(i - first_line - 1)
            msg = pyais.NMEAMessage.assemble_from_iterable([first, nmea]).decode()
        stats["messages"] += 1
        rows.append(
            {
                "line": i,
                "source": src,
                "c": int(c),
                "sentence": sentence,
                "first": first_text if total != "1" else None,
                "channel": channel,
                "seq": seq,
                "msg_type": msg.msg_type,
                "mmsi": int(msg.mmsi),
                "lon": getattr(msg, "lon", np.nan),
                "lat": getattr(msg, "lat", np.nan),
                "speed": getattr(msg, "speed", np.nan),
                "course": getattr(msg, "course", np.nan),
                "heading": getattr(msg, "heading", np.nan),
                "status": int(getattr(msg, "status", -1)),
                "draught": getattr(msg, "draught", np.nan),
                "shipname": getattr(msg, "shipname", None),
                "imo": getattr(msg, "imo", None),
                "partno": getattr(msg, "partno", None),
                "msg": msg,
            }
        )
    stats["orphans"] = len(pending)
    frame = pd.DataFrame(rows)
    frame["t"] = pd.to_datetime(frame["c"], unit="s", utc=True)
    return frame, stats, gaps


@pytest.fixture(scope="module")
def committed() -> tuple[pd.DataFrame, Counter, list[int], list[str]]:
    lines = gzip.open(NMEA, "rt", encoding="ascii").read().splitlines()
    frame, stats, gaps = decode_lines(lines)
    return frame, stats, gaps, lines


@pytest.fixture(scope="module")
def counts() -> dict:
    return json.loads((FIXTURES / "vostochny_2024_counts.json").read_text())


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return pd.read_csv(
        FIXTURES / "vostochny_2024_truth.csv", parse_dates=["arrival", "departure"]
    )


@pytest.fixture(scope="module")
def registry() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "vessels" / "dprk_tankers.csv", dtype={"imo": "Int64"})


@pytest.fixture(scope="module")
def land():
    gj = json.loads((ROOT / "vesseltrack" / "data" / "land_east_asia_10m.geojson").read_text())
    return shape(gj["features"][0]["geometry"])


SHORE_BOX = (124.0, 33.0, 136.0, 45.0)
"""Every route of both scenarios and every synthetic position, spikes included, lie in here."""


@pytest.fixture(scope="module")
def shore():
    """Land at full GSHHG resolution (the coastline the maps draw) over the scenarios' area.

    GMT and its GSHHG shoreline are required here (``make test`` installs them): the coarser
    fallback is about a kilometre off at a berth, too coarse to tell a berth from the shore.
    """
    from vesseltrack.land import land_polygons

    gdf = land_polygons(SHORE_BOX, resolution="full", source="gshhg")
    return shapely.union_all(gdf.geometry.to_numpy())


# --------------------------------------------------------------------------------------------
# Ground truth of the committed fixture
# --------------------------------------------------------------------------------------------


def check_pattern(t: pd.DataFrame, reg: pd.DataFrame) -> None:
    """The reported pattern: 43 calls, 12 DPRK vessels, 7 Mar-5 Nov 2024, 1.0-1.2 M bbl."""
    assert len(t) == 43
    assert t["mmsi"].nunique() == 12
    assert t["mmsi"].astype(str).str.fullmatch(r"445\d{6}").all()
    first = t.sort_values("arrival").iloc[0]
    assert first["name"] == "PAEK YANG SAN 1"
    assert first["arrival"].strftime("%Y-%m-%d") == "2024-03-07"
    assert t["departure"].max().strftime("%Y-%m-%d") == "2024-11-05"
    assert t["arrival"].min() >= pd.Timestamp("2024-03-07", tz="UTC")
    assert t["departure"].max() < pd.Timestamp("2024-11-06", tz="UTC")
    assert 1.0e6 < t["cargo_bbl"].sum() < 1.2e6
    # Barrels from tonnes (diesel), tonnes from the draught fill (docs/method.md arithmetic).
    np.testing.assert_allclose(t["cargo_bbl"], t["cargo_t"] * DIESEL_BBL_PER_T, atol=1.0)
    r = t.merge(reg, on="mmsi", suffixes=("", "_reg"))
    assert len(r) == 43
    fill = (r["departure_draught_m"] - r["ballast_draught_m"]) / (
        r["summer_draught_m"] - r["ballast_draught_m"]
    )
    assert fill.between(0.85 - 1e-9, 0.98 + 1e-9).all()
    np.testing.assert_allclose(r["cargo_t"], fill * 0.93 * r["dwt_t"], atol=0.06)
    # Arriving in ballast.
    assert (r["arrival_draught_m"] - r["ballast_draught_m"]).abs().max() <= 0.1 + 1e-9
    stay_days = (t["departure"] - t["arrival"]).dt.total_seconds() / 86400
    assert stay_days.between(1.0, 2.6).all()
    dark = ~t["ais_at_terminal"]
    stale = ~t["draught_updated"]
    assert 0.28 <= dark.mean() <= 0.38
    assert 3 <= stale.sum() <= 6
    assert not (dark & stale).any()
    # Every stale call and about half the dark calls are sighted; no other call is.
    assert t.loc[stale, "sighted"].all()
    assert t.loc[dark, "sighted"].sum() == round(dark.sum() * 0.5)
    assert not t.loc[~dark & ~stale, "sighted"].any()
    # One vessel is at one berth at a time: its calls do not overlap, with days between.
    for _, g in t.sort_values("arrival").groupby("mmsi"):
        between = (g["arrival"].iloc[1:].to_numpy() - g["departure"].iloc[:-1].to_numpy())
        assert (between > np.timedelta64(4, "D")).all()


def test_truth_reproduces_the_reported_pattern(truth, registry):
    assert list(truth.columns[:11]) == TRUTH_COLUMNS
    assert list(truth.columns) == [*TRUTH_COLUMNS, "port"]
    assert (truth["port"] == "Vostochny oil terminal").all()
    check_pattern(truth, registry)
    # The reported VOA voyage of Chon Ma San (Oct 2024): at the berth 20 Oct 03:00-21 Oct 21:50.
    cms = truth[(truth["name"] == "CHON MA SAN") & (truth["arrival"].dt.month == 10)].iloc[0]
    assert abs(cms["arrival"] - pd.Timestamp("2024-10-20T03:00Z")) < pd.Timedelta("30min")
    assert abs(cms["departure"] - pd.Timestamp("2024-10-21T21:50Z")) < pd.Timedelta("30min")
    assert cms["ais_at_terminal"]


def test_background_truth_covers_every_facility():
    bg = pd.read_csv(
        FIXTURES / "vostochny_2024_background_truth.csv", parse_dates=["arrival", "departure"]
    )
    assert list(bg.columns) == [*TRUTH_COLUMNS, "port"]
    ports = bg["port"].value_counts()
    assert set(ports.index) == {
        "Vostochny oil terminal", "Vostochny port", "Vostochny anchorage", "Kozmino crude terminal"
    }
    assert ports.min() >= 30
    assert not bg["mmsi"].astype(str).str.startswith("445").any()
    assert bg["ais_at_terminal"].all() and not bg["sighted"].any()
    # Calls at berths load (draught up); anchorage calls do not.
    berth = bg["port"] != "Vostochny anchorage"
    assert (bg.loc[berth & bg["draught_updated"], "departure_draught_m"]
            > bg.loc[berth & bg["draught_updated"], "arrival_draught_m"]).all()
    anch = bg[~berth]
    assert (anch["departure_draught_m"] == anch["arrival_draught_m"]).all()
    # Russian and other flags load at the oil terminal; crude is measured in barrels too.
    oil = bg[bg["port"] == "Vostochny oil terminal"]
    assert oil["mmsi"].astype(str).str[:3].nunique() >= 3
    koz = bg[bg["port"] == "Kozmino crude terminal"]
    np.testing.assert_allclose(koz["cargo_bbl"], koz["cargo_t"] * CRUDE_BBL_PER_T, atol=1.0)
    assert bg.loc[bg["port"] == "Vostochny port", "cargo_bbl"].isna().all()  # coal


def test_truth_is_what_the_generator_plans(truth):
    """The committed truth is the default seed's plan (regenerate the fixture if not)."""
    plan = plan_scenario(VOSTOCHNY, VOSTOCHNY.default_seed)
    assert plan.truth["mmsi"].tolist() == truth["mmsi"].tolist()
    assert (plan.truth["arrival"] == truth["arrival"]).all()
    np.testing.assert_allclose(plan.truth["cargo_bbl"], truth["cargo_bbl"])


# --------------------------------------------------------------------------------------------
# The committed NMEA file
# --------------------------------------------------------------------------------------------


def test_every_sentence_decodes_and_counts_match(committed, counts):
    frame, stats, gaps, lines = committed
    assert NMEA.stat().st_size < 15 * 1024 * 1024
    assert stats["orphans"] == 0
    assert stats["lines"] == counts["lines"] == len(lines)
    assert stats["comments"] == counts["comment_lines"] == 4
    assert all("SYNTHETIC" in line for line in lines[:1])
    assert stats["bad_checksum"] == counts["bad_checksum"]
    assert stats["truncated"] == counts["truncated"] == counts["malformed"]
    assert stats["sentences"] == counts["sentences"]
    assert stats["messages"] == counts["messages"] == len(frame)
    bad = counts["bad_checksum"] + counts["truncated"]
    assert counts["bad_lines"] == bad
    assert 0.0007 < bad / counts["lines"] < 0.0013  # about 0.1 %
    types = frame["msg_type"].value_counts()
    assert {str(k): int(v) for k, v in types.items()} == counts["by_type"]
    assert int(types[[1, 2, 3, 18]].sum()) == counts["positions"]
    assert int(types[[5, 24]].sum()) == counts["statics"]
    assert set(types.index) == {1, 2, 3, 5, 18, 24}
    assert frame["mmsi"].nunique() == counts["vessels"]
    # Type 5 fragments are interleaved with other traffic received at the same time.
    gaps = np.asarray(gaps)
    assert len(gaps) == types[5]
    assert (gaps >= 1).sum() == counts["interleaved_type5"] > 1000
    assert gaps.max() <= 6


def test_reception_noise(committed, counts):
    frame, _, _, lines = committed
    # Receiver time in every tag block; lines only slightly out of order.
    c = frame.sort_values("line")["c"].to_numpy()
    back = np.diff(c)
    assert (back < 0).mean() > 0.005
    assert back.min() >= -10
    # The same message heard by two receivers, seconds apart.
    pos = frame[frame["msg_type"].isin([1, 2, 3, 18])]
    same = pos.groupby("sentence").agg(n=("c", "size"), sources=("source", "nunique"),
                                       spread=("c", lambda x: x.max() - x.min()))
    dups = same[same["n"] > 1]
    # (A moored ship can, rarely, send two identical reports by coincidence.)
    repeats = int((dups["n"] - 1).sum())
    assert counts["duplicate_positions"] > 1000
    assert 0 <= repeats - counts["duplicate_positions"] <= 20
    two_receivers = dups[dups["sources"] == dups["n"]]
    assert len(two_receivers) >= len(dups) - 20 and two_receivers["spread"].max() <= 4
    # "Not available" values (counted once per transmission, whoever heard it).
    once = pos.drop_duplicates("sentence")
    assert (once["lon"] == 181).sum() == counts["not_available_positions"]
    assert (once["lat"] == 91).sum() == counts["not_available_positions"]
    assert (once["speed"] == 102.3).sum() == counts["not_available_speeds"]
    assert (pos["heading"] == 511).mean() > 0.05
    assert (pos["course"] == 360).sum() > 100
    # Receivers: terrestrial near the port, satellites elsewhere.
    assert set(frame["source"]) == {"RU-VOSTOCHNY1", "RU-NAKHODKA2", "SAT01", "SAT02", "SAT03"}


def test_report_intervals_and_satellite_gaps(committed):
    frame, _, _, _ = committed
    pos = frame[frame["msg_type"].isin([1, 2, 3, 18]) & (frame["source"] != "RU-NAKHODKA2")]
    pos = pos.sort_values(["mmsi", "c"])
    dt_min = pos.groupby("mmsi")["c"].diff().dropna() / 60
    # Every 2-10 minutes while heard (receiver-time jitter and lost messages aside).
    assert dt_min.between(1.9, 10.2).mean() > 0.93
    # Satellite passes missed: gaps of 1-4 h at sea, for the watched fleet too.
    sat = pos[pos["source"].str.startswith("SAT")]
    watched = sat[sat["mmsi"].astype(str).str.startswith("445")].copy()
    watched["gap_h"] = watched.groupby("mmsi")["c"].diff() / 3600
    pass_gaps = watched[watched["gap_h"].between(1.0, 4.5)]
    assert len(pass_gaps) > 200
    assert pass_gaps["mmsi"].nunique() == 14  # all 12 callers and both decoys


def _terminal_mask(lon, lat):
    return shapely.contains_xy(Polygon(TERMINAL_RING), lon, lat)


def test_ais_behaviour_matches_truth(committed, truth):
    frame, _, _, _ = committed
    pos = frame[frame["msg_type"].isin([1, 2, 3]) & (frame["lon"] <= 180)]
    st = frame[frame["msg_type"] == 5]
    for _, call in truth.iterrows():
        p = pos[pos["mmsi"] == call["mmsi"]]
        during = p[(p["t"] >= call["arrival"]) & (p["t"] <= call["departure"])]
        at_terminal = _terminal_mask(during["lon"], during["lat"])
        s = st[st["mmsi"] == call["mmsi"]]
        before = s[s["t"] < call["arrival"]]["draught"]
        after = s[s["t"] > call["departure"]]["draught"]
        assert before.iloc[-1] == pytest.approx(call["arrival_draught_m"])
        expected = call["departure_draught_m"] if call["draught_updated"] else call[
            "arrival_draught_m"]
        assert after.iloc[0] == pytest.approx(expected)
        if call["ais_at_terminal"]:
            assert at_terminal.mean() > 0.9 and len(during) > 50
            if call["draught_updated"]:
                # The crew types the laden draught before departure, at the berth.
                upd = s[(s["t"] >= call["arrival"]) & (s["t"] <= call["departure"])]
                assert (upd["draught"] == call["departure_draught_m"]).any()
        else:
            # Dark: off 10-40 nm before arrival, on again 10-40 nm after departure, laden.
            assert len(during) == 0
            last = p[p["t"] < call["arrival"]].iloc[-1]
            nxt = p[p["t"] > call["departure"]].iloc[0]
            for row in (last, nxt):
                d_nm = haversine_nm(row["lon"], row["lat"], BERTH_LON, BERTH_LAT)
                assert 5.0 < d_nm < 60.0
    # Every trip goes dark for days in home waters.
    for mmsi, calls in truth.sort_values("arrival").groupby("mmsi"):
        p = pos[pos["mmsi"] == mmsi].sort_values("c")
        for dep, arr in zip(calls["departure"].iloc[:-1], calls["arrival"].iloc[1:], strict=True):
            c = p[(p["t"] > dep) & (p["t"] < arr)]["c"].to_numpy()
            assert np.diff(c).max() > 2 * 86400


def test_decoys_and_kozmino_never_call(committed, registry):
    frame, _, _, _ = committed
    pos = frame[frame["msg_type"].isin([1, 2, 3]) & (frame["lon"] <= 180)]
    decoys = registry[registry["source"].str.startswith("decoy")]["mmsi"]
    assert len(decoys) == 2
    d = pos[pos["mmsi"].isin(decoys)]
    assert d["mmsi"].nunique() == 2
    assert not _terminal_mask(d["lon"], d["lat"]).any()
    watched = pos[pos["mmsi"].astype(str).str.startswith("445")]
    kozmino = box(132.985, 42.715, 133.020, 42.737)
    assert not shapely.contains_xy(kozmino, watched["lon"], watched["lat"]).any()
    assert shapely.contains_xy(kozmino, pos["lon"], pos["lat"]).sum() > 1000


def test_positions_are_at_sea(committed, counts, shore):
    frame, _, _, _ = committed
    pos = frame[frame["msg_type"].isin([1, 2, 3, 18]) & (frame["lon"] <= 180)]
    assert pos["lon"].between(SHORE_BOX[0], SHORE_BOX[2]).all()
    assert pos["lat"].between(SHORE_BOX[1], SHORE_BOX[3]).all()
    on_land = shapely.contains_xy(shore, pos["lon"], pos["lat"])
    # Only deliberate position spikes (0.3-3 degrees off the track) may fall on land; berths,
    # their jitter, anchoring boxes and all the routes between them are at sea.
    spikes = counts["spikes"]
    assert 0 < spikes <= 40
    assert on_land.sum() <= spikes
    assert not shapely.contains_xy(shore, pos["lon"], pos["lat"])[
        pos["mmsi"].astype(str).str.startswith("445").to_numpy()
        & pos["lat"].between(42.6, 42.8).to_numpy()].any()


def test_encoding_matches_pyais(committed):
    """Our armouring and framing give pyais.encode_msg's text for every message type."""
    frame, _, _, lines = committed
    sample = frame.groupby("msg_type").head(300)
    for _, row in sample.iterrows():
        seq = int(row["seq"]) if row["seq"] else None
        out = pyais.encode_msg(row["msg"], talker_id="AI", sentence_type="VDM",
                               radio_channel=row["channel"], seq_id=seq)
        if row["msg_type"] == 5:
            assert out == [row["first"], row["sentence"]]
        else:
            assert out == [row["sentence"]]


def test_sightings(truth):
    s = pd.read_csv(FIXTURES / "vostochny_2024_sightings.csv", dtype=str, keep_default_na=False)
    assert list(s.columns) == SIGHTING_COLUMNS
    assert s["timestamp"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").all()
    assert s["source"].str.startswith("synthetic").all()
    assert set(s["state"]) <= {"laden", "ballast", "unknown"}
    # Identifiers vary: some rows only a name, some only an IMO.
    only_name = (s["mmsi"] == "") & (s["imo"] == "") & (s["name"] != "")
    only_imo = (s["mmsi"] == "") & (s["imo"] != "") & (s["name"] == "")
    assert only_name.any() and only_imo.any()
    reg = registry_frame(VOSTOCHNY)
    known = reg.dropna(subset=["imo"])
    by_imo = dict(zip(known["imo"].astype(int).astype(str), known["mmsi"], strict=True))
    by_name = dict(zip(reg["name"], reg["mmsi"], strict=True))
    mmsi = np.where(s["mmsi"] != "", s["mmsi"], np.where(
        s["imo"] != "", s["imo"].map(by_imo), s["name"].map(by_name))).astype(np.int64)
    ts = pd.to_datetime(s["timestamp"], utc=True)
    lon, lat = s["lon"].astype(float), s["lat"].astype(float)
    in_terminal = _terminal_mask(lon, lat)
    matched = []
    for i in range(len(s)):
        c = truth[(truth["mmsi"] == mmsi[i]) & (truth["arrival"] <= ts[i])
                  & (truth["departure"] >= ts[i])]
        if in_terminal[i]:
            assert len(c) == 1, "a terminal sighting lies in a true call"
            matched.append(c.index[0])
        else:
            assert len(c) == 0
    # One per sighted call; the rest (at sea, at home) are away from every fence.
    assert sorted(matched) == sorted(truth.index[truth["sighted"]])
    away = ~in_terminal
    assert away.sum() == VOSTOCHNY.sightings.at_sea + VOSTOCHNY.sightings.at_home
    assert (haversine_nm(lon[away], lat[away], BERTH_LON, BERTH_LAT) > 20).all()
    stale = truth[~truth["draught_updated"]]
    assert len(stale) and all(i in matched for i in stale.index)


# --------------------------------------------------------------------------------------------
# Registry, ports, land, routes
# --------------------------------------------------------------------------------------------


def test_registry(registry):
    assert list(registry.columns) == REGISTRY_COLUMNS
    assert len(registry) == 14
    assert registry["mmsi"].astype(str).str.fullmatch(r"445\d{6}").all()
    assert registry["mmsi"].is_unique and (registry["flag"] == "KP").all()
    assert (registry["cargo"] == "diesel").all()
    verified = registry.set_index("name")
    assert verified.loc["RYE SONG GANG 1", "imo"] == 7389704
    assert verified.loc["RYE SONG GANG 1", "dwt_t"] == 3003
    assert verified.loc["SONG WON 2", "imo"] == 8312497
    assert verified.loc["SONG WON 2", "dwt_t"] == 4999
    assert verified.loc["KUM UN SAN 3", "dwt_t"] == 2070
    assert verified.loc["SAM MA 2", "imo"] == 8106496
    assert verified.loc["CHON MA SAN", "imo"] == 8660313
    assert registry["source"].str.contains(r"\[est\]").all()
    assert registry["source"].str.startswith("decoy").sum() == 2
    assert registry["dwt_t"].between(1000, 9000).all()
    # The committed file is what the scenario says.
    expected = registry_frame(VOSTOCHNY)
    pd.testing.assert_frame_equal(registry, expected, check_dtype=False)


def test_ports_geojson():
    gj = json.loads((ROOT / "data" / "ports" / "vostochny.geojson").read_text())
    assert gj == ports_geojson(VOSTOCHNY)
    names = {f["properties"]["name"]: f for f in gj["features"]}
    assert {n: f["properties"]["kind"] for n, f in names.items()} == {
        "Vostochny oil terminal": "terminal",
        "Vostochny port": "port",
        "Vostochny anchorage": "anchorage",
        "Kozmino crude terminal": "terminal",
    }
    assert all("approximate" in f["properties"]["note"] for f in gj["features"])
    ring = names["Vostochny oil terminal"]["geometry"]["coordinates"][0]
    assert ring == [[133.062, 42.748], [133.076, 42.748], [133.076, 42.756],
                    [133.062, 42.756], [133.062, 42.748]]
    for f in gj["features"]:
        r = f["geometry"]["coordinates"][0]
        assert r[0] == r[-1] and Polygon(r).is_valid
    port = Polygon(names["Vostochny port"]["geometry"]["coordinates"][0])
    assert port.contains(Polygon(ring))
    other = json.loads((ROOT / "data" / "ports" / "fictional_cove.geojson").read_text())
    assert other == ports_geojson(FICTIONAL)
    assert all("FICTIONAL" in f["properties"]["note"] for f in other["features"])


def test_fences_are_mostly_water(shore):
    from vesseltrack.land import water_fraction

    gj = json.loads((ROOT / "data" / "ports" / "vostochny.geojson").read_text())
    water = {f["properties"]["name"]: water_fraction(shape(f["geometry"]), land=shore)
             for f in gj["features"]}
    # Measured on the full GSHHG shoreline: terminal 88.5 %, anchorage 89.7 %, Kozmino 94.3 %
    # (the wider port fence takes in the land of the port and is not checked).
    assert water["Vostochny oil terminal"] >= 0.8
    assert water["Vostochny anchorage"] >= 0.8
    assert water["Kozmino crude terminal"] >= 0.8


@pytest.mark.parametrize("scenario", [VOSTOCHNY, FICTIONAL], ids=lambda s: s.key)
def test_routes_stay_at_sea(scenario, shore):
    routes = scenario_routes(scenario)
    assert any(k.startswith("home route Nampo") for k in routes)
    for name, pts in routes.items():
        for k in range(len(pts) - 1):
            leg = LineString(pts[k : k + 2])
            assert not leg.intersects(shore), f"{scenario.key}: {name} leg {k} crosses land"
    for fac in scenario.facilities:
        for b in fac.berths:
            assert not shore.contains(Point(b))
            if not fac.anchorage:
                ring = scenario.fence(fac.fence).ring
                assert Polygon(ring).contains(Point(b)), f"{fac.key} berth outside its fence"
    (x0, y0), (x1, y1) = scenario.class_b_grounds
    assert not box(x0, y0, x1, y1).intersects(shore)


def test_land_file_is_small_and_clipped(land):
    assert (ROOT / "vesseltrack" / "data" / "land_east_asia_10m.geojson").stat().st_size < 500_000
    assert land.is_valid
    x0, y0, x1, y1 = land.bounds
    assert x0 >= 124.0 and y0 >= 32.0 and x1 <= 136.0 and y1 <= 44.0
    # Korea, Japan and Primorye are there; the Sea of Japan is not.
    assert land.contains(Point(127.5, 36.5)) and land.contains(Point(133.5, 43.5))
    assert not land.contains(Point(133.0, 40.0))


# --------------------------------------------------------------------------------------------
# Other seeds, another port, determinism, writing
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_are_valid(seed, registry):
    fx = generate("vostochny-2024", seed, window=("2024-06-01", "2024-06-05"))
    check_pattern(fx.truth, registry)
    assert fx.truth["arrival"].tolist() != plan_scenario(VOSTOCHNY, 2024).truth["arrival"].tolist()
    frame, stats, _ = decode_lines(fx.lines)
    assert stats["orphans"] == 0
    assert stats["messages"] == fx.counts["messages"] == len(frame) > 1500
    assert stats["bad_checksum"] == fx.counts["bad_checksum"]
    assert stats["truncated"] == fx.counts["truncated"]
    assert frame["t"].between(pd.Timestamp("2024-06-01", tz="UTC"),
                              pd.Timestamp("2024-06-05 00:00:10", tz="UTC")).all()


def test_scenario_at_another_port(shore):
    fx = generate("fictional-cove-2024")
    t = fx.truth
    assert len(t) == FICTIONAL.n_calls == 10
    assert (t["port"] == "Fictional Cove oil terminal").all()
    assert t["mmsi"].nunique() == 6
    assert t["arrival"].min() >= pd.Timestamp("2024-05-01", tz="UTC")
    assert t["departure"].max() <= pd.Timestamp("2024-07-01", tz="UTC")
    assert (~t["ais_at_terminal"]).sum() >= 3 and (~t["draught_updated"]).sum() >= 1
    frame, stats, _ = decode_lines(fx.lines)
    assert stats["messages"] == fx.counts["messages"] == len(frame)
    assert stats["bad_checksum"] + stats["truncated"] == fx.counts["bad_lines"] > 0
    fence = Polygon(FICTIONAL.fence("Fictional Cove oil terminal").ring)
    pos = frame[frame["msg_type"].isin([1, 2, 3]) & (frame["lon"] <= 180)]
    for _, call in t[t["ais_at_terminal"]].iterrows():
        p = pos[(pos["mmsi"] == call["mmsi"]) & pos["t"].between(call["arrival"], call["departure"])]
        assert shapely.contains_xy(fence, p["lon"], p["lat"]).mean() > 0.9
    assert shapely.contains_xy(shore, pos["lon"], pos["lat"]).sum() <= fx.counts["spikes"]
    assert "FICTIONAL" in fx.lines[1] or "made-up" in fx.lines[1]


def test_same_seed_same_lines_other_seed_other_lines():
    a = generate("fictional-cove-2024", 11)
    b = generate("fictional-cove-2024", 11)
    c = generate("fictional-cove-2024", 12)
    assert a.lines == b.lines
    assert a.truth.equals(b.truth) and a.sightings.equals(b.sightings)
    assert a.lines != c.lines


def test_write_fixture_reproduces_the_committed_files(tmp_path):
    """Byte-identical files from the same seed, in a fresh process state (about 15 s)."""
    paths = write_fixture(tmp_path / "vostochny_2024.nmea.gz")
    assert set(paths) == {"nmea", "truth", "background_truth", "sightings", "counts"}
    assert paths == fixture_paths(tmp_path / "vostochny_2024.nmea.gz")
    raw = paths["nmea"].read_bytes()
    assert raw[:2] == b"\x1f\x8b" and raw[4:8] == b"\x00\x00\x00\x00"  # gzip, mtime 0
    assert raw[3] & 0x08 == 0  # no file name in the header
    for path in paths.values():
        committed = FIXTURES / path.name
        assert path.read_bytes() == committed.read_bytes(), (
            f"{path.name} differs from the committed file: regenerate with "
            "vesseltrack.synth.write_fixture('data/fixtures/vostochny_2024.nmea.gz')"
        )


def test_fixture_readme_counts(counts):
    """The counts quoted in data/fixtures/README.md are the generator's."""
    text = (FIXTURES / "README.md").read_text()
    assert "SYNTHETIC" in text
    quoted = dict(re.findall(r"^\| `(\w+)` \| ([\d,]+) \|", text, flags=re.MULTILINE))
    assert len(quoted) >= 10
    for key, value in quoted.items():
        assert counts[key] == int(value.replace(",", "")), key

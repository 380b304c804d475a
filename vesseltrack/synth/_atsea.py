"""The SYNTHETIC at-sea scenario: ship-to-ship transfers seen and dark, look-alikes, loitering.

Everything here is invented (tracks, MMSIs, names, draughts); the places are real open water of
the Yellow Sea and the northern East China Sea, 60-110 nm from any shore (GSHHG), where the UN
Panel of Experts has reported ship-to-ship transfers to DPRK tankers. One fictional anchorage
fence is added for the anchorage look-alike (it is not a real anchorage).

Ground truth, stated here and written to ``<stem>_truth.csv`` one row per event:

``visible`` (12 events)
    Two ships sail in (9-11 kn from 30-45 nm), drift 100-150 m apart for 2.5-8 h, and leave;
    AIS on throughout. Three events straddle midnight UTC; one ship (the "hub") meets three
    partners in turn. The giver's draught falls by 1.2-2.5 m and the receiver's rises (typed
    0.3-3 h after the transfer): opposite signs.
``dark`` (8)
    One ship drifts 10-16 h at sea with AIS on; the other switches AIS off 18-25 nm before
    reaching it (10 kn), lies alongside 3-5 h, and switches AIS on 18-25 nm after leaving: its
    gap lasts 6.6-10 h and both ends lie within 25 nm of the drifting ship. ``mmsi_a`` is the
    visible ship.
``both-dark`` (3)
    Both ships approach from directions within 50 degrees of each other at 7-8 kn, switch AIS
    off 13-18 nm before meeting, lie alongside 3.5-5 h, and switch on again 13-18 nm after
    leaving on courses within 50 degrees of each other.
``crossing`` (8)
    Two ships at 10-13 kn on courses 60-120 degrees apart, passing 100-300 m apart at the same
    minute. Not an encounter.
``convoy`` (6)
    Two ships on the same course 250-400 m abreast at the same 9-11 kn for 60 nm. Not an
    encounter.
``anchorage`` (8)
    Two ships at anchor 150-300 m apart for 12-36 h inside the fictional anchorage fence
    (ports file ``<stem>_ports.geojson``). Not an encounter.
``loitering`` (one row per event)
    Every spell of drifting (below 1 kn) of at least 4 h outside the anchorage, by a ship with
    AIS on: the visible-transfer ships whose drift (waiting included) lasts 4 h or more, the
    drifting ship of each dark event, and 4 lone ships drifting 6-12 h with no one near.
    Spells of 4-4.5 h are ``loitering-borderline``: a detector on a 10-minute grid may
    measure them a step or two short of 4 h, so they count neither for nor against it.

Events happen at eight sites at least 50 nm apart, in two-day blocks over 20 days of June
2024, at most one event per site and block (the anchorage pairs at the anchorage).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from vesseltrack.io import write_text

from ._encode import encode
from ._generate import write_nmea_gz
from ._plan import (
    ANCHORED,
    DRIFTING,
    HIDDEN,
    TrackBuilder,
    VesselPlan,
    synthetic_imo,
    to_epoch_s,
)
from ._routes import offset_deg
from ._scenario import Receiver, Reception
from ._tracks import sample_vessel

__all__ = [
    "AT_SEA_KEY",
    "AT_SEA_TRUTH_COLUMNS",
    "generate_at_sea",
    "score_at_sea",
    "write_at_sea_fixture",
]

AT_SEA_KEY = "at-sea-2024"
SIM_START = "2024-06-01T00:00:00Z"
BLOCK_DAYS = 2
N_BLOCKS = 10
DEFAULT_SEED = 16
HOUR = 3600.0

SITES: tuple[tuple[float, float], ...] = (
    (123.5, 35.0), (123.0, 34.0), (124.0, 36.2), (122.8, 35.6),
    (125.0, 33.0), (124.3, 32.3), (123.5, 33.0), (125.3, 32.0),
)
"""Event sites (lon, lat): open water 61-111 nm from the nearest shore (GSHHG full)."""

ANCHORAGE_RING: tuple[tuple[float, float], ...] = (
    (124.15, 35.46), (124.27, 35.46), (124.27, 35.54), (124.15, 35.54),
)
"""FICTIONAL anchorage fence (not a real anchorage), for the anchorage look-alike."""

AT_SEA_TRUTH_COLUMNS = ["kind", "mmsi_a", "mmsi_b", "start", "end", "lon", "lat",
                        "draught_change_a_m", "draught_change_b_m"]

RECEPTION = Reception(
    receivers=(Receiver("SYN-YS1", 124.0, 34.2, 400.0),),
    terrestrial_loss=0.03,
    duplicate_share=0.05,
    spikes=3,
    not_available_positions=3,
    not_available_speeds=3,
)
"""One made-up receiver that hears the whole area (the scenario is about behaviour at sea,
not about coverage)."""

_MIDS = (445, 445, 445, 413, 352, 620, 667, 511, 273, 440)
_WORDS = ("OCEAN", "STAR", "GLORY", "LUCKY", "BRIGHT", "HARMONY", "UNITY", "PEARL", "DRAGON",
          "SUNRISE", "FORTUNE", "JADE", "WAVE", "SPRING", "GOLDEN", "VICTORY")


def _dest(p: tuple[float, float], bearing_deg: float, nm: float) -> tuple[float, float]:
    b = np.radians(bearing_deg)
    dlon, dlat = offset_deg(p[1], nm * 1852.0 * np.sin(b), nm * 1852.0 * np.cos(b))
    return (p[0] + float(dlon), p[1] + float(dlat))


def _pts(*p: tuple[float, float]) -> np.ndarray:
    return np.asarray(p, dtype=float)


class _Fleet:
    """Invented vessels and their AIS windows."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.plans: list[VesselPlan] = []
        self.used: set[int] = set()
        self.names: set[str] = set()

    def vessel(self, draught_m: float, t_s: float) -> VesselPlan:
        rng = self.rng
        while True:
            mmsi = int(rng.choice(_MIDS)) * 1_000_000 + int(rng.integers(100000, 999999))
            if mmsi not in self.used:
                break
        self.used.add(mmsi)
        while True:
            name = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {int(rng.integers(1, 30))}"
            if name not in self.names:
                break
        self.names.add(name)
        length = float(rng.uniform(70.0, 110.0))
        plan = VesselPlan(mmsi=mmsi, name=name, imo=synthetic_imo(rng),
                          callsign=f"S{mmsi % 100000:05d}", ship_type=80, length_m=round(length),
                          beam_m=round(length / 6.5, 1), group="at-sea")
        plan.draught_changes.append((t_s - 10 * HOUR, round(draught_m, 1)))
        self.plans.append(plan)
        return plan


def _sail_in(rng: np.random.Generator, p: tuple[float, float], arrive_s: float,
             speed: float, dist: tuple[float, float], bearing: float | None = None
             ) -> tuple[TrackBuilder, float]:
    """A builder that reaches ``p`` at ``arrive_s`` from ``dist`` nm away; returns it and the
    time it appeared."""
    b = float(rng.uniform(0, 360)) if bearing is None else bearing
    nm = float(rng.uniform(*dist))
    start = _dest(p, b, nm)
    t0 = arrive_s - nm / speed * HOUR
    tb = TrackBuilder(t0, start)
    tb.sail(_pts(start, p), np.array([speed]))
    return tb, t0


def _leave(tb: TrackBuilder, rng: np.random.Generator, speed: float, nm: float,
           bearing: float | None = None) -> float:
    b = float(rng.uniform(0, 360)) if bearing is None else bearing
    tb.sail(_pts(tb.at, _dest(tb.at, b, nm)), np.array([speed]))
    return tb.now


def _finish(plan: VesselPlan, tb: TrackBuilder, windows: list[tuple[float, float]]) -> None:
    tb.hold(tb.now + 600.0, HIDDEN)
    plan.track = tb.finish()
    plan.ais_on.extend(windows)


def _row(kind: str, a: int, b: int | None, s: float, e: float, p: tuple[float, float],
         da: float = np.nan, db: float = np.nan) -> dict:
    return {"kind": kind, "mmsi_a": a, "mmsi_b": b if b is not None else pd.NA,
            "start": pd.Timestamp(round(s), unit="s", tz="UTC"),
            "end": pd.Timestamp(round(e), unit="s", tz="UTC"),
            "lon": round(p[0], 5), "lat": round(p[1], 5),
            "draught_change_a_m": da, "draught_change_b_m": db}


def _loiter_rows(plan: VesselPlan) -> list[dict]:
    """Every drifting spell of 4 h or more of a vessel with AIS on (the loitering truth)."""
    tr = plan.track
    assert tr is not None
    rows, k = [], 0
    n = len(tr.state)
    while k < n:
        if tr.state[k] != DRIFTING:
            k += 1
            continue
        j = k
        while j + 1 < n and tr.state[j + 1] == DRIFTING:
            j += 1
        s, e = tr.t_s[k], tr.t_s[j + 1]
        if e - s >= 4 * HOUR:
            kind = "loitering" if e - s >= 4.5 * HOUR else "loitering-borderline"
            rows.append(_row(kind, plan.mmsi, None, s, e, (tr.lon_deg[k], tr.lat_deg[k])))
        k = j + 1
    return rows


def _transfer(fleet: _Fleet, rng: np.random.Generator, p: tuple[float, float], meet_s: float,
              dur_h: float, giver: VesselPlan | None = None, giver_tb: TrackBuilder | None = None
              ) -> tuple[dict, VesselPlan, TrackBuilder, float]:
    """A visible transfer at ``p``; the giver may be a hub already at sea (its builder)."""
    end_s = meet_s + dur_h * HOUR
    # the hub (a giver already at sea) gives less each time: three cargoes from one load
    amount = float(rng.uniform(1.2, 2.5) if giver is None else rng.uniform(0.8, 1.3))
    if giver is None:
        giver = fleet.vessel(float(rng.uniform(5.5, 6.5)), meet_s)
        giver_tb, t0a = _sail_in(rng, p, meet_s - rng.uniform(0.0, 1.5) * HOUR,
                                 float(rng.uniform(9, 11)), (30, 45))
        giver.ais_on.append((t0a, np.inf))
    assert giver_tb is not None
    giver_tb.hold(end_s, DRIFTING)
    before_a = giver.draught_changes[-1][1]
    upd = end_s + rng.uniform(0.3, 3.0) * HOUR
    giver.draught_changes.append((upd, round(before_a - amount, 1)))
    recv = fleet.vessel(float(rng.uniform(2.5, 3.2)), meet_s)
    berth = _dest(p, float(rng.uniform(0, 360)), float(rng.uniform(100, 150)) / 1852.0)
    tb_b, t0b = _sail_in(rng, berth, meet_s, float(rng.uniform(9, 11)), (30, 45))
    tb_b.hold(end_s, DRIFTING)
    before_b = recv.draught_changes[-1][1]
    recv.draught_changes.append((end_s + rng.uniform(0.3, 3.0) * HOUR,
                                 round(before_b + amount * float(rng.uniform(0.9, 1.1)), 1)))
    t1b = _leave(tb_b, rng, float(rng.uniform(9, 11)), 35.0)
    _finish(recv, tb_b, [(t0b, t1b)])
    da = round(giver.draught_changes[-1][1] - before_a, 1)
    db = round(recv.draught_changes[-1][1] - before_b, 1)
    a, b = sorted((giver.mmsi, recv.mmsi))
    if a != giver.mmsi:
        da, db = db, da
    return _row("visible", a, b, meet_s, end_s, p, da, db), giver, giver_tb, end_s


def _close_open(plan: VesselPlan, end_s: float) -> None:
    plan.ais_on[:] = [(s, end_s if not np.isfinite(e) else e) for s, e in plan.ais_on]


def plan_at_sea(seed: int = DEFAULT_SEED) -> tuple[list[VesselPlan], pd.DataFrame]:
    """Plan the scenario: vessel plans and the truth table (:data:`AT_SEA_TRUTH_COLUMNS`)."""
    rng = np.random.default_rng(seed)
    fleet = _Fleet(rng)
    t_start = to_epoch_s(SIM_START)
    slots = [(s, b) for b in range(N_BLOCKS) for s in range(len(SITES))]
    order = rng.permutation(len(slots))
    slot_iter = iter(slots[i] for i in order)
    rows: list[dict] = []
    loiterers: list[VesselPlan] = []

    def place() -> tuple[tuple[float, float], float]:
        site, block = next(slot_iter)
        p = _dest(SITES[site], float(rng.uniform(0, 360)), float(rng.uniform(0, 8)))
        return p, t_start + block * BLOCK_DAYS * 86400.0 + rng.uniform(8, 30) * HOUR

    # visible: the hub's three meetings, then nine pairs (three across midnight)
    p, t = place()
    hub = fleet.vessel(float(rng.uniform(7.0, 7.6)), t)
    hub_tb, t0h = _sail_in(rng, p, t - rng.uniform(0.0, 1.5) * HOUR, 10.0, (30, 45))
    hub.ais_on.append((t0h, np.inf))
    for k in range(3):
        row, hub, hub_tb, end_s = _transfer(fleet, rng, p, t, float(rng.uniform(2.5, 6.0)),
                                            hub, hub_tb)
        rows.append(row)
        if k < 2:
            nxt = _dest(p, float(rng.uniform(0, 360)), float(rng.uniform(15, 25)))
            hub_tb.sail(_pts(hub_tb.at, nxt), np.array([10.0]))
            p, t = nxt, hub_tb.now + rng.uniform(4, 10) * HOUR
            hub_tb.hold(t, DRIFTING)
    assert hub is not None and hub_tb is not None
    t1 = _leave(hub_tb, rng, 10.0, 35.0)
    _finish(hub, hub_tb, [])
    _close_open(hub, t1)
    loiterers.append(hub)
    # the hub occupies its block at the first site only; its later meetings are nearby
    for k in range(9):
        p, t = place()
        if k < 3:  # across midnight UTC
            t = np.floor(t / 86400.0) * 86400.0 + rng.uniform(20.5, 23.0) * HOUR
        row, giver, gtb, end_s = _transfer(fleet, rng, p, t, float(rng.uniform(2.5, 8.0)))
        rows.append(row)
        t1 = _leave(gtb, rng, float(rng.uniform(9, 11)), 35.0)
        _finish(giver, gtb, [])
        _close_open(giver, t1)
        loiterers.append(giver)
    loiterers.extend(fleet.plans)  # every vessel so far; drifting spells decide

    # dark: one ship drifts with AIS on, the other comes alongside dark
    for _ in range(8):
        p, t = place()
        loiter_h = float(rng.uniform(10, 16))
        along_h = float(rng.uniform(3, 5))
        lo = fleet.vessel(float(rng.uniform(5.5, 6.5)), t)
        tb_l, t0l = _sail_in(rng, p, t, float(rng.uniform(9, 11)), (30, 45))
        tb_l.hold(t + loiter_h * HOUR, DRIFTING)
        meet = t + rng.uniform(2.0, loiter_h - along_h - 2.0) * HOUR
        end = meet + along_h * HOUR
        amount = float(rng.uniform(1.2, 2.5))
        before_l = lo.draught_changes[-1][1]
        lo.draught_changes.append((end + rng.uniform(0.3, 2.0) * HOUR, round(before_l - amount, 1)))
        t1l = _leave(tb_l, rng, float(rng.uniform(9, 11)), 35.0)
        _finish(lo, tb_l, [(t0l, t1l)])
        loiterers.append(lo)
        dk = fleet.vessel(float(rng.uniform(2.5, 3.2)), t)
        berth = _dest(p, float(rng.uniform(0, 360)), float(rng.uniform(100, 150)) / 1852.0)
        off_nm, on_nm = float(rng.uniform(18, 25)), float(rng.uniform(18, 25))
        tb_d, t0d = _sail_in(rng, berth, meet, 10.0, (40, 50))
        dist_in = (meet - t0d) / HOUR * 10.0
        off_s = t0d + (dist_in - off_nm) / 10.0 * HOUR
        tb_d.hold(end, DRIFTING)
        before_d = dk.draught_changes[-1][1]
        dk.draught_changes.append((meet + along_h / 2 * HOUR,
                                   round(before_d + amount * float(rng.uniform(0.9, 1.1)), 1)))
        t1d = _leave(tb_d, rng, 10.0, 45.0)
        _finish(dk, tb_d, [(t0d, off_s), (end + on_nm / 10.0 * HOUR, t1d)])
        rows.append(_row("dark", lo.mmsi, dk.mmsi, meet, end, p,
                         round(lo.draught_changes[-1][1] - before_l, 1),
                         round(dk.draught_changes[-1][1] - before_d, 1)))

    # both dark
    for _ in range(3):
        p, t = place()
        along_h = float(rng.uniform(3.5, 5.0))
        end = t + along_h * HOUR
        b_in, b_out = float(rng.uniform(0, 360)), float(rng.uniform(0, 360))
        pair, changes = [], []
        for k in range(2):
            d0 = float(rng.uniform(2.5, 6.5))
            v = fleet.vessel(d0, t)
            spot = p if k == 0 else _dest(p, float(rng.uniform(0, 360)), 120.0 / 1852.0)
            speed = float(rng.uniform(7, 8))
            tb, t0 = _sail_in(rng, spot, t, speed, (40, 50), b_in + rng.uniform(-25, 25))
            dist_in = (t - t0) / HOUR * speed
            off_s = t0 + (dist_in - rng.uniform(13, 18)) / speed * HOUR
            tb.hold(end, DRIFTING)
            delta = float(rng.uniform(1.2, 2.5)) * (-1 if k == 0 else 1)
            v.draught_changes.append((t + along_h / 2 * HOUR, round(d0 + delta, 1)))
            on_s = end + rng.uniform(13, 18) / speed * HOUR
            t1 = _leave(tb, rng, speed, 45.0, b_out + rng.uniform(-25, 25))
            _finish(v, tb, [(t0, off_s), (on_s, t1)])
            pair.append(v.mmsi)
            changes.append(round(v.draught_changes[-1][1] - v.draught_changes[-2][1], 1))
        (a, da), (b, db) = sorted(zip(pair, changes, strict=True))
        rows.append(_row("both-dark", a, b, t, end, p, da, db))

    # crossings at speed
    for _ in range(8):
        p, t = place()
        b1 = float(rng.uniform(0, 360))
        b2 = b1 + float(rng.uniform(60, 120))
        q2 = _dest(p, b1 + 90.0, float(rng.uniform(100, 300)) / 1852.0)
        pair = []
        for q, b in ((p, b1), (q2, b2)):
            v = fleet.vessel(float(rng.uniform(2.5, 6.5)), t)
            speed = float(rng.uniform(10, 13))
            tb, t0 = _sail_in(rng, q, t, speed, (30, 40), b + 180.0)
            t1 = _leave(tb, rng, speed, 30.0, b)
            _finish(v, tb, [(t0, t1)])
            pair.append(v.mmsi)
        a, b = sorted(pair)
        rows.append(_row("crossing", a, b, t, t, p))

    # convoys
    for _ in range(6):
        p, t = place()
        b = float(rng.uniform(0, 360))
        speed = float(rng.uniform(9, 11))
        side = float(rng.uniform(250, 400)) / 1852.0
        pair = []
        for k in range(2):
            start = p if k == 0 else _dest(p, b + 90.0, side)
            end_pt = _dest(start, b, 60.0)
            v = fleet.vessel(float(rng.uniform(2.5, 6.5)), t)
            tb = TrackBuilder(t, start)
            tb.sail(_pts(start, end_pt), np.array([speed]))
            _finish(v, tb, [(t, tb.now)])
            pair.append(v.mmsi)
        a, c = sorted(pair)
        rows.append(_row("convoy", a, c, t, t + 60.0 / speed * HOUR, _dest(p, b, 30.0)))

    # lone loiterers
    for _ in range(4):
        p, t = place()
        v = fleet.vessel(float(rng.uniform(2.5, 6.5)), t)
        tb, t0 = _sail_in(rng, p, t, float(rng.uniform(9, 11)), (30, 45))
        tb.hold(t + rng.uniform(6, 12) * HOUR, DRIFTING)
        t1 = _leave(tb, rng, float(rng.uniform(9, 11)), 35.0)
        _finish(v, tb, [(t0, t1)])
        loiterers.append(v)

    # anchorage neighbours (inside the fictional anchorage fence)
    for k in range(8):
        t = t_start + (k * 2.4 + rng.uniform(0.2, 1.0)) * 86400.0
        spot = (float(rng.uniform(124.17, 124.25)), float(rng.uniform(35.475, 35.525)))
        stay = float(rng.uniform(12, 36)) * HOUR
        pair = []
        for j in range(2):
            q = spot if j == 0 else _dest(spot, float(rng.uniform(0, 360)),
                                          float(rng.uniform(150, 300)) / 1852.0)
            v = fleet.vessel(float(rng.uniform(2.5, 6.5)), t)
            tb, t0 = _sail_in(rng, q, t, float(rng.uniform(9, 11)), (30, 40), float(rng.uniform(0, 180)))
            tb.hold(t + stay, ANCHORED)
            t1 = _leave(tb, rng, float(rng.uniform(9, 11)), 30.0, float(rng.uniform(0, 180)))
            _finish(v, tb, [(t0, t1)])
            pair.append(v.mmsi)
        a, b = sorted(pair)
        rows.append(_row("anchorage", a, b, t, t + stay, spot))

    seen: set[int] = set()
    for v in loiterers:
        if v.mmsi not in seen:
            seen.add(v.mmsi)
            rows.extend(_loiter_rows(v))
    truth = pd.DataFrame(rows, columns=AT_SEA_TRUTH_COLUMNS)
    truth["mmsi_b"] = truth["mmsi_b"].astype("Int64")
    truth = truth.sort_values(["kind", "start", "mmsi_a"], kind="stable").reset_index(drop=True)
    return fleet.plans, truth


def ports_geojson() -> dict:
    """The scenario's ports file: the FICTIONAL anchorage fence."""
    ring = [list(p) for p in ANCHORAGE_RING] + [list(ANCHORAGE_RING[0])]
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature",
        "properties": {"name": "Synthetic anchorage", "kind": "anchorage",
                       "note": "FICTIONAL: a made-up anchorage for the at-sea scenario"},
        "geometry": {"type": "Polygon", "coordinates": [ring]}}]}


def generate_at_sea(seed: int = DEFAULT_SEED) -> tuple[list[str], pd.DataFrame, dict]:
    """The scenario's NMEA lines, truth and line counts (deterministic for a seed)."""
    plans, truth = plan_at_sea(seed)
    rng_sample, rng_encode = (
        np.random.default_rng(s) for s in np.random.SeedSequence([seed, 16]).spawn(2)
    )
    t0 = to_epoch_s(SIM_START)
    t1 = t0 + (N_BLOCKS * BLOCK_DAYS + 3) * 86400.0
    pos, stat = [], []
    for v in plans:
        p, s = sample_vessel(v, RECEPTION, rng_sample, t0, t1, (0.03, 0.1))
        pos.append(pd.DataFrame(p))
        stat.append(pd.DataFrame(s))
    header = [
        "SYNTHETIC AIS DATA - NOT REAL OBSERVATIONS. Generated by vesseltrack.synth.",
        f"scenario {AT_SEA_KEY}: ship-to-ship transfers, look-alikes and loitering at sea",
        f"seed {seed}; simulated from {SIM_START} for {N_BLOCKS * BLOCK_DAYS} days",
        "Every track, MMSI and message here is invented; see data/fixtures/README.md.",
    ]
    info = {v.mmsi: v for v in plans}
    enc = encode(pd.concat(pos, ignore_index=True), pd.concat(stat, ignore_index=True), info,
                 RECEPTION, rng_encode, header)
    counts = {"scenario": AT_SEA_KEY, "seed": seed, **enc.counts,
              "truth": {str(k): int(v) for k, v in truth["kind"].value_counts().sort_index().items()}}
    return enc.lines, truth, counts


def write_at_sea_fixture(out_path: str | Path, seed: int = DEFAULT_SEED) -> dict[str, Path]:
    """Write ``NAME.nmea.gz``, ``NAME_truth.csv``, ``NAME_ports.geojson``, ``NAME_counts.json``.

    Returns
    -------
    dict of str to Path
        Keys ``nmea``, ``truth``, ``ports``, ``counts``.
    """
    out = Path(out_path)
    stem = out.name
    for suffix in (".gz", ".nmea"):
        stem = stem.removesuffix(suffix)
    paths = {"nmea": out, "truth": out.with_name(f"{stem}_truth.csv"),
             "ports": out.with_name(f"{stem}_ports.geojson"),
             "counts": out.with_name(f"{stem}_counts.json")}
    lines, truth, counts = generate_at_sea(seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_nmea_gz(lines, paths["nmea"])
    t = truth.copy()
    for col in ("start", "end"):
        t[col] = t[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    write_text(t.to_csv(index=False, lineterminator="\n"), paths["truth"])
    write_text(json.dumps(ports_geojson(), indent=1) + "\n", paths["ports"])
    write_text(json.dumps({"note": "SYNTHETIC data generated by vesseltrack.synth: not real "
                                   "observations", **counts}, indent=2, sort_keys=True) + "\n",
               paths["counts"])
    return paths


def _overlap(s1: pd.Series, e1: pd.Series, s2: pd.Series, e2: pd.Series, slack_h: float) -> np.ndarray:
    slack = pd.Timedelta(hours=slack_h)
    return ((s1 <= e2 + slack) & (s2 <= e1 + slack)).to_numpy(bool)


def score_at_sea(encounters: pd.DataFrame, loitering: pd.DataFrame, truth: pd.DataFrame,
                 slack_hours: float = 1.0) -> dict:
    """Precision and recall of detected encounters and loitering against the truth.

    A detection matches a truth event of the same two MMSIs (either order) whose time span
    overlaps its own within ``slack_hours``. Visible encounters are the detections with
    evidence ``ais``; dark ones those with ``ais-gap``, scored against ``dark`` and
    ``both-dark`` events. Look-alike false positives are detections of any evidence that
    match a ``crossing``, ``convoy`` or ``anchorage`` pair.

    Returns
    -------
    dict
        ``visible`` and ``dark`` (``precision``, ``recall``, ``detected``, ``true``,
        ``matched``), ``lookalike_false_positives`` and ``lookalikes``, ``loitering``
        (``precision``, ``recall``).
    """
    def match(det: pd.DataFrame, tru: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        d_hit = np.zeros(len(det), bool)
        t_hit = np.zeros(len(tru), bool)
        for i, (a, b, s, e) in enumerate(zip(det["mmsi_a"], det["mmsi_b"], det["start"],
                                             det["end"], strict=True)):
            pair = (((tru["mmsi_a"] == a) & (tru["mmsi_b"] == b))
                    | ((tru["mmsi_a"] == b) & (tru["mmsi_b"] == a))).fillna(False).to_numpy(bool)
            ok = pair & _overlap(tru["start"], tru["end"], pd.Series(s, index=tru.index),
                                 pd.Series(e, index=tru.index), slack_hours)
            if ok.any():
                d_hit[i] = True
                t_hit |= ok
        return d_hit, t_hit

    def pr(det: pd.DataFrame, tru: pd.DataFrame) -> dict:
        d_hit, t_hit = match(det, tru)
        return {"precision": round(float(d_hit.mean()), 3) if len(det) else None,
                "recall": round(float(t_hit.mean()), 3) if len(tru) else None,
                "detected": int(len(det)), "true": int(len(tru)), "matched": int(t_hit.sum())}

    vis = encounters.loc[encounters["evidence"] == "ais"]
    dark = encounters.loc[encounters["evidence"] == "ais-gap"]
    look = truth.loc[truth["kind"].isin(["crossing", "convoy", "anchorage"])]
    _, look_hit = match(encounters, look)
    loit_true = truth.loc[truth["kind"] == "loitering"]
    lt = loitering.assign(mmsi_a=loitering["mmsi"], mmsi_b=loitering["mmsi"])
    lt_truth = loit_true.assign(mmsi_b=loit_true["mmsi_a"])
    border = truth.loc[truth["kind"] == "loitering-borderline"]
    on_border, _ = match(lt, border.assign(mmsi_b=border["mmsi_a"]))
    lt = lt.loc[~on_border]
    return {
        "visible": pr(vis, truth.loc[truth["kind"] == "visible"]),
        "dark": pr(dark, truth.loc[truth["kind"].isin(["dark", "both-dark"])]),
        "lookalikes": int(len(look)),
        "lookalike_false_positives": int(look_hit.sum()),
        "loitering": pr(lt, lt_truth),
    }

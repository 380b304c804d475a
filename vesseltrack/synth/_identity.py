"""The SYNTHETIC identity scenario: shared MMSIs, a swap, an MMSI change, spoofing, jamming.

Every vessel, MMSI, name, call sign and track here is invented (the two watchlist hits use
names and IMO numbers of the sample watchlist in ``data/watchlists/``). 14 days, 1-15 June
2024, open sea east of Korea; one position report (type 1) per vessel every 15 minutes (each
vessel with its own phase, so that two ships on one MMSI interleave) and one static report
(type 5) per hour.

Ground truth (written to ``<stem>_truth.csv`` by :func:`write_identity_fixture`; one row per
planted finding, ``mmsi`` blank for the jamming area):

=====================  =========================================================================
kind                   planted as
=====================  =========================================================================
shared-mmsi            445600001: ship A calls at "North berth", ship B at "South berth", both
                       broadcasting all 14 days (~230 km apart); 273600002: two ships ~150 km
                       apart, the second only on days 3-9
mmsi-change            IMO of "SYN CHANGER" moves from MMSI 445600010 to 445600011 after a
                       12 h silence on day 6.5 (row on the new MMSI)
identity-swap          445600020 and 445600021 meet on day 7 (6 h within 300 m) and leave with
                       each other's name, IMO and call sign (one row per MMSI; their name-,
                       imo- and callsign-change rows are truth too)
name-change            445600030 renames on day 5 (and the two swapped ships)
imo-change             445600032 takes another IMO on day 4 (and the two swapped ships)
callsign-change        352600031 changes call sign on day 9 (and the two swapped ships)
invalid-mmsi           a tanker broadcasting the default MMSI 123456789
invalid-imo            445600040 reports IMO 1234568 (check digit 7 expected)
flag-mismatch          445600041: MID 445 (KP) but the registry file says SL
spoofed-position       445600060 broadcasts a circle of 800 m radius at a reported 10 kn for
                       12 h on day 4; the positions of 4 tankers jump at once to one spot
                       ~70 km away for 3 h on day 7 (GNSS jamming: one area row, no vessel)
watchlist              445600050 reports IMO 8106496 (sample watchlist, by IMO); 445600051 no
                       IMO but the name "KUMUNSAN 3" (by name)
=====================  =========================================================================

Ten background tankers sail ordinary routes; six of them carry one-off wild positions (single
reports 30-150 km off the track), which must yield no finding. Port-call truth
(``<stem>_calls_truth.csv``): the two ships behind 445600001 each make one call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vesseltrack.io._write import write_text

from ._encode import nmea_checksum, pack_messages
from ._routes import bearing_deg, haversine_nm, offset_deg

IDENTITY_SCENARIO = "identity-2024"
"""Name of this scenario for ``vesseltrack synth --scenario``."""

START = pd.Timestamp("2024-06-01T00:00:00Z")
DAYS = 14
STEP_S = 900  # one position report per vessel every 15 minutes
STATIC_STEP_S = 3600
SEED = 2024

NORTH_BERTH = (132.50, 40.50)
SOUTH_BERTH = (133.50, 38.80)
BERTH_HALF_DEG = 0.01  # fences: 0.02° boxes around the berths
JAM_SPOT = (134.80, 40.60)  # where jammed positions land
JAM_AREA = (134.00, 40.20)  # where the jammed tankers really are
JAM_START_H, JAM_HOURS = 7 * 24 + 6, 3.0
CIRCLE_AT = (132.00, 39.50)
CIRCLE_START_H, CIRCLE_HOURS, CIRCLE_RADIUS_M, CIRCLE_SOG = 4 * 24, 12.0, 800.0, 10.0
SWAP_AT = (133.00, 39.80)
SWAP_START_H, SWAP_HOURS = 7 * 24, 6.0


def _imo(body: int) -> int:
    """``body`` (six digits) with its IMO check digit appended."""
    d = [int(c) for c in f"{body:06d}"]
    return body * 10 + sum(x * w for x, w in zip(d, range(7, 1, -1), strict=True)) % 10


@dataclass
class Ship:
    """One hull: keyframes (hours from START, lon, lat) and its identities over time."""

    keys: list[tuple[float, float, float]]
    ids: list[tuple[float, int, str, int, str]]  # (from hour, mmsi, name, imo, callsign)
    off: list[tuple[float, float]] = field(default_factory=list)  # silent (from h, to h)
    wild: list[tuple[float, float, float]] = field(default_factory=list)  # (h, dlon, dlat)
    circle: bool = False
    jammed: bool = False


def _ships(rng: np.random.Generator) -> list[Ship]:
    end = DAYS * 24.0
    ships = []

    def line(a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float, float]]:
        return [(0.0, *a), (end, *b)]

    def call(berth: tuple[float, float], at_h: float, hours: float, frm: tuple[float, float],
             to: tuple[float, float]) -> list[tuple[float, float, float]]:
        return [(0.0, *frm), (at_h, *berth), (at_h + hours, *berth), (end, *to)]

    # shared MMSI 445600001: ship A calls at North berth, ship B at South berth
    ships.append(Ship(call(NORTH_BERTH, 72.0, 24.0, (131.6, 41.0), (131.4, 39.6)),
                      [(0, 445600001, "SYN SHARED A", _imo(930001), "HMSA1")]))
    ships.append(Ship(call(SOUTH_BERTH, 150.0, 24.0, (134.6, 38.2), (134.8, 39.6)),
                      [(0, 445600001, "SYN SHARED B", _imo(930002), "HMSB1")]))
    # shared MMSI 273600002: the second ship on days 3-9 only
    ships.append(Ship(line((131.2, 40.2), (132.2, 40.9)),
                      [(0, 273600002, "SYN TWIN ONE", _imo(930003), "UBTW1")]))
    ships.append(Ship(line((132.4, 38.9), (133.2, 39.2)),
                      [(0, 273600002, "SYN TWIN TWO", _imo(930004), "UBTW2")],
                      off=[(0, 72.0), (216.0, end)]))
    # MMSI change: same hull, IMO and name, new MMSI after 12 h of silence
    changer = _imo(930010)
    ships.append(Ship(line((130.8, 38.4), (132.8, 41.4)),
                      [(0, 445600010, "SYN CHANGER", changer, "HMCH1"),
                       (168.0, 445600011, "SYN CHANGER", changer, "HMCH1")],
                      off=[(156.0, 168.0)]))
    # identity swap: meet on day 7, leave with each other's identities
    sx, sy = (_imo(930020), _imo(930021))
    t0, t1 = SWAP_START_H, SWAP_START_H + SWAP_HOURS
    near = (SWAP_AT[0] + 0.002, SWAP_AT[1] + 0.001)
    ships.append(Ship([(0.0, 131.5, 39.0), (t0, *SWAP_AT), (t1, *SWAP_AT), (end, 131.8, 41.2)],
                      [(0, 445600020, "SYN SWAP X", sx, "HMSX1"),
                       (t0 + 3, 445600020, "SYN SWAP Y", sy, "HMSY1")]))
    ships.append(Ship([(0.0, 134.5, 41.0), (t0, *near), (t1, *near), (end, 134.6, 38.5)],
                      [(0, 445600021, "SYN SWAP Y", sy, "HMSY1"),
                       (t0 + 3, 445600021, "SYN SWAP X", sx, "HMSX1")]))
    # name, call sign and IMO changes
    ships.append(Ship(line((131.0, 41.3), (133.6, 40.9)),
                      [(0, 445600030, "SYN OLD NAME", _imo(930030), "HMNC1"),
                       (120.0, 445600030, "SYN NEW NAME", _imo(930030), "HMNC1")]))
    ships.append(Ship(line((133.8, 41.3), (131.2, 38.6)),
                      [(0, 352600031, "SYN CALLER", _imo(930031), "3EAB1"),
                       (216.0, 352600031, "SYN CALLER", _imo(930031), "3EZZ9")]))
    ships.append(Ship(line((134.2, 38.3), (132.6, 41.5)),
                      [(0, 445600032, "SYN IMO TAKER", _imo(930032), "HMIT1"),
                       (96.0, 445600032, "SYN IMO TAKER", _imo(930099), "HMIT1")]))
    # invalid MMSI, invalid IMO, flag mismatch (registry), watchlist by IMO and by name
    ships.append(Ship(line((131.3, 38.2), (133.9, 38.5)),
                      [(0, 123456789, "SYN DEFAULT", _imo(930033), "")]))
    ships.append(Ship(line((130.9, 40.6), (133.1, 38.1)),
                      [(0, 445600040, "SYN BAD IMO", 1234568, "HMBI1")]))
    ships.append(Ship(line((133.3, 41.4), (134.9, 39.9)),
                      [(0, 445600041, "SYN FLAGGED", _imo(930041), "HMFM1")]))
    ships.append(Ship(line((131.7, 38.3), (130.9, 41.0)),
                      [(0, 445600050, "SAM MA 2", 8106496, "HMSM2")]))
    ships.append(Ship(line((134.4, 39.2), (132.0, 41.6)),
                      [(0, 445600051, "KUMUNSAN 3", 0, "HMKU3")]))
    # circle spoofing on day 4
    c0, c1 = CIRCLE_START_H, CIRCLE_START_H + CIRCLE_HOURS
    ships.append(Ship([(0.0, 130.9, 39.1), (c0, *CIRCLE_AT), (c1, *CIRCLE_AT),
                       (end, 133.2, 40.0)],
                      [(0, 445600060, "SYN CIRCLER", _imo(930060), "HMCI1")], circle=True))
    # background: 10 tankers; four pass the jamming area at the jam; six with wild positions
    jam_mid = JAM_START_H + JAM_HOURS / 2
    for k in range(10):
        mmsi = int([273, 445, 352, 412][k % 4] * 1_000_000 + 610_000 + k)
        name = f"SYN TANKER {k + 1}"
        if k < 4:
            ang = np.pi * k / 4
            frm = (JAM_AREA[0] - 1.2 * np.cos(ang), JAM_AREA[1] - 0.9 * np.sin(ang))
            to = (JAM_AREA[0] + 1.0 * np.cos(ang), JAM_AREA[1] + 0.8 * np.sin(ang))
            keys = [(0.0, *frm), (jam_mid, JAM_AREA[0] + 0.03 * k, JAM_AREA[1] - 0.02 * k),
                    (end, *to)]
        else:
            a = (float(rng.uniform(130.8, 131.6)), float(rng.uniform(38.2, 41.4)))
            b = (float(rng.uniform(133.0, 134.4)), float(rng.uniform(38.2, 41.4)))
            keys = line(a, b)
        wild = []
        if k >= 4:
            for _ in range(int(rng.integers(1, 4))):
                d = float(rng.uniform(0.4, 1.5))
                wild.append((float(rng.uniform(5, end - 5)), d * float(rng.choice([-1, 1])),
                             0.5 * d * float(rng.choice([-1, 1]))))
        ships.append(Ship(keys, [(0, mmsi, name, _imo(940000 + k), f"BG{k:03d}")],
                          wild=wild, jammed=k < 4))
    return ships


def _positions(ship: Ship, phase_s: float, rng: np.random.Generator) -> pd.DataFrame:
    t0 = START.timestamp()
    t = np.arange(phase_s, DAYS * 86400.0, STEP_S)
    h = t / 3600.0
    kh = np.array([k[0] for k in ship.keys])
    klon = np.array([k[1] for k in ship.keys])
    klat = np.array([k[2] for k in ship.keys])
    lon = np.interp(h, kh, klon)
    lat = np.interp(h, kh, klat)
    leg = np.clip(np.searchsorted(kh, h, side="right") - 1, 0, len(kh) - 2)
    leg_nm = haversine_nm(klon[:-1], klat[:-1], klon[1:], klat[1:])
    leg_kn = leg_nm / np.maximum(np.diff(kh), 1e-9)
    sog = np.round(leg_kn[leg], 1)
    cog = np.round(bearing_deg(klon[:-1], klat[:-1], klon[1:], klat[1:])[leg], 1)
    still = sog < 0.05
    # at rest: GNSS jitter of a few metres, a reported speed of 0-0.1 kn
    dlon, dlat = offset_deg(lat, rng.normal(0, 5, len(t)), rng.normal(0, 5, len(t)))
    lon = np.where(still, lon + dlon, lon)
    lat = np.where(still, lat + dlat, lat)
    sog = np.where(still, np.round(rng.uniform(0, 0.1, len(t)), 1), sog)
    cog = np.where(still, 0.0, cog)
    if ship.circle:
        inside = (h >= CIRCLE_START_H) & (h < CIRCLE_START_H + CIRCLE_HOURS)
        # 10 kn around a circle of 800 m radius: one lap per 2π·800 m / (10 kn)
        omega = CIRCLE_SOG * 1852.0 / 3600.0 / CIRCLE_RADIUS_M  # rad/s
        ang = omega * (t - (CIRCLE_START_H * 3600.0))
        ex, ny = offset_deg(CIRCLE_AT[1], CIRCLE_RADIUS_M * np.cos(ang),
                            CIRCLE_RADIUS_M * np.sin(ang))
        lon = np.where(inside, CIRCLE_AT[0] + ex, lon)
        lat = np.where(inside, CIRCLE_AT[1] + ny, lat)
        sog = np.where(inside, CIRCLE_SOG, sog)
        cog = np.where(inside, np.round((np.degrees(-ang) % 360.0), 1), cog)
    if ship.jammed:
        inside = (h >= JAM_START_H) & (h < JAM_START_H + JAM_HOURS)
        ex, ny = offset_deg(JAM_SPOT[1], rng.normal(0, 150, len(t)), rng.normal(0, 150, len(t)))
        lon = np.where(inside, JAM_SPOT[0] + ex, lon)
        lat = np.where(inside, JAM_SPOT[1] + ny, lat)
        sog = np.where(inside, 0.0, sog)  # the spoofed receiver computes no motion
    for wh, wx, wy in ship.wild:
        i = int(np.argmin(np.abs(h - wh)))
        lon[i] += wx
        lat[i] += wy
    keep = np.ones(len(t), dtype=bool)
    for a, b in ship.off:
        keep &= ~((h >= a) & (h < b))
    mmsi = _identity_at(ship, h)[0]
    return pd.DataFrame({"t_s": t0 + t[keep], "mmsi": mmsi[keep], "lon": lon[keep],
                         "lat": lat[keep], "sog": sog[keep], "cog": cog[keep],
                         "still": still[keep]})


def _identity_at(ship: Ship, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    starts = np.array([i[0] for i in ship.ids])
    which = np.searchsorted(starts, h, side="right") - 1
    mmsi = np.array([i[1] for i in ship.ids], dtype=np.int64)[which]
    return mmsi, which


def _statics(ship: Ship, phase_s: float) -> pd.DataFrame:
    t = np.arange(phase_s + 60.0, DAYS * 86400.0, STATIC_STEP_S)
    h = t / 3600.0
    keep = np.ones(len(t), dtype=bool)
    for a, b in ship.off:
        keep &= ~((h >= a) & (h < b))
    mmsi, which = _identity_at(ship, h)
    return pd.DataFrame({"t_s": START.timestamp() + t[keep], "mmsi": mmsi[keep],
                         "which": which[keep]})


def _lines(rows: list[tuple[float, dict]], rng: np.random.Generator) -> list[str]:
    rows.sort(key=lambda r: (r[0], r[1]["mmsi"], r[1]["msg_type"]))
    payloads, fills = pack_messages([f for _, f in rows])
    out: list[str] = []
    seq = 0
    for (t_s, _), payload, fill in zip(rows, payloads, fills, strict=True):
        tag = f"s:SYN-ID,c:{int(t_s)}"
        tag = f"\\{tag}*{nmea_checksum([tag])[0]}\\"
        parts = [payload] if len(payload) <= 60 else [payload[:60], payload[60:]]
        seq_id = "" if len(parts) == 1 else str(seq % 10)
        seq += len(parts) > 1
        for k, part in enumerate(parts, 1):
            last = k == len(parts)
            body = f"AIVDM,{len(parts)},{k},{seq_id},A,{part},{int(fill) if last else 0}"
            out.append(f"{tag}!{body}*{nmea_checksum([body])[0]}")
    return out


def generate_identity(seed: int = SEED) -> dict[str, object]:
    """Generate the identity scenario in memory.

    Returns
    -------
    dict
        ``lines`` (NMEA, comment header first), ``truth`` (planted findings), ``calls``
        (port-call truth), ``registry`` and ``ports`` (GeoJSON dict).
    """
    rng = np.random.default_rng(seed)
    ships = _ships(rng)
    rows: list[tuple[float, dict]] = []
    for ship in ships:
        phase = float(rng.uniform(0, STEP_S))
        pos = _positions(ship, phase, rng)
        for r in pos.itertuples(index=False):
            rows.append((r.t_s, {
                "msg_type": 1, "mmsi": int(r.mmsi), "status": 5 if r.still else 0, "turn": 0,
                "speed": float(r.sog), "accuracy": 0, "lon": round(float(r.lon), 6),
                "lat": round(float(r.lat), 6), "course": float(r.cog), "heading": 511,
                "second": int(r.t_s) % 60, "maneuver": 0, "raim": 0, "radio": 0}))
        st = _statics(ship, phase)
        for r in st.itertuples(index=False):
            _, mmsi, name, imo, callsign = ship.ids[int(r.which)]
            rows.append((r.t_s, {
                "msg_type": 5, "mmsi": int(mmsi), "ais_version": 0, "imo": int(imo),
                "callsign": callsign, "shipname": name, "ship_type": 80, "to_bow": 70,
                "to_stern": 14, "to_port": 6, "to_starboard": 7, "epfd": 1, "month": 0,
                "day": 0, "hour": 24, "minute": 60, "draught": 5.2, "destination": "",
                "dte": 0}))
    header = [
        "# SYNTHETIC AIS DATA - NOT REAL OBSERVATIONS. Generated by vesseltrack.synth.",
        "# scenario identity-2024: shared MMSIs, an identity swap, an MMSI change, circle "
        "spoofing, a jamming area, one-off wild positions",
        f"# seed {seed}; simulated {START:%Y-%m-%dT%H:%M:%SZ} for {DAYS} days",
        "# Every track, MMSI, call and message here is invented; see data/fixtures/README.md.",
    ]
    return {"lines": header + _lines(rows, rng), "truth": identity_truth(),
            "calls": calls_truth(), "registry": identity_registry(), "ports": identity_ports()}


def _at(hours: float) -> str:
    return (START + pd.Timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_truth() -> pd.DataFrame:
    """Planted findings: ``mmsi`` (blank for the jamming area), ``kind``, ``start``, ``end``
    (approximate, hours of the plan) and ``note``. Valid with the registry file written beside
    the fixture and ``data/watchlists/sample_watchlist.csv``."""
    end = DAYS * 24.0
    swap0, swap1 = SWAP_START_H, SWAP_START_H + SWAP_HOURS
    rows = [
        (445600001, "shared-mmsi", 0, end, "ships A and B broadcast one MMSI"),
        (273600002, "shared-mmsi", 72, 216, "second ship on days 3-9"),
        (445600011, "mmsi-change", 156, 168, "IMO moves from 445600010"),
        (445600020, "identity-swap", swap0, swap1, "swapped with 445600021"),
        (445600021, "identity-swap", swap0, swap1, "swapped with 445600020"),
        (445600020, "name-change", swap0, swap1, "SYN SWAP X -> SYN SWAP Y"),
        (445600021, "name-change", swap0, swap1, "SYN SWAP Y -> SYN SWAP X"),
        (445600020, "imo-change", swap0, swap1, "swap"),
        (445600021, "imo-change", swap0, swap1, "swap"),
        (445600020, "callsign-change", swap0, swap1, "swap"),
        (445600021, "callsign-change", swap0, swap1, "swap"),
        (445600030, "name-change", 119, 120, "SYN OLD NAME -> SYN NEW NAME"),
        (445600032, "imo-change", 95, 96, "takes another IMO"),
        (352600031, "callsign-change", 215, 216, "3EAB1 -> 3EZZ9"),
        (123456789, "invalid-mmsi", 0, end, "default MMSI"),
        (445600040, "invalid-imo", 0, end, "IMO 1234568"),
        (445600041, "flag-mismatch", 0, end, "registry flag SL"),
        (445600060, "spoofed-position", CIRCLE_START_H, CIRCLE_START_H + CIRCLE_HOURS,
         "circle"),
        (None, "spoofed-position", JAM_START_H, JAM_START_H + JAM_HOURS, "jamming area"),
        (445600050, "watchlist", 0, end, "IMO 8106496 (sample watchlist)"),
        (445600051, "watchlist", 0, end, "name KUMUNSAN 3 (sample watchlist)"),
    ]
    return pd.DataFrame({
        "mmsi": pd.array([r[0] for r in rows], dtype="Int64"),
        "kind": [r[1] for r in rows],
        "start": [_at(r[2]) for r in rows],
        "end": [_at(r[3]) for r in rows],
        "note": [r[4] for r in rows],
    })


def calls_truth() -> pd.DataFrame:
    """Port calls of the two ships behind MMSI 445600001 (arrival, departure as planned)."""
    return pd.DataFrame({"mmsi": [445600001, 445600001],
                         "port": ["North berth", "South berth"],
                         "arrival": [_at(72.0), _at(150.0)],
                         "departure": [_at(96.0), _at(174.0)],
                         "ship": ["SYN SHARED A", "SYN SHARED B"]})


def identity_registry() -> pd.DataFrame:
    """Registry rows: one flag that contradicts its MMSI's MID (445600041: SL), others
    that agree."""
    return pd.DataFrame({
        "mmsi": [445600041, 445600030, 273600002],
        "imo": [_imo(930041), _imo(930030), _imo(930003)],
        "name": ["SYN FLAGGED", "SYN NEW NAME", "SYN TWIN ONE"],
        "flag": ["SL", "KP", "RU"],
        "dwt_t": [3000, 3000, 3000],
        "length_m": [84, 84, 84], "beam_m": [13, 13, 13],
        "summer_draught_m": [5.6, 5.6, 5.6], "ballast_draught_m": [2.7, 2.7, 2.7],
        "cargo": ["diesel"] * 3,
    })


def identity_ports() -> dict:
    """The two berths as a GeoJSON FeatureCollection (kind ``terminal``)."""
    feats = []
    for name, (x, y) in (("North berth", NORTH_BERTH), ("South berth", SOUTH_BERTH)):
        d = BERTH_HALF_DEG
        ring = [[x - d, y - d], [x + d, y - d], [x + d, y + d], [x - d, y + d], [x - d, y - d]]
        feats.append({"type": "Feature", "properties": {"name": name, "kind": "terminal"},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": feats}


def write_identity_fixture(out_path: str | Path, seed: int = SEED) -> dict[str, Path]:
    """Write the identity scenario: ``NAME.nmea.gz`` and, beside it, ``<stem>_truth.csv``,
    ``<stem>_calls_truth.csv``, ``<stem>_registry.csv`` and ``<stem>_ports.geojson``.
    The same seed gives byte-identical files."""
    from ._generate import write_nmea_gz

    out = Path(out_path)
    stem = out.name.removesuffix(".gz").removesuffix(".nmea")
    fx = generate_identity(seed)
    paths = {"nmea": out, "truth": out.with_name(f"{stem}_truth.csv"),
             "calls_truth": out.with_name(f"{stem}_calls_truth.csv"),
             "registry": out.with_name(f"{stem}_registry.csv"),
             "ports": out.with_name(f"{stem}_ports.geojson")}
    out.parent.mkdir(parents=True, exist_ok=True)
    write_nmea_gz(fx["lines"], paths["nmea"])
    write_text(fx["truth"].to_csv(index=False, lineterminator="\n"), paths["truth"])
    write_text(fx["calls"].to_csv(index=False, lineterminator="\n"), paths["calls_truth"])
    write_text(fx["registry"].to_csv(index=False, lineterminator="\n"), paths["registry"])
    write_text(json.dumps(fx["ports"], indent=1) + "\n", paths["ports"])
    return paths

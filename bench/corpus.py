"""Benchmark corpora: millions of mixed AIS lines with tag-block times, built in seconds.

A few tens of thousands of distinct messages are encoded once with pyais (the reference
encoder), then tiled: every output message is one of them, stamped with its own tag block
(``\\s:BENCH,c:<unix seconds>*hh\\``, times rising through the file). Each vessel replays its
own loop of position templates in order, so its track is continuous (a 1.5 nm circle at
12 knots, about one report every 3 minutes); a few "callers" sail 18 nm into the Vostochny oil
terminal, lie at the berth for about 3 hours and sail out again, over and over, so that
``vesseltrack count`` finds port calls; 85 other vessels fall silent for 8 hours every day, so
that it finds gaps.

Message mix (share of messages): types 1-3 85 %, 18 7 %, 5 5 % (two sentences each),
24 2 % (parts A and B) and 4 1 %. :data:`MIX` holds it; ``tests/test_bench_corpus.py``
checks a built corpus against it.

SYNTHETIC DATA: every MMSI, position and name is invented.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MIX = {"1-3": 0.85, "18": 0.07, "5": 0.05, "24": 0.02, "4": 0.01}
"""Share of messages of each kind."""
SHARE_1_2_3 = {1: 11 / 16, 2: 1 / 16, 3: 4 / 16}
"""Split of the 1-3 share between types 1, 2 and 3 (by position template)."""
MESSAGES_PER_DAY = 1_000_000
"""Corpus time span: this many messages per day (so every vessel reports every ~3 min)."""
T0_UNIX_S = 1_709_251_200
"""2024-03-01T00:00:00Z: the first tag-block time."""
TERMINAL_LON_LAT = (133.069, 42.752)
"""A point in the Vostochny oil terminal fence (data/ports/vostochny.geojson)."""
SPEED_KNOTS = 12.0
REPORT_S = 176.0
"""Seconds between reports of one class A vessel (1,000,000 x 0.85 / 1,700 per day)."""
N_CLASS_A = 1_700
N_CALLERS = 60
"""Class A vessels (of N_CLASS_A) that shuttle into the oil terminal."""
N_CLASS_B = 200
N_BASE = 10
LOOP = 16
N_DARK = 85
"""Class A vessels (after the callers) that fall silent from DARK_HOURS[0] to DARK_HOURS[1]
UTC every day (their reports go to another vessel instead), so that gaps are found."""
DARK_HOURS = (6, 14)
CALLER_LEGS = (30, 60, 30)
"""Caller loop: reports sailing in, at the berth, sailing out."""


@dataclass
class Templates:
    """Encoded sentences (each ending in LF) and which messages use which of them."""

    lines: list[bytes]
    first_line: np.ndarray  # per template, index into ``lines``
    n_lines: np.ndarray  # per template: 1, or 2 for type 5
    loops: dict[str, list[np.ndarray]]  # per kind: per station, its template indices in order


def _encode(data: dict, seq_id: int | None = None) -> list[str]:
    from pyais.encode import encode_dict

    return encode_dict(data, talker_id="AI", sentence_type="VDM",
                       radio_channel="AB"[data["mmsi"] % 2], seq_id=seq_id)


def _circle(lon0: float, lat0: float, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n points of a circle travelled at SPEED_KNOTS with REPORT_S between points."""
    step_nm = SPEED_KNOTS * REPORT_S / 3600.0
    radius_nm = step_nm * n / (2 * math.pi)
    ang = np.arange(n) * 2 * math.pi / n
    lat = lat0 + radius_nm / 60.0 * np.sin(ang)
    lon = lon0 + radius_nm / 60.0 * np.cos(ang) / math.cos(math.radians(lat0))
    cog = (np.degrees(-ang) % 360.0)  # counter-clockwise travel: heading = angle + 90 deg ccw
    return lon, lat, cog


def build_templates(seed: int = 6) -> Templates:
    """Encode every distinct message once (about 35,000, a couple of seconds with pyais)."""
    rng = np.random.default_rng(seed)
    lines: list[bytes] = []
    first: list[int] = []
    count: list[int] = []

    def add(sentences: list[str]) -> int:
        first.append(len(lines))
        count.append(len(sentences))
        lines.extend(s.encode("ascii") + b"\n" for s in sentences)
        return len(first) - 1

    types = np.array([1, 1, 3, 1, 1, 1, 3, 1, 2, 1, 1, 3, 1, 1, 3, 1])  # 11:1:4 of LOOP
    loops: dict[str, list[np.ndarray]] = {k: [] for k in ("1-3", "18", "5", "24", "4")}
    mmsi_a = 273_000_000 + rng.choice(999_999, size=N_CLASS_A, replace=False)
    for v, mmsi in enumerate(mmsi_a.tolist()):
        if v < N_CALLERS:  # sail in along a bearing, stay, sail out the same way
            n_in, n_stay, n_out = CALLER_LEGS
            step_deg = SPEED_KNOTS * REPORT_S / 3600.0 / 60.0
            bearing = math.radians(150 + 60 * rng.random())
            d = step_deg * np.arange(n_in, 0, -1)
            lon_in = TERMINAL_LON_LAT[0] + d * math.sin(bearing) / math.cos(math.radians(42.75))
            lat_in = TERMINAL_LON_LAT[1] + d * math.cos(bearing)
            cog_in = (math.degrees(bearing) + 180.0) % 360.0
            path = []
            for k in range(n_in):
                path.append(add(_encode({"type": int(types[k % LOOP]), "msg_type": int(types[k % LOOP]), "mmsi": mmsi,
                                         "lon": lon_in[k], "lat": lat_in[k], "speed": SPEED_KNOTS,
                                         "course": cog_in, "heading": int(cog_in), "status": 0})))
            berth = add(_encode({"type": 1, "mmsi": mmsi, "lon": TERMINAL_LON_LAT[0],
                                 "lat": TERMINAL_LON_LAT[1], "speed": 0.0, "course": 0.0,
                                 "heading": 90, "status": 5}))
            path += [berth] * n_stay
            for k in range(n_out):
                path.append(add(_encode({"type": int(types[k % LOOP]), "msg_type": int(types[k % LOOP]), "mmsi": mmsi,
                                         "lon": lon_in[n_in - 1 - k], "lat": lat_in[n_in - 1 - k],
                                         "speed": SPEED_KNOTS, "course": math.degrees(bearing),
                                         "heading": int(math.degrees(bearing)), "status": 0})))
            loops["1-3"].append(np.array(path))
        else:
            lon, lat, cog = _circle(131.0 + 8.0 * rng.random(), 36.0 + 8.0 * rng.random(), LOOP)
            loops["1-3"].append(np.array([
                add(_encode({"type": int(types[k]), "msg_type": int(types[k]), "mmsi": mmsi,
                             "lon": lon[k], "lat": lat[k],
                             "speed": SPEED_KNOTS, "course": round(cog[k], 1),
                             "heading": int(cog[k]), "status": 0}))
                for k in range(LOOP)
            ]))
        loops["5"].append(np.array([
            add(_encode({"type": 5, "mmsi": mmsi, "imo": 9_000_000 + v, "shipname": f"BENCH {v}",
                         "callsign": f"UB{v:04d}", "ship_type": 80, "draught": draught,
                         "destination": "VOSTOCHNY", "to_bow": 100, "to_stern": 20,
                         "to_port": 10, "to_starboard": 10, "epfd": 1},
                        seq_id=1 + (2 * v + k) % 9))
            for k, draught in enumerate((6.2, 11.8))
        ]))
    mmsi_b = 338_000_000 + rng.choice(999_999, size=N_CLASS_B, replace=False)
    for v, mmsi in enumerate(mmsi_b.tolist()):
        lon, lat, cog = _circle(131.0 + 8.0 * rng.random(), 36.0 + 8.0 * rng.random(), LOOP)
        loops["18"].append(np.array([
            add(_encode({"type": 18, "mmsi": mmsi, "lon": lon[k], "lat": lat[k],
                         "speed": SPEED_KNOTS, "course": round(cog[k], 1),
                         "heading": int(cog[k])}))
            for k in range(LOOP)
        ]))
        loops["24"].append(np.array([
            add(_encode({"type": 24, "mmsi": mmsi, "partno": 0, "shipname": f"BENCH B{v}"})),
            add(_encode({"type": 24, "mmsi": mmsi, "partno": 1, "ship_type": 37,
                         "callsign": f"B{v:05d}", "to_bow": 8, "to_stern": 4, "to_port": 2,
                         "to_starboard": 2})),
        ]))
    for b in range(N_BASE):
        loops["4"].append(np.array([add(_encode({
            "type": 4, "mmsi": 2_730_000 + b, "year": 2024, "month": 3, "day": 1, "hour": 0,
            "minute": 0, "second": 0, "lon": 131.0 + b, "lat": 42.0, "epfd": 1}))]))
    return Templates(lines, np.array(first), np.array(count), loops)


def _message_templates(tpl: Templates, n_msgs: int, rng: np.random.Generator,
                       times_s: np.ndarray) -> np.ndarray:
    """Template of each of ``n_msgs`` messages: kind by MIX, station uniform, loop in order;
    the N_DARK "dark" vessels' position reports in the daily dark hours go to other vessels."""
    hour = (times_s // 3600) % 24
    dark_time = (hour >= DARK_HOURS[0]) & (hour < DARK_HOURS[1])
    kinds = list(MIX)
    kind = rng.choice(len(kinds), size=n_msgs, p=[MIX[k] for k in kinds])
    out = np.empty(n_msgs, dtype=np.int64)
    for k, name in enumerate(kinds):
        idx = np.flatnonzero(kind == k)
        loops = tpl.loops[name]
        station = rng.integers(0, len(loops), size=len(idx))
        if name == "1-3":
            dark = (station >= N_CALLERS) & (station < N_CALLERS + N_DARK) & dark_time[idx]
            station[dark] += N_DARK
        # rank of each message among its station's messages: the position in its loop
        order = np.argsort(station, kind="stable")
        starts = np.searchsorted(station[order], np.arange(len(loops)))
        rank = np.empty(len(idx), dtype=np.int64)
        rank[order] = np.arange(len(idx)) - np.repeat(starts, np.bincount(station,
                                                                          minlength=len(loops)))
        lengths = np.array([len(loop) for loop in loops])
        flat = np.concatenate(loops)
        offsets = np.r_[0, np.cumsum(lengths)[:-1]]
        out[idx] = flat[offsets[station] + rank % lengths[station]]
    return out


def _tag_blocks(times_s: np.ndarray) -> np.ndarray:
    """``\\s:BENCH,c:<10 digits>*hh\\`` for each time, as an (n, 26) uint8 matrix."""
    prefix = b"s:BENCH,c:"
    n = len(times_s)
    body = np.empty((n, len(prefix) + 10), dtype=np.uint8)
    body[:, : len(prefix)] = np.frombuffer(prefix, dtype=np.uint8)
    for k in range(10):
        body[:, len(prefix) + k] = 48 + (times_s // 10 ** (9 - k)) % 10
    cs = np.bitwise_xor.reduce(body, axis=1)
    hexd = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)
    out = np.empty((n, 26), dtype=np.uint8)
    out[:, 0] = ord("\\")
    out[:, 1:21] = body
    out[:, 21] = ord("*")
    out[:, 22] = hexd[cs >> 4]
    out[:, 23] = hexd[cs & 15]
    out[:, 24] = ord("\\")
    out[:, 25] = 0  # placeholder, cut off below
    return out


def write_corpus(path: Path, n_lines: int, *, parts: int = 1, seed: int = 6,
                 templates: Templates | None = None,
                 chunk_messages: int = 1_000_000) -> dict:
    """Write a corpus of about ``n_lines`` lines (never more; a type 5 is not split).

    Parameters
    ----------
    path : Path
        Output NMEA file (plain text).
    n_lines : int
        Lines wanted.
    parts : int
        Also write the same lines as this many consecutive files ``<stem>.partNN.nmea``
        (cut between messages), for the Dask engine (one decode task per file); 1: none.
    seed : int
        Random seed (templates and mix).
    templates : Templates, optional
        Prebuilt templates (:func:`build_templates`).
    chunk_messages : int
        Messages built at a time (bounds memory).

    Returns
    -------
    dict
        ``lines``, ``messages``, ``messages_by_kind``, ``part_paths``, ``span_hours``.
    """
    tpl = templates or build_templates(seed)
    rng = np.random.default_rng(seed + 1)
    mean_lines = 1.0 + MIX["5"]
    n_msgs = int(n_lines / mean_lines * 1.002) + 10
    times_s = T0_UNIX_S + (np.arange(n_msgs) * (86_400 / MESSAGES_PER_DAY)).astype(np.int64)
    msg_tpl = _message_templates(tpl, n_msgs, rng, times_s)
    cum = np.cumsum(tpl.n_lines[msg_tpl])
    n_msgs = int(np.searchsorted(cum, n_lines, side="right"))
    msg_tpl = msg_tpl[:n_msgs]
    times_s = times_s[:n_msgs]
    lines_total = int(cum[n_msgs - 1]) if n_msgs else 0

    line_bytes = np.array(tpl.lines, dtype=object)
    path.parent.mkdir(parents=True, exist_ok=True)
    part_paths = [path.with_name(f"{path.name.split('.')[0]}.part{k:02d}.nmea")
                  for k in range(parts)] if parts > 1 else []
    part_of_msg = (np.arange(n_msgs) * parts // max(n_msgs, 1)) if parts > 1 else None
    tmp = path.with_suffix(path.suffix + ".tmp")
    part_fh = [open(p, "wb") for p in part_paths]
    try:
        with open(tmp, "wb") as fh:
            for a in range(0, n_msgs, chunk_messages):
                b = min(a + chunk_messages, n_msgs)
                t = msg_tpl[a:b]
                reps = tpl.n_lines[t]
                tags = _tag_blocks(times_s[a:b])[:, :25].copy().view("S25").ravel()
                first = np.repeat(tpl.first_line[t], reps)
                within = np.arange(len(first)) - np.repeat(np.cumsum(reps) - reps, reps)
                sentences = line_bytes[first + within]
                tag_per_line = np.repeat(tags, reps)
                if parts > 1:
                    part_line = np.repeat(part_of_msg[a:b], reps)
                    for k in np.unique(part_line):
                        sel = part_line == k
                        blob = _interleave(tag_per_line[sel], sentences[sel])
                        fh.write(blob)
                        part_fh[k].write(blob)
                else:
                    fh.write(_interleave(tag_per_line, sentences))
        tmp.replace(path)
    finally:
        for f in part_fh:
            f.close()
    kinds = list(MIX)
    kind_of_tpl = np.empty(len(tpl.first_line), dtype=np.int64)
    for k, name in enumerate(kinds):
        for loop in tpl.loops[name]:
            kind_of_tpl[loop] = k
    by_kind = np.bincount(kind_of_tpl[msg_tpl], minlength=len(kinds))
    return {
        "lines": lines_total,
        "messages": n_msgs,
        "messages_by_kind": {name: int(by_kind[k]) for k, name in enumerate(kinds)},
        "part_paths": [str(p) for p in part_paths],
        "span_hours": round(float(times_s[-1] - times_s[0]) / 3600.0, 2) if n_msgs else 0.0,
    }


def _interleave(tags: np.ndarray, sentences: np.ndarray) -> bytes:
    parts: list[bytes] = [b""] * (2 * len(tags))
    parts[0::2] = tags.tolist()
    parts[1::2] = sentences.tolist()
    return b"".join(parts)


if __name__ == "__main__":  # pragma: no cover - manual use
    import argparse
    import json
    import time

    ap = argparse.ArgumentParser(description="write a benchmark AIS corpus")
    ap.add_argument("path", type=Path)
    ap.add_argument("lines", type=int)
    ap.add_argument("--parts", type=int, default=1)
    a = ap.parse_args()
    t = time.perf_counter()
    info = write_corpus(a.path, a.lines, parts=a.parts)
    info["seconds"] = round(time.perf_counter() - t, 1)
    print(json.dumps(info, indent=1))

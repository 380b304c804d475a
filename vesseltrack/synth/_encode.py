"""Encode heard messages as NMEA lines with tag blocks, and damage a few of them.

Every AIS payload is packed by pyais (``Payload.create(...).to_bytes()``: the field layout of
types 1, 2, 3, 5, 18 and 24 is pyais's); the 6-bit armouring of the packed bits, the sentence
framing and the checksums are done here in bulk with NumPy and pandas, which is about three
times faster than pyais's per-message armouring and gives the same text (a test compares the
two). Lines look like::

    \\s:RU-VOSTOCHNY1,c:1709800000*5B\\!AIVDM,1,1,,A,13u?etPv2;0n:dDwUGN?I?wV0<0A,0*35
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyais.messages import MSG_CLASS

from ._plan import VesselPlan
from ._scenario import Reception

STRING = "string[pyarrow]"
_HEX = np.asarray([f"{i:02X}" for i in range(256)], dtype=object)
_ARMOUR = np.frombuffer(
    bytes([v + 48 if v < 40 else v + 56 for v in range(64)]), dtype=np.uint8
)
"""6-bit value to its AIS payload character (ITU-R M.1371 armouring)."""


def nmea_checksum(bodies: pd.Series | list[str]) -> np.ndarray:
    """XOR checksum of each string's bytes, as two-digit upper-case hex strings.

    Parameters
    ----------
    bodies : sequence of str
        Text between ``!``/``$``/``\\`` and ``*`` (ASCII).
    """
    raw = np.array(list(bodies), dtype="S")
    if raw.size == 0:
        return np.empty(0, dtype=object)
    mat = raw.view(np.uint8).reshape(len(raw), raw.dtype.itemsize)
    return _HEX[np.bitwise_xor.reduce(mat, axis=1)]


def armour(packed: list[bytes], n_bits: int) -> tuple[np.ndarray, int]:
    """Armour equally long packed payloads into 6-bit ASCII strings.

    Parameters
    ----------
    packed : list of bytes
        Left-aligned packed bits (as ``pyais`` ``to_bytes`` gives them), all ``n_bits`` long.
    n_bits : int
        Bits per payload.

    Returns
    -------
    payloads : numpy.ndarray of str
        The armoured payloads.
    fill_bits : int
        Pad bits added to reach a multiple of six.
    """
    n_chars = -(-n_bits // 6)
    fill = n_chars * 6 - n_bits
    mat = np.frombuffer(b"".join(packed), dtype=np.uint8).reshape(len(packed), -1)
    bits = np.unpackbits(mat, axis=1)[:, : n_bits]
    if fill:
        bits = np.concatenate([bits, np.zeros((len(packed), fill), dtype=np.uint8)], axis=1)
    values = bits.reshape(len(packed), n_chars, 6) @ np.array([32, 16, 8, 4, 2, 1], dtype=np.uint8)
    chars = _ARMOUR[values.astype(np.intp)]
    text = np.frombuffer(chars.tobytes(), dtype=f"S{n_chars}").astype(str)
    return text, fill


def pack_messages(fields: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Pack messages with pyais and armour them; returns payloads and fill bits."""
    packed = []
    n_bits = np.empty(len(fields), dtype=np.int64)
    for i, f in enumerate(fields):
        data, bits = MSG_CLASS[f["msg_type"]].create(**f).to_bytes()
        packed.append(data)
        n_bits[i] = bits
    payloads = np.empty(len(fields), dtype=object)
    fills = np.zeros(len(fields), dtype=np.int64)
    for nb in np.unique(n_bits):
        sel = np.flatnonzero(n_bits == nb)
        text, fill = armour([packed[i] for i in sel], int(nb))
        payloads[sel] = text
        fills[sel] = fill
    return payloads, fills


@dataclass
class EncodedFixture:
    """The NMEA lines of a fixture and an exact account of what they hold."""

    lines: list[str]
    counts: dict


def _position_fields(pos: pd.DataFrame) -> list[dict]:
    """pyais keyword dicts for position reports (types 1, 2, 3, 18)."""
    second = (pos["t_s"].to_numpy() // 1 % 60).astype(int)
    cols = {
        "msg_type": pos["msg_type"].to_numpy().astype(int),
        "mmsi": pos["mmsi"].to_numpy().astype(int),
        "speed": pos["sog"].to_numpy(),
        "lon": np.round(pos["lon"].to_numpy(), 6),
        "lat": np.round(pos["lat"].to_numpy(), 6),
        "course": pos["cog"].to_numpy(),
        "heading": pos["heading"].to_numpy().astype(int),
        "second": second,
        "status": pos["nav"].to_numpy().astype(int),
    }
    out = []
    for t, m, sp, lo, la, co, hd, se, st in zip(*cols.values(), strict=True):
        if t == 18:
            out.append(
                {"msg_type": 18, "mmsi": m, "speed": sp, "accuracy": 0, "lon": lo, "lat": la,
                 "course": co, "heading": hd, "second": se, "cs": 1, "dsc": 1, "band": 1,
                 "msg22": 1}
            )
        else:
            out.append(
                {"msg_type": t, "mmsi": m, "status": st, "turn": 0, "speed": sp, "accuracy": 0,
                 "lon": lo, "lat": la, "course": co, "heading": hd, "second": se,
                 "maneuver": 0, "raim": 0, "radio": 0}
            )
    return out


def _static_fields(stat: pd.DataFrame, info: dict[int, VesselPlan]) -> list[dict]:
    """pyais keyword dicts for the unique static contents (type 5, or 24 A and B)."""
    eta = pd.to_datetime(stat["eta_s"].to_numpy(), unit="s", utc=True)
    has_eta = stat["eta_s"].to_numpy() > 0
    out = []
    for k, (m, dr, dest, part) in enumerate(
        zip(stat["mmsi"], stat["draught"], stat["dest"], stat["part"], strict=True)
    ):
        v = info[int(m)]
        bow = int(round(v.length_m * 0.85))
        port = int(v.beam_m // 2)
        dims = {
            "to_bow": bow,
            "to_stern": int(round(v.length_m)) - bow,
            "to_port": port,
            "to_starboard": int(round(v.beam_m)) - port,
        }
        if part == 5:
            e = eta[k]
            out.append(
                {"msg_type": 5, "mmsi": int(m), "ais_version": 0, "imo": int(v.imo),
                 "callsign": v.callsign, "shipname": v.name, "ship_type": v.ship_type,
                 **dims, "epfd": 1,
                 "month": e.month if has_eta[k] else 0, "day": e.day if has_eta[k] else 0,
                 "hour": e.hour if has_eta[k] else 24, "minute": e.minute if has_eta[k] else 60,
                 "draught": float(dr), "destination": str(dest), "dte": 0}
            )
        elif part == 240:
            out.append({"msg_type": 24, "mmsi": int(m), "partno": 0, "shipname": v.name})
        else:
            out.append(
                {"msg_type": 24, "mmsi": int(m), "partno": 1, "ship_type": v.ship_type,
                 "vendorid": "SYN", "model": 1, "serial": int(m) % 1_000_000,
                 "callsign": v.callsign, **dims}
            )
    return out


def _anomalies(
    pos: pd.DataFrame, rec: Reception, rng: np.random.Generator
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Position spikes and "not available" values on a few random position reports."""
    pos = pos.copy()
    class_a_moving = np.flatnonzero((pos["msg_type"].to_numpy() != 18) & (pos["sog"].to_numpy() > 1))
    n_total = rec.spikes + rec.not_available_positions + rec.not_available_speeds
    chosen = rng.choice(class_a_moving, size=min(n_total, len(class_a_moving)), replace=False)
    spikes = chosen[: rec.spikes]
    na_pos = chosen[rec.spikes : rec.spikes + rec.not_available_positions]
    na_sog = chosen[rec.spikes + rec.not_available_positions :]
    sign = rng.choice([-1.0, 1.0], size=(len(spikes), 2))
    pos.loc[pos.index[spikes], "lon"] += sign[:, 0] * rng.uniform(0.3, 3.0, len(spikes))
    pos.loc[pos.index[spikes], "lat"] += sign[:, 1] * rng.uniform(0.3, 2.0, len(spikes))
    pos.loc[pos.index[na_pos], "lon"] = 181.0
    pos.loc[pos.index[na_pos], "lat"] = 91.0
    pos.loc[pos.index[na_sog], "sog"] = 102.3
    pos["anomaly"] = False
    pos.loc[pos.index[chosen], "anomaly"] = True
    return pos, {
        "spikes": int(len(spikes)),
        "not_available_positions": int(len(na_pos)),
        "not_available_speeds": int(len(na_sog)),
    }


def encode(
    positions: pd.DataFrame,
    statics: pd.DataFrame,
    info: dict[int, VesselPlan],
    rec: Reception,
    rng: np.random.Generator,
    header: list[str],
) -> EncodedFixture:
    """Encode heard messages into the NMEA lines of a fixture.

    Parameters
    ----------
    positions : pandas.DataFrame
        Heard position reports: ``t_s, mmsi, msg_type, lon, lat, sog, cog, heading, nav,
        source, dup_source, dup_delay``.
    statics : pandas.DataFrame
        Heard static reports: ``t_s, mmsi, draught, dest, eta_s, source, dup_source,
        dup_delay``.
    info : dict
        Vessel plans by MMSI (names, dimensions, class).
    rec : Reception
        Reception and noise parameters.
    rng : numpy.random.Generator
        Random source.
    header : list of str
        Comment lines (without ``#``) to open the file.

    Returns
    -------
    EncodedFixture
        The lines and their counts.
    """
    sources = np.asarray([r.source for r in rec.receivers] + list(rec.satellites), dtype=object)
    positions, anomaly_counts = _anomalies(positions, rec, rng)

    # ---- unique messages: positions, then statics (type 5, or 24 A + 24 B for class B)
    pos_payload, pos_fill = pack_messages(_position_fields(positions))
    is_b = np.asarray([info[int(m)].class_b for m in statics["mmsi"]], dtype=bool)
    st5 = statics[~is_b].assign(part=5)
    stb = statics[is_b]
    st = pd.concat([st5, stb.assign(part=240), stb.assign(part=241)], ignore_index=True)
    key = ["mmsi", "draught", "dest", "eta_min", "part"]
    st["eta_min"] = (st["eta_s"] // 60).astype(np.int64)
    uniq = st.drop_duplicates(key).reset_index(drop=True)
    u_payload, u_fill = pack_messages(_static_fields(uniq, info))
    uniq["payload"], uniq["fill"] = u_payload, u_fill
    st = st.merge(uniq[[*key, "payload", "fill"]], on=key, how="left", validate="many_to_one")

    msgs = pd.DataFrame(
        {
            "t_s": np.r_[positions["t_s"].to_numpy(), st["t_s"].to_numpy()],
            "mmsi": np.r_[positions["mmsi"].to_numpy(), st["mmsi"].to_numpy()],
            "msg_type": np.r_[positions["msg_type"].to_numpy(), np.where(st["part"] == 5, 5, 24)],
            "payload": np.r_[pos_payload, st["payload"].to_numpy()],
            "fill": np.r_[pos_fill, st["fill"].to_numpy()],
            "source": np.r_[positions["source"].to_numpy(), st["source"].to_numpy()],
            "dup_source": np.r_[positions["dup_source"].to_numpy(), st["dup_source"].to_numpy()],
            "dup_delay": np.r_[positions["dup_delay"].to_numpy(), st["dup_delay"].to_numpy()],
            "anomaly": np.r_[positions["anomaly"].to_numpy(), np.zeros(len(st), dtype=bool)],
        }
    )
    # One radio channel per transmission: a second receiver hears it on the same channel.
    msgs["channel"] = np.where(rng.random(len(msgs)) < 0.5, "A", "B")
    # ---- receptions: the original and, sometimes, a second receiver's copy
    n = len(msgs)
    rx = np.floor(msgs["t_s"].to_numpy()).astype(np.int64) + rng.integers(0, 2, n)
    dup = msgs["dup_source"].to_numpy() >= 0
    copies = pd.DataFrame(
        {
            "msg": np.r_[np.arange(n), np.flatnonzero(dup)],
            "rx": np.r_[rx, rx[dup] + msgs["dup_delay"].to_numpy()[dup]],
            "source": np.r_[msgs["source"].to_numpy(), msgs["dup_source"].to_numpy()[dup]],
            "duplicate": np.r_[np.zeros(n, bool), np.ones(dup.sum(), bool)],
        }
    )
    copies["order"] = copies["rx"] + rng.uniform(0.0, rec.reorder_s, len(copies))
    copies = copies.sort_values("order", kind="stable").reset_index(drop=True)
    m = msgs.iloc[copies["msg"].to_numpy()].reset_index(drop=True)
    copies = pd.concat([copies, m.drop(columns=["source", "dup_source", "dup_delay"])], axis=1)

    # ---- sentences; a type 5 is two, the second a few lines after the first
    two = copies["msg_type"].to_numpy() == 5
    idx5 = np.flatnonzero(two)
    seq = pd.Series(_sequence_ids(copies["source"].to_numpy()[idx5], rng)).astype(str)
    lo, hi = rec.fragment_gap_lines
    payload = copies["payload"].astype(STRING)
    head = pd.Series(np.full(len(copies), "1,1,,", dtype=object)).astype(STRING)
    head.iloc[idx5] = ("2,1," + seq + ",").to_numpy()
    fill = copies["fill"].to_numpy().copy()
    fill[idx5] = 0
    # The second fragment follows 1-3 lines later, but never after a line received more than
    # ``fragment_gap_s`` later (real feeds interleave only what arrives at the same time).
    order = copies["order"].to_numpy()
    last_ok = np.searchsorted(order, order[idx5] + rec.fragment_gap_s, side="right") - 1
    frag2_pos = np.minimum(idx5 + rng.integers(lo, hi + 1, len(idx5)), last_ok) + 0.5
    sent = pd.DataFrame(
        {
            "pos": np.r_[np.arange(len(copies), dtype=float), frag2_pos],
            "copy": np.r_[np.arange(len(copies)), idx5],
            "head": pd.concat([head, "2,2," + seq + ","], ignore_index=True),
            "payload": pd.concat(
                [payload.str.slice(0, 60), payload.iloc[idx5].str.slice(60)], ignore_index=True
            ),
            "fill": np.r_[fill, copies["fill"].to_numpy()[idx5]],
        }
    )
    sent = sent.sort_values("pos", kind="stable").reset_index(drop=True)
    c = copies.iloc[sent["copy"].to_numpy()].reset_index(drop=True)
    fragmentary = c["msg_type"].to_numpy() == 5

    body = (
        "AIVDM,"
        + sent["head"].astype(STRING)
        + c["channel"].astype(STRING)
        + ","
        + sent["payload"].astype(STRING)
        + ","
        + sent["fill"].astype(str).astype(STRING)
    )
    tag = "s:" + pd.Series(sources[c["source"].to_numpy()]).astype(STRING) + ",c:" + c[
        "rx"
    ].astype(str).astype(STRING)
    body_cs = nmea_checksum(body.tolist())

    # ---- corruption: a few single-sentence lines get a wrong checksum or are cut short
    n_lines = len(sent)
    n_bad = int(round(rec.corrupt_share * n_lines))
    n_bad_cs = int(round(n_bad * rec.bad_checksum_share))
    # Never a fragment (no orphans) nor a deliberate anomaly (so its count stays exact).
    candidates = np.flatnonzero(~fragmentary & ~c["anomaly"].to_numpy(dtype=bool))
    bad = rng.choice(candidates, size=n_bad, replace=False)
    bad_cs, truncated = np.sort(bad[:n_bad_cs]), np.sort(bad[n_bad_cs:])
    cs_values = np.array([int(h, 16) for h in body_cs[bad_cs]], dtype=np.int64)
    body_cs[bad_cs] = _HEX[cs_values ^ rng.integers(1, 256, len(bad_cs))]
    lines = (
        "\\" + tag + "*" + pd.Series(nmea_checksum(tag.tolist())).astype(STRING) + "\\!" + body
        + "*" + pd.Series(body_cs).astype(STRING)
    ).tolist()
    body_list = body.tolist()
    for i in truncated:  # a few hundred lines at most
        cut = len(lines[i]) - len(body_list[i]) - 3 + int(rng.integers(8, len(body_list[i]) - 2))
        lines[i] = lines[i][:cut]

    # ---- counts
    ok = np.ones(n_lines, dtype=bool)
    ok[bad] = False
    single_ok = ok & ~fragmentary
    kinds = c["msg_type"].to_numpy()
    first_frag = fragmentary & sent["head"].str.startswith("2,1,").to_numpy(dtype=bool)
    message_ok = single_ok | first_frag
    decoded_types = kinds[message_ok]
    counts = {
        "lines": len(header) + n_lines,
        "comment_lines": len(header),
        "sentences": int(ok.sum()),
        "messages": int(message_ok.sum()),
        "bad_checksum": int(len(bad_cs)),
        "truncated": int(len(truncated)),
        "malformed": int(len(truncated)),
        "bad_lines": int(n_bad),
        "orphan_fragments": 0,
        "positions": int(np.isin(decoded_types, [1, 2, 3, 18]).sum()),
        "statics": int(np.isin(decoded_types, [5, 24]).sum()),
        "interleaved_type5": _interleaved(sent["copy"].to_numpy(), fragmentary),
        "duplicate_messages": _repeats(c["msg"].to_numpy()[message_ok]),
        "duplicate_positions": _repeats(
            c["msg"].to_numpy()[message_ok & np.isin(kinds, [1, 2, 3, 18])]
        ),
        "by_type": {
            str(t): int((decoded_types == t).sum()) for t in np.unique(decoded_types)
        },
        "vessels": int(c.loc[message_ok, "mmsi"].nunique()),
        **anomaly_counts,
    }
    return EncodedFixture(lines=[f"# {h}" for h in header] + lines, counts=counts)


def _repeats(ids: np.ndarray) -> int:
    """Decodable copies of a message beyond the first (what de-duplication removes)."""
    return int(len(ids) - len(np.unique(ids)))


def _interleaved(copy_of_line: np.ndarray, fragmentary: np.ndarray) -> int:
    """Two-sentence messages with at least one other line between their sentences."""
    lines = np.flatnonzero(fragmentary)
    order = np.argsort(copy_of_line[lines], kind="stable")
    first, second = lines[order][0::2], lines[order][1::2]
    return int((second - first > 1).sum())


def _sequence_ids(sources: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sequential message ids 0-9 for multi-sentence messages, in line order.

    Random, but never one of the last five used by the same receiver, so that two messages
    whose fragments interleave never share an id.
    """
    out = np.empty(len(sources), dtype=np.int64)
    recent: dict[object, list[int]] = {}
    draws = rng.integers(0, 10, len(sources))
    for i, src in enumerate(sources):
        used = recent.setdefault(src, [])
        s = int(draws[i])
        while s in used:
            s = (s + 1) % 10
        out[i] = s
        used.append(s)
        if len(used) > 5:
            used.pop(0)
    return out

"""Turn planned tracks into the AIS messages that receivers hear.

For each vessel: transmission times while its AIS is on (every few minutes, by state), the
reported values with realistic noise, then reception: terrestrial receivers within range hear
almost everything (a second receiver in range sometimes hears the same message again),
elsewhere only satellite passes do, with gaps of hours between them. Work is vectorised per
vessel; the loops run over vessels, AIS windows and track intervals, never over messages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._plan import ANCHORED, DRIFTING, HIDDEN, MOORED, UNDERWAY, VesselPlan
from ._routes import bearing_deg, haversine_nm, offset_deg
from ._scenario import Reception

MINUTE_S = 60.0


@dataclass
class Heard:
    """Messages of one kind heard from all vessels (one row per reception).

    ``copy_of`` is -1 for an original reception and the row index of the original for a
    duplicate from a second receiver (same message, other ``source``, later receiver time).
    """

    columns: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0


def _rate_class(state: np.ndarray, class_b: bool) -> np.ndarray:
    """0 = no messages, 1 = underway rate, 2 = stationary rate, 3 = class B rate."""
    out = np.where(state == UNDERWAY, 1, 2)
    out = np.where(state == HIDDEN, 0, out)
    if class_b:
        out = np.where(out > 0, 3, 0)
    return out


def transmission_times(
    plan: VesselPlan, rec: Reception, rng: np.random.Generator, t0_s: float, t1_s: float
) -> np.ndarray:
    """Times the vessel transmits a position report while its AIS is on, seconds."""
    track = plan.track
    assert track is not None
    ranges = {
        1: rec.underway_interval_min,
        2: rec.stationary_interval_min,
        3: rec.class_b_interval_min,
    }
    cls = _rate_class(track.state, plan.class_b)
    out: list[np.ndarray] = []
    for ws, we in plan.ais_windows():
        ws, we = max(ws, t0_s), min(we, t1_s)
        if we <= ws:
            continue
        i0, i1 = track.interval(np.array([ws, we - 1e-6]))
        # Sub-runs of constant rate inside the window.
        bounds = np.r_[ws, np.clip(track.t_s[i0 + 1 : i1 + 1], ws, we), we]
        classes = cls[i0 : i1 + 1]
        last = ws - rng.uniform(0.0, 1.0) * MINUTE_S
        first = True
        for k in range(len(classes)):
            a, b, c = bounds[k], bounds[k + 1], int(classes[k])
            if c == 0 or b <= a:
                continue
            lo, hi = (v * MINUTE_S for v in ranges[c])
            cur = (ws + rng.uniform(0.0, lo)) if first else last + rng.uniform(lo, hi)
            first = False
            if cur >= b:
                continue
            n = int((b - cur) // lo) + 2
            ts = cur + np.r_[0.0, np.cumsum(rng.uniform(lo, hi, n))]
            ts = ts[ts < b]
            out.append(ts)
            last = ts[-1]
    return np.concatenate(out) if out else np.empty(0)


def static_times(
    plan: VesselPlan, rec: Reception, rng: np.random.Generator, t0_s: float, t1_s: float
) -> np.ndarray:
    """Times of static reports: soon after AIS comes on, periodically, and at draught changes."""
    out: list[np.ndarray] = []
    lo, hi = (v * MINUTE_S for v in rec.static_interval_min)
    windows = plan.ais_windows()
    for ws, we in windows:
        first = ws + rng.uniform(0.5, 5.0) * MINUTE_S
        n = int((we - first) // lo) + 2
        ts = first + np.r_[0.0, np.cumsum(rng.uniform(lo, hi, n))]
        out.append(ts[ts < we])
    changes = np.asarray([t for t, _ in plan.draught_changes], dtype=float)
    if len(windows) and len(changes):
        k = np.searchsorted(windows[:, 0], changes, side="right") - 1
        on = (k >= 0) & (changes < windows[np.clip(k, 0, None), 1])
        out.append(changes[on] + 20.0)
    if not out:
        return np.empty(0)
    ts = np.unique(np.concatenate(out))
    return ts[(ts >= t0_s) & (ts < t1_s)]


def _satellite_passes(
    rec: Reception, rng: np.random.Generator, start_s: float, end_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Alternating satellite passes and gaps over [start, end]: pass starts, ends, source ids."""
    mean_cycle = (np.mean(rec.sat_pass_minutes) * MINUTE_S + np.mean(rec.sat_gap_hours) * 3600.0)
    n = int((end_s - start_s) / mean_cycle * 1.5) + 4
    passes = rng.uniform(*rec.sat_pass_minutes, n) * MINUTE_S
    gaps = rng.uniform(*rec.sat_gap_hours, n) * 3600.0
    starts = start_s - rng.uniform(0.0, gaps[0]) + np.r_[0.0, np.cumsum(passes + gaps)[:-1]]
    while starts[-1] < end_s:  # pragma: no cover - the 1.5 margin makes this rare
        more = rng.uniform(*rec.sat_pass_minutes) * MINUTE_S + rng.uniform(*rec.sat_gap_hours) * 3600
        starts = np.r_[starts, starts[-1] + more]
        passes = np.r_[passes, rng.uniform(*rec.sat_pass_minutes) * MINUTE_S]
    sats = rng.integers(0, len(rec.satellites), len(starts))
    return starts, starts + passes[: len(starts)], sats


def _reception(
    lon: np.ndarray,
    lat: np.ndarray,
    t_s: np.ndarray,
    rec: Reception,
    rng: np.random.Generator,
    passes: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Who hears each transmission.

    Returns
    -------
    heard : bool array
        Heard by someone.
    source : int array
        Index into ``receivers + satellites`` of the receiver that heard it.
    dup_source : int array
        Second terrestrial receiver that heard it too, or -1.
    dup_delay_s : int array
        Extra receiver-time delay of the duplicate.
    """
    n = len(t_s)
    n_r = len(rec.receivers)
    in_range = np.zeros((n_r, n), dtype=bool)
    for r, receiver in enumerate(rec.receivers):
        in_range[r] = haversine_nm(lon, lat, receiver.lon, receiver.lat) <= receiver.range_nm
    any_terr = in_range.any(axis=0) if n_r else np.zeros(n, dtype=bool)
    primary = np.argmax(in_range, axis=0) if n_r else np.zeros(n, dtype=int)
    heard_terr = any_terr & (rng.random(n) >= rec.terrestrial_loss)
    starts, ends, sats = passes
    k = np.searchsorted(starts, t_s, side="right") - 1
    in_pass = (k >= 0) & (t_s < ends[np.clip(k, 0, None)])
    heard_sat = ~any_terr & in_pass
    source = np.where(heard_terr, primary, n_r + sats[np.clip(k, 0, None)])
    # Duplicates: another terrestrial receiver in range hears the same message.
    dup_source = np.full(n, -1)
    if n_r > 1:
        second = in_range.copy()
        second[primary, np.arange(n)] = False
        has_second = second.any(axis=0) & heard_terr
        dup = has_second & (rng.random(n) < rec.duplicate_share)
        dup_source = np.where(dup, np.argmax(second, axis=0), -1)
    dup_delay = rng.integers(rec.duplicate_delay_s[0], rec.duplicate_delay_s[1] + 1, n)
    return heard_terr | heard_sat, source, dup_source, dup_delay


def _step_lookup(changes: list[tuple], t_s: np.ndarray) -> np.ndarray:
    """Index of the step in force at each time (-1 before the first)."""
    times = np.asarray([c[0] for c in changes], dtype=float)
    order = np.argsort(times, kind="stable")
    k = np.searchsorted(times[order], t_s, side="right") - 1
    return np.where(k >= 0, order[np.clip(k, 0, None)], -1)


def sample_vessel(
    plan: VesselPlan,
    rec: Reception,
    rng: np.random.Generator,
    t0_s: float,
    t1_s: float,
    type_shares: tuple[float, float],
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Heard position and static reports of one vessel, as column arrays.

    Returns
    -------
    positions, statics : dict of numpy.ndarray
        One row per reception (duplicates included, flagged by ``dup``).
    """
    track = plan.track
    assert track is not None
    passes = _satellite_passes(rec, rng, track.t_s[0], track.t_s[-1])

    # ---- positions
    t = transmission_times(plan, rec, rng, t0_s, t1_s)
    idx = track.interval(t)
    state = track.state[idx]
    lon, lat = track.position(t)
    n = len(t)
    moving = state == UNDERWAY
    leg_bearing = bearing_deg(
        track.lon_deg[:-1], track.lat_deg[:-1], track.lon_deg[1:], track.lat_deg[1:]
    )
    # Anchored and drifting ships swing round the anchor / drift slowly.
    swing = (state == ANCHORED) | (state == DRIFTING)
    theta = (rng.uniform(0, 2 * np.pi) + 2 * np.pi * t / (6 * 3600.0)) + rng.normal(0, 0.1, n)
    radius_m = np.where(swing, 70.0, 0.0)
    noise_m = np.where(moving, 8.0, 3.0)
    east = radius_m * np.sin(theta) + rng.normal(0.0, 1.0, n) * noise_m
    north = radius_m * np.cos(theta) + rng.normal(0.0, 1.0, n) * noise_m
    dlon, dlat = offset_deg(lat, east, north)
    lon, lat = lon + dlon, lat + dlat

    speed = track.speed_knots[idx]
    sog = np.where(
        moving,
        speed * (1.0 + rng.normal(0.0, 0.02, n)) + rng.normal(0.0, 0.1, n),
        np.where(state == DRIFTING, 0.3 + np.abs(rng.normal(0.0, 0.3, n)),
                 np.abs(rng.normal(0.0, np.where(swing, 0.15, 0.03), n))),
    )
    sog = np.round(np.clip(sog, 0.0, 102.2), 1)
    cog = np.where(moving, leg_bearing[idx] + rng.normal(0.0, 1.5, n), rng.uniform(0, 360, n))
    cog = np.round(cog % 360.0, 1) % 360.0
    # Stopped ships often report COG "not available" (360).
    cog = np.where(~moving & (rng.random(n) < 0.3), 360.0, cog)
    heading = np.where(
        moving,
        cog + rng.normal(0.0, 3.0, n),
        np.where(swing, np.degrees(theta) + 180.0, track.heading_deg[idx] + rng.normal(0, 0.3, n)),
    )
    heading = np.round(np.nan_to_num(heading, nan=0.0)) % 360
    if plan.no_heading:
        heading = np.full(n, 511.0)
    nav = np.select([state == ANCHORED, state == MOORED], [1, 5], default=0)
    if plan.lazy_status:
        nav = np.zeros(n, dtype=int)
    if plan.class_b:
        msg_type = np.full(n, 18)
    else:
        u = rng.random(n)
        msg_type = np.where(u < type_shares[0], 2, np.where(u < type_shares[0] + type_shares[1], 3, 1))

    heard, source, dup_source, dup_delay = _reception(lon, lat, t, rec, rng, passes)
    positions = {
        "t_s": t,
        "mmsi": np.full(n, plan.mmsi, dtype=np.int64),
        "msg_type": msg_type,
        "lon": lon,
        "lat": lat,
        "sog": sog,
        "cog": cog,
        "heading": heading,
        "nav": nav,
        "heard": heard,
        "source": source,
        "dup_source": dup_source,
        "dup_delay": dup_delay,
    }
    positions = {k: v[heard] for k, v in positions.items()}

    # ---- statics
    ts = static_times(plan, rec, rng, t0_s, t1_s)
    slon, slat = track.position(ts)
    sheard, ssource, sdup, sdelay = _reception(slon, slat, ts, rec, rng, passes)
    d_idx = _step_lookup(plan.draught_changes, ts)
    draughts = np.asarray([d for _, d in plan.draught_changes] + [0.0])
    v_idx = _step_lookup(plan.voyage_changes, ts) if plan.voyage_changes else np.full(len(ts), -1)
    dests = np.asarray([d for _, d, _ in plan.voyage_changes] + [""], dtype=object)
    etas = np.asarray([e for _, _, e in plan.voyage_changes] + [0.0], dtype=float)
    statics = {
        "t_s": ts,
        "mmsi": np.full(len(ts), plan.mmsi, dtype=np.int64),
        "draught": np.round(draughts[d_idx], 1),
        "dest": dests[v_idx],
        "eta_s": etas[v_idx],
        "source": ssource,
        "dup_source": sdup,
        "dup_delay": sdelay,
    }
    statics = {k: v[sheard] for k, v in statics.items()}
    return positions, statics

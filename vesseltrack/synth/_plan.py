"""Plan a scenario: who sails where and when, with AIS on or off, and what the truth is.

The plan is everything but the messages: for every vessel a piecewise-linear track (knots in
time and space, a state per interval), the intervals when its AIS transmits, and the timeline of
its static data (draught, destination); plus the true port calls and the sightings. Times are
float seconds since the Unix epoch (UTC) throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._routes import (
    as_array,
    berth_to_berth,
    entry_to_berth,
    home_to_berth,
    leg_lengths_nm,
    offset_deg,
)
from ._scenario import (
    BACKGROUND_CARGO_SHARE_OF_DWT,
    BBL_PER_TONNE,
    BackgroundFleet,
    Decoy,
    Facility,
    LonLat,
    Scenario,
    Tanker,
)

HIDDEN, UNDERWAY, ANCHORED, MOORED, DRIFTING = -1, 0, 1, 5, 8
"""Track states: out of sight (no messages at all), sailing, at anchor, at a berth, drifting."""

HOUR_S = 3600.0
DAY_S = 86400.0

TRUTH_COLUMNS = [
    "mmsi",
    "name",
    "arrival",
    "departure",
    "arrival_draught_m",
    "departure_draught_m",
    "cargo_t",
    "cargo_bbl",
    "ais_at_terminal",
    "draught_updated",
    "sighted",
    "port",
]
"""Truth CSV columns: the issue's eleven, then ``port`` (the innermost fence of the call)."""

SIGHTING_COLUMNS = ["timestamp", "lon", "lat", "mmsi", "imo", "name", "state", "source"]


def to_epoch_s(iso: str) -> float:
    """ISO-8601 date or time (UTC when no zone is given) to float seconds since the epoch."""
    ts = pd.Timestamp(iso)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return float(ts.timestamp())


# --------------------------------------------------------------------------------------------
# Tracks
# --------------------------------------------------------------------------------------------


@dataclass
class Track:
    """A piecewise-linear track.

    Attributes
    ----------
    t_s, lon_deg, lat_deg : numpy.ndarray
        Knots (strictly increasing times).
    state : numpy.ndarray of int8
        State of each interval between knots (len = knots - 1).
    speed_knots, heading_deg : numpy.ndarray
        Speed over the interval and, for a moored ship, its heading (NaN otherwise).
    """

    t_s: np.ndarray
    lon_deg: np.ndarray
    lat_deg: np.ndarray
    state: np.ndarray
    speed_knots: np.ndarray
    heading_deg: np.ndarray

    def position(self, t_s: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """True (noise-free) position at ``t_s``, degrees."""
        return np.interp(t_s, self.t_s, self.lon_deg), np.interp(t_s, self.t_s, self.lat_deg)

    def interval(self, t_s: np.ndarray) -> np.ndarray:
        """Index of the interval holding each time (clipped to the track)."""
        idx = np.searchsorted(self.t_s, t_s, side="right") - 1
        return np.clip(idx, 0, len(self.state) - 1)


class TrackBuilder:
    """Append stays and voyages to a track, keeping the clock."""

    def __init__(self, t_s: float, at: LonLat) -> None:
        self._t = [float(t_s)]
        self._lon = [float(at[0])]
        self._lat = [float(at[1])]
        self._state: list[int] = []
        self._speed: list[float] = []
        self._heading: list[float] = []

    @property
    def now(self) -> float:
        """Time of the last knot, seconds."""
        return self._t[-1]

    @property
    def at(self) -> LonLat:
        """Position of the last knot."""
        return (self._lon[-1], self._lat[-1])

    def hold(self, until_s: float, state: int, heading_deg: float = np.nan) -> None:
        """Stay at the current position until ``until_s`` in ``state``."""
        if until_s <= self.now:
            return
        self._append(until_s, self.at, state, 0.0, heading_deg)

    def move_hidden(self, to: LonLat, at_s: float) -> None:
        """Disappear and reappear at ``to`` at ``at_s`` (out of sight in between)."""
        at_s = max(at_s, self.now + 1.0)
        self._append(at_s, to, HIDDEN, 0.0, np.nan)

    def sail(self, points: np.ndarray, speeds_knots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sail a polyline from the current position.

        Parameters
        ----------
        points : numpy.ndarray
            (n, 2) waypoints, the first being the current position.
        speeds_knots : numpy.ndarray
            Speed on each of the n - 1 legs, knots.

        Returns
        -------
        cum_nm, t_s : numpy.ndarray
            Distance sailed and time at each waypoint.
        """
        legs_nm = leg_lengths_nm(points)
        t_s = self.now + np.r_[0.0, np.cumsum(legs_nm / speeds_knots * HOUR_S)]
        for k in range(1, len(points)):
            self._append(t_s[k], (points[k, 0], points[k, 1]), UNDERWAY, speeds_knots[k - 1], np.nan)
        return np.r_[0.0, np.cumsum(legs_nm)], t_s

    def _append(self, t_s: float, at: LonLat, state: int, speed: float, heading: float) -> None:
        self._t.append(float(t_s))
        self._lon.append(float(at[0]))
        self._lat.append(float(at[1]))
        self._state.append(state)
        self._speed.append(float(speed))
        self._heading.append(float(heading))

    def finish(self) -> Track:
        """The track built so far."""
        return Track(
            np.asarray(self._t),
            np.asarray(self._lon),
            np.asarray(self._lat),
            np.asarray(self._state, dtype=np.int8),
            np.asarray(self._speed),
            np.asarray(self._heading),
        )


@dataclass
class VesselPlan:
    """Everything the message sampler needs about one vessel."""

    mmsi: int
    name: str
    imo: int
    callsign: str
    ship_type: int
    length_m: float
    beam_m: float
    group: str
    class_b: bool = False
    track: Track | None = None
    ais_on: list[tuple[float, float]] = field(default_factory=list)
    draught_changes: list[tuple[float, float]] = field(default_factory=list)
    voyage_changes: list[tuple[float, str, float]] = field(default_factory=list)
    no_heading: bool = False
    lazy_status: bool = False

    def ais_windows(self) -> np.ndarray:
        """AIS-on intervals, sorted and merged, as an (n, 2) array of seconds."""
        if not self.ais_on:
            return np.empty((0, 2))
        w = np.asarray(sorted(self.ais_on), dtype=float)
        w = w[w[:, 1] > w[:, 0]]
        merged = [list(w[0])] if len(w) else []
        for s, e in w[1:]:
            if s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        return np.asarray(merged, dtype=float).reshape(-1, 2)


@dataclass
class CallRecord:
    """A true call before its fence crossings are measured on the track."""

    plan: VesselPlan
    fence: str
    berth_arrival_s: float
    berth_departure_s: float
    arrival_draught_m: float
    departure_draught_m: float
    cargo_t: float
    cargo_bbl: float
    ais_at_facility: bool
    draught_updated: bool
    watched: bool
    behaviour: str = ""
    sighted: bool = False


@dataclass
class Plan:
    """A planned scenario: vessels, true calls, sightings."""

    vessels: list[VesselPlan]
    calls: list[CallRecord]
    sightings: pd.DataFrame
    truth: pd.DataFrame = field(default_factory=pd.DataFrame)
    background_truth: pd.DataFrame = field(default_factory=pd.DataFrame)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _u(rng: np.random.Generator, r: tuple[float, float]) -> float:
    return float(rng.uniform(r[0], r[1]))


def place_in_window(
    rng: np.random.Generator, k: int, lo_s: float, hi_s: float, spacing_s: float
) -> np.ndarray:
    """``k`` random times in [lo, hi], consecutive ones at least ``spacing_s`` apart.

    Uniform over the feasible set: sorted uniform draws in the slack, then spaced out.
    """
    if k <= 0:
        return np.empty(0)
    slack = hi_s - lo_s - (k - 1) * spacing_s
    if slack < 0:
        raise ValueError(f"{k} visits spaced {spacing_s / DAY_S:.1f} d do not fit the window")
    return lo_s + np.sort(rng.uniform(0.0, slack, k)) + np.arange(k) * spacing_s


class BerthBook:
    """Berth bookings of one facility, to keep ships off each other's berth when possible."""

    def __init__(self, facility: Facility) -> None:
        self.facility = facility
        self.busy: list[list[tuple[float, float]]] = [[] for _ in facility.berths]

    def book(self, rng: np.random.Generator, start_s: float, end_s: float) -> LonLat:
        """Pick a berth free over [start, end] (else the least overlapped) and book it."""
        if self.facility.anchorage:
            (x0, y0), (x1, y1) = self.facility.berths
            return (round(_u(rng, (x0, x1)), 5), round(_u(rng, (y0, y1)), 5))
        overlap = np.array(
            [sum(max(0.0, min(e, end_s) - max(s, start_s)) for s, e in b) for b in self.busy]
        )
        best = np.flatnonzero(overlap == overlap.min())
        i = int(rng.choice(best))
        self.busy[i].append((start_s, end_s))
        return self.facility.berths[i]


def points_in_ring(lon: np.ndarray, lat: np.ndarray, ring: tuple[LonLat, ...]) -> np.ndarray:
    """Even-odd point-in-polygon test, vectorised over points (loop over the few edges)."""
    xs = np.asarray([p[0] for p in ring])
    ys = np.asarray([p[1] for p in ring])
    inside = np.zeros(np.shape(lon), dtype=bool)
    for k in range(len(xs)):
        x1, y1, x2, y2 = xs[k - 1], ys[k - 1], xs[k], ys[k]
        crosses = (y1 > lat) != (y2 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = (x2 - x1) * (lat - y1) / (y2 - y1) + x1
        inside ^= crosses & (lon < x_at)
    return inside


def fence_crossings(
    track: Track, ring: tuple[LonLat, ...], berth_arrival_s: float, berth_departure_s: float
) -> tuple[float, float]:
    """Times the track enters and leaves the fence around a berth stay, to the second.

    The track is searched up to 12 h before the berth arrival and after the departure, on a
    one-minute grid refined to one second around the crossing. Arrival is the first second
    inside the fence, departure the last.
    """
    span = np.arange(0.0, 12 * HOUR_S + 1.0, 60.0)
    fine = np.arange(0.0, 61.0, 1.0)

    back = berth_arrival_s - span[::-1]
    out = np.flatnonzero(~points_in_ring(*track.position(back), ring))
    if len(out):
        grid = back[out[-1]] + fine
        out_f = np.flatnonzero(~points_in_ring(*track.position(grid), ring))
        arrival = grid[out_f[-1] + 1]
    else:
        arrival = back[0]

    fwd = berth_departure_s + span
    out = np.flatnonzero(~points_in_ring(*track.position(fwd), ring))
    if len(out):
        grid = fwd[out[0] - 1] + fine
        out_f = np.flatnonzero(~points_in_ring(*track.position(grid), ring))
        departure = grid[out_f[0] - 1]
    else:
        departure = fwd[-1]
    return float(arrival), float(departure)


def _draught_grid(ballast_m: float, summer_m: float, fill: tuple[float, float]) -> np.ndarray:
    """Departure draughts on the AIS 0.1 m grid whose fill lies in ``fill``."""
    grid = np.round(np.arange(ballast_m, summer_m + 0.05, 0.1), 1)
    f = (grid - ballast_m) / (summer_m - ballast_m)
    ok = (f >= fill[0] - 1e-9) & (f <= fill[1] + 1e-9)
    return grid[ok]


def synthetic_imo(rng: np.random.Generator) -> int:
    """A 7-digit number with a valid IMO check digit (invented; any match is coincidence)."""
    body = int(rng.integers(910000, 990000))
    d = [int(c) for c in str(body)]
    check = sum(x * w for x, w in zip(d, range(7, 1, -1), strict=True)) % 10
    return body * 10 + check


# --------------------------------------------------------------------------------------------
# The watched fleet
# --------------------------------------------------------------------------------------------


def _vessel_plan(v: Tanker, group: str) -> VesselPlan:
    return VesselPlan(
        mmsi=v.mmsi,
        name=v.name,
        imo=v.imo or 0,
        callsign=v.callsign,
        ship_type=80,
        length_m=v.length_m,
        beam_m=v.beam_m,
        group=group,
    )


def _leg_speeds(n_legs: int, n_approach: int, sea: float, approach: float) -> np.ndarray:
    s = np.full(n_legs, sea)
    s[n_legs - n_approach :] = approach
    return np.round(s, 1)


def _schedule_vessel(
    scn: Scenario, rng: np.random.Generator, v: Tanker, cycle_s: float, lo_s: float, hi_s: float
) -> list[tuple[float, float | None, object]]:
    """Berth arrival times of one vessel's calls: (arrival, departure or None, pin or None)."""
    pins = sorted(
        (p for p in scn.pinned if p.vessel == v.name), key=lambda p: to_epoch_s(p.arrival)
    )
    free = v.calls - len(pins)
    anchors = [to_epoch_s(p.arrival) for p in pins]
    bounds = [lo_s, *anchors, hi_s]
    segments = []
    for k in range(len(bounds) - 1):
        a = bounds[k] + (cycle_s if k > 0 else 0.0)
        b = bounds[k + 1] - (cycle_s if k < len(bounds) - 2 else 0.0)
        segments.append((a, b))
    cap = np.array([int((b - a) // cycle_s) + 1 if b >= a else 0 for a, b in segments])
    if cap.sum() < free:
        raise ValueError(f"{v.name}: {v.calls} calls do not fit between the pinned ones")
    weights = np.array([max(b - a, 0.0) + 1.0 for a, b in segments])
    for _ in range(10_000):
        counts = rng.multinomial(free, weights / weights.sum())
        if np.all(counts <= cap):
            break
    else:  # pragma: no cover - only with absurd parameters
        raise ValueError(f"{v.name}: could not place {free} calls")
    out: list[tuple[float, float | None, object]] = []
    for (a, b), n in zip(segments, counts, strict=True):
        out += [(float(t), None, None) for t in place_in_window(rng, int(n), a, b, cycle_s)]
    out += [(to_epoch_s(p.arrival), to_epoch_s(p.departure), p) for p in pins]
    return sorted(out, key=lambda x: x[0])


def plan_watched(
    scn: Scenario, rng: np.random.Generator, books: dict[str, BerthBook]
) -> tuple[list[VesselPlan], list[CallRecord], list[dict]]:
    """Schedule and sail the watched fleet's terminal calls.

    Returns the vessel plans, the call records and, for sightings, a list of the trips
    (vessel plan, call record, times at home).
    """
    pat = scn.pattern
    fac = scn.facility(pat.terminal)
    sim_start = to_epoch_s(scn.sim_start)
    lo_s = to_epoch_s(pat.first_arrival) + DAY_S
    hi_s = to_epoch_s(pat.last_departure) - pat.stay_days[1] * DAY_S
    n_app = len(fac.approach)

    # 1. When: berth arrival times per vessel.
    schedule: list[tuple[Tanker, float, float | None, object]] = []
    for v in scn.calling_fleet:
        route = home_to_berth(scn, v.home, fac, fac.berths[0])
        legs = leg_lengths_nm(route)
        t_max_s = (legs[:-n_app].sum() / pat.sea_speed_knots[0] + legs[-n_app:].sum()
                   / pat.approach_speed_knots[0]) * HOUR_S
        cycle_s = 2 * t_max_s + (pat.stay_days[1] + pat.home_days_min) * DAY_S
        for arr, dep, pin in _schedule_vessel(scn, rng, v, cycle_s, lo_s, hi_s):
            schedule.append((v, arr, dep, pin))
    schedule.sort(key=lambda x: x[1])

    # 2. How: AIS behaviour per call.
    n = len(schedule)
    forced = [pin.behaviour if pin is not None else None for _, _, _, pin in schedule]
    n_dark = int(round(n * _u(rng, pat.dark_share)))
    n_stale = int(rng.integers(pat.stale_calls[0], pat.stale_calls[1] + 1))
    behaviours = np.array(["broadcast"] * n, dtype=object)
    free_idx = np.array([i for i in range(n) if forced[i] is None])
    for i, b in enumerate(forced):
        if b is not None:
            behaviours[i] = b
    n_dark -= sum(b == "dark" for b in forced)
    n_stale -= sum(b == "stale" for b in forced)
    picked = rng.permutation(free_idx)
    behaviours[picked[:n_dark]] = "dark"
    behaviours[picked[n_dark : n_dark + n_stale]] = "stale"
    dark_after = np.array(
        [
            (pin is not None and pin.dark_after_departure)
            or (pin is None and behaviours[i] == "broadcast"
                and rng.random() < pat.dark_after_departure_share)
            for i, (_, _, _, pin) in enumerate(schedule)
        ]
    )

    # 3. Sail each vessel's calls in order.
    plans: dict[str, VesselPlan] = {}
    calls: list[CallRecord] = []
    trips: list[dict] = []
    outbound_dest = {
        v.name: str(rng.choice(np.asarray(pat.outbound_destinations))) for v in scn.calling_fleet
    }
    per_vessel: dict[str, list[int]] = {}
    for i, (v, *_rest) in enumerate(schedule):
        per_vessel.setdefault(v.name, []).append(i)

    for v in scn.calling_fleet:
        plan = _vessel_plan(v, "watched")
        plans[v.name] = plan
        home = scn.home_port(v.home)
        home_berth = home.route[0]
        mine = per_vessel[v.name]
        builder = TrackBuilder(min(sim_start, schedule[mine[0]][1] - 40 * DAY_S), home_berth)
        # Arrival draughts (typed by the crew at home after discharge), one more for after the
        # last call.
        arr_draughts = np.round(
            v.ballast_draught_m + rng.choice(np.asarray(pat.arrival_draught_offset_m), len(mine) + 1),
            1,
        )
        plan.draught_changes.append((builder.now, float(arr_draughts[0])))
        for j, i in enumerate(mine):
            _, arr_s, dep_s, _pin = schedule[i]
            stay_s = (dep_s - arr_s) if dep_s is not None else _u(rng, pat.stay_days) * DAY_S
            berth = books[fac.key].book(rng, arr_s, arr_s + stay_s)
            route_in = home_to_berth(scn, v.home, fac, berth)
            route_out = route_in[::-1].copy()
            n_legs = len(route_in) - 1
            sp_in = _leg_speeds(
                n_legs, n_app, _u(rng, pat.sea_speed_knots), _u(rng, pat.approach_speed_knots)
            )
            sp_out = _leg_speeds(
                n_legs, n_app, _u(rng, pat.sea_speed_knots), _u(rng, pat.approach_speed_knots)
            )[::-1].copy()
            t_in_s = float((leg_lengths_nm(route_in) / sp_in).sum() * HOUR_S)

            arr_draught = float(arr_draughts[j])
            grid = _draught_grid(v.ballast_draught_m, v.summer_draught_m, pat.fill)
            dep_draught = float(rng.choice(grid))
            fill = (dep_draught - v.ballast_draught_m) / (v.summer_draught_m - v.ballast_draught_m)
            cargo_t = fill * pat.cargo_factor * v.dwt_t

            # Home (dark), out, at the berth, back.
            builder.hold(arr_s - t_in_s, HIDDEN)
            leave_home_s = builder.now
            cum_in, tv_in = builder.sail(route_in, sp_in)
            arr_s = float(tv_in[-1])
            dep_s = arr_s + stay_s
            builder.hold(dep_s, MOORED, fac.berth_heading_deg + _u(rng, (-2.0, 2.0)))
            cum_out, tv_out = builder.sail(route_out, sp_out)
            home_arr_s = float(tv_out[-1])
            plan.voyage_changes.append((leave_home_s, outbound_dest[v.name], arr_s))
            plan.voyage_changes.append((dep_s, home.name.upper(), home_arr_s))

            behaviour = str(behaviours[i])
            on_start = float(np.interp(_u(rng, home.dark_nm), cum_in, tv_in))
            last_on = float(np.interp(cum_out[-1] - _u(rng, home.dark_nm), cum_out, tv_out))
            if behaviour == "dark":
                off_s = np.interp(cum_in[-1] - _u(rng, pat.dark_before_nm), cum_in, tv_in)
                back_s = np.interp(_u(rng, pat.dark_after_nm), cum_out, tv_out)
                plan.ais_on.append((on_start, float(off_s)))
                plan.ais_on.append((float(back_s), last_on))
                # Typed while dark: AIS reappears with the laden draught.
                plan.draught_changes.append((dep_s, dep_draught))
            else:
                if dark_after[i]:
                    off_nm = _u(rng, pat.dark_after_departure_start_nm)
                    back_nm = off_nm + _u(rng, pat.dark_after_departure_nm)
                    plan.ais_on.append((on_start, float(np.interp(off_nm, cum_out, tv_out))))
                    plan.ais_on.append((float(np.interp(back_nm, cum_out, tv_out)), last_on))
                else:
                    plan.ais_on.append((on_start, last_on))
                if behaviour == "broadcast":
                    upd_s = dep_s - _u(rng, pat.update_before_departure_hours) * HOUR_S
                    plan.draught_changes.append((max(upd_s, arr_s + 0.25 * stay_s), dep_draught))
            # Discharge at home (dark); the next arrival draught is typed there.
            discharged_s = home_arr_s + _u(rng, pat.discharge_days) * DAY_S
            plan.draught_changes.append((discharged_s, float(arr_draughts[j + 1])))
            rec = CallRecord(
                plan=plan,
                fence=fac.fence,
                berth_arrival_s=arr_s,
                berth_departure_s=dep_s,
                arrival_draught_m=arr_draught,
                departure_draught_m=dep_draught,
                cargo_t=cargo_t,
                cargo_bbl=cargo_t * BBL_PER_TONNE[v.cargo],
                ais_at_facility=behaviour != "dark",
                draught_updated=behaviour != "stale",
                watched=True,
                behaviour=behaviour,
            )
            calls.append(rec)
            trips.append(
                {
                    "plan": plan,
                    "call": rec,
                    "home_berth": home_berth,
                    "discharged_s": discharged_s,
                    "route_in_t": (float(tv_in[0]), float(tv_in[-1])),
                    "route_out_t": (float(tv_out[0]), float(tv_out[-1])),
                }
            )
        builder.hold(max(builder.now + DAY_S, to_epoch_s(scn.sim_end)), HIDDEN)
        plan.track = builder.finish()
    return list(plans.values()), calls, trips


def plan_decoy(scn: Scenario, rng: np.random.Generator, d: Decoy) -> VesselPlan:
    """Sail a decoy: MID 445, never at the terminal; loiters and goes dark elsewhere."""
    v = scn.vessel(d.vessel)
    plan = _vessel_plan(v, "decoy")
    home = scn.home_port(v.home)
    route = as_array(d.route)
    t0, t1 = to_epoch_s(scn.sim_start), to_epoch_s(scn.sim_end)
    legs = leg_lengths_nm(route)
    trip_s = 2 * legs.sum() / 5.5 * HOUR_S + (d.loiter_days[1] + d.dark_hours[1] / 24 + 2) * DAY_S
    starts = place_in_window(rng, d.trips, t0 + 2 * DAY_S, t1 - trip_s - DAY_S, trip_s + 5 * DAY_S)
    builder = TrackBuilder(t0 - DAY_S, route[0])
    draught = v.ballast_draught_m
    plan.draught_changes.append((builder.now, draught))
    for start in starts:
        builder.hold(float(start), HIDDEN)
        speed = round(_u(rng, (6.0, 8.5)), 1)
        plan.voyage_changes.append((builder.now, "", 0.0))
        cum, tv = builder.sail(route, np.full(len(route) - 1, speed))
        on_from = float(np.interp(_u(rng, home.dark_nm), cum, tv))
        loiter_end = builder.now + _u(rng, d.loiter_days) * DAY_S
        builder.hold(loiter_end, DRIFTING)
        dark_end = builder.now + _u(rng, d.dark_hours) * HOUR_S
        plan.ais_on.append((on_from, loiter_end))
        if d.draught_change_m:
            draught = round(draught + d.draught_change_m, 1)
            plan.draught_changes.append(((loiter_end + dark_end) / 2, draught))
        builder.hold(dark_end, DRIFTING)
        back = route[::-1].copy()
        cum, tv = builder.sail(back, np.full(len(back) - 1, speed))
        plan.ais_on.append((dark_end, float(np.interp(cum[-1] - _u(rng, home.dark_nm), cum, tv))))
        if d.draught_change_m:
            draught = v.ballast_draught_m
            plan.draught_changes.append((builder.now + DAY_S, draught))
    builder.hold(t1 + DAY_S, HIDDEN)
    plan.track = builder.finish()
    return plan


# --------------------------------------------------------------------------------------------
# Background traffic
# --------------------------------------------------------------------------------------------


def _mmsi_pool(rng: np.random.Generator, mids: tuple[int, ...], n: int, used: set[int]) -> list[int]:
    out = []
    while len(out) < n:
        mid = mids[0] if rng.random() < 0.5 else int(rng.choice(np.asarray(mids)))
        mmsi = mid * 1_000_000 + int(rng.integers(100_000, 1_000_000))
        if mmsi not in used:
            used.add(mmsi)
            out.append(mmsi)
    return out


def _name(rng: np.random.Generator, words: tuple[str, ...], used: set[str]) -> str:
    for _ in range(1000):
        name = f"{rng.choice(np.asarray(words))} {rng.choice(np.asarray(words[::-1]))}"
        a, b = name.split(" ")
        if a == b:
            name = a
        name = f"{name} {int(rng.integers(1, 30))}"
        if name not in used:
            used.add(name)
            return name
    raise ValueError("ran out of names")  # pragma: no cover


def plan_background(
    scn: Scenario,
    rng: np.random.Generator,
    fleet: BackgroundFleet,
    books: dict[str, BerthBook],
    used_mmsi: set[int],
    used_names: set[str],
) -> tuple[list[VesselPlan], list[CallRecord]]:
    """Sail one class of background traffic."""
    t0, t1 = to_epoch_s(scn.sim_start), to_epoch_s(scn.sim_end)
    plans: list[VesselPlan] = []
    calls: list[CallRecord] = []
    mmsis = _mmsi_pool(rng, fleet.mids, fleet.vessels, used_mmsi)
    for mmsi in mmsis:
        length = round(_u(rng, fleet.length_m))
        plan = VesselPlan(
            mmsi=mmsi,
            name=_name(rng, fleet.name_words, used_names),
            imo=0 if fleet.behaviour == "class_b" else synthetic_imo(rng),
            callsign=f"U{''.join(rng.choice(list('ABCDEFGHIJKLMNOPQRSTUVWXYZ'), 3))}{int(rng.integers(1, 10))}",
            ship_type=fleet.ship_type,
            length_m=length,
            beam_m=round(length / _u(rng, (5.5, 7.0)), 1),
            group=fleet.key,
            class_b=fleet.behaviour == "class_b",
            no_heading=fleet.behaviour == "class_b" or rng.random() < scn.reception.no_heading_share,
            lazy_status=rng.random() < scn.reception.lazy_status_share,
        )
        dwt = _u(rng, fleet.dwt_t)
        ballast = round(_u(rng, fleet.ballast_draught_m), 1)
        summer = round(_u(rng, fleet.laden_draught_m), 1)
        n_visits = int(rng.integers(fleet.visits[0], fleet.visits[1] + 1))
        if fleet.behaviour == "class_b":
            _sail_class_b(scn, rng, fleet, plan, n_visits, ballast)
        else:
            visit_s = (fleet.stay_days[1] + fleet.pre_anchor_days[1] + 1.5) * DAY_S
            spacing = visit_s + 3 * DAY_S
            while n_visits > 1 and (t1 - t0 - 3 * DAY_S) < (n_visits - 1) * spacing + visit_s:
                n_visits -= 1
            starts = place_in_window(rng, n_visits, t0 + 0.25 * DAY_S, t1 - visit_s, spacing)
            builder: TrackBuilder | None = None
            plan.draught_changes.append((t0 - 30 * DAY_S, ballast))
            for start in starts:
                entry = scn.entries[int(rng.integers(len(scn.entries)))]
                exit_ = scn.entries[int(rng.integers(len(scn.entries)))]
                if builder is None:
                    builder = TrackBuilder(float(start) - 1.0, entry[0])
                else:
                    builder.move_hidden(entry[0], float(start))
                speed = round(_u(rng, fleet.speed_knots), 1)
                if fleet.behaviour == "passer":
                    passage = as_array(scn.passages[int(rng.integers(len(scn.passages)))])
                    if rng.random() < 0.5:
                        passage = passage[::-1].copy()
                    builder.move_hidden((passage[0, 0], passage[0, 1]), builder.now + 1.0)
                    begin = builder.now
                    plan.voyage_changes.append((begin, "", 0.0))
                    builder.sail(passage, np.full(len(passage) - 1, speed))
                    plan.ais_on.append((begin, builder.now))
                else:
                    calls += _sail_call(
                        scn, rng, fleet, plan, builder, books, entry, exit_, speed,
                        ballast, summer, dwt,
                    )
            assert builder is not None
            builder.hold(builder.now + 1.0, HIDDEN)
            plan.track = builder.finish()
        plans.append(plan)
    return plans, calls


def _sail_call(
    scn: Scenario,
    rng: np.random.Generator,
    fleet: BackgroundFleet,
    plan: VesselPlan,
    builder: TrackBuilder,
    books: dict[str, BerthBook],
    entry: tuple[LonLat, ...],
    exit_: tuple[LonLat, ...],
    speed: float,
    ballast: float,
    summer: float,
    dwt: float,
) -> list[CallRecord]:
    """One visit of a calling or waiting background vessel, from the edge of the area and back."""
    out: list[CallRecord] = []
    fac = scn.facility(fleet.facility)
    anch = scn.facility("anchorage")
    approach_speed = round(_u(rng, (4.0, 6.0)), 1)
    begin = builder.now
    arr_draught = round(ballast + float(rng.choice([-0.1, 0.0, 0.0, 0.1])), 1)
    plan.draught_changes.append((begin - 60.0, arr_draught))
    waiting = fleet.behaviour == "waiter"
    pre_anchor = waiting or rng.random() < fleet.pre_anchor_share

    def sail_in(route: np.ndarray, n_approach: int) -> None:
        sp = _leg_speeds(len(route) - 1, n_approach, speed, approach_speed)
        builder.sail(route, sp)

    plan.voyage_changes.append((begin, fac.destination, begin + 12 * HOUR_S))
    here_fac, here_berth = None, None
    if pre_anchor:
        wait_s = (_u(rng, fleet.stay_days) if waiting else _u(rng, fleet.pre_anchor_days)) * DAY_S
        spot = books[anch.key].book(rng, 0.0, 0.0)
        sail_in(entry_to_berth(entry, anch, spot), len(anch.approach))
        a_s = builder.now
        builder.hold(a_s + wait_s, ANCHORED)
        out.append(
            CallRecord(
                plan, anch.fence, a_s, builder.now, arr_draught, arr_draught, 0.0, 0.0,
                True, False, watched=False,
            )
        )
        here_fac, here_berth = anch, spot
    if not waiting:
        stay_s = _u(rng, fleet.stay_days) * DAY_S
        est_arr = builder.now + 2 * HOUR_S
        berth = books[fac.key].book(rng, est_arr, est_arr + stay_s)
        if here_fac is None:
            sail_in(entry_to_berth(entry, fac, berth), len(fac.approach))
        else:
            route = berth_to_berth(here_fac, here_berth, fac, berth)
            builder.sail(route, np.full(len(route) - 1, approach_speed))
        a_s = builder.now
        dep_s = a_s + stay_s
        fill = 1.0 - _u(rng, (0.0, 0.15))
        dep_draught = round(ballast + fill * (summer - ballast), 1)
        stale = rng.random() < fleet.stale_share
        if not stale:
            plan.draught_changes.append((dep_s - _u(rng, (0.3, 4.0)) * HOUR_S, dep_draught))
        builder.hold(dep_s, MOORED, fac.berth_heading_deg + _u(rng, (-3.0, 3.0)))
        fill_eff = (dep_draught - arr_draught) / max(summer - arr_draught, 0.1)
        cargo_t = max(fill_eff, 0.0) * BACKGROUND_CARGO_SHARE_OF_DWT * dwt
        bbl = cargo_t * BBL_PER_TONNE[fleet.cargo] if fleet.cargo else np.nan
        out.append(
            CallRecord(
                plan, fac.fence, a_s, dep_s, arr_draught, dep_draught, cargo_t, bbl,
                True, not stale, watched=False,
            )
        )
        here_fac, here_berth = fac, berth
    # Leave through the offing to the exit.
    assert here_fac is not None and here_berth is not None
    out_route = entry_to_berth(exit_, here_fac, here_berth)[::-1].copy()
    n_app = len(here_fac.approach)
    sp = _leg_speeds(len(out_route) - 1, 0, speed, approach_speed)
    sp[:n_app] = approach_speed
    onward = str(rng.choice(np.asarray(scn.foreign_ports)))
    plan.voyage_changes.append((builder.now, onward, builder.now + 2 * DAY_S))
    builder.sail(out_route, sp)
    plan.ais_on.append((begin, builder.now))
    return out


def _sail_class_b(
    scn: Scenario,
    rng: np.random.Generator,
    fleet: BackgroundFleet,
    plan: VesselPlan,
    n_trips: int,
    draught: float,
) -> None:
    """Day trips of a class B craft from its base (AIS off at the base)."""
    t0, t1 = to_epoch_s(scn.sim_start), to_epoch_s(scn.sim_end)
    base = as_array(scn.class_b_base)
    (x0, y0), (x1, y1) = scn.class_b_grounds
    spacing = fleet.stay_days[1] * DAY_S + 1.5 * DAY_S
    starts = place_in_window(rng, n_trips, t0 + DAY_S, t1 - 2 * DAY_S, spacing)
    builder = TrackBuilder(t0 - DAY_S, (base[0, 0], base[0, 1]))
    plan.draught_changes.append((builder.now, draught))
    for start in starts:
        # Leave in daylight-ish hours (UTC+10): 20:00-02:00 UTC is 06:00-12:00 local.
        day = np.floor(start / DAY_S) * DAY_S
        builder.hold(max(builder.now + 60.0, day + 20 * HOUR_S + _u(rng, (0.0, 6.0)) * HOUR_S),
                     HIDDEN)
        begin = builder.now
        n_pts = int(rng.integers(2, 5))
        pts = np.column_stack([rng.uniform(x0, x1, n_pts), rng.uniform(y0, y1, n_pts)])
        route = as_array([*base, *pts, *base[::-1]])
        speed = _u(rng, fleet.speed_knots)
        builder.sail(route, np.round(np.full(len(route) - 1, speed), 1))
        plan.ais_on.append((begin, builder.now))
    builder.hold(t1 + DAY_S, HIDDEN)
    plan.track = builder.finish()


# --------------------------------------------------------------------------------------------
# Sightings and truth
# --------------------------------------------------------------------------------------------


def _sighting_ids(rng: np.random.Generator, plan: VesselPlan) -> tuple[str, str, str]:
    """Which identifiers a sighting carries: vary between mmsi, IMO and name."""
    choice = int(rng.integers(6))
    mmsi, imo, name = str(plan.mmsi), (str(plan.imo) if plan.imo else ""), plan.name
    if choice == 0:
        return "", "", name
    if choice == 1 and imo:
        return "", imo, ""
    if choice == 2:
        return mmsi, "", name
    if choice == 3 and imo:
        return "", imo, name
    if choice == 4:
        return mmsi, imo, name
    return "", "", name


def plan_sightings(
    scn: Scenario, rng: np.random.Generator, calls: list[CallRecord], trips: list[dict]
) -> pd.DataFrame:
    """Sightings at the terminal (stale calls, half the dark ones), at sea and at home ports."""
    sc = scn.sightings
    rows = []
    sources = np.asarray(sc.sources)

    def add(t_s: float, lon: float, lat: float, plan: VesselPlan, state: str) -> None:
        dlon, dlat = offset_deg(lat, *rng.normal(0.0, sc.position_noise_m, 2))
        mmsi, imo, name = _sighting_ids(rng, plan)
        rows.append(
            {
                "timestamp": pd.Timestamp(round(t_s), unit="s", tz="UTC").strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
                "lon": round(float(lon + dlon), 5),
                "lat": round(float(lat + dlat), 5),
                "mmsi": mmsi,
                "imo": imo,
                "name": name,
                "state": state,
                "source": str(rng.choice(sources)),
            }
        )

    watched = [c for c in calls if c.watched]
    dark = [c for c in watched if c.behaviour == "dark"]
    n_dark = int(round(len(dark) * sc.dark_share))
    chosen_dark = {id(c) for c in (rng.permutation(np.array(dark, dtype=object))[:n_dark])}
    for c in watched:
        stay = c.berth_departure_s - c.berth_arrival_s
        if c.behaviour == "stale":
            t = c.berth_arrival_s + _u(rng, (0.55, 0.95)) * stay
            state = "laden"
        elif id(c) in chosen_dark:
            frac = _u(rng, (0.1, 0.95))
            t = c.berth_arrival_s + frac * stay
            state = "laden" if frac > 0.6 else ("ballast" if frac < 0.25 else "unknown")
        else:
            continue
        c.sighted = True
        lon, lat = c.plan.track.position(t)
        add(t, float(lon), float(lat), c.plan, state)

    order = rng.permutation(len(trips))
    at_sea = [trips[i] for i in order[: sc.at_sea]]
    at_home = [trips[i] for i in order[sc.at_sea : sc.at_sea + sc.at_home]]
    for tr in at_sea:
        outbound = rng.random() < 0.5
        t_a, t_b = tr["route_in_t"] if outbound else tr["route_out_t"]
        t = t_a + _u(rng, (0.3, 0.7)) * (t_b - t_a)
        lon, lat = tr["plan"].track.position(t)
        add(t, float(lon), float(lat), tr["plan"], "ballast" if outbound else "laden")
    for tr in at_home:
        t = tr["discharged_s"] + _u(rng, (0.1, 0.9)) * DAY_S
        lon, lat = tr["home_berth"]
        add(t, lon, lat, tr["plan"], "ballast")
    frame = pd.DataFrame(rows, columns=SIGHTING_COLUMNS)
    return frame.sort_values("timestamp", kind="stable").reset_index(drop=True)


def truth_frame(scn: Scenario, calls: list[CallRecord]) -> pd.DataFrame:
    """Truth rows for ``calls``: fence entry and exit measured on the true track."""
    rows = []
    for c in calls:
        ring = scn.fence(c.fence).ring
        arr, dep = fence_crossings(c.plan.track, ring, c.berth_arrival_s, c.berth_departure_s)
        rows.append(
            {
                "mmsi": c.plan.mmsi,
                "name": c.plan.name,
                "arrival": pd.Timestamp(round(arr), unit="s", tz="UTC"),
                "departure": pd.Timestamp(round(dep), unit="s", tz="UTC"),
                "arrival_draught_m": round(c.arrival_draught_m, 1),
                "departure_draught_m": round(c.departure_draught_m, 1),
                "cargo_t": round(c.cargo_t, 1),
                "cargo_bbl": round(c.cargo_bbl, 0) if np.isfinite(c.cargo_bbl) else np.nan,
                "ais_at_terminal": c.ais_at_facility,
                "draught_updated": c.draught_updated,
                "sighted": c.sighted,
                "port": c.fence,
            }
        )
    frame = pd.DataFrame(rows, columns=TRUTH_COLUMNS)
    return frame.sort_values(["arrival", "mmsi"], kind="stable").reset_index(drop=True)


def plan_scenario(scn: Scenario, seed: int) -> Plan:
    """Plan ``scn`` with random seed ``seed`` (deterministic)."""
    seq = np.random.SeedSequence(seed)
    rng_watch, rng_decoy, rng_bg, rng_sight = (np.random.default_rng(s) for s in seq.spawn(4))
    books = {f.key: BerthBook(f) for f in scn.facilities}
    vessels, calls, trips = plan_watched(scn, rng_watch, books)
    vessels += [plan_decoy(scn, rng_decoy, d) for d in scn.decoys]
    used_mmsi = {v.mmsi for v in scn.fleet}
    used_names = {v.name for v in scn.fleet}
    for fleet in scn.background:
        p, c = plan_background(scn, rng_bg, fleet, books, used_mmsi, used_names)
        vessels += p
        calls += c
    sightings = plan_sightings(scn, rng_sight, calls, trips)
    plan = Plan(vessels=vessels, calls=calls, sightings=sightings)
    plan.truth = truth_frame(scn, [c for c in calls if c.watched])
    plan.background_truth = truth_frame(scn, [c for c in calls if not c.watched])
    return plan

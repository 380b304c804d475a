"""Every threshold of the detectors, each declared once, in one frozen dataclass per concept.

A threshold two detectors share is shared by reference: the port-call parameters *hold* the
gap and speed parameters they use (``PortCallParams.gaps``, ``PortCallParams.speed``) rather
than copying their values, and :class:`CountParams` holds each concept once. The command line
maps each flag onto one field, without arithmetic, so a flag gives the same answer from the
command line and from the library. Defaults and their sources: ``docs/method.md``.

========================  ==========================================================
class                     concept
========================  ==========================================================
:class:`TrackParams`      cleaning tracks (duplicates, impossible jumps)
:class:`SpeedParams`      a vessel's own speed around a time, and the fastest assumed
:class:`GapParams`        what silence is an AIS gap
:class:`PortCallParams`   the port-call state machine (holds gaps and speed)
:class:`DarkCallParams`   dark calls and sighting calls
:class:`CargoParams`      load state and cargo arithmetic
:class:`CountParams`      all of the above, for :func:`vesseltrack.count_port_calls`
:class:`StoreParams`      the on-disk store: its layout and the time margin of windowed reads
========================  ==========================================================
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "CargoParams",
    "CountParams",
    "DarkCallParams",
    "GapParams",
    "PortCallParams",
    "SpeedParams",
    "StoreParams",
    "TrackParams",
]


@dataclass(frozen=True)
class TrackParams:
    """Parameters of :func:`vesseltrack.clean_tracks`.

    Attributes
    ----------
    duplicate_seconds : float
        Two reports of one vessel at the same position (to ``duplicate_position_deg``) less
        than this many seconds apart are one report heard by several receivers; the later is
        dropped.
    duplicate_position_deg : float
        Longitude/latitude tolerance, degrees, for "the same position" (1e-5° ≈ 1 m).
    max_implied_speed_knots : float
        A valid position whose implied speed to *both* valid neighbours exceeds this is a
        position error and is dropped (implied speeds over ~50 kn are errors for merchant
        ships; ``docs/method.md``).
    min_jump_m : float
        Displacements shorter than this never count as jumps, metres (GNSS jitter between
        reports a second apart would otherwise imply absurd speeds).
    """

    duplicate_seconds: float = 30.0
    duplicate_position_deg: float = 1e-5
    max_implied_speed_knots: float = 50.0
    min_jump_m: float = 1000.0


@dataclass(frozen=True)
class SpeedParams:
    """A vessel's own speed around a time (:meth:`vesseltrack.tracks.TrackArrays.speed_around_knots`).

    Attributes
    ----------
    speed_window_hours : float
        Window before/after a time over which the vessel's own speed is measured, hours.
    min_speed_knots : float
        Slowest speed used in an estimate; reports at or below it are not "moving", knots.
    max_speed_knots : float
        Fastest plausible speed of the vessel, knots: the upper bound of a measured speed, the
        speed assumed where none can be measured, and the speed through a gap that decides
        whether a fence was reachable (:func:`vesseltrack.detect_gaps`).
    """

    speed_window_hours: float = 6.0
    min_speed_knots: float = 3.0
    max_speed_knots: float = 12.0


@dataclass(frozen=True)
class GapParams:
    """What silence is an AIS gap (:func:`vesseltrack.detect_gaps`).

    Attributes
    ----------
    min_gap_hours : float
        Shortest silence reported as a gap (the gaps table, dark calls; ``--min-hours``),
        hours.
    observed_silence_hours : float
        Global Fishing Watch's gap length, hours: a port call's entry or exit counts as
        observed only across a shorter silence. See :attr:`port_call_gap_hours`.
    """

    min_gap_hours: float = 6.0
    observed_silence_hours: float = 6.0

    @property
    def port_call_gap_hours(self) -> float:
        """Silence, hours, that the port-call detector treats as a gap:
        ``min(min_gap_hours, observed_silence_hours)``.

        Any silence reported as a gap is one for port calls too (a lower ``min_gap_hours``
        also tightens what an "observed" entry is), but reporting only longer gaps (a higher
        ``min_gap_hours``) does not make an entry across a 6-12 hour silence "observed".
        """
        return min(self.min_gap_hours, self.observed_silence_hours)


@dataclass(frozen=True)
class PortCallParams:
    """Parameters of the port-call state machine (defaults after Global Fishing Watch).

    Attributes
    ----------
    exit_margin_m : float
        A call ends only when the vessel is farther than this from the polygon, metres.
    min_dwell_hours : float
        A visit without a stop counts as a call only if it lasted this long, hours; a fence
        is reachable during a gap only if the vessel could have stayed this long there.
    stop_begin_knots, stop_end_knots : float
        Speed at or below which a stop begins, and at or above which it ends, knots.
    in_port_gap_hours : float
        Silence inside a fence at least this long is an in-port gap (evidence for
        confidence; it never ends a call), hours.
    max_dark_approach_nm : float
        An arrival/departure is estimated across an adjacent AIS gap, and a gap makes a dark
        call, only if the gap began/ended within this distance of the fence, nautical miles.
    gaps : GapParams
        What silence is a gap (:attr:`GapParams.port_call_gap_hours` is used here).
    speed : SpeedParams
        The vessel's own speed, for arrivals and departures estimated across a gap.
    """

    exit_margin_m: float = 500.0
    min_dwell_hours: float = 2.0
    stop_begin_knots: float = 0.2
    stop_end_knots: float = 0.5
    in_port_gap_hours: float = 4.0
    max_dark_approach_nm: float = 60.0
    gaps: GapParams = field(default_factory=GapParams)
    speed: SpeedParams = field(default_factory=SpeedParams)


@dataclass(frozen=True)
class DarkCallParams:
    """Parameters of dark calls and sighting calls (:mod:`vesseltrack.dark`).

    The distance and speed rules are those of the port calls
    (:attr:`PortCallParams.max_dark_approach_nm`, :attr:`PortCallParams.speed`).

    Attributes
    ----------
    no_dark_call_kinds : tuple of str
        Fence kinds that never get a dark call (no cargo is worked at an anchorage).
    sighting_match_hours : float
        A sighting this close in time to a call at the same fence is evidence for it, hours.
    sighting_cluster_hours : float
        Sightings of one vessel at one fence less than this apart make one call, hours.
    """

    no_dark_call_kinds: tuple[str, ...] = ("anchorage",)
    sighting_match_hours: float = 12.0
    sighting_cluster_hours: float = 24.0


@dataclass(frozen=True)
class CargoParams:
    """Parameters of :func:`vesseltrack.assess_load` (arithmetic in ``docs/method.md``).

    Attributes
    ----------
    loaded_fraction_of_range : float
        Draught rise, as a fraction of (summer − ballast) draught, that makes a call
        ``loaded`` (a fall of the same size makes it ``discharged``).
    loaded_rise_m : float
        The same threshold in metres for vessels without summer and ballast draught.
    cargo_share_of_dwt : float
        Share of deadweight that is cargo at full load (the rest is bunkers and stores).
    sighting_fill : float
        Fill assumed for a loaded call known only from a laden sighting.
    default_bbl_per_t : float
        Barrels per tonne when the registry gives neither ``bbl_per_t`` nor ``cargo`` (the UN
        1718 Committee's conversion, about 7.5).
    sighting_window_hours : float
        A laden sighting up to this long after departure still settles the load state, hours.
    max_draught_lag_hours : float or None
        Ignore a departure draught reported more than this long after departure, hours
        (None: no limit other than the next call at the same fence).
    """

    loaded_fraction_of_range: float = 0.3
    loaded_rise_m: float = 1.0
    cargo_share_of_dwt: float = 0.93
    sighting_fill: float = 0.9
    default_bbl_per_t: float = 7.5
    sighting_window_hours: float = 72.0
    max_draught_lag_hours: float | None = None


@dataclass(frozen=True)
class CountParams:
    """All parameters of :func:`vesseltrack.count_port_calls`, each concept once.

    The gap and speed parameters are those held by ``port_calls`` (:attr:`gaps`,
    :attr:`speed`), so that gaps, port calls and dark calls cannot disagree.
    """

    tracks: TrackParams = field(default_factory=TrackParams)
    port_calls: PortCallParams = field(default_factory=PortCallParams)
    dark: DarkCallParams = field(default_factory=DarkCallParams)
    cargo: CargoParams = field(default_factory=CargoParams)

    @property
    def gaps(self) -> GapParams:
        """The gap parameters (``port_calls.gaps``)."""
        return self.port_calls.gaps

    @property
    def speed(self) -> SpeedParams:
        """The speed parameters (``port_calls.speed``)."""
        return self.port_calls.speed

    def record(self) -> dict[str, Any]:
        """Every parameter, as the JSON-ready record that results carry: one key per
        concept (``tracks``, ``port_calls``, ``gaps``, ``speed``, ``dark``, ``cargo``)."""
        port_calls = asdict(self.port_calls)
        del port_calls["gaps"], port_calls["speed"]
        return {
            "tracks": asdict(self.tracks),
            "port_calls": port_calls,
            "gaps": asdict(self.gaps),
            "speed": asdict(self.speed),
            "dark": asdict(self.dark),
            "cargo": asdict(self.cargo),
        }


@dataclass(frozen=True)
class StoreParams:
    """Layout of the on-disk store (:mod:`vesseltrack.store`) and how windowed reads widen.

    Attributes
    ----------
    buckets : int
        Hash buckets of the MMSI (``bucket=0 .. buckets-1``); fixed when the store is made
        (``ingest.json`` records it). Peak memory of a bucket-by-bucket count is about the
        data over ``buckets``.
    flush_rows : int
        Decoded rows held before they are split by partition and written (one row group per
        partition per flush): bounds the memory of an ingest.
    window_margin_hours : float
        A read limited by ``--since``/``--until`` takes this much more data on either side,
        hours, so that a port call or gap straddling the window's edge is still seen whole
        (30 days: longer calls and gaps are cut at the margin).
    """

    buckets: int = 16
    flush_rows: int = 2_000_000
    window_margin_hours: float = 720.0

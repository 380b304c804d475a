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
:class:`DraughtParams`    which draught report is "the draught" at an event
:class:`CargoParams`      load state and cargo arithmetic (holds the draught rule)
:class:`CountParams`      all of the above, for :func:`vesseltrack.count_port_calls`
:class:`SegmentParams`    splitting one MMSI into the tracks of several ships
:class:`IdentityParams`   identity checks (:func:`vesseltrack.check_identity`)
:class:`WatchlistParams`  matching vessels against a watchlist
:class:`StoreParams`      the on-disk store: its layout and the time margin of windowed reads
========================  ==========================================================

At sea and voyages (``docs/at-sea.md``):

============================  ===============================================================
class                         concept
============================  ===============================================================
:class:`GridParams`           tracks resampled on a regular time grid
:class:`EncounterParams`      encounters (ship-to-ship meetings seen on AIS)
:class:`LoiteringParams`      loitering (slow for hours far from shore)
:class:`DarkEncounterParams`  encounters with one or both ships dark
:class:`VoyageParams`         the next call after a call, dark arrivals included
:class:`AtSeaParams`          the at-sea detectors together (:func:`vesseltrack.detect_at_sea`)
:class:`OffshoreGapParams`    which gaps are offshore (:func:`vesseltrack.add_distance_to_shore`)
============================  ===============================================================
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "CargoParams",
    "CountParams",
    "DarkCallParams",
    "DraughtParams",
    "GapParams",
    "IdentityParams",
    "PortCallParams",
    "SegmentParams",
    "SpeedParams",
    "StoreParams",
    "TrackParams",
    "WatchlistParams",
    "GridParams",
    "EncounterParams",
    "LoiteringParams",
    "DarkEncounterParams",
    "VoyageParams",
    "AtSeaParams",
    "OffshoreGapParams",
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
class DraughtParams:
    """Which draught report counts at an event (:func:`vesseltrack.statics.draught_in_effect`).

    The draught at a time is the one in effect then: the last report at or before it. A
    call's departure draught is the last one reported within the call; only where the call
    has none (AIS off in port), the first one reported up to ``lookahead_hours`` after
    departure, and before the vessel's next call, stands in.

    Attributes
    ----------
    lookahead_hours : float
        Longest look-ahead after departure for a call without a report, hours.
    """

    lookahead_hours: float = 24.0


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
    draught : DraughtParams
        Which draught report makes a call's arrival and departure draught.
    """

    loaded_fraction_of_range: float = 0.3
    loaded_rise_m: float = 1.0
    cargo_share_of_dwt: float = 0.93
    sighting_fill: float = 0.9
    default_bbl_per_t: float = 7.5
    sighting_window_hours: float = 72.0
    draught: DraughtParams = field(default_factory=DraughtParams)


@dataclass(frozen=True)
class SegmentParams:
    """Splitting one MMSI into the tracks of the ships behind it
    (:func:`vesseltrack.segment_tracks`; after gpsdio-segment, ``docs/identity.md``).

    Attributes
    ----------
    split_speed_knots : float
        A position continues a segment only if the speed implied from that segment's last
        position is at most this, knots (or the displacement is under :attr:`split_distance_m`).
    split_distance_m : float
        A displacement shorter than this always continues a segment, metres.
    max_open_segments : int
        Segments of one MMSI kept open at once; a position that fits none of them opens a new
        one in place of the one silent longest. More ships than this transmitting at once on
        one MMSI are not separated: their segments churn, and with :attr:`isolation_lags`
        their positions become noise (``docs/identity.md``, "Limits").
    min_segment_positions : int
        A segment with fewer positions is noise (one-off wild positions), not a ship: its
        positions get segment 0.
    isolation_lags : int
        An off-track position (:func:`vesseltrack.segments.isolated_positions`) is a wild
        position (noise, no part in segmentation) unless another off-track position among
        this many reports before or after it, of the same MMSI, continues it.
    """

    split_speed_knots: float = 40.0
    split_distance_m: float = 500.0
    max_open_segments: int = 8
    min_segment_positions: int = 3
    isolation_lags: int = 8


@dataclass(frozen=True)
class CountParams:
    """All parameters of :func:`vesseltrack.count_port_calls`, each concept once.

    The gap and speed parameters are those held by ``port_calls`` (:attr:`gaps`,
    :attr:`speed`), so that gaps, port calls and dark calls cannot disagree.

    ``segments`` (default None: one MMSI is one ship) splits each MMSI into the tracks of the
    ships behind it before detection (:func:`vesseltrack.segment_tracks`); port calls and gaps
    then run per segment and carry a ``segment`` column.
    """

    tracks: TrackParams = field(default_factory=TrackParams)
    port_calls: PortCallParams = field(default_factory=PortCallParams)
    dark: DarkCallParams = field(default_factory=DarkCallParams)
    cargo: CargoParams = field(default_factory=CargoParams)
    voyages: VoyageParams = field(default_factory=lambda: VoyageParams())
    segments: SegmentParams | None = None

    @property
    def gaps(self) -> GapParams:
        """The gap parameters (``port_calls.gaps``)."""
        return self.port_calls.gaps

    @property
    def speed(self) -> SpeedParams:
        """The speed parameters (``port_calls.speed``)."""
        return self.port_calls.speed

    @property
    def draught(self) -> DraughtParams:
        """The draught rule (``cargo.draught``)."""
        return self.cargo.draught

    def record(self) -> dict[str, Any]:
        """Every parameter, as the JSON-ready record that results carry: one key per
        concept (``tracks``, ``port_calls``, ``gaps``, ``speed``, ``dark``, ``cargo``,
        ``draught``, ``voyages``, and ``segments`` when splitting shared MMSIs)."""
        port_calls = asdict(self.port_calls)
        del port_calls["gaps"], port_calls["speed"]
        cargo = asdict(self.cargo)
        del cargo["draught"]
        return {
            "tracks": asdict(self.tracks),
            "port_calls": port_calls,
            "gaps": asdict(self.gaps),
            "speed": asdict(self.speed),
            "dark": asdict(self.dark),
            "cargo": cargo,
            "draught": asdict(self.draught),
            "voyages": asdict(self.voyages),
        } | ({"segments": asdict(self.segments)} if self.segments is not None else {})


# ---------------------------------------------------------------------------------------------
# At sea (docs/at-sea.md)


@dataclass(frozen=True)
class GridParams:
    """Tracks resampled on a regular time grid (:func:`vesseltrack.resample.resample_tracks`).

    Attributes
    ----------
    step_minutes : float
        Grid step, minutes: every vessel's position is interpolated at the same instants.
    max_interpolation_hours : float
        Interpolate only between consecutive positions at most this far apart, hours; a
        longer silence leaves the grid empty (it is a gap, not a straight line).
    """

    step_minutes: float = 10.0
    max_interpolation_hours: float = 1.0

    def __post_init__(self) -> None:
        if not self.step_minutes > 0:
            raise ValueError(f"the grid step must be more than 0 minutes, got {self.step_minutes}")


@dataclass(frozen=True)
class EncounterParams:
    """Encounters: two vessels close and slow together (after Global Fishing Watch).

    Attributes
    ----------
    max_distance_m : float
        Largest distance between the two vessels at a grid instant, metres (GFW: 500 m).
    min_duration_hours : float
        Shortest encounter, hours (GFW: 2 h).
    max_median_speed_knots : float
        Median speed of the two vessels over the encounter must be below this, knots
        (GFW: 2 kn).
    max_point_speed_knots : float
        Grid instants where either vessel is faster than this are not part of an encounter,
        knots (a crossing at speed is never slow enough).
    max_break_minutes : float
        Instants apart by no more than this join into one encounter, minutes (missing
        reports or a swing beyond the distance for a moment do not split it).
    min_fence_distance_nm : float
        Instants this close to a geofence (anchorage, port, terminal) are not at sea,
        nautical miles (GFW: 10 km from an anchorage, 5.4 nm).
    draught_window_hours : float
        Draught change across an encounter: the draught reported in effect at its start,
        against the first one reported after its end within this many hours, metres.
    grid : GridParams
        The time grid the vessels are compared on.
    """

    max_distance_m: float = 500.0
    min_duration_hours: float = 2.0
    max_median_speed_knots: float = 2.0
    max_point_speed_knots: float = 5.0
    max_break_minutes: float = 30.0
    min_fence_distance_nm: float = 5.4
    draught_window_hours: float = 48.0
    grid: GridParams = field(default_factory=GridParams)


@dataclass(frozen=True)
class LoiteringParams:
    """Loitering: slow for hours far from shore (after Global Fishing Watch).

    Attributes
    ----------
    max_speed_knots : float
        Speed on the grid (implied between grid instants) below which a vessel is slow, knots
        (GFW: 2 kn).
    min_duration_hours : float
        Shortest loitering, hours (GFW: 4 h).
    min_shore_distance_nm : float
        Loitering is reported only this far from shore or farther (at its median position),
        nautical miles (GFW: 20 nm).
    max_break_minutes : float
        Slow instants apart by no more than this join into one loitering, minutes.
    min_fence_distance_nm : float
        Instants this close to a geofence are waiting at an anchorage or in port, not
        loitering, nautical miles (the encounters' 5.4 nm).
    """

    max_speed_knots: float = 2.0
    min_duration_hours: float = 4.0
    min_shore_distance_nm: float = 20.0
    max_break_minutes: float = 30.0
    min_fence_distance_nm: float = 5.4


@dataclass(frozen=True)
class DarkEncounterParams:
    """Encounters where one or both vessels were dark (an AIS gap).

    The other thresholds of a dark encounter are those of concepts declared elsewhere and held
    here or read from :class:`AtSeaParams`: what silence is a gap (``gaps``), the fastest
    speed a vessel is assumed to sail through one (``speed``), and, from the encounters, the
    time the two must be able to spend together (``EncounterParams.min_duration_hours``) and
    the speed below which the visible vessel is waiting (``EncounterParams.
    max_median_speed_knots``).

    Attributes
    ----------
    max_approach_nm : float
        One dark: the gap's start and end both lie within this distance of the loitering
        vessel, nautical miles. Both dark: the two gaps' starts lie within this distance of
        each other, and so do their ends.
    gaps : GapParams
        Shortest AIS gap that can hide a meeting (the gap detector's own rule).
    speed : SpeedParams
        ``max_speed_knots``: fastest speed assumed through the gap (the port calls' fastest
        plausible speed): the dark vessel must be able to sail from its gap's start to the
        meeting, stay alongside and sail on to the gap's end.
    """

    max_approach_nm: float = 30.0
    gaps: GapParams = field(default_factory=GapParams)
    speed: SpeedParams = field(default_factory=SpeedParams)


@dataclass(frozen=True)
class VoyageParams:
    """The next call of a vessel after a call (:func:`vesseltrack.voyages.add_next_calls`).

    Attributes
    ----------
    min_discharge_drop_m : float
        A gap after a call whose draught after is lower than before by at least this much,
        metres, and during which a fence was reachable, is a dark arrival (a discharge) at
        the likeliest reachable fence.
    no_next_call_kinds : tuple of str
        Fence kinds that are never a dark arrival (no cargo is worked at an anchorage).
    """

    min_discharge_drop_m: float = 0.5
    no_next_call_kinds: tuple[str, ...] = ("anchorage",)


@dataclass(frozen=True)
class AtSeaParams:
    """All parameters of :func:`vesseltrack.detect_at_sea`, each concept once.

    ``segments`` (default None: one MMSI is one ship) splits each MMSI into the tracks of the
    ships behind it before detection (:func:`vesseltrack.segment_tracks`): a vessel is then
    an (MMSI, segment) for the grid, the pairing, the gaps and loitering, and the tables gain
    ``segment_a``/``segment_b`` (encounters) and ``segment`` (loitering) columns.
    """

    tracks: TrackParams = field(default_factory=TrackParams)
    encounters: EncounterParams = field(default_factory=EncounterParams)
    loitering: LoiteringParams = field(default_factory=LoiteringParams)
    dark: DarkEncounterParams = field(default_factory=DarkEncounterParams)
    segments: SegmentParams | None = None

    def record(self) -> dict[str, Any]:
        """Every parameter as a JSON-ready dict (one key per concept; ``segments`` only when
        splitting shared MMSIs)."""
        return {
            "tracks": asdict(self.tracks),
            "encounters": asdict(self.encounters),
            "loitering": asdict(self.loitering),
            "dark": asdict(self.dark),
        } | ({"segments": asdict(self.segments)} if self.segments is not None else {})


@dataclass(frozen=True)
class WatchlistParams:
    """Matching vessels against a watchlist (:func:`vesseltrack.match_watchlist`): by IMO, then
    MMSI, then normalised name.

    Attributes
    ----------
    min_name_score : float
        Lowest rapidfuzz ``ratio`` (0-100) between the letters of two normalised names that
        makes them the same name; the numbers in the names must be equal as well.
    match_names : bool
        Also match by name (a name alone is weak evidence: IMO and MMSI are tried first).
    """

    min_name_score: float = 90.0
    match_names: bool = True


@dataclass(frozen=True)
class IdentityParams:
    """Identity checks (:func:`vesseltrack.check_identity`; ``docs/identity.md``).

    Attributes
    ----------
    segments : SegmentParams
        How an MMSI is split into the ships behind it.
    min_shared_positions : int
        Each of two segments needs this many positions for a ``shared-mmsi``.
    min_shared_switches : int
        Times the reports must switch between the two segments (two ships at once); a
        vessel whose positions jump away and back once (jamming, a spoofed excursion) switches
        twice.
    min_reports : int
        Static reports a name, IMO or call sign needs before a change to or from it counts
        (a single garbled report is not a new identity).
    swap_window_hours : float
        Two vessels that take each other's name or IMO within this time of each other
        exchanged identities, hours.
    swap_meet_km : float
        ... provided they were this close to each other around then, km.
    circle_bin_hours : float
        Time bins over which a vessel's reported speed and positions are compared, hours.
    circle_min_positions : int
        Positions a bin needs for a circle-spoofing verdict.
    circle_min_hours : float
        Time between the first and last position of a bin needed for a verdict, hours.
    circle_min_speed_knots : float
        Median reported speed above which a vessel claims to be moving, knots.
    circle_max_radius_km : float
        Largest distance from the bin's centre for positions that "stay in a tight
        cluster", km.
    circle_max_extent_share : float
        ... and that largest distance must be under this share of the distance the reported
        speed would cover between the bin's first and last position.
    jam_min_vessels : int
        Distinct vessels whose positions jump to the same place at the same time that make a
        jamming area (reported once, as an area, not per vessel).
    jam_cell_deg : float
        Grid cell, degrees, in which jumped-to positions count as "the same place".
    jam_window_hours : float
        Time bin, hours, in which jumps count as "at the same time".
    jam_max_segment_hours : float
        Longest off-track excursion taken as a jump (longer ones are tracks of their own).
    """

    segments: SegmentParams = field(default_factory=SegmentParams)
    min_shared_positions: int = 10
    min_shared_switches: int = 4
    min_reports: int = 2
    swap_window_hours: float = 72.0
    swap_meet_km: float = 5.0
    circle_bin_hours: float = 3.0
    circle_min_positions: int = 6
    circle_min_hours: float = 1.0
    circle_min_speed_knots: float = 3.0
    circle_max_radius_km: float = 3.0
    circle_max_extent_share: float = 0.2
    jam_min_vessels: int = 3
    jam_cell_deg: float = 0.5
    jam_window_hours: float = 6.0
    jam_max_segment_hours: float = 48.0

    def record(self) -> dict[str, Any]:
        """Every parameter as a JSON-ready dict."""
        return asdict(self)


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
        partition per flush): bounds the memory of an ingest (about twice this many rows: one
        flush is written on a thread of its own while the next is gathered).
    window_margin_hours : float
        A read limited by ``--since``/``--until`` takes this much more data on either side,
        hours, so that a port call or gap straddling the window's edge is still seen whole
        (30 days: longer calls and gaps are cut at the margin).
    slice_rows : int
        An analysis bucket by bucket splits a bucket of more positions than this into slices
        of whole vessels of at most this many positions, analysed one at a time: peak memory
        follows this, not the size of the buckets or the length of the tracks (a vessel is
        never split, so one vessel with more positions makes a slice of its own).
    """

    buckets: int = 16
    flush_rows: int = 2_000_000
    window_margin_hours: float = 720.0
    slice_rows: int = 300_000


@dataclass(frozen=True)
class OffshoreGapParams:
    """Which AIS gaps are *offshore* (:func:`vesseltrack.gaps.add_distance_to_shore`).

    Global Fishing Watch's rule for a "suspected disabling" of AIS (Welch et al. 2022,
    *Science Advances*, "Hot spots of unseen fishing vessels"): a gap of 12 hours or more whose
    two ends both lie more than 50 nautical miles from shore. (Their further condition, that
    the area's reception makes a silence by chance unlikely, is not applied here.)

    Attributes
    ----------
    min_shore_distance_nm : float
        Both ends of an offshore gap lie farther than this from shore (strictly), nautical
        miles (GFW: 50 nm).
    min_gap_hours : float
        An offshore gap lasts at least this long, hours (GFW: 12 h).
    search_radius_nm : float
        How far the shore is looked for, nautical miles: an end with no land within it gets
        ``inf`` (and is offshore). Must exceed ``min_shore_distance_nm``.
    """

    min_shore_distance_nm: float = 50.0
    min_gap_hours: float = 12.0
    search_radius_nm: float = 200.0

"""Every parameter of a synthetic scenario, in one place.

A scenario is a tree of frozen dataclasses: geofences, berths and approach routes, the home
ports of the watched fleet and their sea routes, the watched fleet itself (with the number of
terminal calls each vessel makes), the AIS behaviour of those calls, the background traffic and
the reception model. :data:`SCENARIOS` holds the ready-made ones; a scenario at another port is
:func:`dataclasses.replace` on an existing one with new fences, berths and routes (see
:data:`FICTIONAL_COVE_2024`).

Everything here is SYNTHETIC. Reported facts (names, IMO numbers, tonnages, dates, fences) come
from ``docs/method.md`` and are labelled with their source; every other number is an estimate [est]
chosen to make the scenario realistic. Coordinates are (lon, lat) in EPSG:4326 degrees.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

LonLat = tuple[float, float]
Range = tuple[float, float]

BBL_PER_TONNE: dict[str, float] = {
    "diesel": 7.46,
    "gasoline": 8.35,
    "fuel_oil": 6.35,
    "crude": 7.33,
}
"""Barrels per tonne of each cargo in the generator's own model (BP Statistical Review
approximate conversion factors). Stated here, not taken from the package, so that the truth
does not move when the package's constants do."""

BACKGROUND_CARGO_SHARE_OF_DWT = 0.93
"""Cargo share of deadweight at full load for background tankers (bunkers and stores take the
rest); the watched fleet's is :attr:`Pattern.cargo_factor`."""


@dataclass(frozen=True)
class Fence:
    """A geofence written to the ports GeoJSON.

    Attributes
    ----------
    name : str
        Feature ``name`` (the ``port`` of a port call).
    kind : str
        ``terminal``, ``port`` or ``anchorage``.
    ring : tuple of (lon, lat)
        Polygon vertices in degrees, not closed (the writer closes the ring).
    note : str
        Provenance and accuracy of the fence.
    """

    name: str
    kind: str
    ring: tuple[LonLat, ...]
    note: str


@dataclass(frozen=True)
class Facility:
    """A place where vessels stop: its berths (or anchoring box) and how ships reach it.

    Attributes
    ----------
    key : str
        Identifier used by the fleets (``oil_terminal``, ``coal_berths``, ...).
    fence : str
        Name of the innermost :class:`Fence` around it; truth rows carry it as ``port``.
    berths : tuple of (lon, lat)
        Berth positions (degrees). For an anchorage, two corners (south-west, north-east) of
        the box where ships anchor.
    approach : tuple of (lon, lat)
        Waypoints from the port offing (first) to the last turn before the berth; the berth
        itself is appended per call.
    nav_status : int
        AIS navigational status while there (5 moored, 1 at anchor).
    berth_heading_deg : float
        Heading of a moored ship (ignored at anchor, where ships swing).
    anchorage : bool
        True when ``berths`` is a box to anchor anywhere in.
    destination : str
        AIS destination typed by background ships bound here.
    """

    key: str
    fence: str
    berths: tuple[LonLat, ...]
    approach: tuple[LonLat, ...]
    nav_status: int = 5
    berth_heading_deg: float = 0.0
    anchorage: bool = False
    destination: str = ""


@dataclass(frozen=True)
class HomePort:
    """A discharge/home port of the watched fleet and its sea route.

    Attributes
    ----------
    name : str
        Port name (also the AIS destination on the way home, upper-cased).
    route : tuple of (lon, lat)
        Waypoints from the home berth (first, at sea off the port) to the regional junction
        (last); the scenario's ``offing_route`` continues from the junction.
    dark_nm : (float, float)
        AIS is off within this distance of the home berth along the route (drawn per trip):
        every trip goes dark for days in home waters.
    note : str
        Provenance.
    """

    name: str
    route: tuple[LonLat, ...]
    dark_nm: Range
    note: str = ""


@dataclass(frozen=True)
class Tanker:
    """A watched-fleet vessel (also a row of the registry CSV).

    Attributes
    ----------
    name, imo, mmsi, callsign : identifiers (``imo`` None where no verified number exists).
    dwt_t : float
        Deadweight, tonnes.
    length_m, beam_m : float
        Dimensions, metres.
    summer_draught_m, ballast_draught_m : float
        Fully laden and ballast draught, metres.
    home : str
        :class:`HomePort` name.
    calls : int
        Terminal calls made in the scenario (0 for a decoy).
    source : str
        What is reported and where, and what is an estimate.
    """

    name: str
    imo: int | None
    mmsi: int
    callsign: str
    dwt_t: float
    length_m: float
    beam_m: float
    summer_draught_m: float
    ballast_draught_m: float
    home: str
    calls: int
    source: str
    flag: str = "KP"
    cargo: str = "diesel"


@dataclass(frozen=True)
class PinnedCall:
    """A terminal call fixed in time (reported ones, and the first and last of the window).

    ``arrival``/``departure`` are berth times (ISO-8601 UTC); ``behaviour`` forces the AIS
    behaviour (``dark``, ``broadcast``, ``stale``) or leaves it random (None);
    ``dark_after_departure`` switches AIS off soon after departure for a long stretch (as
    reported for Chon Ma San, Oct 2024).
    """

    vessel: str
    arrival: str
    departure: str
    behaviour: str | None = None
    dark_after_departure: bool = False


@dataclass(frozen=True)
class Pattern:
    """The watched fleet's trip pattern and AIS behaviour.

    Attributes
    ----------
    terminal : str
        :class:`Facility` key of the terminal the fleet loads at.
    first_arrival, last_departure : str
        Calls lie between these dates (ISO-8601, UTC). Unpinned calls arrive from the day after
        ``first_arrival`` and leave before ``last_departure``; pinned calls set the two ends.
    fill : (float, float)
        Departure fill, fraction of (summer − ballast) draught.
    cargo_factor : float
        cargo_t = fill × cargo_factor × dwt_t (bunkers and stores take the rest; docs/method.md).
    arrival_draught_offset_m : tuple of float
        Arrival draught = ballast draught + one of these (crew-typed, 0.1 m steps).
    stay_days, sea_speed_knots, approach_speed_knots, home_days_min, discharge_days : ranges
        Timing: hours at the berth, speed at sea and on the approach, minimum time at the home
        port between trips (discharge plus idle days), and the discharge part of it.
    dark_share : (float, float)
        Share of calls with AIS off around the terminal.
    stale_calls : (int, int)
        Number of calls that broadcast at the terminal but never update the draught.
    dark_before_nm, dark_after_nm : ranges
        A dark call switches AIS off this far before arrival and on this far after departure.
    update_before_departure_hours : range
        A broadcasting crew types the laden draught this long before departure.
    dark_after_departure_share, dark_after_departure_start_nm, dark_after_departure_nm :
        Some broadcasting calls go dark soon after departure for a long stretch of the way home.
    outbound_destinations : tuple of str
        AIS destination typed on the way to the terminal (drawn per vessel; "" = blank).
    """

    terminal: str = "oil_terminal"
    first_arrival: str = "2024-03-07"
    last_departure: str = "2024-11-05"
    fill: Range = (0.85, 0.98)
    cargo_factor: float = 0.93
    arrival_draught_offset_m: tuple[float, ...] = (-0.1, 0.0, 0.0, 0.0, 0.1)
    stay_days: Range = (1.0, 2.5)
    sea_speed_knots: Range = (5.5, 6.5)
    approach_speed_knots: Range = (3.0, 4.5)
    home_days_min: float = 3.0
    discharge_days: Range = (1.0, 2.5)
    dark_share: Range = (0.30, 0.36)
    stale_calls: tuple[int, int] = (3, 6)
    dark_before_nm: Range = (10.0, 40.0)
    dark_after_nm: Range = (10.0, 40.0)
    update_before_departure_hours: Range = (0.5, 6.0)
    dark_after_departure_share: float = 0.2
    dark_after_departure_start_nm: Range = (3.0, 25.0)
    dark_after_departure_nm: Range = (120.0, 400.0)
    outbound_destinations: tuple[str, ...] = ("NAKHODKA", "VOSTOCHNY", "", "RU NAK")


@dataclass(frozen=True)
class Sightings:
    """Satellite-imagery (and patrol) sightings of the watched fleet.

    One sighting during every stale call, and during ``dark_share`` of the dark calls, at the
    berth; plus ``at_sea`` sightings on voyages and ``at_home`` ones in home ports, which must
    not create terminal calls. ``position_noise_m`` is the geolocation error of an image.
    """

    dark_share: float = 0.5
    at_sea: int = 4
    at_home: int = 3
    position_noise_m: float = 30.0
    sources: tuple[str, ...] = (
        "synthetic: optical satellite image",
        "synthetic: SAR satellite image",
        "synthetic: optical satellite image",
        "synthetic: maritime patrol photo",
    )


@dataclass(frozen=True)
class BackgroundFleet:
    """One class of background traffic.

    Attributes
    ----------
    key : str
        ``calling`` fleets visit ``facility``; ``waiter`` anchors and leaves; ``passer``
        sails by; ``class_b`` craft make day trips from ``base``.
    behaviour : str
        ``calling``, ``waiter``, ``passer`` or ``class_b``.
    vessels : int
        Number of vessels.
    visits : (int, int)
        Visits (calls, waits, passages or trips) per vessel.
    facility : str
        :class:`Facility` key visited (calling and waiter fleets).
    mids : tuple of int
        MIDs drawn for the MMSIs (first one most often: the first half of draws use it).
    ship_type : int
        AIS ship type (80 tanker, 70 cargo, 37 pleasure, 30 fishing).
    dwt_t, length_m : ranges
        Size.
    ballast_draught_m, laden_draught_m : ranges
        Draught on arrival and on departure (calling fleets load here).
    stay_days : range
        Time at the berth or anchor.
    pre_anchor_share, pre_anchor_days :
        Share of calls that first wait at the anchorage, and for how long.
    speed_knots : range
        Speed at sea.
    stale_share : float
        Share of calls whose crew does not update the draught.
    cargo : str
        Cargo for barrels (``crude``, ``diesel``, ``gasoline``, ``fuel_oil``; "" = not oil).
    name_words : tuple of str
        Words for invented names.
    """

    key: str
    behaviour: str
    vessels: int
    visits: tuple[int, int]
    facility: str = ""
    mids: tuple[int, ...] = (273,)
    ship_type: int = 80
    dwt_t: Range = (5000.0, 20000.0)
    length_m: Range = (100.0, 150.0)
    ballast_draught_m: Range = (4.0, 5.5)
    laden_draught_m: Range = (8.0, 9.5)
    stay_days: Range = (1.0, 2.0)
    pre_anchor_share: float = 0.0
    pre_anchor_days: Range = (0.3, 1.5)
    speed_knots: Range = (10.0, 13.0)
    stale_share: float = 0.1
    cargo: str = ""
    name_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decoy:
    """A watched-fleet vessel (MID 445) that never calls at the terminal.

    ``route`` is sailed from its home berth and back ``trips`` times; at the last waypoint it
    loiters ``loiter_days`` with AIS on, then goes dark for ``dark_hours`` there; the draught
    changes by ``draught_change_m`` at the loiter point (0: unchanged).
    """

    vessel: str
    route: tuple[LonLat, ...]
    trips: int
    loiter_days: Range = (0.5, 1.5)
    dark_hours: Range = (12.0, 24.0)
    draught_change_m: float = 0.0


@dataclass(frozen=True)
class Receiver:
    """A terrestrial AIS receiver: tag-block source id, position and range."""

    source: str
    lon: float
    lat: float
    range_nm: float


@dataclass(frozen=True)
class Reception:
    """How messages are heard and what goes wrong with the lines.

    Attributes
    ----------
    receivers : tuple of Receiver
        Terrestrial receivers; the first in range hears a message with probability
        ``1 - terrestrial_loss``, any other in range duplicates it with
        ``duplicate_share`` (receiver time ``duplicate_delay_s`` later).
    satellites : tuple of str
        Satellite source ids; beyond terrestrial range a vessel is heard only during
        satellite passes of ``sat_pass_minutes`` separated by gaps of ``sat_gap_hours``.
    underway_interval_min, stationary_interval_min, class_b_interval_min : ranges
        Minutes between position reports while heard.
    static_interval_min : range
        Minutes between static reports (type 5, or 24 A+B) while AIS is on, plus one at every
        draught change and soon after AIS is switched on.
    reorder_s : float
        Lines are written in receiver-time order plus up to this many seconds of jitter.
    fragment_gap_lines : (int, int), fragment_gap_s : float
        Lines of other traffic between the two sentences of a type 5, taken only from lines
        received within ``fragment_gap_s`` of the first sentence.
    corrupt_share : float
        Share of single-sentence lines made corrupt; ``bad_checksum_share`` of them get a wrong
        checksum, the rest are truncated.
    spikes, not_available_positions, not_available_speeds : int
        Position reports with a position jumped by 0.3–3 degrees, with lon/lat "not available"
        (181/91), and with SOG "not available" (102.3).
    no_heading_share, lazy_status_share : float
        Share of class A vessels that send heading 511 always / nav status 0 always.
    type2_share, type3_share : float
        Share of class A position reports sent as type 2 or type 3.
    """

    receivers: tuple[Receiver, ...]
    satellites: tuple[str, ...] = ("SAT01", "SAT02", "SAT03")
    terrestrial_loss: float = 0.03
    duplicate_share: float = 0.08
    duplicate_delay_s: tuple[int, int] = (0, 3)
    sat_pass_minutes: Range = (12.0, 40.0)
    sat_gap_hours: Range = (1.0, 4.0)
    underway_interval_min: Range = (2.0, 4.0)
    stationary_interval_min: Range = (6.0, 10.0)
    class_b_interval_min: Range = (3.0, 6.0)
    static_interval_min: Range = (30.0, 60.0)
    reorder_s: float = 4.0
    fragment_gap_lines: tuple[int, int] = (1, 3)
    fragment_gap_s: float = 5.0
    corrupt_share: float = 0.001
    bad_checksum_share: float = 0.6
    spikes: int = 15
    not_available_positions: int = 12
    not_available_speeds: int = 12
    no_heading_share: float = 0.1
    lazy_status_share: float = 0.1
    type2_share: float = 0.03
    type3_share: float = 0.1


@dataclass(frozen=True)
class Scenario:
    """A complete synthetic scenario (see the module docstring).

    Attributes
    ----------
    key, title : str
        Identifier (``vostochny-2024``) and one-line description.
    notes : str
        What is reported, what is estimated, what is invented.
    stem : str
        File stem of the fixture (``vostochny_2024``).
    sim_start, sim_end : str
        Simulated period (ISO-8601 UTC); messages outside it are dropped.
    fences : tuple of Fence
        Geofences (written to ``data/ports/<ports_file>``).
    ports_file : str
        File name of the ports GeoJSON.
    facilities : tuple of Facility
        Berths, anchorages and their approaches; one must have the key ``anchorage`` (where
        background ships wait), and ``pattern.terminal`` names the watched fleet's terminal.
    offing_route : tuple of (lon, lat)
        From the regional junction (first) to the port offing (last, = first ``approach``
        waypoint of every facility).
    entries : tuple of tuple of (lon, lat)
        Routes of background traffic from the edge of the area (first) to the offing (last).
    passages : tuple of tuple of (lon, lat)
        Routes of passing traffic (sailed in either direction).
    class_b_base : tuple of (lon, lat)
        Where class B craft moor with AIS off (first) and the waypoints out to their grounds.
    class_b_grounds : ((lon, lat), (lon, lat))
        South-west and north-east corners of the box (all at sea) the craft wander in.
    foreign_ports : tuple of str
        AIS destinations background ships type when they leave ("" = blank).
    home_ports, fleet, decoys, pinned : the watched fleet.
    pattern, sightings, background, reception : behaviour.
    """

    key: str
    title: str
    notes: str
    stem: str
    sim_start: str
    sim_end: str
    fences: tuple[Fence, ...]
    ports_file: str
    facilities: tuple[Facility, ...]
    offing_route: tuple[LonLat, ...]
    entries: tuple[tuple[LonLat, ...], ...]
    passages: tuple[tuple[LonLat, ...], ...]
    class_b_base: tuple[LonLat, ...]
    class_b_grounds: tuple[LonLat, LonLat]
    home_ports: tuple[HomePort, ...]
    fleet: tuple[Tanker, ...]
    decoys: tuple[Decoy, ...]
    pinned: tuple[PinnedCall, ...]
    pattern: Pattern = field(default_factory=Pattern)
    sightings: Sightings = field(default_factory=Sightings)
    background: tuple[BackgroundFleet, ...] = ()
    reception: Reception = field(default_factory=lambda: Reception(receivers=()))
    foreign_ports: tuple[str, ...] = ("", "BUSAN", "SHANGHAI", "QINGDAO", "ULSAN", "TOMAKOMAI")
    default_seed: int = 2024

    def facility(self, key: str) -> Facility:
        """Return the facility called ``key``."""
        for f in self.facilities:
            if f.key == key:
                return f
        raise KeyError(f"scenario {self.key!r} has no facility {key!r}")

    def fence(self, name: str) -> Fence:
        """Return the fence called ``name``."""
        for f in self.fences:
            if f.name == name:
                return f
        raise KeyError(f"scenario {self.key!r} has no fence {name!r}")

    def home_port(self, name: str) -> HomePort:
        """Return the home port called ``name``."""
        for h in self.home_ports:
            if h.name == name:
                return h
        raise KeyError(f"scenario {self.key!r} has no home port {name!r}")

    def vessel(self, name: str) -> Tanker:
        """Return the watched-fleet vessel called ``name``."""
        for v in self.fleet:
            if v.name == name:
                return v
        raise KeyError(f"scenario {self.key!r} has no vessel {name!r}")

    @property
    def calling_fleet(self) -> tuple[Tanker, ...]:
        """Vessels that make at least one terminal call."""
        return tuple(v for v in self.fleet if v.calls > 0)

    @property
    def n_calls(self) -> int:
        """Total terminal calls of the watched fleet."""
        return sum(v.calls for v in self.fleet)


# --------------------------------------------------------------------------------------------
# Vostochny 2024
# --------------------------------------------------------------------------------------------

_FENCE_NOTE = (
    "approximate fence [est] from docs/method.md: the exact oil berth at Vostochny is not published"
)

VOSTOCHNY_FENCES = (
    Fence(
        "Vostochny oil terminal",
        "terminal",
        ((133.062, 42.748), (133.076, 42.748), (133.076, 42.756), (133.062, 42.756)),
        _FENCE_NOTE,
    ),
    Fence(
        "Vostochny port",
        "port",
        (
            (133.030, 42.700),
            (133.120, 42.700),
            (133.120, 42.775),
            (133.060, 42.780),
            (133.030, 42.745),
        ),
        "approximate fence [est] from docs/method.md: wider port and approaches (Wrangel Bay, "
        "UN/LOCODE RUVYP); contains the oil terminal fence",
    ),
    Fence(
        "Vostochny anchorage",
        "anchorage",
        ((133.045, 42.655), (133.115, 42.655), (133.115, 42.690), (133.045, 42.690)),
        "approximate fence [est] from docs/method.md: outer anchorage, in the open bay south-west "
        "of the port (about 90% water on the full-resolution GSHHG shoreline)",
    ),
    Fence(
        "Kozmino crude terminal",
        "terminal",
        ((132.985, 42.715), (133.020, 42.715), (133.020, 42.737), (132.985, 42.737)),
        "approximate fence [est] from docs/method.md: Kozmino crude oil port, a different facility "
        "2-3 nm from Vostochny, its berths on the shore west of the port (about 94% water on the "
        "full-resolution GSHHG shoreline; a distractor that must not count)",
    ),
)

VOSTOCHNY_OFFING: LonLat = (133.000, 42.640)
"""Port offing south-west of Wrangel Bay: every approach starts here [est]."""

# Berths, anchoring boxes and every leg of every route are at sea on the full-resolution GSHHG
# shoreline (``vesseltrack.land``), checked by tests/test_synth.py.
VOSTOCHNY_FACILITIES = (
    Facility(
        "oil_terminal",
        "Vostochny oil terminal",
        berths=((133.0650, 42.7520), (133.0680, 42.7535), (133.0700, 42.7510), (133.0665, 42.7545)),
        approach=(
            VOSTOCHNY_OFFING, (132.975, 42.715), (132.980, 42.742), (133.020, 42.748),
            (133.050, 42.7515),
        ),
        nav_status=5,
        berth_heading_deg=75.0,
        destination="VOSTOCHNY",
    ),
    Facility(
        "coal_berths",
        "Vostochny port",
        berths=((133.0450, 42.7500), (133.0500, 42.7525), (133.0400, 42.7480), (133.0400, 42.7520)),
        approach=(VOSTOCHNY_OFFING, (132.975, 42.715), (132.980, 42.742), (133.020, 42.748)),
        nav_status=5,
        berth_heading_deg=60.0,
        destination="VOSTOCHNY",
    ),
    Facility(
        "kozmino",
        "Kozmino crude terminal",
        berths=((132.9950, 42.7250), (133.0000, 42.7300)),
        approach=(VOSTOCHNY_OFFING, (132.990, 42.700)),
        nav_status=5,
        berth_heading_deg=30.0,
        destination="KOZMINO",
    ),
    Facility(
        "anchorage",
        "Vostochny anchorage",
        berths=((133.055, 42.660), (133.105, 42.676)),
        approach=(VOSTOCHNY_OFFING, (133.035, 42.655)),
        nav_status=1,
        anchorage=True,
        destination="NAKHODKA",
    ),
)

JUNCTION: LonLat = (132.750, 42.350)
"""Regional junction south-west of Peter the Great Gulf where the sea routes meet [est]."""

HOME_PORTS = (
    HomePort(
        "Rajin",
        ((130.340, 42.200), (130.400, 42.160), (130.450, 42.150), (131.000, 42.200), JUNCTION),
        dark_nm=(25.0, 45.0),
        note="docs/method.md: Rajin 42.24 N 130.30 E [approx.]; berth at sea off the port",
    ),
    HomePort(
        "Chongjin",
        ((129.850, 41.750), (130.300, 41.750), JUNCTION),
        dark_nm=(35.0, 60.0),
        note="docs/method.md: Chongjin 41.76 N 129.82 E [approx.]",
    ),
    HomePort(
        "Kimchaek",
        ((129.215, 40.655), (129.600, 40.700), JUNCTION),
        dark_nm=(40.0, 70.0),
        note="docs/method.md: Kimchaek 40.66 N 129.20 E [approx.]",
    ),
    HomePort(
        "Hungnam",
        ((127.630, 39.815), (127.750, 39.720), (128.000, 39.700), (129.500, 40.200), JUNCTION),
        dark_nm=(50.0, 80.0),
        note="docs/method.md: Hungnam 39.83 N 127.63 E [approx.]",
    ),
    HomePort(
        "Nampo",
        (
            (125.375, 38.710),
            (125.300, 38.690),
            (125.200, 38.695),
            (125.100, 38.690),
            (124.960, 38.695),
            (124.920, 38.630),
            (124.750, 38.560),
            (124.700, 38.450),
            (124.620, 38.250),
            (124.450, 38.020),
            (124.700, 37.550),
            (125.600, 36.500),
            (125.250, 34.600),
            (126.000, 33.600),
            (127.500, 33.800),
            (128.800, 34.600),
            (130.000, 35.800),
            (131.000, 38.000),
            (132.300, 41.000),
            JUNCTION,
        ),
        dark_nm=(60.0, 100.0),
        note=(
            "docs/method.md: Nampo 38.72 N 125.38 E and its sea route through the Korea Strait, "
            "with extra waypoints out of the Taedong estuary and round the islands where Natural "
            "Earth 1:10m land needs them"
        ),
    ),
)

_EST = "length/beam/draughts [est] from the docs/method.md size classes; mmsi/callsign synthetic"

VOSTOCHNY_FLEET = (
    Tanker(
        "PAEK YANG SAN 1", None, 445211370, "HMPY1", 3700, 90, 14.0, 6.0, 2.9, "Chongjin", 4,
        "name: OSC/BBC 2024 (first caller 7 Mar 2024); IMO not verified; dwt [est]; " + _EST,
    ),
    Tanker(
        "RYE SONG GANG 1", 7389704, 445103968, "HMRS1", 3003, 84, 13.0, 5.6, 2.7, "Nampo", 3,
        "name/IMO/dwt: OSC/BBC 2024 and Equasis via Seatrade (docs/method.md); " + _EST,
    ),
    Tanker(
        "SONG WON 2", 8312497, 445307412, "HMSW2", 4999, 98, 15.2, 6.4, 3.2, "Nampo", 4,
        "name/IMO/dwt: docs/method.md (ex-New Regent; built 1983); " + _EST,
    ),
    Tanker(
        "SAM MA 2", 8106496, 445126805, "HMSM2", 1720, 70, 11.0, 4.7, 2.3, "Rajin", 5,
        "name/IMO: docs/method.md (962 GT; ~1600 t cargo); dwt [est] from the cargo; " + _EST,
    ),
    Tanker(
        "YU SON", 8691702, 445290133, "HMYS", 6500, 104, 16.0, 6.8, 3.3, "Hungnam", 3,
        "name/IMO: docs/method.md; dwt [est]; " + _EST,
    ),
    Tanker(
        "CHON MA SAN", 8660313, 445118452, "HMCM", 8600, 114, 17.6, 7.3, 3.6, "Nampo", 4,
        "name/IMO: docs/method.md (VOA Oct 2024 voyage); dwt [est]; " + _EST,
    ),
    Tanker(
        "AN SAN 1", 7303803, 445304726, "HMAS1", 3500, 88, 13.8, 5.9, 2.9, "Kimchaek", 3,
        "name/IMO: docs/method.md; dwt [est]; " + _EST,
    ),
    Tanker(
        "SIN PHYONG 9", 8916293, 445271590, "HMSP9", 3300, 86, 13.4, 5.8, 2.8, "Chongjin", 4,
        "name/IMO: docs/method.md; dwt [est]; " + _EST,
    ),
    Tanker(
        "KUM UN SAN 3", 8705539, 445139067, "HMKU3", 2070, 74, 11.6, 4.9, 2.5, "Rajin", 4,
        "name/IMO/dwt: docs/method.md; " + _EST,
    ),
    Tanker(
        "KUM JIN GANG 3", None, 445282314, "HMKJ3", 4500, 94, 14.6, 6.1, 3.0, "Hungnam", 3,
        "name: Seatrade 22 Nov 2024 (OSC/BBC list of designated vessels); IMO not verified; "
        "dwt [est]; " + _EST,
    ),
    Tanker(
        "WOL BONG SAN", None, 445165938, "HMWB", 1150, 62, 10.0, 4.2, 2.1, "Rajin", 4,
        "name: Yomiuri via News1 7 Jun 2024 (seen at Vostochny 10 Apr 2024); IMO not "
        "verified; dwt [est]; " + _EST,
    ),
    Tanker(
        "SIN PHYONG 5", None, 445247801, "HMSP5", 7800, 110, 17.0, 7.1, 3.5, "Kimchaek", 2,
        "name: RFA via News1 Jun 2024 (seen near Nakhodka 24 Jun 2024); IMO not verified; "
        "dwt [est]; " + _EST,
    ),
    Tanker(
        "KUM JIN GANG 2", None, 445223576, "HMKJ2", 2900, 82, 12.8, 5.6, 2.7, "Nampo", 0,
        "decoy (never calls in the scenario); name: VOA via News1 28 Jun 2024; IMO not "
        "verified; dwt [est]; " + _EST,
    ),
    Tanker(
        "SIN PHYONG 11", None, 445312649, "HMSP11", 4000, 92, 14.2, 6.0, 3.0, "Chongjin", 0,
        "decoy (never calls in the scenario); name: VOA via News1 28 Jun 2024; IMO not "
        "verified; dwt [est]; " + _EST,
    ),
)

VOSTOCHNY_DECOYS = (
    Decoy(
        "KUM JIN GANG 2",
        route=(
            (125.375, 38.710), (125.300, 38.690), (125.200, 38.695), (125.100, 38.690),
            (124.960, 38.695), (124.920, 38.630), (124.750, 38.560), (124.700, 38.450), (124.620, 38.250),
            (124.450, 38.020), (124.700, 37.550), (124.600, 36.800),
        ),
        trips=3,
        loiter_days=(0.5, 1.5),
        dark_hours=(10.0, 20.0),
        draught_change_m=2.0,
    ),
    Decoy(
        "SIN PHYONG 11",
        route=((129.850, 41.750), (130.300, 41.750), JUNCTION, (133.050, 42.520)),
        trips=2,
        loiter_days=(0.3, 1.0),
        dark_hours=(14.0, 24.0),
        draught_change_m=0.0,
    ),
)

VOSTOCHNY_PINNED = (
    PinnedCall("PAEK YANG SAN 1", "2024-03-07T06:40:00Z", "2024-03-08T19:10:00Z"),
    # VOA: broadcasting ~800 m off the oil pier 20 Oct 03:00 to 21 Oct 21:50, then AIS off.
    PinnedCall(
        "CHON MA SAN",
        "2024-10-20T03:00:00Z",
        "2024-10-21T21:50:00Z",
        behaviour="broadcast",
        dark_after_departure=True,
    ),
    # The last call of the reported window [est: vessel and hours invented].
    PinnedCall("KUM UN SAN 3", "2024-11-03T22:30:00Z", "2024-11-05T09:20:00Z"),
)

VOSTOCHNY_ENTRIES = (
    ((133.100, 41.800), VOSTOCHNY_OFFING),
    ((132.200, 41.900), VOSTOCHNY_OFFING),
    ((134.800, 42.800), (133.400, 42.660), VOSTOCHNY_OFFING),
    ((131.900, 42.450), (132.600, 42.550), VOSTOCHNY_OFFING),
)

VOSTOCHNY_PASSAGES = (
    ((131.900, 42.450), (132.600, 42.560), (133.300, 42.600), (134.800, 42.800)),
    # Through the anchorage fence without stopping.
    ((131.900, 42.450), (133.030, 42.668), (133.120, 42.672), (133.300, 42.660), (134.800, 42.800)),
    ((132.200, 41.900), (133.200, 42.550), (134.800, 42.800)),
    ((131.900, 42.450), (133.100, 41.800)),
)

_TANKER_WORDS = ("PRIMORYE", "AMUR", "VOSTOK", "ZARYA", "NERPA", "SOKOL", "BAIKAL", "ARGUN")
_BULK_WORDS = ("COAL", "UGOL", "TAIGA", "SAKHA", "ORIENT", "PACIFIC", "HARMONY", "LUCKY")
_CRUDE_WORDS = ("KOZMINO", "ESPO", "OCEAN", "SEA", "NORD", "STAR", "CRYSTAL", "WAVE")
_PASSER_WORDS = ("TRADER", "EXPRESS", "PIONEER", "CARRIER", "SPIRIT", "GLORY", "HOPE", "RIVER")
_CRAFT_WORDS = ("CHAIKA", "DELFIN", "VOLNA", "BRIZ", "ALBATROS", "KASATKA")

VOSTOCHNY_BACKGROUND = (
    BackgroundFleet(
        "product_tanker", "calling", vessels=12, visits=(3, 7), facility="oil_terminal",
        mids=(273, 273, 273, 511, 667, 620, 352), ship_type=80, dwt_t=(3000, 12000),
        length_m=(85, 140), ballast_draught_m=(3.0, 4.5), laden_draught_m=(6.0, 8.5),
        stay_days=(0.8, 2.0), pre_anchor_share=0.3, pre_anchor_days=(0.3, 1.5),
        speed_knots=(10.0, 12.5), stale_share=0.1, cargo="diesel", name_words=_TANKER_WORDS,
    ),
    BackgroundFleet(
        "coal_bulker", "calling", vessels=24, visits=(2, 4), facility="coal_berths",
        mids=(273, 636, 538, 477, 352, 413, 440), ship_type=70, dwt_t=(28000, 62000),
        length_m=(170, 200), ballast_draught_m=(5.0, 6.5), laden_draught_m=(10.5, 12.8),
        stay_days=(1.5, 3.5), pre_anchor_share=0.4, pre_anchor_days=(0.5, 2.5),
        speed_knots=(11.0, 13.5), stale_share=0.15, cargo="", name_words=_BULK_WORDS,
    ),
    BackgroundFleet(
        "crude_tanker", "calling", vessels=14, visits=(2, 5), facility="kozmino",
        mids=(273, 636, 538, 352, 511), ship_type=80, dwt_t=(95000, 115000),
        length_m=(230, 250), ballast_draught_m=(6.5, 8.0), laden_draught_m=(13.5, 14.8),
        stay_days=(0.8, 1.5), pre_anchor_share=0.15, pre_anchor_days=(0.3, 1.0),
        speed_knots=(11.0, 14.0), stale_share=0.1, cargo="crude", name_words=_CRUDE_WORDS,
    ),
    BackgroundFleet(
        "anchorage_waiter", "waiter", vessels=8, visits=(1, 2), facility="anchorage",
        mids=(273, 352, 413, 667), ship_type=70, dwt_t=(5000, 30000), length_m=(100, 180),
        ballast_draught_m=(5.0, 7.0), laden_draught_m=(5.0, 7.0), stay_days=(1.0, 5.0),
        speed_knots=(10.0, 12.0), cargo="", name_words=_PASSER_WORDS,
    ),
    BackgroundFleet(
        "passer", "passer", vessels=40, visits=(2, 4), mids=(273, 440, 431, 412, 352, 538),
        ship_type=70, dwt_t=(5000, 60000), length_m=(100, 200), ballast_draught_m=(6.0, 9.0),
        laden_draught_m=(6.0, 9.0), speed_knots=(11.0, 15.0), name_words=_PASSER_WORDS,
    ),
    BackgroundFleet(
        "class_b_craft", "class_b", vessels=6, visits=(25, 40), mids=(273,), ship_type=37,
        dwt_t=(5, 30), length_m=(8, 18), ballast_draught_m=(0.8, 1.5),
        laden_draught_m=(0.8, 1.5), stay_days=(0.12, 0.3), speed_knots=(6.0, 14.0),
        name_words=_CRAFT_WORDS,
    ),
)

VOSTOCHNY_RECEPTION = Reception(
    receivers=(
        Receiver("RU-VOSTOCHNY1", 133.060, 42.800, 40.0),
        Receiver("RU-NAKHODKA2", 132.880, 42.820, 32.0),
    ),
)

VOSTOCHNY_2024 = Scenario(
    key="vostochny-2024",
    title="SYNTHETIC: DPRK tankers loading at the Vostochny oil terminal, Mar-Nov 2024",
    notes=(
        "Synthetic scenario reproducing the reported pattern (OSC/BBC, Nov 2024: 43 calls by "
        "North Korean tankers at the Vostochny oil terminal between 7 Mar and 5 Nov 2024, "
        "arriving empty and leaving almost full, AIS often off). Vessel names, IMO numbers and "
        "tonnages marked as reported come from docs/method.md; MMSIs, call signs, schedules, tracks, "
        "draughts, sightings and all background traffic are invented. Not real observations."
    ),
    stem="vostochny_2024",
    sim_start="2024-02-20T00:00:00Z",
    sim_end="2024-11-20T00:00:00Z",
    fences=VOSTOCHNY_FENCES,
    ports_file="vostochny.geojson",
    facilities=VOSTOCHNY_FACILITIES,
    offing_route=(JUNCTION, VOSTOCHNY_OFFING),
    entries=VOSTOCHNY_ENTRIES,
    passages=VOSTOCHNY_PASSAGES,
    class_b_base=((132.930, 42.760), (132.950, 42.680)),
    class_b_grounds=((132.880, 42.520), (133.300, 42.640)),
    home_ports=HOME_PORTS,
    fleet=VOSTOCHNY_FLEET,
    decoys=VOSTOCHNY_DECOYS,
    pinned=VOSTOCHNY_PINNED,
    background=VOSTOCHNY_BACKGROUND,
    reception=VOSTOCHNY_RECEPTION,
    default_seed=2024,
)

# --------------------------------------------------------------------------------------------
# A made-up terminal elsewhere: same fleet model, other fences, two months, fewer calls.
# --------------------------------------------------------------------------------------------

_FICTIONAL = "FICTIONAL: a made-up facility for testing; no real terminal is implied"
FICTIONAL_OFFING: LonLat = (133.640, 42.740)

FICTIONAL_COVE_2024 = replace(
    VOSTOCHNY_2024,
    key="fictional-cove-2024",
    title="SYNTHETIC: a made-up oil terminal ('Fictional Cove'), May-Jun 2024",
    notes=(
        "Synthetic scenario at a MADE-UP terminal placed in a cove of the Primorye coast "
        "(about 133.64 E 42.84 N) to test detection at another port and other parameters. "
        "No real facility is implied; fleet names are reused from the Vostochny scenario, "
        "every call, track and number is invented."
    ),
    stem="fictional_cove_2024",
    sim_start="2024-04-25T00:00:00Z",
    sim_end="2024-07-10T00:00:00Z",
    fences=(
        Fence(
            "Fictional Cove oil terminal",
            "terminal",
            ((133.628, 42.834), (133.648, 42.834), (133.648, 42.845), (133.628, 42.845)),
            _FICTIONAL,
        ),
        Fence(
            "Fictional Cove port",
            "port",
            ((133.595, 42.800), (133.690, 42.800), (133.690, 42.852), (133.595, 42.852)),
            _FICTIONAL + " (contains the terminal fence)",
        ),
        Fence(
            "Fictional Cove anchorage",
            "anchorage",
            ((133.700, 42.750), (133.780, 42.750), (133.780, 42.785), (133.700, 42.785)),
            _FICTIONAL,
        ),
    ),
    ports_file="fictional_cove.geojson",
    facilities=(
        Facility(
            "oil_terminal",
            "Fictional Cove oil terminal",
            berths=((133.634, 42.840), (133.640, 42.838), (133.644, 42.841)),
            approach=(FICTIONAL_OFFING, (133.640, 42.800)),
            nav_status=5,
            berth_heading_deg=90.0,
            destination="FICTIONAL COVE",
        ),
        Facility(
            "coal_berths",
            "Fictional Cove port",
            berths=((133.610, 42.830), (133.665, 42.835), (133.675, 42.825)),
            approach=(FICTIONAL_OFFING, (133.640, 42.800)),
            nav_status=5,
            berth_heading_deg=100.0,
            destination="FICTIONAL COVE",
        ),
        Facility(
            "anchorage",
            "Fictional Cove anchorage",
            berths=((133.710, 42.756), (133.770, 42.779)),
            approach=(FICTIONAL_OFFING,),
            nav_status=1,
            anchorage=True,
            destination="FICTIONAL COVE",
        ),
    ),
    offing_route=(JUNCTION, FICTIONAL_OFFING),
    entries=(
        ((133.500, 41.900), FICTIONAL_OFFING),
        ((134.800, 42.800), (134.000, 42.700), FICTIONAL_OFFING),
        ((131.900, 42.450), (132.600, 42.550), FICTIONAL_OFFING),
    ),
    passages=(
        ((131.900, 42.450), (133.300, 42.620), (134.800, 42.800)),
        ((132.200, 41.900), (133.700, 42.600), (134.800, 42.800)),
    ),
    class_b_base=((133.560, 42.780),),
    class_b_grounds=((133.450, 42.600), (133.800, 42.740)),
    fleet=tuple(
        replace(v, calls=c)
        for v, c in zip(VOSTOCHNY_FLEET, (2, 0, 0, 2, 0, 0, 1, 2, 0, 0, 2, 1, 0, 0), strict=True)
    ),
    decoys=(VOSTOCHNY_DECOYS[1],),
    pinned=(),
    pattern=replace(
        Pattern(),
        first_arrival="2024-05-01",
        last_departure="2024-06-30",
        dark_share=(0.4, 0.5),
        stale_calls=(1, 2),
        stay_days=(0.8, 2.0),
    ),
    background=(
        replace(VOSTOCHNY_BACKGROUND[0], vessels=3, visits=(1, 3)),
        replace(VOSTOCHNY_BACKGROUND[1], vessels=4, visits=(1, 2)),
        replace(VOSTOCHNY_BACKGROUND[3], vessels=2, visits=(1, 1)),
        replace(VOSTOCHNY_BACKGROUND[4], vessels=6, visits=(1, 3)),
        replace(VOSTOCHNY_BACKGROUND[5], vessels=2, visits=(5, 8)),
    ),
    reception=replace(
        VOSTOCHNY_RECEPTION,
        receivers=(
            Receiver("RU-FICTIONAL1", 133.640, 42.880, 35.0),
            Receiver("RU-FICTIONAL2", 133.500, 42.820, 25.0),
        ),
    ),
    default_seed=7,
)

SCENARIOS: dict[str, Scenario] = {
    VOSTOCHNY_2024.key: VOSTOCHNY_2024,
    FICTIONAL_COVE_2024.key: FICTIONAL_COVE_2024,
}
"""Ready-made scenarios by key."""

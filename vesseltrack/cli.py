"""The ``vesseltrack`` command line: a thin layer that parses arguments, calls the library, prints.

Exit codes: 0 success; 1 bad usage or unreadable input (one line on stderr, no traceback).
A corrupt line inside a data file is never fatal: it is counted in the report.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence


class UsageError(Exception):
    """A user mistake: reported as one line on stderr, exit status 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would exit 2 with the usage text
        raise UsageError(f"{self.prog}: {message}")


def _add_decode(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("decode", help="decode AIS files into positions and statics tables")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or globs")
    p.add_argument("-o", "--output", required=True, help="positions table (.parquet or .csv)")
    p.add_argument("--statics", help="statics table (.parquet or .csv)")
    p.add_argument("--json", action="store_true", help="print the decode report as JSON on stdout")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _add_strict(p)
    _add_reading(p)
    p.set_defaults(func=_cmd_decode)


def _add_synth(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("synth", help="write a SYNTHETIC AIS scenario fixture and its ground truth")
    p.add_argument("-o", "--output", required=True, help="NMEA file to write (.nmea.gz)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's)")
    p.add_argument("--scenario", default="vostochny-2024",
                   help="scenario name (vostochny-2024, fictional-cove-2024, at-sea-2024)")
    p.set_defaults(func=_cmd_synth)


def _add_reading(p: argparse.ArgumentParser) -> None:
    p.add_argument("--columns", metavar="MAP",
                   help="read a positions table of any other layout: our column=the file's, "
                        "e.g. 'mmsi=ID,timestamp=ais_pos_timestamp,lon=longitude,lat=latitude'")
    p.add_argument("--dayfirst", action="store_true",
                   help="read ambiguous dates such as 01/02/2024 day first")


def _reading(args: argparse.Namespace) -> dict:
    """``columns``/``dayfirst`` for read_ais from --columns/--dayfirst."""
    if args.columns is None:
        return {"dayfirst": args.dayfirst}
    from vesseltrack.io._csv import parse_columns

    try:
        return {"columns": parse_columns(args.columns), "dayfirst": args.dayfirst}
    except ValueError as exc:
        raise UsageError(f"--columns {args.columns}: {exc}") from None


def _check_output(option: str, path: str | None) -> None:
    """An output table's extension, checked before any work."""
    if path is None:
        return
    from vesseltrack.io import table_format

    try:
        table_format(path)
    except ValueError as exc:
        raise UsageError(f"{option} {exc}") from None


def _check_selection(args: argparse.Namespace) -> None:
    """--flag, --since/--until and --min-hours, checked before any file is read."""
    import math

    flag = getattr(args, "flag", None)
    if flag is not None:
        from vesseltrack.ais import MID_TO_FLAG

        if flag.upper() not in set(MID_TO_FLAG.values()):
            raise UsageError(f"--flag {flag}: not the flag of any MMSI (an ISO 3166 alpha-2 "
                             "code of the MID table, e.g. KP, RU, PA)")
    min_hours = getattr(args, "min_hours", None)
    if min_hours is not None and not (math.isfinite(min_hours) and min_hours >= 0):
        raise UsageError(f"--min-hours {min_hours:g}: a duration in hours must be zero or "
                         "more")
    if getattr(args, "since", None) is not None or getattr(args, "until", None) is not None:
        from vesseltrack.count import departure_window

        try:
            departure_window(args.since, args.until)
        except ValueError as exc:
            text = _first_line(exc)
            if text.startswith("since "):
                text = f"--since {args.since} is after --until {args.until}: no call can " \
                       "depart in that window"
            raise UsageError(text) from None


def _say(args: argparse.Namespace, text: str) -> None:
    """An informational line on stderr, unless -q."""
    if not getattr(args, "quiet", False):
        print(text, file=sys.stderr)


def _warn_untimed(args: argparse.Namespace, summary_input: dict) -> None:
    """A warning when more than 1% of the positions had no time (they cannot be used)."""
    untimed = int(summary_input.get("untimed_positions", 0))
    positions = int(summary_input.get("positions", 0))
    if untimed and untimed > 0.01 * positions:
        print(f"warning: {untimed:,} of {positions:,} positions have no receiver time and "
              "could not be used (no tag-block or trailing time in the feed?)", file=sys.stderr)


def _add_strict(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strict", action="store_true",
                   help="exit 1 if any input file could not be read (default: list it, go on)")


def _add_sources(p: argparse.ArgumentParser) -> None:
    """INPUT files and/or a store, and the box that limits the positions read."""
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="AIS files, folders or globs (optional with --store)")
    p.add_argument("--store", metavar="DIR",
                   help="analyse the store DIR made by `vesseltrack ingest` (plus any INPUT), "
                        "one MMSI bucket at a time")
    p.add_argument("--bbox", metavar="W,S,E,N",
                   help="only positions inside this box: min_lon,min_lat,max_lon,max_lat")


def _add_detection_inputs(p: argparse.ArgumentParser, *, ports_required: bool) -> None:
    _add_sources(p)
    p.add_argument("--ports", required=ports_required, metavar="P", action="append",
                   help="geofences (GeoJSON FeatureCollection with a 'name' per feature); "
                        "repeat to use several files")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _add_strict(p)
    _add_reading(p)


def _add_window(p: argparse.ArgumentParser) -> None:
    p.add_argument("--since", metavar="DATE", help="calls departing on or after DATE (UTC)")
    p.add_argument("--until", metavar="DATE", help="calls departing on or before DATE (UTC)")


def _add_ingest(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="decode AIS files once into a Parquet store for analysis")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or globs")
    p.add_argument("--store", required=True, metavar="DIR", help="store directory (created)")
    p.add_argument("--buckets", type=int, default=None, metavar="N",
                   help="MMSI buckets of a new store (default 16; peak memory of an analysis "
                        "is about the data over N: give about one per 6 million lines)")
    p.add_argument("--json", action="store_true", help="print what was done as JSON on stdout")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _add_strict(p)
    _add_reading(p)
    p.set_defaults(func=_cmd_ingest)


def _add_selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("--registry", metavar="R", help="vessel registry CSV (for cargo figures)")
    p.add_argument("--sightings", metavar="S", help="sightings CSV (satellite imagery, ...)")
    p.add_argument("--port", metavar="NAME",
                   help="one geofence by name (default: every 'terminal', else every fence)")
    p.add_argument("--flag", metavar="CC", help="ISO 3166 alpha-2 flag from the MMSI, e.g. KP")
    _add_window(p)
    p.add_argument("--cap-bbl", type=int, metavar="N",
                   help="compare the cargo estimate with a cap of N barrels per 12 months "
                        "(default: the UN 2397 cap of 500,000 with --flag KP, else none; 0: none)")
    p.add_argument("--min-hours", type=float, default=6.0, metavar="H",
                   help="shortest AIS silence reported as a gap, hours (default 6)")
    p.add_argument("--watchlist", metavar="W",
                   help="mark calls by listed vessels (CSV or FollowTheMoney JSON lines), "
                        "matched by every IMO and name they used (on a store: the statics "
                        "of any time); port_calls gain a 'watchlist' column")
    _add_split(p)


def _add_split(p: argparse.ArgumentParser, gain: str = "a 'segment' column") -> None:
    p.add_argument("--split-shared-mmsi", action="store_true",
                   help="split each MMSI into the tracks of the ships behind it (by implied "
                        f"speed) and detect per segment (INPUT or --store alike); tables "
                        f"gain {gain}")


def _add_gaps(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gaps", help="AIS gaps (dark periods) per vessel")
    _add_detection_inputs(p, ports_required=False)
    p.add_argument("--since", metavar="DATE", help="gaps ending on or after DATE (UTC)")
    p.add_argument("--until", metavar="DATE", help="gaps starting on or before DATE (UTC)")
    p.add_argument("--min-hours", type=float, default=6.0, metavar="H",
                   help="shortest silence reported, hours (default 6)")
    p.add_argument("--shore", action="store_true",
                   help="add start_distance_to_shore_nm, end_distance_to_shore_nm and offshore "
                        "(>= 12 h, both ends > 50 nm from shore) from the land layer")
    _add_split(p)
    p.add_argument("-o", "--output", required=True, help="gaps table (.csv or .parquet)")
    p.set_defaults(func=_cmd_gaps)


def _add_port_calls(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("port-calls", help="port calls at the geofences, with load state and cargo")
    _add_detection_inputs(p, ports_required=True)
    _add_selection(p)
    p.add_argument("-o", "--output", required=True, help="port calls table (.csv or .parquet)")
    p.set_defaults(func=_cmd_port_calls)


def _add_count(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("count", help="count port calls, loaded departures and barrels")
    _add_detection_inputs(p, ports_required=True)
    _add_selection(p)
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument("--out", metavar="DIR",
                   help="also write port_calls.csv, gaps.csv, summary.json, map.html, "
                        "report.md and charts to DIR")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local (default) or dask: decode files (or read --store buckets) in "
                        "parallel and detect per vessel partition on a Dask cluster; same "
                        "tables as local, --watchlist and --split-shared-mmsi included")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster)")
    p.add_argument("--workers", type=_at_least_one, default=2, metavar="N",
                   help="workers of the LocalCluster when no --scheduler is given (default 2)")
    p.set_defaults(func=_cmd_count)


def _at_least_one(text: str) -> int:
    """A whole number of at least 1 (argparse type): workers of a LocalCluster."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _add_identity(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("identity", help="identity checks: shared MMSIs, changed names and "
                                        "numbers, swaps, spoofed positions, watchlist hits")
    _add_sources(p)
    p.add_argument("--registry", metavar="R", help="vessel registry CSV (flags to compare)")
    p.add_argument("--watchlist", metavar="W",
                   help="watchlist: CSV imo,mmsi,name,flag,list,program or FollowTheMoney "
                        "JSON lines (Vessel entities)")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument("--out", metavar="DIR", help="write identity.csv to DIR")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _add_strict(p)
    _add_reading(p)
    p.set_defaults(func=_cmd_identity)


def _add_map(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("map", help="a folium map of tracks, port calls, gaps and sightings")
    _add_detection_inputs(p, ports_required=True)
    _add_selection(p)
    p.add_argument("-o", "--output", required=True, help="HTML file to write, e.g. maps/NAME.html")
    p.add_argument("--title", help="map title (default: ports, flag, window and counts)")
    p.add_argument("--time-slider", action="store_true",
                   help="add a time slider over the watched vessels' tracks (offline)")
    p.set_defaults(func=_cmd_map)


AT_SEA_FLAGS = (
    # flag, params group, field, help (with the default's source)
    ("--max-distance-m", "encounters", "max_distance_m",
     "largest distance between the two vessels, metres (default 500: Global Fishing Watch)"),
    ("--min-hours", "encounters", "min_duration_hours",
     "shortest encounter, hours (default 2: Global Fishing Watch)"),
    ("--max-median-speed", "encounters", "max_median_speed_knots",
     "median speed of the two over the encounter below this, knots (default 2: Global "
     "Fishing Watch)"),
    ("--max-point-speed", "encounters", "max_point_speed_knots",
     "instants where either vessel is faster than this are not part of an encounter, knots "
     "(default 5: ours, so that a crossing or a convoy at speed never qualifies)"),
    ("--max-break-minutes", "encounters", "max_break_minutes",
     "instants apart by up to this join into one encounter, minutes (default 30: ours, three "
     "grid steps)"),
    ("--min-fence-distance-nm", "encounters", "min_fence_distance_nm",
     "nothing within this distance of a geofence counts, nautical miles (default 5.4: Global "
     "Fishing Watch's 10 km from an anchorage)"),
    ("--draught-window-hours", "encounters", "draught_window_hours",
     "draught change: the draught in effect this long after the end, hours (default 12: "
     "ours; crews type it late)"),
    ("--grid-minutes", "grid", "step_minutes",
     "time grid step the vessels are compared on, minutes (default 10: ours)"),
    ("--max-interpolation-hours", "grid", "max_interpolation_hours",
     "longest silence interpolated across on the grid, hours (default 1: ours)"),
    ("--loiter-speed", "loitering", "max_speed_knots",
     "loitering: slower than this, knots (default 2: Global Fishing Watch)"),
    ("--loiter-hours", "loitering", "min_duration_hours",
     "loitering: for at least this long, hours (default 4: Global Fishing Watch)"),
    ("--loiter-shore-nm", "loitering", "min_shore_distance_nm",
     "loitering: at least this far from shore, nautical miles (default 20: Global Fishing "
     "Watch; shore from GSHHG)"),
    ("--loiter-break-minutes", "loitering", "max_break_minutes",
     "loitering: slow instants apart by up to this join, minutes (default 30: ours)"),
    ("--loiter-fence-distance-nm", "loitering", "min_fence_distance_nm",
     "loitering: nothing within this distance of a geofence counts, nautical miles (default "
     "5.4: the encounters' distance from an anchorage, Global Fishing Watch)"),
    ("--dark-min-gap-hours", "dark.gaps", "min_gap_hours",
     "dark encounters: shortest AIS gap, hours (default 6: the gap rule, Global Fishing "
     "Watch's gap)"),
    ("--dark-approach-nm", "dark", "max_approach_nm",
     "dark encounters: the gap's ends within this of the other vessel (or of the other "
     "gap's ends), nautical miles (default 30: ours)"),
    ("--dark-speed", "dark.speed", "max_speed_knots",
     "dark encounters: fastest speed through the gap, knots (default 12: the port calls' "
     "fastest plausible tanker speed)"),
)


def _add_encounters(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "encounters",
        help="ship-to-ship encounters at sea (seen and dark) and loitering",
        description="Encounters: two vessels close and slow together at sea, away from "
                    "geofences; dark encounters: one vessel waiting while another's AIS gap "
                    "could have brought it alongside, or two overlapping gaps whose ends lie "
                    "near each other; loitering: slow for hours far from shore. Defaults "
                    "after Global Fishing Watch's published rules; each flag says its source.")
    _add_detection_inputs(p, ports_required=False)
    p.add_argument("--since", metavar="DATE", help="events ending on or after DATE (UTC)")
    p.add_argument("--until", metavar="DATE", help="events starting on or before DATE (UTC)")
    p.add_argument("--json", action="store_true",
                   help="print encounters, dark_encounters, loitering (counts) and input as JSON")
    p.add_argument("--out", metavar="DIR",
                   help="write encounters.csv, loitering.csv, summary.json, map.html and "
                        "report.md to DIR")
    for flag, _group, _field, text in AT_SEA_FLAGS:
        p.add_argument(flag, type=float, default=None, metavar="X", help=text)
    _add_split(p, "'segment_a'/'segment_b' (encounters) and 'segment' (loitering) columns")
    p.set_defaults(func=_cmd_encounters)


def _at_sea_params(args: argparse.Namespace):
    """Flags onto :class:`AtSeaParams`, one field each."""
    from dataclasses import replace

    from vesseltrack.params import AtSeaParams, SegmentParams

    params = AtSeaParams(segments=SegmentParams() if args.split_shared_mmsi else None)
    groups = {"encounters": {}, "grid": {}, "loitering": {}, "dark": {}, "dark.gaps": {},
              "dark.speed": {}}
    for flag, group, field, _text in AT_SEA_FLAGS:
        value = getattr(args, flag.lstrip("-").replace("-", "_"))
        if value is not None:
            if not value >= 0:
                raise UsageError(f"{flag} must be a number >= 0, got {value}")
            groups[group][field] = value
    try:
        grid = replace(params.encounters.grid, **groups["grid"])
    except ValueError as exc:  # a grid step of 0
        raise UsageError(f"--grid-minutes: {_first_line(exc)}") from None
    return replace(params, encounters=replace(params.encounters, grid=grid, **groups["encounters"]),
                   loitering=replace(params.loitering, **groups["loitering"]),
                   dark=replace(params.dark, gaps=replace(params.dark.gaps, **groups["dark.gaps"]),
                                speed=replace(params.dark.speed, **groups["dark.speed"]),
                                **groups["dark"]))


def _tables(args: argparse.Namespace):
    """Every position and static of INPUT and ``--store`` in memory, for the commands that
    look across vessels (encounters, identity): ``.positions``, ``.statics``, ``.report``.
    ``--since``/``--until`` (with the store's read margin) and ``--bbox`` limit the store's
    rows in its reader."""
    from types import SimpleNamespace

    import pandas as pd

    from vesseltrack.bucketed import read_window
    from vesseltrack.params import StoreParams

    store, data, report = _source(args)
    box = _bbox(args)
    positions = [_in_bbox(data.positions, box)] if data is not None else []
    statics = [data.statics] if data is not None else []
    if store is not None:
        try:
            lo, hi = read_window(getattr(args, "since", None), getattr(args, "until", None),
                                 StoreParams())
        except ValueError as exc:  # a bad date
            raise UsageError(_first_line(exc)) from None
        positions.insert(0, store.read("positions", since=lo, until=hi, bbox=box))
        statics.insert(0, store.read("statics", since=lo, until=hi))
    frames = [f for f in positions if len(f)] or positions[:1]
    sframes = [f for f in statics if len(f)] or statics[:1]
    return SimpleNamespace(
        positions=pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0],
        statics=pd.concat(sframes, ignore_index=True) if len(sframes) > 1 else sframes[0],
        report=report)


def _warn_untimed_rows(args: argparse.Namespace, positions) -> None:
    """:func:`_warn_untimed` for a positions table read whole (encounters, identity)."""
    _warn_untimed(args, {"untimed_positions": int(positions["timestamp"].isna().sum()),
                         "positions": len(positions)})


def _cmd_encounters(args: argparse.Namespace) -> int:
    from vesseltrack.encounters import detect_at_sea

    params = _at_sea_params(args)
    side = _load_side_inputs(args)
    data = _tables(args)
    try:
        result = detect_at_sea(data.positions, data.statics, side["ports"], since=args.since,
                               until=args.until, params=params)
    except ValueError as exc:  # a bad date
        raise UsageError(_first_line(exc)) from None
    summary = result.summary(data.report.to_dict())
    if args.out:
        from pathlib import Path

        from vesseltrack.io import write_text
        from vesseltrack.maps import write_encounter_map
        from vesseltrack.report import write_encounter_report

        out = Path(args.out)
        _write(result.encounters, out / "encounters.csv")
        _write(result.loitering, out / "loitering.csv")
        try:
            write_text(json.dumps(summary, indent=2, default=str) + "\n", out / "summary.json")
            write_encounter_map(result, data.positions, side["ports"], out / "map.html")
            write_encounter_report(result, summary, out / "report.md")
        except OSError as exc:
            raise UsageError(f"cannot write output: {exc.strerror or exc}: {out}") from None
    if args.json:
        print(json.dumps(summary, default=str))
    else:
        print(f"{summary['encounters']:,} encounters seen on AIS, "
              f"{summary['dark_encounters']:,} dark encounters "
              f"({summary['transfers']:,} with draught changes of opposite signs), "
              f"{summary['loitering']:,} loitering events")
        if args.out:
            print(f"wrote encounters.csv, loitering.csv, summary.json, map.html and report.md "
                  f"to {args.out}")
    _warn_untimed_rows(args, data.positions)
    return _check_failed(data, args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``vesseltrack`` command."""
    from vesseltrack import __version__

    parser = _Parser(prog="vesseltrack",
                     description="Turn raw AIS data into evidence: port calls, dark periods, "
                                 "loaded departures and cargo estimates.")
    parser.add_argument("--version", action="version", version=f"vesseltrack {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    _add_decode(sub)
    _add_ingest(sub)
    _add_gaps(sub)
    _add_port_calls(sub)
    _add_count(sub)
    _add_map(sub)
    _add_identity(sub)
    _add_encounters(sub)
    _add_synth(sub)
    return parser


def _read(inputs: Sequence[str], quiet: bool, args: argparse.Namespace | None = None,
          *, need_positions: bool = True):
    """Read the inputs; a run in which no input yields a position (or, with
    ``need_positions`` False, no row at all) is a usage error."""
    from vesseltrack.io import InputError, read_ais

    options = _reading(args) if args is not None else {}
    try:
        data = read_ais(inputs, progress=False if quiet else None, **options)
    except InputError as exc:
        raise UsageError(str(exc)) from None
    if len(data.positions) == 0 and (need_positions or len(data.statics) == 0):
        failed = data.report.failed_files
        why = f" ({len(failed)} file(s) could not be read: {failed[0]['path']}: " \
              f"{failed[0]['error']})" if failed else ""
        rep = data.report
        if not failed and rep.malformed:
            nmea = rep.sentences + rep.bad_checksum + rep.other_nmea  # lines read as NMEA
            why = f" ({rep.malformed:,} of {rep.lines:,} lines malformed" + (
                ": a table's rows need an MMSI (a number), a time, a longitude and a latitude)"
                if nmea == 0 else ")")
        raise UsageError(f"no position in any input: {', '.join(map(str, inputs))[:200]}{why}")
    return data


def _check_failed(data, args: argparse.Namespace) -> int:
    """Warn about files that could not be read or yielded no position; the exit status under
    ``--strict``."""
    rep = data if isinstance(data, dict) else data.report.to_dict()
    failed = rep.get("failed_files") or []
    empty = rep.get("files_without_positions") or []
    strict = getattr(args, "strict", False)
    for item in failed:
        print(f"warning: could not read {item['path']}: {item['error']}", file=sys.stderr)
    for path in empty:
        print(f"{'error' if strict else 'warning'}: {path}: no position in this file",
              file=sys.stderr)
    if failed and strict:
        print(f"error: {len(failed)} input file(s) could not be read (--strict)", file=sys.stderr)
    return 1 if strict and (failed or empty) else 0


def _cmd_decode(args: argparse.Namespace) -> int:
    from vesseltrack.io import write_table

    _check_output("-o", args.output)
    _check_output("--statics", args.statics)
    data = _read(args.inputs, args.quiet, args, need_positions=False)
    try:
        write_table(data.positions, args.output)
        if args.statics:
            write_table(data.statics, args.statics)
    except OSError as exc:
        raise UsageError(f"cannot write output: {exc.strerror or exc}: "
                         f"{getattr(exc, 'filename', '') or ''}".rstrip(": ")) from None
    report = data.report.to_dict()
    if args.json:
        print(json.dumps(report, sort_keys=False))
    else:
        _say(args, data.report.format())
        _say(args, f"wrote {len(data.positions):,} positions to {args.output}"
             + (f" and {len(data.statics):,} statics to {args.statics}" if args.statics else ""))
    untimed = int(data.positions["timestamp"].isna().sum())
    _warn_untimed(args, {"untimed_positions": untimed, "positions": len(data.positions)})
    return _check_failed(data, args)


def _load_side_inputs(args: argparse.Namespace):
    """Read --ports, --registry, --sightings; a bad file is a one-line usage error."""
    from pathlib import Path

    from vesseltrack.ports import read_ports
    from vesseltrack.registry import read_registry, read_sightings

    out = {}
    from vesseltrack.watchlist import read_watchlist

    for key, reader in (("ports", read_ports), ("registry", read_registry),
                        ("sightings", read_sightings), ("watchlist", read_watchlist)):
        given = getattr(args, key, None)
        if given is None:
            out[key] = None
            continue
        frames = []
        for path in (given if isinstance(given, list) else [given]):
            if not Path(path).is_file():
                raise UsageError(f"--{key} {path}: no such file")
            try:
                frames.append(reader(path))
            except (OSError, ValueError) as exc:
                raise UsageError(f"--{key} {path}: {_first_line(exc)}") from None
        if len(frames) == 1:
            out[key] = frames[0]
        else:
            import pandas as pd

            merged = pd.concat(frames, ignore_index=True)
            names = merged["name"].astype(str)
            if names.duplicated().any():
                dup = names[names.duplicated()].iloc[0]
                raise UsageError(f"--{key}: geofence {dup!r} is in more than one file")
            out[key] = merged
    return out


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _count_params(args: argparse.Namespace):
    """Flags onto parameters, one field each (rules between fields live in the library)."""
    from vesseltrack.params import CountParams, GapParams, PortCallParams, SegmentParams

    return CountParams(port_calls=PortCallParams(gaps=GapParams(min_gap_hours=args.min_hours)),
                       segments=SegmentParams() if args.split_shared_mmsi else None)


def _bbox(args: argparse.Namespace) -> tuple[float, float, float, float] | None:
    text = getattr(args, "bbox", None)
    if text is None:
        return None
    import math

    try:
        box = tuple(float(v) for v in text.split(","))
    except ValueError:
        box = ()
    if (len(box) != 4 or not all(math.isfinite(v) for v in box)
            or box[0] > box[2] or box[1] > box[3]):
        raise UsageError(f"--bbox {text}: give min_lon,min_lat,max_lon,max_lat (four numbers, "
                         "min before max)")
    return box  # type: ignore[return-value]


def _in_bbox(positions, box):
    if box is None:
        return positions
    inside = (positions["lon"].between(box[0], box[2]) & positions["lat"].between(box[1], box[3]))
    return positions.loc[inside.fillna(False).to_numpy(bool)].reset_index(drop=True)


def _open_store(args: argparse.Namespace):
    """The store of --store (None without it); a missing or foreign folder is a usage error."""
    if getattr(args, "store", None) is None:
        return None
    from pathlib import Path

    from vesseltrack.store import open_store, use_releasing_memory_pool

    if not Path(args.store).is_dir():
        what = "not a folder" if Path(args.store).exists() else "no such folder"
        raise UsageError(f"--store {args.store}: {what}")
    use_releasing_memory_pool()  # the rest of pyarrow's allocations (see main)
    try:
        return open_store(args.store)
    except ValueError as exc:
        raise UsageError(_first_line(exc)) from None


def _source(args: argparse.Namespace):
    """``(store, data, report)``: the store (or None), the files decoded (or None) and the
    decode report of both."""
    from vesseltrack.ais import DecodeReport

    store = _open_store(args)
    if store is None and not args.inputs:
        raise UsageError("give INPUT files, or --store DIR (see `vesseltrack ingest`)")
    data = _read(args.inputs, args.quiet, args) if args.inputs else None
    report = store.report() if store is not None else DecodeReport()
    if data is not None:
        report.merge(data.report)
    return store, data, report


def _count(args: argparse.Namespace, want_map: bool = False):
    """``(report, result, side, positions, statics)``; positions/statics for maps and
    reports (thinned tracks when the data came from a store)."""
    from vesseltrack.count import count_port_calls

    _check_selection(args)
    side = _load_side_inputs(args)
    store, data, report = _source(args)
    params = _count_params(args)
    box = _bbox(args)
    common = {"registry": side["registry"], "sightings": side["sightings"], "port": args.port,
              "flag": args.flag, "since": args.since, "until": args.until, "params": params,
              "cap_bbl": args.cap_bbl}
    try:
        if store is None:
            positions = _in_bbox(data.positions, box)
            statics = data.statics
            result = count_port_calls(positions, statics, side["ports"], **common)
        else:
            from vesseltrack.bucketed import count_port_calls_store

            extra = (_in_bbox(data.positions, box), data.statics) if data is not None else None
            del data
            # bucket by bucket, --watchlist included (each bucket's statics, any time)
            result = count_port_calls_store(store, side["ports"], bbox=box, extra=extra,
                                            want_map=want_map,
                                            progress=False if args.quiet else None,
                                            watchlist=side["watchlist"], **common)
            maps = result.map_inputs
            positions, statics = (maps.positions, maps.statics) if maps else (None, None)
    except ValueError as exc:  # an unknown --port, a bad date, a negative cap
        raise UsageError(_first_line(exc)) from None
    if side["watchlist"] is not None and store is None:
        from vesseltrack.watchlist import mark_listed_calls

        result = mark_listed_calls(result, side["watchlist"], statics)
    return report, result, side, positions, statics


def _write(frame, path) -> None:
    from vesseltrack.io import write_table

    try:
        write_table(frame, path)
    except OSError as exc:
        raise UsageError(f"cannot write output: {exc.strerror or exc}: {path}") from None
    except ValueError as exc:  # an unsupported extension
        raise UsageError(_first_line(exc)) from None


def _cmd_gaps(args: argparse.Namespace) -> int:
    from vesseltrack.bucketed import select_gaps
    from vesseltrack.params import GapParams

    _check_selection(args)
    _check_output("-o", args.output)
    side = _load_side_inputs(args)
    store, data, report = _source(args)
    box = _bbox(args)
    params = GapParams(min_gap_hours=args.min_hours)
    read_whole = None  # positions held at once (files): their untimed rows are warned of
    try:
        if store is None:
            positions = _in_bbox(data.positions, box)
            read_whole = positions
            if args.split_shared_mmsi:
                from vesseltrack.segments import detect_gaps_by_segment

                gaps = detect_gaps_by_segment(positions, data.statics, side["ports"], params)
            else:
                from vesseltrack.gaps import detect_gaps
                from vesseltrack.tracks import clean_tracks

                gaps = detect_gaps(clean_tracks(positions), data.statics, side["ports"], params)
        else:
            from vesseltrack.bucketed import detect_gaps_store
            from vesseltrack.params import SegmentParams

            extra = (_in_bbox(data.positions, box), data.statics) if data is not None else None
            gaps = detect_gaps_store(store, side["ports"], params, since=args.since,
                                     until=args.until, bbox=box, extra=extra,
                                     segments=SegmentParams() if args.split_shared_mmsi
                                     else None)
        gaps = select_gaps(gaps, args.since, args.until)
    except ValueError as exc:  # a bad date
        raise UsageError(_first_line(exc)) from None
    if args.shore:
        from vesseltrack.gaps import add_distance_to_shore

        gaps = add_distance_to_shore(gaps)
    _write(gaps, args.output)
    _say(args, f"{len(gaps):,} gaps of {args.min_hours:g} h or more by "
               f"{gaps['mmsi'].nunique():,} vessels written to {args.output}")
    if args.shore:
        rule = gaps.attrs["params"]["offshore"]
        _say(args, f"{int(gaps['offshore'].sum()):,} offshore ({rule['min_gap_hours']:g} h or "
                   f"more, both ends beyond {rule['min_shore_distance_nm']:g} nm from shore)")
    if read_whole is not None:
        _warn_untimed_rows(args, read_whole)
    return _check_failed(report.to_dict(), args)


def _cmd_port_calls(args: argparse.Namespace) -> int:
    _check_output("-o", args.output)
    report, result, _, _, _ = _count(args)
    _write(result.port_calls, args.output)
    calls = result.port_calls
    _say(args, f"{len(calls):,} port calls ({int((calls['load_state'] == 'loaded').sum()):,} "
               f"loaded departures) at {', '.join(result.ports)} written to {args.output}")
    _warn_untimed(args, result.summary(report.to_dict())["input"])
    return _check_failed(report.to_dict(), args)


def _input_error() -> type[Exception]:
    """:class:`vesseltrack.io.InputError`, imported when an ``except`` clause first needs it
    (loading :mod:`vesseltrack.io` loads the compiled reader, which a store count never uses)."""
    from vesseltrack.io import InputError

    return InputError


def _port_surely_named(args: argparse.Namespace) -> bool:
    """Whether ``--port``, when given, is the name of a feature of the ``--ports`` files,
    read as plain JSON (no pandas, no shapely: milliseconds, where reading them as geofences
    takes the imports a Dask count overlaps with the start of its cluster).

    False when the name is not there, or a file cannot be read this way: the caller then
    reads the ports in full (:func:`_selected_ports`), which reports the error.
    """
    if args.port is None:
        return True
    names: set[str] = set()
    for path in args.ports or []:
        try:
            with open(path, encoding="utf-8") as fh:
                features = json.load(fh)["features"]
            names.update(str((f.get("properties") or {}).get("name", "")).strip()
                         for f in features)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return False
    return args.port in names


def _selected_ports(ports, port: str | None) -> list[str]:
    """:func:`vesseltrack.count.select_ports`, an unknown ``port`` a one-line usage error."""
    from vesseltrack.count import select_ports

    try:
        return select_ports(ports, port)
    except ValueError as exc:
        raise UsageError(_first_line(exc)) from None


def _count_dask(args: argparse.Namespace):
    from pathlib import Path

    if args.columns is not None or args.dayfirst:
        raise UsageError("--columns and --dayfirst need --engine local")
    if args.store is not None and args.inputs:
        raise UsageError("--engine dask reads INPUT files or --store, not both: ingest the "
                         "files into the store first")
    connecting = None
    side = None
    if args.store is not None and Path(args.store).is_dir():
        if not _port_surely_named(args):
            # an unknown --port is a one-line error before any cluster starts: the ports
            # are read in full first (only then: reading them needs the heavy imports)
            side = _load_side_inputs(args)
            _selected_ports(side["ports"], args.port)
        # start the cluster (or connect) first: its workers boot while this process imports
        # the analysis modules and reads the side inputs
        from vesseltrack.cluster import connect_in_background

        connecting = connect_in_background(args.scheduler, args.workers)
    try:
        _check_selection(args)
        store = _open_store(args)
        if store is None and not args.inputs:
            raise UsageError("give INPUT files, or --store DIR (see `vesseltrack ingest`)")
        if store is None and args.bbox is not None:
            raise UsageError("--bbox with --engine dask needs --store")
        side = side or _load_side_inputs(args)
        common = {"registry": side["registry"], "sightings": side["sightings"],
                  "port": args.port, "flag": args.flag, "since": args.since,
                  "until": args.until, "params": _count_params(args),
                  "scheduler": args.scheduler, "n_workers": args.workers,
                  "want_map": bool(args.out), "cap_bbl": args.cap_bbl,
                  "watchlist": side["watchlist"]}
        box = _bbox(args)
        from vesseltrack.distributed import count_port_calls_dask, count_store_dask
    except BaseException:
        if connecting is not None:  # given up before the engine took the connection over
            from vesseltrack.cluster import abandon

            abandon(connecting)
        raise
    try:
        if store is not None:  # the engine closes the connection, whatever happens
            return count_store_dask(store.root, side["ports"], bbox=box,
                                    connecting=connecting, **common)
        return count_port_calls_dask(args.inputs, side["ports"], **common)
    except _input_error() as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # an unknown --port, a bad date
        raise UsageError(_first_line(exc)) from None
    except OSError as exc:  # a scheduler that cannot be reached, a cluster that cannot start
        where = (f"dask scheduler {args.scheduler}" if args.scheduler
                 else "cannot start a local Dask cluster")
        raise UsageError(f"{where}: {_first_line(exc)}") from None


def _write_out(args: argparse.Namespace, result, summary: dict, positions, statics,
               side: dict) -> None:
    """``count --out``: port_calls.csv, gaps.csv, summary.json, map.html, report.md, charts."""
    from pathlib import Path

    from vesseltrack.io import write_text
    from vesseltrack.maps import write_map
    from vesseltrack.report import write_report

    out = Path(args.out)
    _write(result.port_calls, out / "port_calls.csv")
    _write(result.gaps, out / "gaps.csv")
    try:
        write_text(json.dumps(summary, indent=2, default=str) + "\n", out / "summary.json")
        write_map(result, positions, statics, side["ports"], out / "map.html",
                  sightings=side["sightings"])
        write_report(result, summary, positions, statics, out, registry=side["registry"])
    except OSError as exc:
        raise UsageError(f"cannot write output: {exc.strerror or exc}: {out}") from None


def _print_summary(args: argparse.Namespace, summary: dict) -> None:
    from vesseltrack.report import format_summary

    if args.json:
        print(json.dumps(summary, indent=None, sort_keys=False, default=str))
    else:
        print(format_summary(summary))
        if args.out:
            print(f"\nwrote port_calls.csv, gaps.csv, summary.json, map.html, report.md and "
                  f"charts to {args.out}")


def _cmd_count(args: argparse.Namespace) -> int:
    if args.engine == "dask":
        result = _count_dask(args)
        report = result.input_report or {}
        summary = result.summary(report)
        summary["engine"] = report.get("engine", {"name": "dask"})
        if args.out:
            maps = result.map_inputs
            _write_out(args, result, summary, maps.positions, maps.statics,
                       _load_side_inputs(args))
        _print_summary(args, summary)
        _warn_untimed(args, summary["input"])
        return _check_failed(report, args)
    if args.scheduler:
        raise UsageError("--scheduler needs --engine dask")
    report, result, side, positions, statics = _count(args, want_map=bool(args.out))
    summary = result.summary(report.to_dict())
    if args.out:
        _write_out(args, result, summary, positions, statics, side)
    # Only the map and the report (--out) read the decoded tables: let them go now.
    del positions, statics
    _print_summary(args, summary)
    _warn_untimed(args, summary["input"])
    return _check_failed(report.to_dict(), args)


def _cmd_map(args: argparse.Namespace) -> int:
    from pathlib import Path

    from vesseltrack.maps import write_map

    suffix = Path(args.output).suffix.lower()
    if suffix not in (".html", ".htm"):
        raise UsageError(f"-o {args.output}: unsupported output extension "
                         f"{suffix or '(none)'!r} (a map is .html)")

    report, result, side, positions, statics = _count(args, want_map=True)
    try:
        write_map(result, positions, statics, side["ports"], args.output,
                  sightings=side["sightings"], title=args.title, time_slider=args.time_slider)
    except OSError as exc:
        raise UsageError(f"cannot write output: {exc.strerror or exc}: {args.output}") from None
    _say(args, f"map of {len(result.port_calls):,} port calls ({len(result.loaded):,} loaded "
               f"departures) written to {args.output}")
    _warn_untimed(args, result.summary(report.to_dict())["input"])
    return _check_failed(report.to_dict(), args)


def _cmd_identity(args: argparse.Namespace) -> int:
    from vesseltrack.identity import check_identity, identity_summary

    side = _load_side_inputs(args)
    data = _tables(args)
    findings = check_identity(data.positions, data.statics, registry=side["registry"],
                              watchlist=side["watchlist"])
    summary = identity_summary(findings, data.report.to_dict())
    if args.out:
        from pathlib import Path

        _write(findings, Path(args.out) / "identity.csv")
    if args.json:
        print(json.dumps(summary, default=str))
    else:
        print(f"{summary['findings']:,} identity findings on {summary['vessels_flagged']:,} "
              f"vessels")
        for kind, n in summary["by_kind"].items():
            print(f"  {kind:<18} {n:>6,}")
        if args.out:
            print(f"\nwrote identity.csv to {args.out}")
    _warn_untimed_rows(args, data.positions)
    return _check_failed(data, args)


def _cmd_ingest(args: argparse.Namespace) -> int:
    from pathlib import Path

    from vesseltrack.io import InputError
    from vesseltrack.params import StoreParams
    from vesseltrack.store import ingest

    options = _reading(args)
    if args.buckets is not None and args.buckets < 1:
        raise UsageError(f"--buckets {args.buckets}: give a whole number of at least 1")
    params = StoreParams() if args.buckets is None else StoreParams(buckets=args.buckets)
    if Path(args.store).exists() and not Path(args.store).is_dir():
        raise UsageError(f"--store {args.store}: not a folder (a store is a folder; give a new "
                         f"or existing store's path)")
    try:
        done = ingest(args.inputs, args.store, progress=False if args.quiet else None,
                      params=params, **options)
    except InputError as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # a foreign ingest.json
        raise UsageError(_first_line(exc)) from None
    except OSError as exc:
        name = getattr(exc, "filename", None)
        if name and not Path(name).resolve().is_relative_to(Path(args.store).resolve()):
            # an input that cannot be read (the store is left as it was)
            raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
        raise UsageError(f"cannot write the store: {exc.strerror or exc}: "
                         f"{name or args.store}") from None
    if args.json:
        print(json.dumps(done))
    else:
        rep = done["report"]
        print(f"ingested {len(done['added']):,} file(s) ({rep['lines']:,} lines, "
              f"{done['positions']:,} positions, {done['statics']:,} statics) into {args.store} "
              f"in {done['seconds']:.1f} s; {len(done['skipped']):,} already there, skipped",
              file=sys.stderr)
    return _check_failed(done["report"], args)


def _cmd_synth(args: argparse.Namespace) -> int:
    try:
        from vesseltrack.synth import (
            AT_SEA_KEY,
            IDENTITY_SCENARIO,
            SCENARIOS,
            write_at_sea_fixture,
            write_fixture,
            write_identity_fixture,
        )
    except ImportError as exc:  # pragma: no cover - ships with the package
        raise UsageError(f"synthetic scenarios unavailable: {exc}") from None
    own_writer = {AT_SEA_KEY: write_at_sea_fixture, IDENTITY_SCENARIO: write_identity_fixture}
    if args.scenario in own_writer:
        try:
            paths = own_writer[args.scenario](args.output, **({} if args.seed is None
                                                             else {"seed": args.seed}))
        except OSError as exc:
            raise UsageError(f"cannot write output: {exc}") from None
        for role, path in paths.items():
            print(f"{role}: {path}", file=sys.stderr)
        return 0
    if args.scenario not in SCENARIOS:
        raise UsageError(f"unknown scenario {args.scenario!r}; choose from: "
                         + ", ".join(sorted([*SCENARIOS, *own_writer])))
    kwargs = {"scenario": args.scenario}
    if args.seed is not None:
        kwargs["seed"] = args.seed
    try:
        paths = write_fixture(args.output, **kwargs)
    except OSError as exc:
        raise UsageError(f"cannot write output: {exc}") from None
    for role, path in paths.items():
        print(f"{role}: {path}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if getattr(args, "store", None) is not None and not os.environ.get(
                "ARROW_DEFAULT_MEMORY_POOL"):
            # before pyarrow loads: its Parquet reader then allocates from a pool that hands
            # memory back between buckets (vesseltrack.store.use_releasing_memory_pool); Dask
            # workers started here inherit it
            os.environ["ARROW_DEFAULT_MEMORY_POOL"] = (
                "jemalloc" if sys.platform.startswith("linux") else "system")
        return args.func(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


def run(argv: Sequence[str] | None = None) -> int:
    """The ``vesseltrack`` console script: :func:`main`, then the interpreter's teardown
    made quick.

    Once the command is done, every object still alive (all of pandas, pyarrow, Dask and
    the rest, imported once) is moved out of reach of the garbage collector
    (:func:`gc.freeze`), so the collection the interpreter runs as it exits does not walk
    them all: about a quarter of a second of every command that loaded them. The rest of
    the exit is unchanged (``atexit`` handlers run, standard output is flushed, modules are
    freed); only objects caught in reference cycles are left to the operating system, and
    by then the command has written and closed its outputs and closed its Dask cluster.
    """
    status = main(argv)
    import gc

    gc.freeze()
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())

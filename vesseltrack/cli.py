"""The ``vesseltrack`` command line: a thin layer that parses arguments, calls the library, prints.

Exit codes: 0 success; 1 bad usage or unreadable input (one line on stderr, no traceback).
A corrupt line inside a data file is never fatal: it is counted in the report.
"""

from __future__ import annotations

import argparse
import json
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
    p.add_argument("--scenario", default="vostochny-2024", help="scenario name")
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


def _add_strict(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strict", action="store_true",
                   help="exit 1 if any input file could not be read (default: list it, go on)")


def _add_detection_inputs(p: argparse.ArgumentParser, *, ports_required: bool) -> None:
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="AIS files, folders or globs (optional with --store)")
    p.add_argument("--store", metavar="DIR",
                   help="analyse the store DIR made by `vesseltrack ingest` (plus any INPUT)")
    p.add_argument("--bbox", metavar="W,S,E,N",
                   help="only positions inside this box: min_lon,min_lat,max_lon,max_lat")
    p.add_argument("--ports", required=ports_required, metavar="P",
                   help="geofences (GeoJSON FeatureCollection with a 'name' per feature)")
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
    p.add_argument("--min-hours", type=float, default=6.0, metavar="H",
                   help="shortest AIS silence reported as a gap, hours (default 6)")


def _add_gaps(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gaps", help="AIS gaps (dark periods) per vessel")
    _add_detection_inputs(p, ports_required=False)
    p.add_argument("--since", metavar="DATE", help="gaps ending on or after DATE (UTC)")
    p.add_argument("--until", metavar="DATE", help="gaps starting on or before DATE (UTC)")
    p.add_argument("--min-hours", type=float, default=6.0, metavar="H",
                   help="shortest silence reported, hours (default 6)")
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
                   help="local (default) or dask: decode files in parallel and detect per "
                        "vessel partition on a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster)")
    p.add_argument("--workers", type=int, default=2, metavar="N",
                   help="workers of the LocalCluster when no --scheduler is given (default 2)")
    p.set_defaults(func=_cmd_count)


def _add_map(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("map", help="a folium map of tracks, port calls, gaps and sightings")
    _add_detection_inputs(p, ports_required=True)
    _add_selection(p)
    p.add_argument("-o", "--output", required=True, help="HTML file to write, e.g. maps/NAME.html")
    p.add_argument("--title", help="map title (default: ports, flag, window and counts)")
    p.set_defaults(func=_cmd_map)


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
    _add_synth(sub)
    return parser


def _read(inputs: Sequence[str], quiet: bool, args: argparse.Namespace | None = None):
    from vesseltrack.io import InputError, read_ais

    options = _reading(args) if args is not None else {}
    try:
        return read_ais(inputs, progress=False if quiet else None, **options)
    except InputError as exc:
        raise UsageError(str(exc)) from None


def _check_failed(data, args: argparse.Namespace) -> int:
    """Warn about files that could not be read; the exit status under ``--strict``."""
    failed = data["failed_files"] if isinstance(data, dict) else data.report.failed_files
    for item in failed:
        print(f"warning: could not read {item['path']}: {item['error']}", file=sys.stderr)
    if failed and getattr(args, "strict", False):
        print(f"error: {len(failed)} input file(s) could not be read (--strict)", file=sys.stderr)
        return 1
    return 0


def _cmd_decode(args: argparse.Namespace) -> int:
    from vesseltrack.io import write_table

    data = _read(args.inputs, args.quiet, args)
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
        print(data.report.format(), file=sys.stderr)
        print(f"wrote {len(data.positions):,} positions to {args.output}"
              + (f" and {len(data.statics):,} statics to {args.statics}" if args.statics else ""),
              file=sys.stderr)
    return _check_failed(data, args)


def _load_side_inputs(args: argparse.Namespace):
    """Read --ports, --registry, --sightings; a bad file is a one-line usage error."""
    from vesseltrack.ports import read_ports
    from vesseltrack.registry import read_registry, read_sightings

    out = {}
    for key, reader in (("ports", read_ports), ("registry", read_registry),
                        ("sightings", read_sightings)):
        path = getattr(args, key, None)
        if path is None:
            out[key] = None
            continue
        from pathlib import Path

        if not Path(path).is_file():
            raise UsageError(f"--{key} {path}: no such file")
        try:
            out[key] = reader(path)
        except (OSError, ValueError) as exc:
            raise UsageError(f"--{key} {path}: {_first_line(exc)}") from None
    return out


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _count_params(args: argparse.Namespace):
    """Flags onto parameters, one field each (rules between fields live in the library)."""
    from vesseltrack.params import CountParams, GapParams, PortCallParams

    return CountParams(port_calls=PortCallParams(gaps=GapParams(min_gap_hours=args.min_hours)))


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

    from vesseltrack.store import open_store

    if not Path(args.store).is_dir():
        raise UsageError(f"--store {args.store}: no such folder")
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

    side = _load_side_inputs(args)
    store, data, report = _source(args)
    params = _count_params(args)
    box = _bbox(args)
    common = {"registry": side["registry"], "sightings": side["sightings"], "port": args.port,
              "flag": args.flag, "since": args.since, "until": args.until, "params": params}
    try:
        if store is None:
            positions = _in_bbox(data.positions, box)
            result = count_port_calls(positions, data.statics, side["ports"], **common)
            return report, result, side, positions, data.statics
        from vesseltrack.bucketed import count_port_calls_store

        extra = (_in_bbox(data.positions, box), data.statics) if data is not None else None
        del data
        result = count_port_calls_store(store, side["ports"], bbox=box, extra=extra,
                                        want_map=want_map, progress=False if args.quiet else None,
                                        **common)
    except ValueError as exc:  # an unknown --port, a bad date
        raise UsageError(_first_line(exc)) from None
    maps = result.map_inputs
    return (report, result, side, maps.positions if maps else None,
            maps.statics if maps else None)


def _write(frame, path) -> None:
    from vesseltrack.io import write_table

    try:
        write_table(frame, path)
    except OSError as exc:
        raise UsageError(f"cannot write output: {exc.strerror or exc}: {path}") from None


def _cmd_gaps(args: argparse.Namespace) -> int:
    from vesseltrack.bucketed import select_gaps
    from vesseltrack.params import GapParams

    side = _load_side_inputs(args)
    store, data, report = _source(args)
    box = _bbox(args)
    params = GapParams(min_gap_hours=args.min_hours)
    try:
        if store is None:
            from vesseltrack.gaps import detect_gaps
            from vesseltrack.tracks import clean_tracks

            tracks = clean_tracks(_in_bbox(data.positions, box))
            gaps = detect_gaps(tracks, data.statics, side["ports"], params)
        else:
            from vesseltrack.bucketed import detect_gaps_store

            extra = (_in_bbox(data.positions, box), data.statics) if data is not None else None
            gaps = detect_gaps_store(store, side["ports"], params, since=args.since,
                                     until=args.until, bbox=box, extra=extra)
        gaps = select_gaps(gaps, args.since, args.until)
    except ValueError as exc:  # a bad date
        raise UsageError(_first_line(exc)) from None
    _write(gaps, args.output)
    print(f"{len(gaps):,} gaps of {args.min_hours:g} h or more by {gaps['mmsi'].nunique():,} "
          f"vessels written to {args.output}", file=sys.stderr)
    return _check_failed({"failed_files": report.failed_files}, args)


def _cmd_port_calls(args: argparse.Namespace) -> int:
    report, result, _, _, _ = _count(args)
    _write(result.port_calls, args.output)
    calls = result.port_calls
    print(f"{len(calls):,} port calls ({int((calls['load_state'] == 'loaded').sum()):,} loaded "
          f"departures) at {', '.join(result.ports)} written to {args.output}", file=sys.stderr)
    return _check_failed({"failed_files": report.failed_files}, args)


def _count_dask(args: argparse.Namespace):
    from vesseltrack.distributed import count_port_calls_dask, count_store_dask
    from vesseltrack.io import InputError

    if args.columns is not None or args.dayfirst:
        raise UsageError("--columns and --dayfirst need --engine local")
    if args.store is not None and args.inputs:
        raise UsageError("--engine dask reads INPUT files or --store, not both: ingest the "
                         "files into the store first")
    store = _open_store(args)
    if store is None and not args.inputs:
        raise UsageError("give INPUT files, or --store DIR (see `vesseltrack ingest`)")
    side = _load_side_inputs(args)
    common = {"registry": side["registry"], "sightings": side["sightings"], "port": args.port,
              "flag": args.flag, "since": args.since, "until": args.until,
              "params": _count_params(args), "scheduler": args.scheduler,
              "n_workers": args.workers, "want_map": bool(args.out)}
    try:
        if store is not None:
            return count_store_dask(store.root, side["ports"], bbox=_bbox(args), **common)
        if args.bbox is not None:
            raise UsageError("--bbox with --engine dask needs --store")
        return count_port_calls_dask(args.inputs, side["ports"], **common)
    except InputError as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # an unknown --port, a bad date
        raise UsageError(_first_line(exc)) from None
    except OSError as exc:  # a scheduler that cannot be reached
        raise UsageError(f"dask scheduler {args.scheduler}: {_first_line(exc)}") from None


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
    return _check_failed({"failed_files": report.failed_files}, args)


def _cmd_map(args: argparse.Namespace) -> int:
    from vesseltrack.maps import write_map

    report, result, side, positions, statics = _count(args, want_map=True)
    try:
        write_map(result, positions, statics, side["ports"], args.output,
                  sightings=side["sightings"], title=args.title)
    except OSError as exc:
        raise UsageError(f"cannot write output: {exc.strerror or exc}: {args.output}") from None
    print(f"map of {len(result.port_calls):,} port calls ({len(result.loaded):,} loaded "
          f"departures) written to {args.output}", file=sys.stderr)
    return _check_failed({"failed_files": report.failed_files}, args)


def _cmd_ingest(args: argparse.Namespace) -> int:
    from vesseltrack.io import InputError
    from vesseltrack.params import StoreParams
    from vesseltrack.store import ingest

    options = _reading(args)
    if args.buckets is not None and args.buckets < 1:
        raise UsageError(f"--buckets {args.buckets}: give a whole number of at least 1")
    params = StoreParams() if args.buckets is None else StoreParams(buckets=args.buckets)
    try:
        done = ingest(args.inputs, args.store, progress=False if args.quiet else None,
                      params=params, **options)
    except InputError as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # a foreign ingest.json
        raise UsageError(_first_line(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write the store: {exc.strerror or exc}: "
                         f"{getattr(exc, 'filename', '') or args.store}") from None
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
        from vesseltrack.synth import SCENARIOS, write_fixture
    except ImportError as exc:  # pragma: no cover - ships with the package
        raise UsageError(f"synthetic scenarios unavailable: {exc}") from None
    if args.scenario not in SCENARIOS:
        raise UsageError(f"unknown scenario {args.scenario!r}; choose from: "
                         + ", ".join(sorted(SCENARIOS)))
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
        return args.func(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

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
    p.set_defaults(func=_cmd_decode)


def _add_synth(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("synth", help="write a SYNTHETIC AIS scenario fixture and its ground truth")
    p.add_argument("-o", "--output", required=True, help="NMEA file to write (.nmea.gz)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's)")
    p.add_argument("--scenario", default="vostochny-2024", help="scenario name")
    p.set_defaults(func=_cmd_synth)


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
    _add_synth(sub)
    return parser


def _read(inputs: Sequence[str], quiet: bool):
    from vesseltrack.io import InputError, read_ais

    try:
        return read_ais(inputs, progress=False if quiet else None)
    except InputError as exc:
        raise UsageError(str(exc)) from None


def _cmd_decode(args: argparse.Namespace) -> int:
    from vesseltrack.io._write import write_table

    data = _read(args.inputs, args.quiet)
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
    return 0


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

"""Mutation testing of the analysis modules (``make mutate``), one module at a time.

Each module is mutated by mutmut (3.x) against only the fast tests that cover it, in its own
scratch copy of the repository under ``.mutate/`` (so runs of different modules never share
mutmut's state). mutmut runs, for each mutant, only the tests that executed the mutated
function, ``--children`` of them at a time (default: the number of CPUs). The score is printed
per module and in total. MODULES is the one list to edit when an analysis module is added,
moved or renamed.

A scratch copy is kept between runs: mutmut then re-tests only mutants of functions whose code
or tests changed (``--fresh`` starts from nothing, as a first run does).

Usage::

    python bench/mutate.py                 # every module
    python bench/mutate.py cargo gaps      # some (by key)
    python bench/mutate.py --children 1    # fewer parallel workers
    python bench/mutate.py --fresh         # discard earlier results
    python bench/mutate.py --survivors     # re-test only the last run's survivors
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / ".mutate"

# The fast analysis tests (no committed-fixture or generated-scenario runs).
_COUNT_FAST = ["tests/test_count.py", "-k", "not committed and not other_seeds"]

# module key -> (source file, test files and pytest options that cover it, fast ones only)
MODULES: dict[str, tuple[str, list[str]]] = {
    "cargo": ("vesseltrack/cargo.py",
              ["tests/test_cargo.py", "tests/test_load_state.py"]),
    "statics": ("vesseltrack/statics.py",
                ["tests/test_statics.py", "tests/test_cargo.py", "tests/test_load_state.py",
                 "tests/test_gaps_values.py"]),
    "gaps": ("vesseltrack/gaps.py",
             ["tests/test_gaps.py", "tests/test_gaps_values.py", "tests/test_boundaries.py"]),
    "ports": ("vesseltrack/ports.py",
              ["tests/test_ports.py", "tests/test_ports_values.py", "tests/test_boundaries.py"]),
    "tracks": ("vesseltrack/tracks.py", ["tests/test_tracks.py", "tests/test_tracks_values.py"]),
    "dark": ("vesseltrack/dark.py", ["tests/test_dark_values.py"]),
    # the count pipeline (stages, peer counts, selection, summary)
    "count": ("vesseltrack/count.py", ["tests/test_count_values.py", "tests/test_count_stages.py",
                                      *_COUNT_FAST]),
    "registry": ("vesseltrack/registry.py",
                 ["tests/test_registry.py"]),
    "params": ("vesseltrack/params.py", ["tests/test_params.py"]),
}

# Lines never mutated: logging and warnings, and the wording of raised errors (an error's
# type and condition are still mutated where they are computed). Docstrings (triple-quoted)
# are never mutated by mutmut.
DO_NOT_MUTATE_PATTERNS = [
    r"^\s*(log|logger|_log|LOG)\.\w+\(",
    r"warnings\.warn\(",
    r"^\s*raise \w+\(",
]


def _pyproject(source: str, tests: list[str]) -> str:
    lines = ["[tool.mutmut]", 'source_paths = ["vesseltrack"]', f"only_mutate = [{source!r}]",
             "pytest_add_cli_args_test_selection = " + json.dumps(tests),
             'pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:randomly", '
             '"-p", "no:cov", "-W", "ignore"]',
             "do_not_mutate_patterns = " + json.dumps(DO_NOT_MUTATE_PATTERNS),
             'also_copy = ["data"]', "mutate_only_covered_lines = true"]
    return "\n".join(lines) + "\n"


def _counts(workdir: Path) -> dict[str, int]:
    """Mutant statuses from ``mutmut results --all true``."""
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"],
                         cwd=workdir, capture_output=True, text=True, check=False).stdout
    counts: dict[str, int] = {}
    survivors = []
    for line in out.splitlines():
        if ":" not in line:
            continue
        name, status = (s.strip() for s in line.rsplit(":", 1))
        counts[status] = counts.get(status, 0) + 1
        if status == "survived":
            survivors.append(name)
    (workdir / "survivors.txt").write_text("\n".join(survivors) + "\n")
    return counts


def _sync(workdir: Path, source: str, tests: list[str]) -> None:
    """Make ``workdir`` a copy of the package, tests and data (mutmut's state kept)."""
    for name in ("vesseltrack", "tests", "data"):
        shutil.rmtree(workdir / name, ignore_errors=True)
        shutil.copytree(ROOT / name, workdir / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (workdir / "pyproject.toml").write_text(_pyproject(source, tests))


def run_module(key: str, children: int, fresh: bool, survivors: bool) -> dict[str, int]:
    source, tests = MODULES[key]
    workdir = SCRATCH / key
    if fresh:
        shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    names = []
    if survivors and (workdir / "survivors.txt").exists():
        names = (workdir / "survivors.txt").read_text().split()
    _sync(workdir, source, tests)
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(children),
                    *names], cwd=workdir, check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    counts = _counts(workdir)
    counts["seconds"] = round(time.monotonic() - t0)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE",
                        help=f"modules to mutate (default all: {', '.join(MODULES)})")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 1,
                        help="parallel workers (default: the number of CPUs)")
    parser.add_argument("--fresh", action="store_true", help="discard earlier results")
    parser.add_argument("--survivors", action="store_true",
                        help="re-test only the survivors of the last run (same test selection)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.modules) - set(MODULES))
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)} (have: {', '.join(MODULES)})")
    total_killed = total = 0
    t0 = time.monotonic()
    for key in args.modules or list(MODULES):
        c = run_module(key, args.children, args.fresh, args.survivors)
        killed = c.get("killed", 0) + c.get("timeout", 0) + c.get("segfault", 0)
        scored = killed + c.get("survived", 0)
        total_killed, total = total_killed + killed, total + scored
        score = f"{killed / scored:.1%}" if scored else "n/a"
        print(f"{key:8s} {MODULES[key][0]:24s} killed {killed:4d}/{scored:<4d} ({score:>6s})  "
              f"{c['seconds']:4d} s  "
              f"{json.dumps({k: v for k, v in c.items() if k != 'seconds'})}", flush=True)
    if total:
        print(f"TOTAL    killed {total_killed}/{total} ({total_killed / total:.1%}) in "
              f"{time.monotonic() - t0:.0f} s; survivors in .mutate/MODULE/survivors.txt "
              "(cd .mutate/MODULE && mutmut show NAME)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

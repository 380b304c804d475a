"""Mutation testing of the analysis modules (``make mutate``), one module at a time.

Each module is mutated by mutmut (3.x) against only the fast tests that cover it, in its own
scratch copy of the repository under ``.mutate/`` (so runs of different modules never share
mutmut's state), and the score is printed per module and in total. MODULES is the one list to
edit when an analysis module is added, moved or renamed.

Usage::

    python bench/mutate.py                 # every module
    python bench/mutate.py cargo gaps      # some (by key)
    python bench/mutate.py --children 1    # fewer parallel workers (default 2)
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / ".mutate"

# module key -> (source file, test files and pytest options that cover it, fast ones only)
MODULES: dict[str, tuple[str, list[str]]] = {
    "cargo": ("vesseltrack/cargo.py", ["tests/test_cargo.py", "tests/test_load_state.py"]),
    "gaps": ("vesseltrack/gaps.py",
             ["tests/test_gaps.py", "tests/test_gaps_values.py", "tests/test_boundaries.py"]),
    "ports": ("vesseltrack/ports.py", ["tests/test_ports.py", "tests/test_boundaries.py"]),
    "tracks": ("vesseltrack/tracks.py", ["tests/test_tracks.py"]),
    # dark calls, sighting calls and the count live in count.py (the fixture tests are slow)
    "count": ("vesseltrack/count.py",
              ["tests/test_count.py", "-k", "not committed and not other_seeds"]),
}


def _pyproject(source: str, tests: list[str]) -> str:
    lines = ["[tool.mutmut]", 'source_paths = ["vesseltrack"]', f"only_mutate = [{source!r}]",
             "pytest_add_cli_args_test_selection = " + json.dumps(tests),
             'pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:randomly"]',
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


def run_module(key: str, children: int) -> dict[str, int]:
    source, tests = MODULES[key]
    workdir = SCRATCH / key
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    for name in ("vesseltrack", "tests", "data"):
        shutil.copytree(ROOT / name, workdir / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (workdir / "pyproject.toml").write_text(_pyproject(source, tests))
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(children)],
                   cwd=workdir, check=False, stdout=subprocess.DEVNULL)
    counts = _counts(workdir)
    counts["seconds"] = round(time.monotonic() - t0)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", choices=[*MODULES, []], metavar="MODULE",
                        help=f"modules to mutate (default all: {', '.join(MODULES)})")
    parser.add_argument("--children", type=int, default=2, help="parallel workers")
    args = parser.parse_args(argv)
    total_killed = total = 0
    for key in args.modules or list(MODULES):
        c = run_module(key, args.children)
        killed = c.get("killed", 0) + c.get("timeout", 0) + c.get("segfault", 0)
        scored = killed + c.get("survived", 0)
        total_killed, total = total_killed + killed, total + scored
        score = f"{killed / scored:.1%}" if scored else "n/a"
        print(f"{key:8s} {MODULES[key][0]:26s} killed {killed}/{scored} ({score})  "
              f"{json.dumps({k: v for k, v in c.items() if k != 'seconds'})}  "
              f"{c['seconds']} s; survivors in {(SCRATCH / key / 'survivors.txt').relative_to(ROOT)}",
              flush=True)
    if total:
        print(f"TOTAL    killed {total_killed}/{total} ({total_killed / total:.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Mutation testing of the analysis modules (``make mutate``), several modules at a time.

Each module is mutated by mutmut (3.x) against only the fast tests that cover it, in its own
scratch copy of the repository under ``.mutate/`` (so runs of different modules never share
mutmut's state). mutmut links each mutant to the tests that executed the mutated function and
stops at the first failure; of those, a mutant runs only the tests that executed the mutated
statement in mutmut's coverage run (``MUTATE_LINES=0``: all of them), the tests that killed
earlier mutants of the same function first, then those that killed mutants elsewhere, then
the rest, fastest first (``MUTATE_ORDER=0``: all fastest first, mutmut's order). Neither
changes a verdict: a test that never reaches the mutated statement runs the same code as on
the original, and the order decides only which failure is met first (``bench/MUTATION.md``).
``--jobs`` modules run at once (default:
the number of CPUs), each with ``--children`` mutmut workers of its own (default 1): running
modules side by side also overlaps their serial phases (mutant generation, the coverage, stats
and clean-test runs), which one module's workers cannot. The costliest modules start first, and
a core no module will start on any more goes to the modules still running (one more worker
while it is free, :func:`_share_cores`), so the last module does not run on one core alone. The score and the
CPU time are printed per module and in total. MODULES is the one table to edit when an analysis
module is added, moved or renamed, or a test file covers one (``bench/MUTATION.md`` says which
modules are analysis and why).

A scratch copy is kept between runs: mutmut then re-tests only mutants of functions whose code
or tests changed (``--fresh`` starts from nothing, as a first run does). Mutants that survived
the last whole run are listed in ``bench/mutation-survivors.json`` (:data:`HISTORY`), each under
a key of its function's code and its tests' files: while the key stands, such a mutant is not
run again and counts as survived (``--recheck`` runs every mutant).

Usage::

    python bench/mutate.py                 # every module
    python bench/mutate.py cargo gaps      # some (by key)
    python bench/mutate.py --jobs 1        # one module at a time
    python bench/mutate.py --fresh         # discard earlier results
    python bench/mutate.py --survivors     # re-test only the last run's survivors
    python bench/mutate.py --recheck       # run the known survivors too
    MUTATE_LINES=0 MUTATE_ORDER=0 python bench/mutate.py cargo --fresh   # mutmut's tests, order
    MUTATE_SCRATCH=/tmp/m python bench/mutate.py cargo   # scratch copies there, not .mutate/
"""

from __future__ import annotations

import argparse
import ast
import atexit
import difflib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the scratch copies (MUTATE_SCRATCH=DIR: elsewhere, e.g. to keep two runs side by side)
SCRATCH = Path(os.environ.get("MUTATE_SCRATCH") or ROOT / ".mutate").resolve()

# The fast analysis tests: no committed-fixture or generated-scenario runs, no CLI, map or
# report rendering (each costs seconds per mutant and is covered by the unit tests named).
# the pipeline tests of test_count.py that kill mutants no stage, value or summary test kills
# (measured: the whole file dropped from the selection left 28 more survivors, those of
# the others killed since by fast stage tests); the rest (partitions, attribution, the
# summary's JSON: a second each) kill nothing more
_COUNT_PIPELINE = [f"tests/test_count.py::{name}" for name in (
    "test_dark_call_from_a_gap_with_a_draught_rise",  # registry, dark-call ports, flag
    "test_sighting_confirms_a_dark_call_without_draught_change",  # sightings to the load
    "test_selection_by_flag_and_window",  # flag, since, until to the selection
    "test_unknown_port_is_a_clear_error",  # the port asked for
)]
_ENCOUNTERS_FAST = [
    "tests/test_encounters.py", "tests/test_encounters_segments.py",
    "tests/test_encounters_values.py", "tests/test_loitering_values.py",
    "tests/test_resample_values.py",
    "--deselect", "tests/test_encounters.py::test_fixture",  # the at-sea fixture (5 s set-up)
    "--deselect", "tests/test_encounters.py::test_results_record_their_parameters",  # same
    "--deselect", "tests/test_encounters.py::test_at_sea_fixture_is_what_the_generator_writes",
    "--deselect", "tests/test_encounters.py::test_ship_names_are_escaped",  # map and report
    "--deselect", "tests/test_encounters_segments.py::test_cli",
    "--deselect", "tests/test_encounters_segments.py::test_split_changes_no_event_on_the_at_sea",
    # the real coastline through GMT (0.7 and 1.5 s a run): the shore rule is checked at its
    # boundary with a stated distance by test_loitering_values, which kills what they kill
    "--deselect", "tests/test_encounters.py::test_six_hours_drifting_far_from_shore_is_loitering",
    "--deselect", "tests/test_encounters.py::test_drifting_near_the_shore_is_not_loitering",
]

# module key -> (source file, test files and pytest options that cover it, fast ones only)
MODULES: dict[str, tuple[str, list[str]]] = {
    "cargo": ("vesseltrack/cargo.py",
              ["tests/test_cargo.py", "tests/test_load_state.py"]),
    # its own tests only: of the mutants the cargo, load-state and gaps tests killed, three
    # no statics test killed (measured by a kill matrix), and statics tests now kill them
    "statics": ("vesseltrack/statics.py", ["tests/test_statics.py"]),
    "gaps": ("vesseltrack/gaps.py",
             ["tests/test_gaps.py", "tests/test_gaps_values.py", "tests/test_boundaries.py"]),
    "ports": ("vesseltrack/ports.py",
              ["tests/test_ports.py", "tests/test_ports_values.py", "tests/test_boundaries.py"]),
    "tracks": ("vesseltrack/tracks.py", ["tests/test_tracks.py", "tests/test_tracks_values.py"]),
    "dark": ("vesseltrack/dark.py", ["tests/test_dark_values.py"]),
    # the count pipeline (stages, peer counts, selection, summary)
    "count": ("vesseltrack/count.py", ["tests/test_count_values.py", "tests/test_count_stages.py",
                                      "tests/test_count_summary.py", *_COUNT_PIPELINE]),
    "registry": ("vesseltrack/registry.py",
                 ["tests/test_registry.py"]),
    "params": ("vesseltrack/params.py", ["tests/test_params.py"]),
    # the dtype and sort-kind helpers the detectors share (their own hand-worked tests)
    "arrays": ("vesseltrack/_arrays.py", ["tests/test_arrays.py"]),
    "voyages": ("vesseltrack/voyages.py",
                ["tests/test_voyages.py", "tests/test_voyages_values.py",
                 "-k", "not fixture and not count_json"]),
    "resample": ("vesseltrack/resample.py", _ENCOUNTERS_FAST),
    "encounters": ("vesseltrack/encounters.py", _ENCOUNTERS_FAST),
    "loitering": ("vesseltrack/loitering.py", _ENCOUNTERS_FAST),
    "segments": ("vesseltrack/segments.py",
                 ["tests/test_segments.py", "tests/test_segments_values.py",
                  "tests/test_split_shared.py", "-k", "not vostochny and not cli"]),
    # hand-made frames per finding kind; the scenario's checks (one 0.25 s fixture computed in
    # every mutant's run) and the CLI stay in the suite, out of the selection
    "identity": ("vesseltrack/identity.py",
                 ["tests/test_identity_values.py",
                  "tests/test_identity.py::test_name_change_needs_two_reports",
                  "tests/test_identity.py::test_rename_is_a_name_change",
                  "tests/test_identity.py::test_default_mmsi_is_invalid"]),
    "watchlist": ("vesseltrack/watchlist.py",
                  ["tests/test_watchlist.py",  # the fixture's count and map: seconds a mutant
                   "tests/test_watchlist_values.py",
                   "-k", "not cli and not map and not count_marks and not summary_counts"]),
}

# Lines never mutated: logging and warnings, and the wording of raised errors (an error's
# type and condition are still mutated where they are computed). Docstrings (triple-quoted)
# are never mutated by mutmut.
DO_NOT_MUTATE_PATTERNS = [
    r"^\s*(log|logger|_log|LOG)\.\w+\(",
    r"warnings\.warn\(",
    r"^\s*raise \w+\(",
]

# pytest plugins each mutant's run does without: none changes a test's outcome here (warnings
# are ignored anyway, ``-W ignore``), each costs time in every one of thousands of runs
# (``unraisableexception`` runs ``gc.collect()`` five times per run).
_PLUGINS_OFF = ["cacheprovider", "randomly", "cov", "unraisableexception", "threadexception",
                "faulthandler", "junitxml", "pastebin", "doctest", "stepwise", "setuponly",
                "setupplan"]


def _pyproject(source: str, tests: list[str]) -> str:
    plugins = [arg for name in _PLUGINS_OFF for arg in ("-p", f"no:{name}")]
    lines = ["[tool.mutmut]", 'source_paths = ["vesseltrack"]', f"only_mutate = [{source!r}]",
             "pytest_add_cli_args_test_selection = " + json.dumps(tests),
             "pytest_add_cli_args = " + json.dumps([*plugins, "-W", "ignore"]),
             "do_not_mutate_patterns = " + json.dumps(DO_NOT_MUTATE_PATTERNS),
             'also_copy = ["data"]', "mutate_only_covered_lines = true",
             # mutmut's coverage run (for mutate_only_covered_lines) traces only the module
             "", "[tool.coverage.run]", f"include = [{('*/mutants/' + source)!r}]"]
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
        # numba's on-disk cache (__pycache__/*.nbi, *.nbc) is copied with the sources (their
        # modification times too, which the cache checks): see _warm_numba_cache
        shutil.copytree(ROOT / name, workdir / name, ignore=shutil.ignore_patterns("*.pyc"))
    (workdir / "pyproject.toml").write_text(_pyproject(source, tests))


def _warm_numba_cache() -> tuple[float, float]:
    """Compile the package's eagerly compiled numba functions once, into its ``__pycache__``.

    ``vesseltrack.ais._compiled`` compiles its functions with explicit signatures on import
    (``cache=True``): about 20 CPU s in each module's fresh scratch copy (the coverage run
    imports it first), unless the cache files are there with sources of the same modification
    time and size. They are made here once (nothing to do if tests ran in this clone) and
    copied with the sources by :func:`_sync` and by mutmut. Returns (wall, CPU) seconds.
    """
    log = SCRATCH / "numba-warm.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    return _run_timed([sys.executable, "-c", "import vesseltrack.ais._compiled"], ROOT, log)


def _shared_fixture_groups(selection: list[str]) -> list[set[str]]:
    """Test ids that share one computed fixture of the project (module, class or session scope).

    mutmut links a test to the functions it executed; a fixture computed once for many tests
    runs inside the first of them, so only that first test would be linked to what the fixture
    calls (the identity checks run once on a scenario and asserted by a dozen tests: their
    mutants would be tested by one of the dozen). Every test of such a group is linked to what
    any of them executed.
    """
    import inspect

    import pytest

    groups: dict[tuple[str, str, str], set[str]] = {}

    class Collector:
        def pytest_collection_modifyitems(self, items: list) -> None:
            for item in items:
                info = getattr(item, "_fixtureinfo", None)
                for name in getattr(item, "fixturenames", ()):
                    defs = info.name2fixturedefs.get(name) if info else None
                    if not defs or defs[-1].scope == "function":
                        continue
                    source = inspect.getsourcefile(defs[-1].func) or ""
                    if f"{os.sep}tests{os.sep}" not in source:  # pytest's own (tmp_path_factory)
                        continue
                    scope = defs[-1].scope
                    where = "" if scope == "session" else item.nodeid.split("::")[0]
                    groups.setdefault((name, scope, where), set()).add(item.nodeid)

    out, sys.stdout = sys.stdout, open(os.devnull, "w")
    try:
        pytest.main(["--rootdir=.", "--collect-only", "-qq", *selection, "-p", "no:cov",
                     "-p", "no:cacheprovider"], plugins=[Collector()])
    finally:
        sys.stdout = out
    return [g for g in groups.values() if len(g) > 1]


# The two refinements of each mutant's test run (``_mutmut_main``), each with a switch to turn
# it off (``=0``) so that a run can be compared with one without it: the verdicts are the same
# (bench/MUTATION.md, "How each mutant's tests are chosen and ordered").
_ORDER = os.environ.get("MUTATE_ORDER", "1") != "0"  # tests that killed mutants first
_LINES = os.environ.get("MUTATE_LINES", "1") != "0"  # only tests that ran the mutated statement
_LINES_FILE = "mutate-lines.json"  # per-test lines of the coverage run, in the scratch copy
_KILLS_FILE = "mutate-kills.txt"  # "function<TAB>test" for each mutant killed, appended
_CHOSEN_FILE = "mutate-chosen.json"  # the tests chosen for each mutant by its lines


def _changed_lines(orig: list[str], mutant: list[str]) -> set[int]:
    """Indices into ``orig`` of the lines ``mutant`` changes (both a function's lines)."""
    if len(orig) == len(mutant):
        return {i for i, (a, b) in enumerate(zip(orig, mutant, strict=True)) if a != b}
    changed: set[int] = set()
    matcher = difflib.SequenceMatcher(None, orig, mutant, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "equal":
            continue
        # an insertion between two lines: both neighbours
        changed |= set(range(i1, i2)) if i2 > i1 else {max(i1 - 1, 0), min(i1, len(orig) - 1)}
    return changed


def _statement_lines(func: ast.AST, line: int) -> frozenset[int] | None:
    """Lines of the innermost statement of ``func`` on ``line``: a simple statement whole, a
    compound one's header (``if``/``for``/``while``/``with`` ... up to its body). None where
    executing those lines is not what a change there needs to act: the function's own
    signature, defaults or decorators, an ``else:``/``finally:`` line, anything unlocated."""
    holders = [node for node in ast.walk(func)
               if isinstance(node, ast.stmt | ast.excepthandler)
               and node.lineno <= line <= (node.end_lineno or node.lineno)]
    if not holders:
        return None
    size = min((node.end_lineno or node.lineno) - node.lineno for node in holders)
    lines: set[int] = set()
    for node in holders:
        end = node.end_lineno or node.lineno
        if end - node.lineno != size:
            continue
        if node is func or getattr(node, "decorator_list", None):
            return None
        body = [*getattr(node, "body", ()), *[c.pattern for c in getattr(node, "cases", ())]]
        if body:  # compound: its header only
            end = max(node.lineno, min(child.lineno for child in body) - 1)
            if line > end:
                return None
        lines |= set(range(node.lineno, end + 1))
    return frozenset(lines)


def _original_function(tree: ast.Module, mangled: str) -> ast.AST | None:
    """The function of the original source that mutmut names ``x_f`` or ``xǁClassǁm``."""
    if mangled.startswith("xǁ"):
        class_name, _, name = mangled[2:].partition("ǁ")
        scopes = [node.body for node in tree.body
                  if isinstance(node, ast.ClassDef) and node.name == class_name]
    elif mangled.startswith("x_"):
        name, scopes = mangled[2:], [tree.body]
    else:
        return None
    found = [node for body in scopes for node in body
             if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name]
    return found[0] if len(found) == 1 else None


def _tests_by_mutant(lines_json: Path, groups: list[set[str]]) -> dict[str, frozenset[str]]:
    """For each mutant, the tests that executed its mutated statement (:func:`_statement_lines`)
    in the coverage run, widened to every test of a shared fixture group one of them is in.

    A mutant is left out (all its function's tests run) where the change is not located, or
    is in a line :func:`_statement_lines` gives None for, or its lines ran outside any test
    (at collection) or in no test. Mutant names as mutmut passes them to a run.
    """
    data = json.loads(lines_json.read_text())
    result: dict[str, frozenset[str]] = {}
    for rel, by_test in data["files"].items():
        source_path, mutants_path = Path(rel), Path("mutants") / rel
        if not source_path.exists() or not mutants_path.exists():
            continue
        source = source_path.read_text().splitlines()
        tree = ast.parse("\n".join(source))
        mutated = mutants_path.read_text()
        mutated_lines = mutated.splitlines()
        outside = set(by_test.pop("", ()))
        tests_lines = {test: set(lines) for test, lines in by_test.items()}
        module = rel.removesuffix(".py").replace("/", ".")
        functions = [node for top in ast.parse(mutated).body
                     for node in ([top] if not isinstance(top, ast.ClassDef) else top.body)
                     if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                     and "__mutmut_" in node.name]
        by_name = {node.name: node for node in functions}
        originals: dict[str, tuple[ast.AST, list[str]] | None] = {}
        for node in functions:
            mangled, _, number = node.name.rpartition("__mutmut_")
            if number == "orig" or not number.isdigit():
                continue
            if mangled not in originals:
                orig = _original_function(tree, mangled)
                copy = by_name.get(f"{mangled}__mutmut_orig")
                originals[mangled] = None
                if orig is not None and copy is not None:
                    orig_lines = source[orig.lineno - 1:orig.end_lineno]
                    copy_lines = mutated_lines[copy.lineno - 1:copy.end_lineno]
                    copy_lines[0] = copy_lines[0].replace(copy.name, orig.name, 1)
                    if copy_lines == orig_lines:  # mutmut's copy is the source, line for line
                        originals[mangled] = orig, orig_lines
            if originals[mangled] is None:
                continue
            orig, orig_lines = originals[mangled]  # type: ignore[misc]
            lines = mutated_lines[node.lineno - 1:node.end_lineno]
            lines[0] = lines[0].replace(node.name, orig.name, 1)  # type: ignore[attr-defined]
            spans = [_statement_lines(orig, orig.lineno + i)  # type: ignore[attr-defined]
                     for i in _changed_lines(orig_lines, lines)]
            if not spans or any(span is None for span in spans):
                continue
            span = frozenset().union(*spans)
            if span & outside:
                continue
            tests = {test for test, ran in tests_lines.items() if ran & span}
            if not tests:
                continue
            for group in groups:
                if tests & group:
                    tests |= group
            result[f"{module}.{node.name}"] = frozenset(tests)
    return result


# Known survivors (``bench/mutation-survivors.json``): a mutant that survived a run, keyed by
# the code of its function (original and mutated), and the contents of the test files it ran
# with the test helpers, is not run again while that key stands, and counts as survived.
# A survivor's verdict can change only if its function or its tests change: a changed
# function or test file gives a new key, and the mutant runs. (A change elsewhere, in a
# function it calls, is not seen: it stays a survivor, which can only understate the score.)
# ``--recheck`` (or MUTATE_HISTORY=0) runs them all.
HISTORY = ROOT / "bench" / "mutation-survivors.json"
_KEYS_FILE = "mutate-keys.json"  # mutant name -> key, in the scratch copy
_CARRIED_FILE = "mutate-carried.txt"  # mutants not run (known survivors), one per line
_HISTORY_ON = os.environ.get("MUTATE_HISTORY", "1") != "0"


def _mutant_keys(mutants_file: Path, module: str, tests_of: dict[str, list[str]],
                 tests_dir: Path) -> dict[str, str]:
    """The history key of each mutant of ``mutants_file`` (mutmut's trampolined copy):
    a hash of its original and mutated function (names left out) and of the test files of
    ``tests_of[mutant]`` and every shared helper (``conftest.py``, ``_*.py``)."""
    import hashlib

    text = mutants_file.read_text()
    lines = text.splitlines()
    nodes = [node for top in ast.parse(text).body
             for node in ([top] if not isinstance(top, ast.ClassDef) else top.body)
             if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
             and "__mutmut_" in node.name]
    code = {node.name: "\n".join(lines[node.lineno - 1:node.end_lineno]).replace(
        node.name, "F", 1) for node in nodes}
    helpers = sorted(p for p in tests_dir.glob("*.py")
                     if p.name == "conftest.py" or p.name.startswith("_"))
    file_hash: dict[str, str] = {}

    def digest(path: Path) -> str:
        key = str(path)
        if key not in file_hash:
            file_hash[key] = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() \
                else "missing"
        return file_hash[key]

    keys = {}
    for name, mutated in code.items():
        mangled, _, number = name.rpartition("__mutmut_")
        if not number.isdigit():
            continue
        full = f"{module}.{name}"
        files = sorted({t.split("::")[0] for t in tests_of.get(full, ())})
        parts = [code.get(f"{mangled}__mutmut_orig", ""), mutated,
                 *(f"{f}:{digest(tests_dir.parent / f)}" for f in files),
                 *(f"{p.name}:{digest(p)}" for p in helpers)]
        keys[full] = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]
    return keys


def _read_history() -> dict[str, dict[str, str]]:
    """``{source path: {key: mutant name}}`` of the known survivors (empty if none)."""
    try:
        return json.loads(HISTORY.read_text())
    except (OSError, ValueError):
        return {}


def _kill_order(function: str, tests: list[str], history: str,
                durations: dict[str, float]) -> list[str]:
    """``tests`` (fastest first) reordered by the kill history (lines "function<TAB>test"):
    first the tests that killed mutants of ``function``, the least time per kill first
    (``durations``: seconds a run), then those that killed mutants of other functions, then
    the rest, each fastest first."""
    same: dict[str, int] = {}
    other: set[str] = set()
    for line in history.splitlines():
        killer_of, _, test = line.partition("\t")
        if killer_of == function:
            same[test] = same.get(test, 0) + 1
        else:
            other.add(test)
    position = {test: i for i, test in enumerate(tests)}

    def rank(test: str) -> tuple[int, float, int]:
        if test in same:
            return 0, durations.get(test, 0.0) / same[test], position[test]
        return (1 if test in other else 2), 0.0, position[test]

    return sorted(tests, key=rank)

class _CollectedSession:
    """The module's test selection configured and collected once, in mutmut's parent process.

    mutmut forks a child per mutant and calls ``pytest.main`` with the mutant's tests there:
    configuration, plugin loading and collection of the named test files, repeated for each of
    thousands of mutants (about 0.08 CPU s each). The parent does them once here, before it
    forks; each child runs only the mutant's items through pytest's own run-test loop (the
    ``runtest`` protocol of each item, its fixtures set up and torn down as ``pytest.main``
    would), in mutmut's order (fastest first), stopping at the first failure (``-x``).

    The outcome is ``pytest.main``'s exit code for the same items: 1 if a test failed or errored
    (set-up, call or teardown), 2 if interrupted, 3 on an internal error, 0 if all passed.
    Nothing runs in the parent: module- and session-scoped fixtures are computed in each child,
    with the mutant active, as before.
    """

    def __init__(self, args: list[str]) -> None:
        from _pytest.config import _prepareconfig
        from _pytest.main import Session

        # pytest's terminal reporter writes to the sys.stdout it is configured with: as in
        # mutmut's children (which run pytest.main with sys.stdout set to /dev/null), none of
        # its reporting reaches mutmut's log
        real = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 -- held by pytest
        try:
            self.config = _prepareconfig(args, plugins=[])
            self.config._do_configure()
            self.session = Session.from_config(self.config)
            self.config.hook.pytest_sessionstart(session=self.session)
            self.config.hook.pytest_collection(session=self.session)
        finally:
            sys.stdout, sys.stderr = real
        self.ok = self.session.testsfailed == 0  # no collection error
        self.items = {item.nodeid: item for item in self.session.items}
        self.failed: list[str] = []  # node ids of the tests failed in this process's run
        self.config.pluginmanager.register(self, "mutate-failures")

    def pytest_runtest_logreport(self, report: object) -> None:
        """Note a failed test (set-up, call or teardown), for the kill history."""
        if getattr(report, "failed", False):
            self.failed.append(report.nodeid)  # type: ignore[attr-defined]

    def run(self, tests: list[str]) -> int | None:
        """Exit code for ``tests`` (node ids, in order); None if one of them was not collected."""
        import _pytest.outcomes

        if not self.ok or any(test not in self.items for test in tests):
            return None
        session = self.session
        session.items = [self.items[test] for test in tests]
        session.testscollected = len(session.items)
        try:
            self.config.hook.pytest_runtestloop(session=session)
        except session.Failed:
            return 1
        except (KeyboardInterrupt, _pytest.outcomes.Exit):
            return 2
        except BaseException:  # noqa: BLE001 -- pytest.main's internal error
            return 3
        return 1 if session.testsfailed else (0 if session.items else 5)


def _share_cores(runner: object) -> None:
    """Let a module's mutmut run more than its own workers while cores would otherwise idle.

    ``main`` hands out cores as tokens through a pipe (``MUTATE_TOKENS``: its read and write
    ends): each module running holds one core for itself (``MUTATE_CHILDREN`` workers, 1 by
    default) and a token appears in the pipe for each core no module will start on any more
    (a module finished and none is left to start, or more cores than modules). A module's
    mutmut forks a further worker only when it takes a token, and puts the token back as soon
    as it runs no more workers than its own, so the workers of all modules never outnumber
    the cores: the timeouts (``timeout_multiplier`` times the sum of a mutant's expected test time
    and ``timeout_constant``, wall; twice that, CPU) see no more load than with one worker each. Without the variable (mutmut run by
    hand) nothing changes.
    """
    tokens = os.environ.get("MUTATE_TOKENS", "")
    running = getattr(runner, "_running", None)
    if not tokens or not isinstance(running, dict):  # the fork server runner: left alone
        return
    read_end, write_end = (int(fd) for fd in tokens.split(","))
    own = int(os.environ.get("MUTATE_CHILDREN", "1"))
    held = [0]  # tokens taken from the pipe

    def give_back(keep: int) -> None:
        while held[0] > keep:
            os.write(write_end, b"+")
            held[0] -= 1

    def has_capacity() -> bool:
        busy = len(running)
        if busy >= runner.max_workers:  # type: ignore[attr-defined]
            return False
        if busy < own + held[0]:
            return True
        try:
            taken = os.read(read_end, 1)
        except BlockingIOError:
            return False
        held[0] += len(taken)
        return bool(taken)

    wait_for_result = runner.wait_for_result  # type: ignore[attr-defined]

    def wait_and_give_back(*a: object, **kw: object) -> object:
        result = wait_for_result(*a, **kw)
        give_back(max(0, len(running) - own))
        return result

    runner.has_capacity = has_capacity  # type: ignore[attr-defined]
    runner.wait_for_result = wait_and_give_back  # type: ignore[attr-defined]
    atexit.register(give_back, 0)


def _record_lines_per_test(lines_file: Path) -> None:
    """Make mutmut's coverage run (for ``mutate_only_covered_lines``: every selected test on
    the unmutated module, before the mutants are made) note which test ran each line.

    Each test's set-up, call and teardown run in a coverage context named by its node id
    (lines run at collection have the empty context); the lines of each context are written
    to ``lines_file`` as ``{"files": {path: {context: [lines]}}}`` for each measured file that
    was the original source (on a later run of a kept scratch copy, mutmut measures the
    trampolined file it made before, whose lines are not the source's: no file is noted and
    every mutant runs all its function's tests).
    """
    from mutmut.runners.harness import PytestRunner
    from mutmut.utils.file_utils import change_cwd

    lines_file.unlink(missing_ok=True)

    def collect_main_test_coverage(self: PytestRunner, cov: object) -> int:
        import pytest

        class Contexts:
            @pytest.hookimpl(hookwrapper=True)
            def pytest_runtest_protocol(self, item: object, nextitem: object) -> object:
                cov.switch_context(item.nodeid)  # type: ignore[attr-defined]
                yield
                cov.switch_context("")  # type: ignore[attr-defined]

        with change_cwd("mutants"), cov.collect():  # type: ignore[attr-defined]
            self.prepare_main_test_run()
            code = int(self.execute_pytest(self._pytest_args_regular_run([]),
                                           plugins=[Contexts()]))
        if code != 0:  # stopped early: some tests did not run (mutmut stops on it anyway)
            return code
        data = cov.get_data()  # type: ignore[attr-defined]
        files: dict[str, dict[str, list[int]]] = {}
        mutants = Path("mutants").resolve()
        for path in data.measured_files():
            rel = os.path.relpath(path, mutants)
            if not Path(rel).is_file() or Path(rel).read_text() != Path(path).read_text():
                continue
            by_context: dict[str, list[int]] = {}
            for line, contexts in (data.contexts_by_lineno(path) or {}).items():
                for context in contexts:
                    by_context.setdefault(context, []).append(line)
            files[rel] = by_context
        lines_file.write_text(json.dumps({"files": files}))
        return code

    PytestRunner.collect_main_test_coverage = collect_main_test_coverage  # type: ignore[method-assign]


class _TestsOf(dict):
    """Mutant name -> the tests it runs: those chosen by its lines, else all of its
    function's (mutmut's link)."""

    def __init__(self, chosen: dict[str, frozenset[str]], by_function: dict) -> None:
        super().__init__()
        self.chosen, self.by_function = chosen, by_function

    def get(self, name: str, default: object = None) -> object:  # type: ignore[override]
        if name in self.chosen:
            return self.chosen[name]
        return self.by_function.get(name.partition("__mutmut_")[0], default)


def _mutmut_main(args: list[str]) -> None:
    """``mutmut ARGS`` (in a scratch copy): test links widened by :func:`_shared_fixture_groups`,
    each mutant run by :class:`_CollectedSession` (unless ``MUTATE_PYTEST_MAIN=1``) with only
    the tests that ran its mutated statement (:func:`_tests_by_mutant`, unless
    ``MUTATE_LINES=0``) in kill-history order (:func:`_kill_order`, unless ``MUTATE_ORDER=0``).
    """
    import mutmut.__main__ as mm
    from mutmut.configuration import config
    from mutmut.runners.harness import PytestRunner
    from mutmut.state import state
    from mutmut.stats import save_stats
    from mutmut.utils.file_utils import change_cwd
    from mutmut.utils.format_utils import mangled_name_from_mutant_name

    collect, make_runner = mm.collect_or_load_stats, mm.get_mutant_runner
    fresh_stats = not Path("mutants/mutmut-stats.json").exists()
    one_collection = os.environ.get("MUTATE_PYTEST_MAIN", "") != "1"
    lines_file, kills_file = Path(_LINES_FILE).resolve(), Path(_KILLS_FILE).resolve()
    kills_file.unlink(missing_ok=True)
    if _LINES:
        _record_lines_per_test(lines_file)
    else:
        lines_file.unlink(missing_ok=True)
    groups: list[set[str]] = []

    def fast_runner(*a: object, **kw: object) -> object:
        runner = make_runner(*a, **kw)
        _share_cores(runner)
        if fresh_stats:
            # The stats run has just run every selected test on the unmutated code and
            # stopped on any failure; the clean run would run the same tests on the same code.
            runner.run_clean_tests = lambda tests: 0
        test_runner = getattr(runner, "test_runner", None)
        if not one_collection or not isinstance(test_runner, PytestRunner):
            return runner
        startup, run_tests = runner.startup, test_runner.run_tests
        held: dict[str, _CollectedSession] = {}
        chosen: dict[str, frozenset[str]] = {}
        carried: set[str] = set()  # known survivors, not run

        def startup_after_collection() -> None:
            cfg = config()
            with change_cwd("mutants"):
                held["session"] = _CollectedSession(
                    ["--rootdir=.", "--tb=native", "-x", "-q", "-p", "no:randomly", "-p", "no:random-order",
                     *cfg.pytest_add_cli_args_test_selection, *cfg.pytest_add_cli_args])
            if _LINES and lines_file.exists():
                chosen.update(_tests_by_mutant(lines_file, groups))
                # what was chosen, for a look (mutants not named run all their tests)
                Path(_CHOSEN_FILE).write_text(json.dumps(
                    {name: sorted(tests) for name, tests in sorted(chosen.items())}, indent=0))
            source = cfg.only_mutate[0] if getattr(cfg, "only_mutate", None) else None
            if source:
                by_function = state().tests_by_mangled_function_name
                keys = _mutant_keys(Path("mutants") / source,
                                    source.removesuffix(".py").replace("/", "."),
                                    _TestsOf(chosen, by_function), Path("tests").resolve())
                Path(_KEYS_FILE).write_text(json.dumps(keys, indent=0, sort_keys=True))
                if _HISTORY_ON:
                    known = _read_history().get(source, {})
                    carried.update(name for name, key in keys.items() if key in known)
            Path(_CARRIED_FILE).write_text("".join(f"{n}\n" for n in sorted(carried)))
            startup()

        def run_collected(*, mutant_name: str | None, tests: list[str]) -> int:
            if mutant_name is None or "session" not in held or config().debug:
                return run_tests(mutant_name=mutant_name, tests=tests)
            if mutant_name in carried:
                return 0  # survived, as last time, with the same function and tests
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            function = mangled_name_from_mutant_name(mutant_name)
            ordered = list(tests)  # fastest first (mutmut's order)
            if mutant_name in chosen:
                ordered = [test for test in ordered if test in chosen[mutant_name]] or ordered
            if _ORDER and kills_file.exists():
                ordered = _kill_order(function, ordered, kills_file.read_text(),
                                      state().duration_by_test)
            session = held["session"]
            with change_cwd("mutants"):
                code = session.run(ordered)
            if code is None:
                return run_tests(mutant_name=mutant_name, tests=tests)
            if session.failed:  # one line, appended at once (the workers share the file)
                fd = os.open(kills_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
                os.write(fd, f"{function}\t{session.failed[0]}\n".encode())
                os.close(fd)
            return code

        runner.startup = startup_after_collection
        test_runner.run_tests = run_collected
        return runner

    def collect_and_widen(*a: object, **kw: object) -> None:
        collect(*a, **kw)
        with change_cwd("mutants"):
            groups[:] = _shared_fixture_groups(config().pytest_add_cli_args_test_selection)
        known = set(state().duration_by_test)
        changed = False
        for tests in state().tests_by_mangled_function_name.values():
            for group in groups:
                if tests & group and not group & known <= tests:
                    tests |= group & known
                    changed = True
        if changed:
            save_stats()

    mm.collect_or_load_stats = collect_and_widen
    mm.get_mutant_runner = fast_runner
    mm.cli(args=args)


def _run_timed(cmd: list[str], cwd: Path, log: Path,
               tokens: tuple[int, int] | None = None, children: int = 1) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, CPU seconds of it and every process it waited for).

    ``tokens`` (the read and write ends of ``main``'s pipe of spare cores) is passed on to it
    with ``children``, its own number of workers (see :func:`_share_cores`).
    """
    env, fds = None, ()
    if tokens is not None:
        env = {**os.environ, "MUTATE_TOKENS": f"{tokens[0]},{tokens[1]}",
               "MUTATE_CHILDREN": str(children)}
        fds = tokens
    t0 = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                pass_fds=fds)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return time.monotonic() - t0, usage.ru_utime + usage.ru_stime


# CPU seconds of each module in the last whole run, less its known survivors' (carried, not
# run: see HISTORY), from a clean clone (bench/MUTATION.md): the order of a first run, when no
# module has a last_run.json of its own (source size is a poor guess: params.py is as large as
# ports.py and takes seconds).
_MEASURED_CPU_S = {
    "encounters": 435, "identity": 395, "count": 252, "tracks": 211, "cargo": 164,
    "ports": 143, "dark": 132, "resample": 77, "watchlist": 76, "segments": 71, "registry": 65,
    "voyages": 55, "loitering": 51, "gaps": 45, "statics": 45, "arrays": 6, "params": 6,
}


def _expected_cost(key: str) -> float:
    """Seconds of CPU the module took last time (else as measured, else its source size): the
    costliest start first, so that the last to finish are short."""
    last = SCRATCH / key / "last_run.json"
    if last.exists():
        return float(json.loads(last.read_text()).get("cpu_seconds", 0.0))
    if key in _MEASURED_CPU_S:
        return float(_MEASURED_CPU_S[key])
    return (ROOT / MODULES[key][0]).stat().st_size / 100.0


def run_module(key: str, children: int, fresh: bool, survivors: bool,
               tokens: tuple[int, int] | None = None, spare: int = 0) -> dict[str, float]:
    """Mutate one module with ``children`` workers of its own and up to ``spare`` more while
    cores are free (tokens of ``tokens``, see :func:`_share_cores`)."""
    source, tests = MODULES[key]
    workdir = SCRATCH / key
    if fresh:
        shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    names = []
    if survivors and (workdir / "survivors.txt").exists():
        names = (workdir / "survivors.txt").read_text().split()
    _sync(workdir, source, tests)
    wall, cpu = _run_timed([sys.executable, str(Path(__file__).resolve()), "--mutmut", "run",
                            "--max-children", str(children + spare), *names], workdir,
                           workdir / "mutmut.log", tokens, children)
    counts: dict[str, float] = dict(_counts(workdir))
    carried = workdir / _CARRIED_FILE
    if carried.exists() and carried.read_text().split():
        counts["carried"] = len(carried.read_text().split())
    (workdir / "last_run.json").write_text(json.dumps({"cpu_seconds": round(cpu, 1),
                                                       "seconds": round(wall, 1), **counts}))
    counts["seconds"], counts["cpu_seconds"] = wall, cpu
    keys_file = workdir / _KEYS_FILE
    if keys_file.exists() and not names:
        keys = json.loads(keys_file.read_text())
        survived = (workdir / "survivors.txt").read_text().split()
        counts["survivor_keys"] = {keys[n]: n for n in survived if n in keys}  # type: ignore[assignment]
    return counts


def _line(key: str, c: dict[str, float]) -> tuple[str, int, int]:
    killed = int(c.get("killed", 0) + c.get("timeout", 0) + c.get("segfault", 0))
    scored = killed + int(c.get("survived", 0))
    score = f"{killed / scored:.1%}" if scored else "n/a"
    other = {k: int(v) for k, v in c.items()
             if k not in ("seconds", "cpu_seconds", "survivor_keys")}
    text = (f"{key:10s} {MODULES[key][0]:26s} killed {killed:4d}/{scored:<4d} ({score:>6s})  "
            f"{c['seconds']:5.0f} s  cpu {c['cpu_seconds']:5.0f} s  {json.dumps(other)}")
    return text, killed, scored


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--mutmut"]:  # inside a scratch copy, as run_module starts it
        _mutmut_main(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE",
                        help=f"modules to mutate (default all: {', '.join(MODULES)})")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="modules mutated at once (default: the number of CPUs)")
    parser.add_argument("--children", type=int, default=1,
                        help="mutmut workers per module (default 1)")
    parser.add_argument("--fresh", action="store_true", help="discard earlier results")
    parser.add_argument("--survivors", action="store_true",
                        help="re-test only the survivors of the last run (same test selection)")
    parser.add_argument("--recheck", action="store_true",
                        help=f"run the known survivors too ({HISTORY.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    if args.recheck or args.survivors:
        os.environ["MUTATE_HISTORY"] = "0"  # read by the mutmut runs started below
    unknown = sorted(set(args.modules) - set(MODULES))
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)} (have: {', '.join(MODULES)})")
    keys = args.modules or list(MODULES)
    order = sorted(keys, key=_expected_cost, reverse=True)
    load0 = os.getloadavg()
    t0 = time.monotonic()
    warm_cpu = _warm_numba_cache()[1]
    lock = threading.Lock()
    results: dict[str, dict[str, float]] = {}
    waiting = list(order)
    jobs = max(1, args.jobs)
    # spare cores as tokens (see _share_cores): one for each core no module will start on
    tokens = os.pipe()
    os.set_blocking(tokens[0], False)
    os.write(tokens[1], b"+" * max(0, jobs - len(order)))

    def modules_in_turn() -> None:
        while True:
            with lock:
                if not waiting:
                    return
                key = waiting.pop(0)
            c = run_module(key, args.children, args.fresh, args.survivors, tokens, jobs - 1)
            with lock:
                results[key] = c
                print(_line(key, c)[0], flush=True)
                if not waiting:  # this core goes to the modules still running
                    os.write(tokens[1], b"+")

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in [pool.submit(modules_in_turn) for _ in range(min(jobs, len(order)))]:
            future.result()
    wall = time.monotonic() - t0
    total_killed = total = 0
    cpu = warm_cpu
    print("\nmodule     source                     score" + " " * 31 + "wall       CPU")
    for key in keys:
        text, killed, scored = _line(key, results[key])
        total_killed, total, cpu = total_killed + killed, total + scored, \
            cpu + results[key]["cpu_seconds"]
        print(text)
    load1 = os.getloadavg()
    history = _read_history()
    carried = 0
    for key in keys:
        carried += int(results[key].get("carried", 0))
        if "survivor_keys" in results[key]:
            history[MODULES[key][0]] = dict(sorted(results[key]["survivor_keys"].items()))
    HISTORY.write_text(json.dumps(dict(sorted(history.items())), indent=1) + "\n")
    if total:
        print(f"TOTAL      killed {total_killed}/{total} ({total_killed / total:.1%}) in "
              f"{wall:.0f} s wall, {cpu:.0f} s CPU ({cpu / wall:.2f} CPUs busy), "
              f"{jobs} modules at once, {args.children} worker(s) each and the cores "
              f"no module starts on any more shared among those running (numba cache "
              f"{warm_cpu:.0f} s CPU of it); load average "
              f"{load0[0]:.1f} at the start, {load1[0]:.1f} at the end; survivors in "
              ".mutate/MODULE/survivors.txt (cd .mutate/MODULE && mutmut show NAME)")
        print(f"           of the survivors, {carried} known ones not run again (their function "
              f"and test files as when they survived, {HISTORY.relative_to(ROOT)}; "
              "--recheck runs them)" if carried else
              "           every mutant run (no known survivor carried)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

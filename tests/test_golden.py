"""Golden outputs: the command line's outputs on fixed inputs, byte for byte as recorded.

The cases, what is stored and how to re-record are described in ``tests/golden/make_golden.py``.
A failure here means a change of behaviour: intended ones are re-recorded in the same commit.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))
import make_golden  # noqa: E402

sys.path.pop(0)


def _recorded_names(case: str) -> list[str]:
    return sorted(make_golden.expected(case))


PAIRS = [(case, name) for case in make_golden.CASES for name in _recorded_names(case)]


@pytest.fixture(scope="session")
def golden_outputs(tmp_path_factory):
    """Run each case once per session (lazily)."""
    cache: dict[str, dict[str, bytes]] = {}

    def get(case: str) -> dict[str, bytes]:
        if case not in cache:
            cache[case] = make_golden.run_case(case, tmp_path_factory.mktemp(case))
        return cache[case]

    return get


@pytest.mark.parametrize("case", make_golden.CASES)
def test_golden_case_writes_the_recorded_files(golden_outputs, case):
    assert sorted(golden_outputs(case)) == _recorded_names(case)


@pytest.mark.parametrize(("case", "name"), PAIRS, ids=[f"{c}:{n}" for c, n in PAIRS])
def test_golden_output_unchanged(golden_outputs, case, name):
    want = make_golden.expected(case)[name]
    got = golden_outputs(case).get(name, b"")
    if isinstance(want, str):  # stored as a digest
        assert make_golden.digest(got) == want
        return
    if got != want:
        diff = difflib.unified_diff(want.decode(errors="replace").splitlines(),
                                    got.decode(errors="replace").splitlines(),
                                    "recorded", "now", n=1, lineterm="")
        pytest.fail(f"{case}/{name} differs:\n" + "\n".join(list(diff)[:40]))

"""bench/mutate.py's known-survivor keys: a survivor is carried over only while its function
(original and mutated) and the test files it ran are unchanged (not timed, no mutmut run)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "mutate.py"

# A trampolined file as mutmut writes it: the original of each function under
# ``NAME__mutmut_orig`` and each mutant under ``NAME__mutmut_N``, methods inside their class.
MUTANTS = '''
def x_rise__mutmut_orig(a, b):
    return b - a


def x_rise__mutmut_1(a, b):
    return b + a


def x_rise__mutmut_2(a, b):
    return b - a + 1


class Params:
    def xǁParamsǁrecord__mutmut_orig(self):
        return {"k": 1}

    def xǁParamsǁrecord__mutmut_1(self):
        return {"XXkXX": 1}
'''


@pytest.fixture(scope="module")
def mutate():
    spec = importlib.util.spec_from_file_location("bench_mutate", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("def test_a(): pass\n")
    (tmp_path / "tests" / "test_b.py").write_text("def test_b(): pass\n")
    (tmp_path / "tests" / "_builders.py").write_text("X = 1\n")
    (tmp_path / "mutants.py").write_text(MUTANTS)
    return tmp_path


TESTS_OF = {"m.x_rise__mutmut_1": ["tests/test_a.py::test_a"],
            "m.x_rise__mutmut_2": ["tests/test_b.py::test_b"],
            "m.xǁParamsǁrecord__mutmut_1": ["tests/test_a.py::test_a"]}


def _keys(mutate, root: Path) -> dict[str, str]:
    return mutate._mutant_keys(root / "mutants.py", "m", TESTS_OF, root / "tests")


def test_every_mutant_has_its_own_key_and_originals_none(mutate, tree):
    keys = _keys(mutate, tree)
    assert sorted(keys) == ["m.x_rise__mutmut_1", "m.x_rise__mutmut_2",
                            "m.xǁParamsǁrecord__mutmut_1"]
    assert len(set(keys.values())) == 3
    assert keys == _keys(mutate, tree)  # the same inputs, the same keys


def test_a_changed_test_file_changes_the_keys_of_the_mutants_it_ran(mutate, tree):
    before = _keys(mutate, tree)
    (tree / "tests" / "test_b.py").write_text("def test_b(): assert 2 - 1 == 1\n")
    after = _keys(mutate, tree)
    assert [m for m in sorted(before) if before[m] != after[m]] == ["m.x_rise__mutmut_2"]


def test_a_changed_helper_changes_every_key(mutate, tree):
    before = _keys(mutate, tree)
    (tree / "tests" / "_builders.py").write_text("X = 2\n")
    after = _keys(mutate, tree)
    assert all(before[m] != after[m] for m in before)


def test_a_changed_function_changes_the_keys_of_its_mutants_only(mutate, tree):
    before = _keys(mutate, tree)
    text = MUTANTS.replace("def x_rise__mutmut_orig(a, b):\n    return b - a",
                           "def x_rise__mutmut_orig(a, b):\n    return (b - a)")
    (tree / "mutants.py").write_text(text)
    after = _keys(mutate, tree)
    assert [m for m in sorted(before) if before[m] != after[m]] == [
        "m.x_rise__mutmut_1", "m.x_rise__mutmut_2"]


def test_the_mutants_number_is_not_part_of_its_key(mutate, tree):
    # mutmut numbers the mutants of a function in order: one more mutant earlier in the
    # function renumbers the rest, which are still the same mutants of the same code
    before = _keys(mutate, tree)
    (tree / "mutants.py").write_text(MUTANTS.replace("x_rise__mutmut_2", "x_rise__mutmut_7"))
    tests_of = {**TESTS_OF, "m.x_rise__mutmut_7": TESTS_OF["m.x_rise__mutmut_2"]}
    after = mutate._mutant_keys(tree / "mutants.py", "m", tests_of, tree / "tests")
    assert after["m.x_rise__mutmut_7"] == before["m.x_rise__mutmut_2"]

"""The public API: every exported name resolves, and the package imports lightly."""

from __future__ import annotations

import subprocess
import sys

import pytest

import vesseltrack as vt


@pytest.mark.parametrize("name", vt.__all__)
def test_every_export_resolves(name):
    assert getattr(vt, name) is not None


def test_unknown_attribute_raises():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        vt.nope  # noqa: B018


def test_import_does_not_load_pandas():
    code = "import sys, vesseltrack, vesseltrack.cli; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_constants():
    assert vt.METERS_PER_NM == 1852.0
    assert vt.UN_CAP_BBL == 500_000
    assert vt.BBL_PER_T["diesel"] == 7.46
    assert vt.flag_from_mmsi(273123456) == "RU"

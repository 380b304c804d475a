"""The investigation notebook runs end to end on the fixture, offline, in under 3 minutes."""

from __future__ import annotations

import ast
import json
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "vostochny_2024.ipynb"
COUNTS = ROOT / "data" / "fixtures" / "vostochny_2024_counts.json"
TIME_LIMIT_S = 180.0


def test_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) >= 10
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert NOTEBOOK.stat().st_size < 50_000
    prose = " ".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "SYNTHETIC" in prose and "not a legal finding" in prose


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    start = time.monotonic()
    NotebookClient(nb, timeout=int(TIME_LIMIT_S), kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return nb, time.monotonic() - start


def _outputs(nb, output_type: str | None = None):
    for cell in nb.cells:
        if cell.cell_type == "code":
            for out in cell.outputs:
                if output_type is None or out.output_type == output_type:
                    yield out


def test_notebook_runs_in_time_without_errors(executed):
    nb, seconds = executed
    assert seconds < TIME_LIMIT_S
    assert not list(_outputs(nb, "error"))
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)


def test_notebook_finds_the_reported_pattern(executed):
    nb, _ = executed
    truth = json.loads(COUNTS.read_text())
    lines = [ln for out in _outputs(nb, "stream") for ln in out.text.splitlines()
             if ln.startswith("RESULT ")]
    assert len(lines) == 1
    result = ast.literal_eval(lines[0].removeprefix("RESULT "))
    assert result["loaded_departures"] == truth["truth_calls"] == 43
    assert result["vessels"] == truth["truth_vessels"] == 12
    assert result["matched_truth"] == 43
    assert abs(result["estimated_bbl"] / truth["truth_cargo_bbl"] - 1) < 0.05
    assert result["charts"] == 4


def test_notebook_shows_charts_and_the_map_inline(executed):
    nb, _ = executed
    images = [o for o in _outputs(nb) if "image/png" in o.get("data", {})]
    assert len(images) == 4
    html = [o["data"]["text/html"] for o in _outputs(nb) if "text/html" in o.get("data", {})]
    maps = [h for h in html if "vt-loaded" in h]
    assert len(maps) == 1
    assert "cdn.jsdelivr" not in maps[0]  # the inline map is the offline one too

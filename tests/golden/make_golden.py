"""Golden outputs: what the command line writes on a few fixed inputs, recorded once.

The golden files guard restructurings that must not change behaviour: ``tests/test_golden.py``
runs the same commands again and compares every output byte for byte.

Run ``python tests/golden/make_golden.py`` from the repository root to (re)record them, and only
when a change of output is intended and explained in the commit that records it.

Cases
-----
``vostochny``
    The main job (``make demo``): ``count --out`` on the synthetic Vostochny fixture with the
    ports, registry and sightings of ``data/``, ``--port "Vostochny oil terminal" --flag KP``.
``vostochny_gaps``
    ``gaps --ports`` on the same fixture (reachable fences per gap).
``cove``
    ``count --out --min-hours 4`` on the other synthetic scenario (``fictional-cove-2024``, seed
    7, generated here), every terminal, no flag: a second port, three fence kinds, one fence
    inside another, and a gap threshold below the port-call default.
``bench``
    ``count --json``, ``port-calls`` and ``gaps --ports`` on a 1,200,000-line (about 29 hours) benchmark corpus (``bench/corpus.py``): many vessels,
    tag-block times, gaps every day.

What is stored
--------------
Small text outputs (CSV, JSON, Markdown) verbatim; the map and the charts as the SHA-256 of
their bytes (the map is already deterministic: :func:`vesseltrack.maps.map_html` renumbers
folium's random element ids in order of appearance; the digest is taken after the same
renumbering again, so a stray random id would not make the test flaky). Paths of the
temporary folder are replaced by ``<TMP>`` before comparing.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
FIXTURE = ROOT / "data" / "fixtures" / "vostochny_2024.nmea.gz"
PORTS = ROOT / "data" / "ports" / "vostochny.geojson"
REGISTRY = ROOT / "data" / "vessels" / "dprk_tankers.csv"
SIGHTINGS = ROOT / "data" / "fixtures" / "vostochny_2024_sightings.csv"

VERBATIM_SUFFIXES = (".csv", ".json", ".md", ".txt")
"""Outputs stored as they are; anything else (HTML, PNG) is stored as a digest."""

CASES = ("vostochny", "vostochny_gaps", "cove", "bench")

_RANDOM_ID = re.compile(rb"\b([A-Za-z][A-Za-z0-9]*_(?:[A-Za-z0-9]+_)*)([0-9a-f]{32})(?![0-9A-Za-z])")


def normalise(name: str, data: bytes, tmp: Path) -> bytes:
    """Bytes of one output as compared: the temporary folder's path replaced by ``<TMP>``, and
    (HTML) 32-hex-digit element ids renumbered in order of appearance."""
    data = data.replace(str(tmp).encode(), b"<TMP>")
    if name.endswith(".html"):
        numbers: dict[bytes, bytes] = {}

        def renumber(match: re.Match) -> bytes:
            key = match.group(2)
            numbers.setdefault(key, b"%06d" % len(numbers))
            return match.group(1) + numbers[key]

        data = _RANDOM_ID.sub(renumber, data)
    return data


def _cli(argv: list[str]) -> bytes:
    from vesseltrack.cli import main

    buf = io.StringIO()
    with redirect_stdout(buf):
        status = main(argv)
    if status != 0:
        raise RuntimeError(f"vesseltrack {' '.join(argv)} exited {status}")
    return buf.getvalue().encode()


def run_case(case: str, tmp: Path) -> dict[str, bytes]:
    """Run one case in the empty folder ``tmp``; return its outputs, normalised, by name."""
    tmp.mkdir(parents=True, exist_ok=True)
    out = tmp / "out"
    files: dict[str, bytes] = {}
    if case == "vostochny":
        stdout = _cli(["count", str(FIXTURE), "--ports", str(PORTS),
                       "--port", "Vostochny oil terminal", "--flag", "KP",
                       "--registry", str(REGISTRY), "--sightings", str(SIGHTINGS),
                       "-q", "--out", str(out)])
        files["stdout.txt"] = stdout
    elif case == "vostochny_gaps":
        _cli(["gaps", str(FIXTURE), "--ports", str(PORTS), "-q", "-o", str(out / "gaps.csv")])
    elif case == "cove":
        from vesseltrack.synth import write_fixture, write_ports, write_registry

        paths = write_fixture(tmp / "cove.nmea.gz", scenario="fictional-cove-2024", seed=7)
        ports = write_ports(tmp / "cove.geojson", "fictional-cove-2024")
        registry = write_registry(tmp / "cove_registry.csv", "fictional-cove-2024")
        stdout = _cli(["count", str(paths["nmea"]), "--ports", str(ports),
                       "--registry", str(registry), "--sightings", str(paths["sightings"]),
                       "--min-hours", "4", "-q", "--out", str(out)])
        files["stdout.txt"] = stdout
    elif case == "bench":
        sys.path.insert(0, str(ROOT / "bench"))
        try:
            import corpus
        finally:
            sys.path.remove(str(ROOT / "bench"))
        path = tmp / "bench.nmea"
        corpus.write_corpus(path, 1_200_000)
        files["summary_stdout.json"] = _cli(["count", str(path), "--ports", str(PORTS),
                                             "-q", "--json"])
        _cli(["port-calls", str(path), "--ports", str(PORTS), "-q",
              "-o", str(out / "port_calls.csv")])
        _cli(["gaps", str(path), "--ports", str(PORTS), "-q", "-o", str(out / "gaps.csv")])
    else:
        raise ValueError(f"unknown case {case!r}")
    if out.is_dir():
        for p in sorted(out.rglob("*")):
            if p.is_file():
                files[p.relative_to(out).as_posix()] = p.read_bytes()
    return {name: normalise(name, data, tmp) for name, data in files.items()}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def expected(case: str) -> dict[str, bytes | str]:
    """The recorded outputs of ``case``: bytes for verbatim files, a hex digest otherwise."""
    folder = GOLDEN / case
    digests = json.loads((folder / "sha256.json").read_text())
    out: dict[str, bytes | str] = dict(digests)
    for p in sorted(folder.iterdir()):
        if p.name != "sha256.json":
            out[p.name] = p.read_bytes()
    return out


def record(case: str, tmp: Path) -> None:
    """Run ``case`` and write its golden files into ``tests/golden/<case>/``."""
    files = run_case(case, tmp)
    folder = GOLDEN / case
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    digests = {}
    for name, data in files.items():
        if name.endswith(VERBATIM_SUFFIXES) and "/" not in name:
            (folder / name).write_bytes(data)
        else:
            digests[name] = digest(data)
    (folder / "sha256.json").write_text(json.dumps(digests, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    import tempfile

    wanted = sys.argv[1:] or list(CASES)
    for case in wanted:
        with tempfile.TemporaryDirectory() as d:
            record(case, Path(d))
            print(f"recorded {case}")

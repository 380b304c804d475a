"""Screenshots of two maps for the README, taken in headless Chromium with the network off.

Run from the repository root (after ``make test`` has provisioned Chromium and GMT)::

    .venv/bin/python scripts/screenshots.py

It writes ``docs/img/vostochny_2024_map.png`` (the synthetic fixture's map, as ``make demo``
draws it, the layer control opened) and ``docs/img/dma_sample_map.png`` (the real Danish
Maritime Authority sample in ``data/samples/``: 28 seconds of traffic around Denmark, each
vessel a dot), and prints each map's size and the time the page took to open (its load event).
The browser harness is the browser test's (``tests/test_browser.py``).
"""

from __future__ import annotations

import base64
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_browser import _LAND_PROBE, CDP, evaluate, open_offline, problems  # noqa: E402

import vesseltrack as vt  # noqa: E402
from vesseltrack.count import count_port_calls  # noqa: E402
from vesseltrack.maps import write_map  # noqa: E402

OUT = ROOT / "docs" / "img"

_SHOW_ALL = """(() => {
  const control = document.querySelector('.leaflet-control-layers');
  control.classList.add('leaflet-control-layers-expanded');
  return true;
})()"""

_OTHER_TRAFFIC_ON = """(() => {
  const m = Object.values(window).find(v => v instanceof L.Map);
  const boxes = [...document.querySelectorAll('.leaflet-layerstree-header')]
    .filter(h => h.textContent.includes('Other traffic'))
    .map(h => h.querySelector('input'));
  boxes.forEach(b => b && b.click());
  return boxes.length;
})()"""


def shoot(html: Path, png: Path, script: str | None = None) -> dict:
    with tempfile.TemporaryDirectory() as profile:
        cdp = CDP(Path(profile))
        try:
            session = open_offline(cdp, html.as_uri())
            found = problems(cdp)
            if any(found.values()):
                raise SystemExit(f"{html.name}: {found}")
            probe = evaluate(cdp, session, _LAND_PROBE)
            if script:
                evaluate(cdp, session, script)
            evaluate(cdp, session, _SHOW_ALL)
            cdp.drain(1.0)
            shot = cdp.send("Page.captureScreenshot", {"format": "png"}, session=session)
            png.write_bytes(base64.b64decode(shot["data"]))
        finally:
            cdp.close()
    return probe


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp())
    ports = vt.read_ports(ROOT / "data" / "ports" / "vostochny.geojson")

    data = vt.read_ais([ROOT / "data" / "fixtures" / "vostochny_2024.nmea.gz"], progress=False)
    registry = vt.read_registry(ROOT / "data" / "vessels" / "dprk_tankers.csv")
    sightings = vt.read_sightings(ROOT / "data" / "fixtures" / "vostochny_2024_sightings.csv")
    result = count_port_calls(data.positions, data.statics, ports, registry=registry,
                              sightings=sightings, port="Vostochny oil terminal", flag="KP")
    fixture = write_map(result, data.positions, data.statics, ports, work / "vostochny.html",
                        sightings=sightings)

    dma = vt.read_ais([ROOT / "data" / "samples" / "dma_stream_example.txt"], progress=False)
    none = count_port_calls(dma.positions, dma.statics, ports)
    sample = write_map(none, dma.positions, dma.statics, ports, work / "dma.html",
                       title="Danish Maritime Authority sample, 2010-06-11 11:46 UTC: "
                             f"{dma.positions['mmsi'].nunique():,} vessels in 28 seconds")

    for html, png, script in ((fixture, OUT / "vostochny_2024_map.png", None),
                              (sample, OUT / "dma_sample_map.png", _OTHER_TRAFFIC_ON)):
        probe = shoot(html, png, script)
        print(f"{png.name}: map {html.stat().st_size / 1e6:.2f} MB, load event after "
              f"{probe['load_ms']:.0f} ms, {probe['land']} land polygons "
              f"({', '.join(probe['sources'])}), zoom {probe['zoom']}")


if __name__ == "__main__":
    main()

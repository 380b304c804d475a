"""The generated map in a real browser: headless Chromium, network off, driven over CDP.

Chromium is Debian's ``chromium`` (``.ci/run`` installs it when missing). It is driven with
the Chrome DevTools Protocol over ``--remote-debugging-pipe`` (file descriptors 3 and 4, JSON
messages ended by NUL): no extra Python package, no browser download. The network is off three
ways: every host resolves to nothing (``--host-resolver-rules``), a dead proxy, and CDP's
``Network.emulateNetworkConditions(offline)``; and the test asserts that the page asked for
nothing but itself.

If Chromium is missing the tests FAIL (they do not skip): CI installs it.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from vesseltrack.maps import write_map

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT_DIR = ROOT / "out" / "test_browser"
"""Screenshots are kept here (``out/`` is git-ignored)."""

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
    "--allow-file-access-from-files", "--window-size=1280,900",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("headless Chromium is required for the browser test and was not found: "
                "install Debian's package with `apt-get install -y chromium` "
                "(.ci/run does this when it is missing)")


class CDP:
    """A minimal Chrome DevTools Protocol client over ``--remote-debugging-pipe``."""

    def __init__(self, user_data_dir: Path):
        cmd_r, cmd_w = os.pipe()
        out_r, out_w = os.pipe()
        # Keep the child's ends above 9, clear of the 3 and 4 they are redirected to.
        child_in = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(out_w, fcntl.F_DUPFD, 10)
        os.close(cmd_r)
        os.close(out_w)

        # bash (dash takes single-digit descriptors only) puts our pipe ends on descriptors 3 and 4, where Chromium expects them.
        redirect = (f'exec "$0" "$@" 3<&{child_in} 4>&{child_out} '
                    f'{child_in}<&- {child_out}>&-')
        self.proc = subprocess.Popen(
            ["/bin/bash", "-c", redirect, _chromium(), *CHROMIUM_FLAGS,
             f"--user-data-dir={user_data_dir}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(child_in, child_out),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        os.close(child_in)
        os.close(child_out)
        self._w = os.fdopen(cmd_w, "wb", buffering=0)
        self._r = os.fdopen(out_r, "rb", buffering=0)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []

    def _read_message(self, deadline: float) -> dict:
        import select

        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no message from Chromium in time")
            ready, _, _ = select.select([self._r], [], [], left)
            if ready:
                chunk = self._r.read(1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe: "
                                       + self.proc.stderr.read().decode(errors="replace")[-2000:])
                self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout_s: float = 30.0) -> dict:
        self._id += 1
        msg: dict = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self._w.write(json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout_s
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout_s: float = 30.0) -> dict:
        for ev in self.events:
            if ev.get("method") == method:
                return ev
        deadline = time.monotonic() + timeout_s
        while True:
            ev = self._read_message(deadline)
            self.events.append(ev)
            if ev.get("method") == method:
                return ev

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._read_message(deadline))
        except TimeoutError:
            pass

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout_s=5)
        except Exception:  # noqa: BLE001 - the browser may already be gone
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._w.close()
        self._r.close()
        if self.proc.stderr:
            self.proc.stderr.close()


def open_offline(cdp: CDP, url: str) -> str:
    """Open ``url`` in a new page with the network off; return the CDP session id."""
    target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        cdp.send(f"{domain}.enable", session=session)
    cdp.send("Network.emulateNetworkConditions",
             {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
             session=session)
    cdp.send("Emulation.setDeviceMetricsOverride",
             {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
             session=session)
    # Any alert()/confirm() an injected payload might call is recorded, never shown.
    cdp.send("Page.addScriptToEvaluateOnNewDocument", {"source": (
        "window.__vt_dialogs = [];"
        "for (const f of ['alert', 'confirm', 'prompt']) {"
        "  window[f] = (...a) => { window.__vt_dialogs.push(f + ':' + a.join(',')); }; }")},
        session=session)
    cdp.events.clear()
    cdp.send("Page.navigate", {"url": url}, session=session)
    cdp.wait_for("Page.loadEventFired", timeout_s=60)
    cdp.drain(1.0)  # let Leaflet finish drawing
    return session


def evaluate(cdp: CDP, session: str, expression: str):
    res = cdp.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                   session=session)
    if "exceptionDetails" in res:
        raise AssertionError(f"page script failed: {res['exceptionDetails']}")
    return res["result"].get("value")


def problems(cdp: CDP) -> dict[str, list]:
    """Script errors, console errors, failed loads and requests for anything but the page."""
    out: dict[str, list] = {"exceptions": [], "console_errors": [], "log_errors": [],
                            "requests": [], "dialogs": []}
    for ev in cdp.events:
        method, params = ev.get("method"), ev.get("params", {})
        if method == "Runtime.exceptionThrown":
            out["exceptions"].append(params["exceptionDetails"])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            out["console_errors"].append(params.get("args"))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            out["log_errors"].append(params["entry"])
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not url.startswith(("file:", "data:", "about:")):
                out["requests"].append(url)
        elif method == "Page.javascriptDialogOpening":
            out["dialogs"].append(params)
    return out


# JavaScript run in the page: find the Leaflet map, open every popup, report what it shows.
_POPUP_PROBE = """
(() => {
  const maps = Object.values(window).filter(v => v instanceof L.Map);
  const texts = [];
  let injected = 0;
  for (const m of maps) {
    m.eachLayer(layer => {
      if (layer.getPopup && layer.getPopup()) {
        layer.getPopup().options.autoPan = false;
        layer.openPopup();
        const el = layer.getPopup().getElement();
        texts.push(el ? el.innerText : '');
        if (el && el.querySelector('svg, script, img, iframe')) injected += 1;
        layer.closePopup();
      }
    });
  }
  const tips = [...document.querySelectorAll('.leaflet-tooltip')].map(t => t.innerText);
  return {maps: maps.length, popups: texts.length, texts, injected,
          dialogs: window.__vt_dialogs, tooltips: tips};
})()
"""


# JavaScript run in the page: the land drawn, the view, the layer control.
_LAND_PROBE = """
(() => {
  const m = Object.values(window).find(v => v instanceof L.Map);
  let land = 0, inView = 0;
  const sources = new Set();
  m.eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (p && p.source && p.resolution) {
      land += 1;
      sources.add(p.source + ' ' + p.resolution);
      if (l.getBounds && m.getBounds().intersects(l.getBounds())) inView += 1;
    }
  });
  const control = document.querySelectorAll('.leaflet-control-layers');
  return {land, inView, sources: [...sources].sort(), zoom: m.getZoom(),
          center: [m.getCenter().lat, m.getCenter().lng],
          controls: control.length,
          expanded: document.querySelectorAll('.leaflet-control-layers-expanded').length,
          tree: control.length ? control[0].textContent : '',
          load_ms: performance.getEntriesByType('navigation')[0].loadEventEnd};
})()
"""

LOAD_LIMIT_MS = 3000.0
"""The fixture's map must open (the page's load event) within this many milliseconds."""


@pytest.fixture(scope="module")
def fixture_map(tmp_path_factory, vostochny_case):
    case = vostochny_case
    path = write_map(case.result, case.data.positions, case.data.statics, case.ports,
                     tmp_path_factory.mktemp("map") / "vostochny_2024.html",
                     sightings=case.sightings)
    return path, case.result, case.sightings


@pytest.fixture()
def browser(tmp_path):
    cdp = CDP(tmp_path / "chromium-profile")
    try:
        yield cdp
    finally:
        cdp.close()


def test_chromium_is_installed():
    assert Path(_chromium()).exists()


def test_fixture_map_loads_offline_with_tracks_calls_and_gaps(fixture_map, browser):
    path, result, sightings = fixture_map
    session = open_offline(browser, path.as_uri())
    found = problems(browser)
    assert found["exceptions"] == []
    assert found["console_errors"] == []
    assert found["log_errors"] == []
    assert found["requests"] == []
    assert found["dialogs"] == []

    counts = evaluate(browser, session, """({
        leaflet: typeof L === 'object' && L.version,
        tracks: document.querySelectorAll('path.vt-track').length,
        loaded: document.querySelectorAll('path.vt-loaded').length,
        calls: document.querySelectorAll('path.vt-call').length,
        gaps: document.querySelectorAll('path.vt-gap').length,
        sightings: document.querySelectorAll('path.vt-sighting').length,
        title: (document.getElementById('vt-title') || {}).innerText,
        legend: !!document.getElementById('vt-legend'),
        layers: document.querySelectorAll('.leaflet-control-layers-selector').length,
        zoom: Object.values(window).find(v => v instanceof L.Map).getZoom(),
    })""")
    loaded = result.loaded
    assert counts["leaflet"] == "1.9.4"
    # every loaded departure is a marker in its own visible layer; the other calls at the
    # terminal (none are unloaded in this fixture) and the calls elsewhere are hidden at first
    assert counts["loaded"] == len(loaded) == 43
    assert counts["calls"] == len(result.port_calls)
    # one path per vessel with a loaded call (its track is visible), one per gap, per sighting
    assert counts["tracks"] == loaded["mmsi"].nunique() == 12
    assert counts["gaps"] == len(result.gaps) > 0
    assert counts["sightings"] == len(sightings)
    assert "Vostochny oil terminal" in counts["title"]
    assert "43 loaded departures" in counts["title"]
    assert counts["legend"] is True
    assert counts["layers"] >= 8
    assert counts["zoom"] >= 10  # fitted to the terminal, not the whole route

    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
    png = base64.b64decode(shot["data"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    (SCREENSHOT_DIR / "vostochny_2024_map.png").write_bytes(png)

    land = evaluate(browser, session, _LAND_PROBE)
    assert land["land"] > 0 and land["inView"] > 0  # land drawn, and on screen
    assert land["controls"] == 1 and land["expanded"] == 0  # one control, collapsed
    assert "Watched vessels (12)" in land["tree"] and "Other traffic by flag" in land["tree"]
    assert land["load_ms"] < LOAD_LIMIT_MS, f"the map took {land['load_ms']:.0f} ms to open"
    assert path.stat().st_size < 3_000_000

    probe = evaluate(browser, session, _POPUP_PROBE)
    assert probe["maps"] == 1
    loaded_texts = [t for t in probe["texts"] if "Load state\tloaded" in t]
    assert len(loaded_texts) == 43
    first = loaded.sort_values("arrival").iloc[0]
    assert any(str(first["name"]) in t and str(first["mmsi"]) in t for t in loaded_texts)
    assert probe["injected"] == 0



def test_hostile_names_show_as_text_and_run_nothing(tmp_path, browser):
    from test_maps import HOSTILE_DESTINATION, HOSTILE_NAME, hostile_case

    result, positions, statics, ports, sightings = hostile_case()
    path = write_map(result, positions, statics, ports, tmp_path / "hostile.html",
                     sightings=sightings, title="<img src=x onerror=alert(3)> title")
    session = open_offline(browser, path.as_uri())
    found = problems(browser)
    assert found["exceptions"] == [] and found["console_errors"] == []
    assert found["dialogs"] == [] and found["requests"] == []
    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    (SCREENSHOT_DIR / "hostile_map.png").write_bytes(base64.b64decode(shot["data"]))
    probe = evaluate(browser, session, _POPUP_PROBE)
    assert probe["dialogs"] == []
    assert probe["injected"] == 0
    joined = "\n".join(probe["texts"])
    assert HOSTILE_NAME in joined  # shown as the text it is
    assert "${alert(2)}" in joined
    assert HOSTILE_DESTINATION in joined
    title = evaluate(browser, session, "document.getElementById('vt-title').innerText")
    assert title == "<img src=x onerror=alert(3)> title"
    assert evaluate(browser, session, "document.querySelectorAll('svg image, img[src=x]').length") == 0
    # the harness itself notices what it must: a page with a script error and a remote image
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><img src='https://example.invalid/x.png'>"
                   "<script>alert(9); throw new Error('boom')</script></body></html>")
    open_offline(browser, bad.as_uri())
    found = problems(browser)
    assert len(found["exceptions"]) == 1 and "boom" in json.dumps(found["exceptions"])
    assert found["requests"] == ["https://example.invalid/x.png"]


def sydney_case():
    """A tanker sailing from the Tasman Sea into Botany Bay (Sydney), loading there for a day
    and leaving: a sea far from the package's home waters, with land all around the fence."""
    import geopandas as gpd
    from _builders import hourly_draught, make_positions, make_track, sail, stay
    from shapely.geometry import box

    from vesseltrack.count import count_port_calls

    mmsi = 503_000_123  # MID 503: Australia
    t0 = pd.Timestamp("2024-03-01T00:00:00Z")
    # sea route checked against the full GSHHG shoreline: through the bay's entrance
    legs = [sail(151.235, -34.01, 10.0), sail(151.21, -33.98, 6.0), stay(24.0),
            sail(151.235, -34.01, 6.0), sail(151.40, -34.05, 10.0)]
    positions = make_positions(make_track(mmsi, (151.40, -34.05), legs, t0=t0))
    statics = hourly_draught(mmsi, t0, t0 + pd.Timedelta(days=2),
                             [(t0, 4.0), (t0 + pd.Timedelta(hours=20), 8.5)], name="BOTANY TEST")
    # 94.7 % water on the full GSHHG shoreline (vesseltrack.land.water_fraction)
    ports = gpd.GeoDataFrame({"name": pd.array(["Botany Bay terminal"], dtype="string"),
                              "kind": pd.array(["terminal"], dtype="string")},
                             geometry=[box(151.19, -34.0, 151.23, -33.96)], crs="EPSG:4326")
    result = count_port_calls(positions, statics, ports, port="Botany Bay terminal")
    return result, positions, statics, ports


def test_map_of_another_sea_draws_its_land(tmp_path, browser):
    result, positions, statics, ports = sydney_case()
    assert len(result.port_calls) == 1
    path = write_map(result, positions, statics, ports, tmp_path / "sydney.html")
    session = open_offline(browser, path.as_uri())
    found = problems(browser)
    assert found["exceptions"] == [] and found["console_errors"] == []
    assert found["requests"] == [] and found["log_errors"] == []
    land = evaluate(browser, session, _LAND_PROBE)
    assert land["land"] > 0 and land["inView"] > 0
    lat, lon = land["center"]
    assert -34.1 < lat < -33.9 and 151.1 < lon < 151.3  # Botany Bay
    assert land["controls"] == 1 and land["expanded"] == 0
    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    (SCREENSHOT_DIR / "sydney_map.png").write_bytes(base64.b64decode(shot["data"]))


def test_time_slider_runs_offline(vostochny_case, tmp_path, browser):
    case = vostochny_case
    path = write_map(case.result, case.data.positions, case.data.statics, case.ports,
                     tmp_path / "slider.html", sightings=case.sightings, time_slider=True)
    session = open_offline(browser, path.as_uri())
    found = problems(browser)
    assert found["exceptions"] == [] and found["console_errors"] == []
    assert found["requests"] == [] and found["log_errors"] == []
    state = evaluate(browser, session, """(() => {
      const m = Object.values(window).find(v => v instanceof L.Map);
      const times = m.timeDimension.getAvailableTimes();
      const before = document.querySelectorAll('.leaflet-overlay-pane path').length;
      m.timeDimension.setCurrentTime(Date.parse('2024-10-21T12:00:00Z'));
      return {times: times.length, first: times[0], last: times[times.length - 1],
              control: document.querySelectorAll('.leaflet-bar-timecontrol').length,
              date: (document.querySelector('.timecontrol-date') || {}).textContent, before};
    })()""")
    assert state["control"] == 1
    # six-hourly steps over the watched vessels' tracks (late February to mid November 2024)
    assert 900 < state["times"] < 1200
    assert state["date"]  # the control shows the time it is at

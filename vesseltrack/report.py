"""Presentation of a count: the text summary, ``report.md`` and its PNG charts.

:func:`format_summary` is the readable table ``vesseltrack count`` prints (the same figures
as ``--json``).

:func:`write_report` writes, into one folder:

* ``report.md``: a plain statement that this is an analysis of data, not a legal finding; the
  summary table; the method and every parameter; data coverage (calls with a usable draught,
  calls that rest on sightings or on AIS gaps, estimated times, input counters); the loaded
  departures one by one; the charts;
* ``loaded_departures_per_month.png``, ``cumulative_barrels.png``, ``calls_per_vessel.png``
  and ``draught_timeline.png`` (matplotlib figures rendered with Agg, without pyplot: no
  display needed, and the caller's backend is left alone).

Every text that came from data (vessel names, fences, evidence, sources) is neutralised with
:func:`md_text`: HTML-escaped, Markdown punctuation backslash-escaped, line breaks removed, so
a vessel named ``<SVG/ONLOAD=ALERT()>`` reads as that text in any Markdown viewer.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vesseltrack._schema import is_missing
from vesseltrack._units import UN_CAP_BBL

__all__ = ["CHART_FILES", "format_summary", "md_text", "plot_charts",
           "render_encounter_report", "render_report", "write_encounter_report", "write_report"]

CHART_FILES = {
    "per_month": "loaded_departures_per_month.png",
    "cumulative": "cumulative_barrels.png",
    "per_vessel": "calls_per_vessel.png",
    "draught": "draught_timeline.png",
}
"""Chart key → file name written next to ``report.md``."""

PER_VESSEL_TOP = 20
"""The calls-per-vessel chart shows this many vessels (most calls first) and one bar for all
the others, so that it stays readable for 10 vessels or 1,000."""


def _cap_label(summary_or_flag: Any, cap: int | None) -> str:
    """How a cap is named: the UN cap when it is the resolution 2397 figure for DPRK flags."""
    flag = summary_or_flag.get("flag") if isinstance(summary_or_flag, dict) else summary_or_flag
    if cap == UN_CAP_BBL and flag is not None and str(flag).upper() == "KP":
        return "UN cap (res. 2397, refined petroleum)"
    return "cap (given with --cap-bbl)"


def _cargo_text(summary: dict) -> str:
    """The estimated cargo in barrels and tonnes, or "n/a" and why."""
    if summary.get("estimated_bbl") is None:
        note = summary.get("cargo_note")
        return "n/a" + (f" ({note})" if note else "")
    return f"{summary['estimated_bbl']:,} bbl ({summary.get('estimated_t') or 0:,} t)"


DISCLAIMER = (
    "This report is an analysis of data (AIS messages, a vessel registry, sightings and "
    "approximate geofences), not a legal finding. Port calls made while a vessel's AIS was "
    "off and cargo figures are inferences and estimates; each is labelled with its evidence "
    "and method below. Check them against other sources before relying on them."
)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")


def md_text(value: Any) -> str:
    """Return ``value`` as inert Markdown text (safe in a paragraph or a table cell).

    Parameters
    ----------
    value : object
        Any value; ``None`` and missing values give ``"–"``.

    Returns
    -------
    str
        HTML-escaped (``<`` → ``&lt;``, ``&`` → ``&amp;``), the Markdown punctuation that
        acts inside a line backslash-escaped (``\\ ` * _ [ ] | ~ #``: a ``|`` cannot break a
        table, ``[x](y)`` cannot make a link, nothing becomes code or emphasis), whitespace
        runs (line breaks included) collapsed to one space.
    """
    if is_missing(value):
        return "–"
    text = " ".join(str(value).split())
    text = html.escape(text, quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text)


def _fmt_int(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"{int(round(float(value))):,}"


def _fmt_float(value: Any, digits: int = 1) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):,.{digits}f}"


def _fmt_time(ts: Any) -> str:
    return "–" if ts is None or pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d %H:%M")


def _table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    align = align or "l" * len(header)
    sep = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# charts


def _most_calls(loaded: pd.DataFrame) -> int | None:
    """The vessel with most loaded departures (the first in the table on a tie)."""
    if loaded.empty:
        return None
    counts = loaded.groupby("mmsi", sort=False).size()
    return int(counts.sort_values(ascending=False, kind="stable").index[0])


def calls_per_vessel(calls: pd.DataFrame, top: int = PER_VESSEL_TOP) -> pd.DataFrame:
    """Calls and loaded departures per vessel, the ``top`` vessels with most calls and one
    row ``others`` summing the rest (for the calls-per-vessel chart).

    Parameters
    ----------
    calls : DataFrame
        Port calls (``mmsi``, ``load_state``).
    top : int
        Vessels shown one by one.

    Returns
    -------
    DataFrame
        Index: MMSI (int) or the string ``"others (N vessels)"``; columns ``all`` and
        ``loaded`` (int), most calls first, ``others`` last.
    """
    per = pd.DataFrame({
        "all": calls.groupby("mmsi").size(),
        "loaded": (calls["load_state"] == "loaded").fillna(False).groupby(calls["mmsi"]).sum(),
    }).astype("int64")
    per = per.sort_values(["all", "loaded"], ascending=False, kind="stable")
    if len(per) <= top:
        return per
    rest = per.iloc[top:]
    others = pd.DataFrame({"all": [int(rest["all"].sum())], "loaded": [int(rest["loaded"].sum())]},
                          index=[f"others ({len(rest):,} vessels)"])
    return pd.concat([per.iloc[:top], others])


def _label(mmsi: int, names: dict[int, str]) -> str:
    name = names.get(mmsi)
    return f"{name} ({mmsi})" if name else str(mmsi)


def plot_charts(
    result: Any,
    statics: pd.DataFrame | None,
    out_dir: str | os.PathLike,
    *,
    registry: pd.DataFrame | None = None,
) -> dict[str, Path]:
    """Draw the four PNG charts of the report into ``out_dir``.

    Parameters
    ----------
    result : vesseltrack.count.CountResult
        The count.
    statics : DataFrame or None
        Statics (for the draught timeline of the vessel with most loaded departures).
    out_dir : path-like
        Folder (created).
    registry : DataFrame, optional
        Registry: adds that vessel's ballast and summer draughts as reference lines.

    Returns
    -------
    dict
        Chart key (:data:`CHART_FILES`) → path written.
    """
    import matplotlib.ticker
    from matplotlib.figure import Figure

    from vesseltrack.io._write import atomic_path

    def subplots(figsize: tuple[float, float]):
        # A bare Figure renders with Agg and touches no pyplot state: no display is needed
        # and a notebook's or application's own backend is left alone.
        fig = Figure(figsize=figsize)
        return fig, fig.subplots()

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    loaded = result.loaded.sort_values("departure", kind="stable")
    calls = result.port_calls
    names = {int(m): str(n) for m, n in zip(calls["mmsi"], calls["name"], strict=True)
             if not pd.isna(n)}
    paths: dict[str, Path] = {}

    def save(fig, key: str) -> None:
        path = out / CHART_FILES[key]
        fig.tight_layout()
        with atomic_path(path) as tmp:  # never a half-written chart over the previous one
            fig.savefig(tmp, dpi=110, format="png")
        paths[key] = path

    # 1. loaded departures per month, stacked by evidence
    fig, ax = subplots((8, 4))
    if len(loaded):
        month = loaded["departure"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
        table = pd.crosstab(month, loaded["evidence"].astype(str))
        span = pd.period_range(table.index.min(), table.index.max(), freq="M")
        table = table.reindex(span, fill_value=0)
        bottom = np.zeros(len(table))
        for ev in table.columns:
            ax.bar([p.strftime("%Y-%m") for p in table.index], table[ev].to_numpy(),
                   bottom=bottom, label=ev)
            bottom += table[ev].to_numpy()
        ax.legend(title="evidence", fontsize=8)
    ax.set_ylabel("loaded departures")
    ax.set_title(f"Loaded departures per month ({len(loaded)} in all)")
    ax.tick_params(axis="x", labelrotation=45)
    save(fig, "per_month")

    # 2. cumulative barrels (against the cap, when one applies)
    fig, ax = subplots((8, 4))
    cap = getattr(result, "cap_bbl", None)
    estimated = bool(loaded["cargo_bbl"].notna().any()) if len(loaded) else False
    if estimated:
        cum_bbl = np.nancumsum(loaded["cargo_bbl"].to_numpy("float64"))
        times = loaded["departure"].dt.tz_convert("UTC").dt.tz_localize(None)
        ax.step(times, cum_bbl, where="post", label="estimated cargo, cumulative", lw=2)
        ax.plot(times, cum_bbl, "o", ms=3)
        ax.set_title("Estimated cargo of the loaded departures, cumulative")
    else:
        ax.set_title("Estimated cargo: n/a" + (" (no vessel registry)" if len(loaded) and
                                                not getattr(result, "registry_given", True)
                                                else ""))
    if cap:
        ax.axhline(cap, color="#c0152f", ls="--",
                   label=f"{_cap_label(result.flag, cap)}: {cap:,} bbl per 12 months")
    ax.set_ylabel("barrels")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    if estimated or cap:
        ax.legend(fontsize=8, loc="upper left")
    fig.autofmt_xdate()
    save(fig, "cumulative")

    # 3. calls per vessel: the vessels with most calls, the rest in one bar
    per = calls_per_vessel(calls) if len(calls) else pd.DataFrame({"all": [], "loaded": []})
    fig, ax = subplots((8, max(3.0, 0.35 * len(per) + 1.2)))
    if len(per):
        per = per.iloc[::-1]  # barh draws bottom-up: most calls on top, "others" at the foot
        labels = [_label(int(m), names) if not isinstance(m, str) else m for m in per.index]
        ax.barh(labels, per["all"], color="#b8c7dd", label="calls")
        ax.barh(labels, per["loaded"], color="#c0152f", label="loaded departures")
        ax.legend(fontsize=8, loc="lower right")
    ax.set_xlabel("calls at " + ", ".join(result.ports))
    n_vessels = calls["mmsi"].nunique()
    ax.set_title("Calls per vessel" + (f" (the {PER_VESSEL_TOP} with most calls of "
                                       f"{n_vessels:,})" if n_vessels > PER_VESSEL_TOP else ""))
    save(fig, "per_vessel")

    # 4. draught timeline of the vessel with most loaded departures, its calls marked
    fig, ax = subplots((9, 4))
    busiest = _most_calls(loaded)
    if busiest is not None:
        if statics is not None and len(statics):
            s = statics.loc[(statics["mmsi"] == busiest) & statics["draught_m"].notna()]
            s = s.sort_values("timestamp", kind="stable")
            ax.step(s["timestamp"].dt.tz_convert("UTC").dt.tz_localize(None), s["draught_m"],
                    where="post", color="#1f5fa8", lw=1.5, label="reported draught (AIS)")
        vc = calls.loc[calls["mmsi"] == busiest]
        for k, row in enumerate(vc.itertuples(index=False)):
            a = pd.Timestamp(row.arrival).tz_convert("UTC").tz_localize(None)
            d = pd.Timestamp(row.departure).tz_convert("UTC").tz_localize(None)
            color = "#c0152f" if row.load_state == "loaded" else "#888888"
            ax.axvspan(a, d + pd.Timedelta(hours=6), color=color, alpha=0.35,
                       label="call at " + ", ".join(result.ports) if k == 0 else None)
        if registry is not None and len(registry):
            r = registry.loc[registry["mmsi"] == busiest]
            if len(r):
                for col, ls in (("ballast_draught_m", ":"), ("summer_draught_m", "--")):
                    v = r[col].iloc[0]
                    if not pd.isna(v):
                        ax.axhline(float(v), color="#555", ls=ls, lw=1,
                                   label=col.replace("_m", "").replace("_", " ") + " (registry)")
        ax.legend(fontsize=8, loc="upper left")
        ax.set_title(f"Draught of the vessel with most loaded departures, "
                     f"{_label(busiest, names)}: "
                     f"{int((loaded['mmsi'] == busiest).sum())}")
    else:
        ax.set_title("Draught timeline: no loaded departure")
    ax.set_ylabel("draught, m")
    fig.autofmt_xdate()
    save(fig, "draught")
    return paths


# --------------------------------------------------------------------------------------------
# the Markdown


def _coverage(result: Any, summary: dict) -> list[list[str]]:
    calls = result.port_calls
    n = len(calls)
    ev = calls["evidence"].astype(str)
    parts = ev.str.split("+")
    on_sighting = int(parts.map(lambda p: "sighting" in p).sum()) if n else 0
    only_sighting = int((ev == "sighting").sum())
    on_gap = int(parts.map(lambda p: "ais-gap" in p).sum()) if n else 0
    both = (calls["arrival_draught_m"].notna() & calls["departure_draught_m"].notna())
    reported = int(both.sum())
    # a draught that never changed (the crew did not update it) is not usable evidence
    usable = int((calls["draught_change_m"].abs() >= 0.1).fillna(False).sum())
    estimated = int((calls["arrival_estimated"] | calls["departure_estimated"]).sum())
    loaded = result.loaded
    methods = loaded["cargo_method"].astype(str).value_counts()

    def share(k: int) -> str:
        return f"{k:,} of {n:,}" + (f" ({k / n:.0%})" if n else "")

    rows = [
        ["calls with an arrival and a departure draught reported", share(reported)],
        ["calls with a usable draught (it changed during the call)", share(usable)],
        ["calls that rest on an AIS gap (vessel dark at the fence)", share(on_gap)],
        ["calls confirmed or found by a sighting", share(on_sighting)],
        ["calls found by sightings alone", share(only_sighting)],
        ["calls with estimated arrival or departure time", share(estimated)],
    ]
    for method, k in methods.items():
        rows.append([f"loaded departures, cargo by method {md_text(method)}",
                     f"{int(k):,} of {len(loaded):,}"])
    return rows


def _cargo_share(summary: dict) -> float:
    """The share of dead-weight that is cargo, as used by the count (its recorded
    parameters), else :class:`~vesseltrack.params.CargoParams`' default."""
    from vesseltrack.params import CargoParams

    recorded = (summary.get("params") or {}).get("cargo") or {}
    return float(recorded.get("cargo_share_of_dwt", CargoParams().cargo_share_of_dwt))


def render_report(
    result: Any,
    summary: dict,
    *,
    registry: pd.DataFrame | None = None,
    charts: dict[str, str] | None = None,
) -> str:
    """Return the text of ``report.md``.

    Parameters
    ----------
    result : vesseltrack.count.CountResult
        The count.
    summary : dict
        :meth:`CountResult.summary` (with the reader's input counters).
    registry : DataFrame, optional
        Registry, for dead-weight tonnage in the departures table.
    charts : dict, optional
        Chart key → relative file name to embed (default :data:`CHART_FILES`).

    Returns
    -------
    str
        Markdown.
    """
    charts = CHART_FILES if charts is None else charts
    inp = summary.get("input", {})
    window = summary.get("window", {})
    ports = ", ".join(md_text(p) for p in summary.get("ports", [])) or "–"
    lines = [f"# Loaded departures at {ports}", "", f"> **{DISCLAIMER}**", ""]
    lines += ["## Summary", ""]
    rows = [
        ["fences investigated", ports],
        ["flag", md_text(summary.get("flag") or "any")],
        ["window (UTC)", f"{md_text(window.get('start'))} to {md_text(window.get('end'))}"],
        ["port calls", f"{summary['port_calls']:,}"],
        ["loaded departures", f"{summary['loaded_departures']:,}"],
        ["vessels with a loaded departure", f"{summary['vessels']:,}"],
        ["estimated cargo", md_text(_cargo_text(summary))],
    ]
    cap = summary.get("un_cap_bbl")
    if cap:
        rows.append([_cap_label(summary, cap), f"{cap:,} bbl per 12 months"])
        if summary.get("un_cap_multiple") is not None:
            rows.append(["estimate / cap", f"{summary['un_cap_multiple']:.2f} ×"])
    for ev, k in summary.get("by_evidence", {}).items():
        rows.append([f"loaded departures with evidence {md_text(ev)}", f"{k:,}"])
    lines += [_table(["", "value"], rows, "lr"), ""]

    lines += ["## Charts", ""]
    captions = {
        "per_month": "Loaded departures per month, by evidence",
        "cumulative": "Cumulative estimated barrels" + (" against the cap" if cap else ""),
        "per_vessel": f"Calls and loaded departures per vessel (at most {PER_VESSEL_TOP} "
                      "vessels, the rest as one bar)",
        "draught": "Draught timeline of the vessel with most loaded departures, its calls "
                   "shaded",
    }
    for key, caption in captions.items():
        if key in charts:
            lines += [f"![{caption}]({charts[key]})", "", f"*{caption}.*", ""]

    lines += ["## Data coverage", ""]
    lines += [_table(["", "count"], _coverage(result, summary), "lr"), ""]
    in_rows = [[md_text(k.replace("_", " ")), f"{int(inp.get(k, 0)):,}"]
               for k in ("files", "lines", "messages", "bad_lines", "orphan_fragments",
                         "positions", "vessels_seen", "non_ship_mmsi", "untimed_positions")]
    failed = inp.get("failed_files") or []
    in_rows.append(["failed files", f"{len(failed):,}"])
    lines += ["Input read:", "", _table(["", "count"], in_rows, "lr"), ""]
    for f in failed:
        lines.append(f"- failed: {md_text(f)}")
    if failed:
        lines.append("")

    lines += ["## Method", ""]
    lines += [
        "1. AIS messages are decoded; positions are cleaned (duplicates from several "
        "receivers, AIS 'not available' values and impossible jumps removed).",
        "2. A port call is a stay inside a geofence (entry, dwell, exit with hysteresis; "
        "silences in port up to the in-port gap limit do not end a call).",
        "3. AIS gaps (silences of at least the minimum gap length) that start and end near a "
        "fence the vessel could have reached, and across which the reported draught rises, "
        "become dark calls (evidence `ais-gap`); matched sightings confirm calls or make "
        "calls of their own (evidence `sighting`).",
        "4. Load state compares the draught before and after each call (a laden sighting "
        "can settle it); cargo is the fill between ballast and summer draught times "
        f"{_cargo_share(summary):g} of "
        "the dead-weight, in tonnes, converted to barrels by the cargo's barrels per tonne "
        "(this needs a vessel registry with dead-weight and draughts).",
    ]
    if cap == UN_CAP_BBL and str(summary.get("flag") or "").upper() == "KP":
        lines.append("5. The total is compared with the UN Security Council resolution 2397 "
                     f"cap of {UN_CAP_BBL:,} barrels of refined petroleum per 12 months.")
    elif cap:
        lines.append(f"5. The total is compared with the cap given, {cap:,} barrels per 12 "
                     "months.")
    lines += [
        "",
        "Parameters:",
        "",
    ]
    prow = []
    for group, values in (summary.get("params") or {}).items():
        for k, v in values.items():
            prow.append([md_text(group), md_text(k), md_text(v)])
    lines += [_table(["stage", "parameter", "value"], prow), ""]

    lines += ["## Loaded departures", ""]
    loaded = result.loaded.sort_values("departure", kind="stable")
    dwt = {}
    if registry is not None and len(registry) and "dwt_t" in registry:
        r = registry.loc[registry["mmsi"].notna()]
        dwt = dict(zip(r["mmsi"].astype("int64"), r["dwt_t"], strict=True))
    drows = []
    for row in loaded.itertuples(index=False):
        drows.append([
            md_text(row.name), md_text(row.imo), md_text(row.mmsi), md_text(row.flag),
            _fmt_int(dwt.get(int(row.mmsi))), _fmt_time(row.arrival),
            _fmt_time(row.departure), md_text(row.evidence),
            _fmt_float(row.arrival_draught_m), _fmt_float(row.departure_draught_m),
            _fmt_int(row.cargo_bbl), md_text(row.cargo_method),
        ])
    lines += [_table(["vessel", "IMO", "MMSI", "flag", "dwt (t)", "arrival (UTC)",
                      "departure (UTC)", "evidence", "draught in (m)", "draught out (m)",
                      "cargo (bbl)", "method"], drows, "llllrllrrrrl"), ""]
    lines += ["Times marked estimated in `port_calls.csv` (`arrival_estimated`, "
              "`departure_estimated`) were inferred across an AIS gap.", ""]
    return "\n".join(lines)


def write_report(
    result: Any,
    summary: dict,
    positions: pd.DataFrame | None,
    statics: pd.DataFrame | None,
    out_dir: str | os.PathLike,
    *,
    registry: pd.DataFrame | None = None,
) -> Path:
    """Write ``report.md`` and its four PNG charts into ``out_dir``.

    Parameters
    ----------
    result : vesseltrack.count.CountResult
        The count.
    summary : dict
        :meth:`CountResult.summary` (pass the reader's report so the input counters show).
    positions : DataFrame or None
        Positions (unused by the current charts; accepted so callers pass one set of inputs
        to the map and the report).
    statics : DataFrame or None
        Statics, for the draught timeline.
    out_dir : path-like
        Folder (created).
    registry : DataFrame, optional
        Registry (dead-weight in the table, reference draughts in the timeline).

    Returns
    -------
    pathlib.Path
        Path of ``report.md``.
    """
    from vesseltrack.io._write import write_text

    out = Path(out_dir)
    paths = plot_charts(result, statics, out, registry=registry)
    text = render_report(result, summary, registry=registry,
                         charts={k: p.name for k, p in paths.items()})
    return write_text(text, out / "report.md")


def format_summary(summary: dict[str, Any]) -> str:
    """A readable table of a :meth:`CountResult.summary` dict (the default CLI output)."""
    inp = summary.get("input", {})
    window = summary.get("window", {})
    rows = [
        ("ports", ", ".join(summary.get("ports", [])) or "-"),
        ("flag", summary.get("flag") or "any"),
        ("window", f"{window.get('start') or '-'} .. {window.get('end') or '-'}"),
        ("port calls", f"{summary['port_calls']:,}"),
        ("loaded departures", f"{summary['loaded_departures']:,}"),
        ("vessels (loaded)", f"{summary['vessels']:,}"),
        ("estimated cargo", _cargo_text(summary)),
    ]
    cap = summary.get("un_cap_bbl")
    if cap:
        multiple = summary.get("un_cap_multiple")
        short = ("UN cap (res. 2397)" if _cap_label(summary, cap).startswith("UN")
                 else "cap (--cap-bbl)")
        rows.append((short, f"{cap:,} bbl/year"
                     + (f" -> x{multiple:.2f}" if multiple is not None else "")))
    for ev, n in summary.get("by_evidence", {}).items():
        rows.append((f"  by evidence: {ev}", f"{n:,}"))
    for m, n in summary.get("cargo_methods", {}).items():
        rows.append((f"  cargo method: {m}", f"{n:,}"))
    for port, n in summary.get("discharge_ports", {}).items():
        rows.append((f"  next port: {port}", f"{n:,}"))
    cov = summary.get("draught_coverage", {})
    if cov:
        share = cov.get("share")
        rows.append(("calls with both draughts", f"{cov.get('calls_with_draught', 0):,} of "
                     f"{cov.get('calls', 0):,}" + (f" ({share:.0%})" if share is not None else "")))
        rows.append(("  ... with a draught change", f"{cov.get('calls_with_draught_change', 0):,}"))
    listed = summary.get("watchlist")  # only with --watchlist
    if listed:
        rows.append(("watchlisted calls", f"{listed['calls']:,} ({listed['loaded_departures']:,}"
                     f" loaded departures) by {listed['vessels']:,} vessels"))
    rows += [
        ("input files", f"{inp.get('files', 0):,}"),
        ("lines", f"{inp.get('lines', 0):,}"),
        ("messages", f"{inp.get('messages', 0):,}"),
        ("bad lines", f"{inp.get('bad_lines', 0):,}"),
        ("orphan fragments", f"{inp.get('orphan_fragments', 0):,}"),
        ("positions", f"{inp.get('positions', 0):,}"),
        ("vessels seen", f"{inp.get('vessels_seen', 0):,}"),
        ("  not ships (MMSI left out)", f"{inp.get('non_ship_mmsi', 0):,}"),
        ("untimed positions (unused)", f"{inp.get('untimed_positions', 0):,}"),
        ("failed files", f"{len(inp.get('failed_files') or []):,}"
         if isinstance(inp.get("failed_files"), list) else str(inp.get("failed_files", 0))),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


# --------------------------------------------------------------------------------------------
# encounters at sea


def render_encounter_report(result: Any, summary: dict) -> str:
    """Return the text of the ``report.md`` of ``vesseltrack encounters --out``.

    Parameters
    ----------
    result : vesseltrack.encounters.AtSeaResult
        Encounters and loitering.
    summary : dict
        :meth:`AtSeaResult.summary`.

    Returns
    -------
    str
        Markdown: summary, method, the encounters (seen and dark) and the loitering.
    """
    lines = ["# Encounters at sea", "", f"> **{DISCLAIMER}**", "", "## Summary", ""]
    inp = summary.get("input", {})
    lines += [_table(["", ""], [
        ["encounters seen on AIS", _fmt_int(summary.get("encounters"))],
        ["dark encounters (one or both vessels in an AIS gap)",
         _fmt_int(summary.get("dark_encounters"))],
        ["of all: draught changes of opposite signs (a transfer)",
         _fmt_int(summary.get("transfers"))],
        ["loitering events", _fmt_int(summary.get("loitering"))],
        ["positions read", _fmt_int(inp.get("positions"))],
    ], "lr"), ""]
    lines += ["## Method", "",
              "Two vessels within the distance below, both slow, for at least the duration "
              "below, away from every geofence, are an encounter (after Global Fishing "
              "Watch's published rule). A dark encounter is a vessel waiting at sea while "
              "another's AIS gap could have brought it alongside, or two gaps that overlap "
              "and whose ends lie near each other: an inference, not an observation. A "
              "transfer shows as draught changes of opposite signs; reported draughts are "
              "typed by crews and often stale. Loitering: slow for hours far from shore.",
              "", "Parameters:", ""]
    prow = []
    for g, values in (summary.get("params") or {}).items():
        for k, v in values.items():
            inner = v.items() if isinstance(v, dict) else [(None, v)]
            prow += [[md_text(g), md_text(k if k2 is None else f"{k}.{k2}"), md_text(v2)]
                     for k2, v2 in inner]
    lines += [_table(["stage", "parameter", "value"], prow), ""]
    enc = result.encounters.sort_values("start", kind="stable")
    for title, part in (("Encounters seen on AIS", enc.loc[enc["evidence"] == "ais"]),
                        ("Dark encounters", enc.loc[enc["evidence"] != "ais"])):
        lines += [f"## {title}", ""]
        rows = [[md_text(r.name_a), md_text(r.mmsi_a), md_text(r.flag_a), md_text(r.name_b),
                 md_text(r.mmsi_b), md_text(r.flag_b), _fmt_time(r.start), _fmt_time(r.end),
                 _fmt_float(r.duration_hours), f"{r.lat:.3f} N {r.lon:.3f} E",
                 _fmt_float(r.median_distance_m, 0), _fmt_float(r.draught_change_a_m),
                 _fmt_float(r.draught_change_b_m)] for r in part.itertuples(index=False)]
        lines += [_table(["vessel A", "MMSI A", "flag A", "vessel B", "MMSI B", "flag B",
                          "start (UTC)", "end (UTC)", "hours", "position",
                          "median distance (m)", "draught change A (m)",
                          "draught change B (m)"], rows, "lllllllrrlrrr"), ""]
    lines += ["## Loitering", ""]
    rows = [[md_text(r.mmsi), _fmt_time(r.start), _fmt_time(r.end), _fmt_float(r.duration_hours),
             f"{r.lat:.3f} N {r.lon:.3f} E", _fmt_float(r.distance_to_shore_nm, 0)]
            for r in result.loitering.itertuples(index=False)]
    lines += [_table(["MMSI", "start (UTC)", "end (UTC)", "hours", "position",
                      "from shore (nm)"], rows, "lllrlr"), ""]
    return "\n".join(lines)


def write_encounter_report(result: Any, summary: dict, path: str | os.PathLike) -> Path:
    """Write :func:`render_encounter_report` to ``path``."""
    from vesseltrack.io._write import write_text

    return write_text(render_encounter_report(result, summary), Path(path))

"""Write one decoded scenario (positions + statics) in the layouts of other feeds, for the
cross-format test.

Each writer is independent of the package's readers: it follows the published layouts
(NOAA MarineCadastre 2015-2023 zip of CSV and 2024+ Zstandard CSV, the Danish Maritime
Authority's CSV) and the way those feeds carry static data, which is *not* the NMEA way:

* row-based exports repeat the vessel's static data on every position row, as it was *in
  effect* at that row's time (the last static report at or before it);
* a change-only archive keeps a static report only when the vessel's draught or name changes.

The in-effect values here come from a plain ``merge_asof`` per field (not from
:mod:`vesseltrack.statics`), so the test does not check the package against itself.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

NOAA_LEGACY = ["MMSI", "BaseDateTime", "LAT", "LON", "SOG", "COG", "Heading", "VesselName",
               "IMO", "CallSign", "VesselType", "Status", "Length", "Width", "Draft", "Cargo",
               "TransceiverClass"]
NOAA_2024 = ["mmsi", "base_date_time", "longitude", "latitude", "sog", "cog", "heading",
             "vessel_name", "imo", "call_sign", "vessel_type", "status", "length", "width",
             "draft", "cargo", "transceiver"]
DMA = ["# Timestamp", "Type of mobile", "MMSI", "Latitude", "Longitude", "Navigational status",
       "ROT", "SOG", "COG", "Heading", "IMO", "Callsign", "Name", "Ship type", "Cargo type",
       "Width", "Length", "Type of position fixing device", "Draught", "Destination", "ETA",
       "Data source type", "A", "B", "C", "D"]


def _in_effect(positions: pd.DataFrame, statics: pd.DataFrame, field: str) -> np.ndarray:
    """Per position row, the last non-missing ``field`` of its vessel at or before its time."""
    rep = statics.loc[statics[field].notna() & statics["timestamp"].notna(),
                      ["mmsi", "timestamp", field]]
    if field == "name":
        rep = rep.loc[rep[field].astype(str).str.strip() != ""]
    rep = rep.astype({"mmsi": "int64"}).sort_values("timestamp", kind="stable")
    left = pd.DataFrame({"mmsi": positions["mmsi"].to_numpy("int64"),
                         "timestamp": positions["timestamp"].to_numpy(),
                         "row": np.arange(len(positions))})
    left["timestamp"] = left["timestamp"].astype(positions["timestamp"].dtype)
    m = pd.merge_asof(left.sort_values("timestamp", kind="stable"),
                      rep.astype({field: object}), on="timestamp", by="mmsi",
                      direction="backward")
    out = np.full(len(positions), None, dtype=object)
    out[m["row"].to_numpy()] = m[field].to_numpy(object)
    return out


def rows_with_statics(positions: pd.DataFrame, statics: pd.DataFrame) -> pd.DataFrame:
    """Timed positions with the draught, name, IMO and call sign in effect on each row, in
    time order (as the exports are)."""
    pos = positions.loc[positions["timestamp"].notna()].reset_index(drop=True)
    out = pos[["mmsi", "timestamp", "lon", "lat", "sog_knots", "cog_deg", "heading_deg",
               "nav_status", "msg_type"]].copy()
    for field in ("draught_m", "name", "imo", "callsign"):
        out[field] = _in_effect(pos, statics, field)
    return out.sort_values(["timestamp", "mmsi"], kind="stable").reset_index(drop=True)


def _num(values: pd.Series, decimals: int) -> pd.Series:
    """Text of numbers with ``decimals`` decimals, blank where missing."""
    v = pd.to_numeric(values, errors="coerce").astype("float64")
    text = v.map(lambda x: f"{x:.{decimals}f}")
    return text.where(v.notna(), "")


def _int_text(values: pd.Series) -> pd.Series:
    v = pd.to_numeric(values, errors="coerce")
    return v.map(lambda x: "" if pd.isna(x) else str(int(x)))


def _text(values: pd.Series) -> pd.Series:
    return values.map(lambda x: "" if x is None or (isinstance(x, float) and np.isnan(x))
                      else str(x).replace(",", " "))


def _noaa_frame(rows: pd.DataFrame, names: list[str], time_format: str) -> pd.DataFrame:
    imo = _int_text(rows["imo"])
    columns = [
        rows["mmsi"].astype(str),
        rows["timestamp"].dt.strftime(time_format),
        _num(rows["lat"], 5),
        _num(rows["lon"], 5),
        _num(rows["sog_knots"], 1),
        _num(rows["cog_deg"], 1),
        _num(rows["heading_deg"], 0),
        _text(rows["name"]),
        imo.where(imo == "", "IMO" + imo),
        _text(rows["callsign"]),
        pd.Series("", index=rows.index),                       # vessel type
        _int_text(rows["nav_status"]),
        pd.Series("", index=rows.index),                       # length
        pd.Series("", index=rows.index),                       # width
        _num(rows["draught_m"], 1),
        pd.Series("", index=rows.index),                       # cargo
        np.where(rows["msg_type"].isin([18, 19]), "B", "A"),
    ]
    frame = pd.DataFrame({n: np.asarray(c) for n, c in zip(names, columns, strict=True)})
    if names is NOAA_2024:  # the 2024 files put longitude before latitude
        frame["longitude"], frame["latitude"] = (_num(rows["lon"], 5).to_numpy(),
                                                 _num(rows["lat"], 5).to_numpy())
    return frame


def write_noaa_legacy_zip(rows: pd.DataFrame, path: Path) -> Path:
    """NOAA MarineCadastre 2015-2023: a zip holding one CSV (``AIS_2024_01_01.csv``)."""
    text = _noaa_frame(rows, NOAA_LEGACY, "%Y-%m-%dT%H:%M:%S").to_csv(index=False)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(path.stem + ".csv", text)
    return path


def write_noaa_2024_zst(rows: pd.DataFrame, path: Path) -> Path:
    """NOAA MarineCadastre 2024 on: Zstandard-compressed CSV, snake_case header."""
    import zstandard

    text = _noaa_frame(rows, NOAA_2024, "%Y-%m-%d %H:%M:%S").to_csv(index=False)
    path.write_bytes(zstandard.ZstdCompressor().compress(text.encode()))
    return path


def write_dma_csv(rows: pd.DataFrame, path: Path) -> Path:
    """The Danish Maritime Authority's daily CSV (day-first times, text categories)."""
    blank = pd.Series("", index=rows.index)
    imo = _int_text(rows["imo"])
    values = {
        "# Timestamp": rows["timestamp"].dt.strftime("%d/%m/%Y %H:%M:%S"),
        "Type of mobile": np.where(rows["msg_type"].isin([18, 19]), "Class B", "Class A"),
        "MMSI": rows["mmsi"].astype(str),
        "Latitude": _num(rows["lat"], 6),
        "Longitude": _num(rows["lon"], 6),
        "Navigational status": "Unknown value",
        "ROT": blank,
        "SOG": _num(rows["sog_knots"], 1),
        "COG": _num(rows["cog_deg"], 1),
        "Heading": _num(rows["heading_deg"], 0),
        "IMO": imo.where(imo != "", "Unknown"),
        "Callsign": _text(rows["callsign"]).where(_text(rows["callsign"]) != "", "Unknown"),
        "Name": _text(rows["name"]),
        "Ship type": "Tanker",
        "Cargo type": blank,
        "Width": blank,
        "Length": blank,
        "Type of position fixing device": "GPS",
        "Draught": _num(rows["draught_m"], 1),
        "Destination": "Unknown",
        "ETA": blank,
        "Data source type": "AIS",
        "A": blank, "B": blank, "C": blank, "D": blank,
    }
    frame = pd.DataFrame({k: (v.to_numpy() if isinstance(v, pd.Series) else v)
                          for k, v in values.items()}, index=rows.index)
    frame[DMA].to_csv(path, index=False)
    return path


def change_only_statics(statics: pd.DataFrame) -> pd.DataFrame:
    """The statics an archive keeps: per vessel, a report only where its draught or name
    differs from the vessel's previous report (the first report always)."""
    s = statics.loc[statics["timestamp"].notna()].sort_values(["mmsi", "timestamp"],
                                                               kind="stable")
    s = s.loc[s["draught_m"].notna()].reset_index(drop=True)
    prev_mmsi = s["mmsi"].shift(1)
    prev_d = s["draught_m"].shift(1)
    keep = (s["mmsi"] != prev_mmsi) | (s["draught_m"] != prev_d)
    return s.loc[keep.to_numpy(bool)].reset_index(drop=True)


def write_parquet_archive(positions: pd.DataFrame, statics: pd.DataFrame,
                          folder: Path) -> list[Path]:
    """Our own Parquet tables, the statics kept only where they change."""
    folder.mkdir(parents=True, exist_ok=True)
    pos, sta = folder / "positions.parquet", folder / "statics.parquet"
    positions.to_parquet(pos, index=False)
    change_only_statics(statics).to_parquet(sta, index=False)
    return [pos, sta]


"""User mistakes and unusable inputs: a one-line error and exit 1, or a warning, never a silent
"0 results, exit 0"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _builders import TERMINAL, polygon_feature, write_ports_geojson
from pyais.encode import encode_dict

from vesseltrack.cli import main

DATA = Path(__file__).parent / "data"
FEED = DATA / "libais" / "tagblock.nmea"  # a real tag-block feed with receiver times
TERM = "Vostochny oil terminal"


def _ports(tmp_path: Path, swapped: bool = False) -> Path:
    ring = [(lat, lon) for lon, lat in TERMINAL] if swapped else TERMINAL
    return write_ports_geojson(tmp_path / "ports.geojson",
                               [polygon_feature(TERM, ring, "terminal")])


def _run(capsys, argv: list[str]) -> tuple[int, list[str], str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.err.strip().splitlines(), captured.out


def _count(tmp_path: Path, *extra: str, inputs: tuple[str, ...] = (str(FEED),)) -> list[str]:
    return ["count", *inputs, "--ports", str(_ports(tmp_path)), "-q", *extra]


def _one_error(code: int, err: list[str]) -> str:
    assert code == 1 and len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


# ---------------------------------------------------------------------------------- files


def test_csv_in_no_known_layout(tmp_path, capsys):
    path = tmp_path / "other.csv"
    path.write_text("ID,when,x,y\n1,2024-01-01 00:00,133.0,42.0\n")
    code, err, _ = _run(capsys, _count(tmp_path, inputs=(str(path),)))
    assert _one_error(code, err).startswith(f"error: {path}: not AIS data: no AIS sentence")
    assert "--columns" in err[0]


def test_binary_file(tmp_path, capsys):
    path = tmp_path / "blob.dat"
    path.write_bytes(bytes(range(256)) * 8)
    code, err, _ = _run(capsys, _count(tmp_path, inputs=(str(path),)))
    assert _one_error(code, err) == (f"error: {path}: a binary file, not AIS data (tried NMEA, "
                                     "CSV and Parquet)")


def test_no_input_yields_a_position(tmp_path, capsys):
    # one ship-static message (type 5) and nothing else: NMEA, but not one position
    path = tmp_path / "statics_only.nmea"
    lines = encode_dict({"type": 5, "mmsi": 445000001, "shipname": "X", "draught": 3.0})
    path.write_text("\n".join(lines) + "\n")
    code, err, _ = _run(capsys, _count(tmp_path, inputs=(str(path),)))
    assert _one_error(code, err).startswith(f"error: no position in any input: {path}")


def test_a_table_whose_rows_all_fail_says_why(tmp_path, capsys):
    """A Global Fishing Watch style table whose id column is GFW's own vessel id, not an
    MMSI: every row is malformed, and the error says how many and what a row needs."""
    path = tmp_path / "gfw.csv"
    path.write_text("vessel_id,timestamp,lat,lon,speed_knots,course\n"
                    "8c7304226-6c71-edbe-0b63-c246734b3c01,2024-03-01T00:00:00Z,42.7,133.0,0.1,10\n"
                    "8c7304226-6c71-edbe-0b63-c246734b3c01,2024-03-01T01:00:00Z,42.7,133.0,0.1,10\n")
    code, err, _ = _run(capsys, _count(tmp_path, inputs=(str(path),)))
    assert _one_error(code, err) == (
        f"error: no position in any input: {path} (2 of 2 lines malformed: a table's rows need "
        "an MMSI (a number), a time, a longitude and a latitude)")


def test_nmea_whose_lines_all_fail_gets_no_table_hint(tmp_path, capsys):
    """NMEA lines that fail (a bad checksum, a garbled line): the count of malformed lines,
    without the hint meant for tables."""
    path = tmp_path / "bad.nmea"
    path.write_text("!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*00\n"
                    "!AIVDM,1,1,,A,garbage line,,\n")
    code, err, _ = _run(capsys, _count(tmp_path, inputs=(str(path),)))
    assert _one_error(code, err) == (
        f"error: no position in any input: {path} (1 of 2 lines malformed)")


def _statics_only(tmp_path: Path) -> Path:
    path = tmp_path / "statics_only.nmea"
    lines = encode_dict({"type": 5, "mmsi": 445000001, "shipname": "X", "draught": 3.0})
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_file_without_position_is_a_warning(tmp_path, capsys):
    empty = _statics_only(tmp_path)
    code, err, _ = _run(capsys, _count(tmp_path, "--json", inputs=(str(FEED), str(empty))))
    assert (code, err) == (0, [f"warning: {empty}: no position in this file"])


def test_a_file_without_position_is_an_error_with_strict(tmp_path, capsys):
    empty = _statics_only(tmp_path)
    code, err, _ = _run(capsys, _count(tmp_path, "--json", "--strict",
                                       inputs=(str(FEED), str(empty))))
    assert (code, err) == (1, [f"error: {empty}: no position in this file"])


def test_ports_file_with_latitude_and_longitude_swapped(tmp_path, capsys):
    ports = _ports(tmp_path, swapped=True)
    code, err, _ = _run(capsys, ["count", str(FEED), "--ports", str(ports), "-q"])
    assert _one_error(code, err) == (
        f"error: --ports {ports}: {ports}: feature '{TERM}': latitude and longitude look "
        "swapped (latitude 133.076 is beyond ±90°; GeoJSON gives longitude first)")


# ---------------------------------------------------------------------------------- options


def test_unknown_flag(tmp_path, capsys):
    code, err, _ = _run(capsys, _count(tmp_path, "--flag", "XX"))
    assert _one_error(code, err) == ("error: --flag XX: not the flag of any MMSI (an ISO 3166 "
                                     "alpha-2 code of the MID table, e.g. KP, RU, PA)")


def test_since_after_until(tmp_path, capsys):
    code, err, _ = _run(capsys, _count(tmp_path, "--since", "2024-06-01", "--until",
                                       "2024-01-31"))
    assert _one_error(code, err) == ("error: --since 2024-06-01 is after --until 2024-01-31: "
                                     "no call can depart in that window")


def test_encounters_since_after_until(capsys):
    fixture = Path(__file__).resolve().parents[1] / "data" / "fixtures" / "at_sea_2024.nmea.gz"
    code, err, _ = _run(capsys, ["encounters", str(fixture), "--since", "2024-06-01",
                                 "--until", "2024-01-31", "-q"])
    assert _one_error(code, err) == ("error: since 2024-06-01 is after until 2024-01-31: no "
                                     "event can fall in that window")


def test_since_equal_to_a_date_only_until_is_one_whole_day(tmp_path, capsys):
    # a date-only --until includes its whole day: the same day on both sides is valid
    code, _, out = _run(capsys, _count(tmp_path, "--since", "2014-12-10", "--until",
                                       "2014-12-10", "--json"))
    assert (code, json.loads(out)["window"]["end"]) == (0, "2014-12-10T23:59:59.999999999+00:00")


@pytest.mark.parametrize("command", ["count", "gaps"])
def test_negative_min_hours(tmp_path, capsys, command):
    argv = (_count(tmp_path, "--min-hours", "-5") if command == "count"
            else ["gaps", str(FEED), "--min-hours", "-5", "-o", str(tmp_path / "g.csv"), "-q"])
    code, err, _ = _run(capsys, argv)
    assert _one_error(code, err) == ("error: --min-hours -5: a duration in hours must be zero "
                                     "or more")


@pytest.mark.parametrize(
    ("command", "output"),
    [("port-calls", "calls.xlsx"), ("decode", "positions.txt"), ("gaps", "gaps")],
)
def test_unsupported_output_extension(tmp_path, capsys, command, output):
    target = tmp_path / output
    argv = [command, str(FEED), "-o", str(target), "-q"]
    if command == "port-calls":
        argv += ["--ports", str(_ports(tmp_path))]
    code, err, _ = _run(capsys, argv)
    suffix = repr(target.suffix or "(none)")
    assert _one_error(code, err) == (f"error: -o {target}: unsupported output extension "
                                     f"{suffix} (use .csv or .parquet)")
    assert not target.exists()


def test_map_output_must_be_html(tmp_path, capsys):
    target = tmp_path / "map.png"
    code, err, _ = _run(capsys, ["map", str(FEED), "--ports", str(_ports(tmp_path)), "-o",
                                 str(target), "-q"])
    assert _one_error(code, err) == (f"error: -o {target}: unsupported output extension "
                                     "'.png' (a map is .html)")


def test_quiet_prints_nothing_on_success(tmp_path, capsys):
    code, err, out = _run(capsys, ["port-calls", str(FEED), "--ports", str(_ports(tmp_path)),
                                   "-o", str(tmp_path / "calls.csv"), "-q"])
    assert (code, err, out) == (0, [], "")


# ---------------------------------------------------------------------------------- feeds


def _untimed_feed(tmp_path: Path) -> Path:
    """Ten class A positions of one ship (no tag block, no trailing time) and one timed one."""
    lines = []
    for k in range(10):
        lines += encode_dict({"type": 1, "mmsi": 273000001, "lon": 133.3, "lat": 42.4 + k / 100,
                              "speed": 10.0})
    timed = encode_dict({"type": 1, "mmsi": 273000002, "lon": 133.3, "lat": 42.4})
    lines.append(f"\\c:1704067200*{_tag_checksum('c:1704067200')}\\{timed[0]}")
    path = tmp_path / "untimed.nmea"
    path.write_text("\n".join(lines) + "\n")
    return path


def _tag_checksum(body: str) -> str:
    value = 0
    for ch in body.encode():
        value ^= ch
    return f"{value:02X}"


def test_untimed_positions_counted(tmp_path, capsys):
    code, _, out = _run(capsys, _count(tmp_path, "--json", inputs=(str(_untimed_feed(tmp_path)),)))
    inp = json.loads(out)["input"]
    assert (code, inp["positions"], inp["untimed_positions"]) == (0, 11, 10)


def test_untimed_positions_warned(tmp_path, capsys):
    _, err, _ = _run(capsys, _count(tmp_path, "--json", inputs=(str(_untimed_feed(tmp_path)),)))
    assert err == ["warning: 10 of 11 positions have no receiver time and could not be used "
                   "(no tag-block or trailing time in the feed?)"]


def _non_ship_feed(tmp_path: Path) -> Path:
    """Timed positions of a ship, of MMSI 0, 1193046 and 1000000000 (a ten-digit number that
    AIS's 30 bits can carry), and of a base station (002730001)."""
    lines = []
    for k, mmsi in enumerate([273000001, 0, 1193046, 1000000000, 2730001]):
        body = f"c:{1704067200 + 60 * k}"
        msg = encode_dict({"type": 1, "mmsi": mmsi, "lon": 133.3, "lat": 42.4})[0]
        lines.append(f"\\{body}*{_tag_checksum(body)}\\{msg}")
    path = tmp_path / "mixed.nmea"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_non_ship_mmsis_counted_and_left_out(tmp_path, capsys):
    code, _, out = _run(capsys, _count(tmp_path, "--json", inputs=(str(_non_ship_feed(tmp_path)),)))
    inp = json.loads(out)["input"]
    assert (code, inp["vessels_seen"], inp["non_ship_mmsi"]) == (0, 5, 4)


@pytest.mark.parametrize("command", ["identity", "encounters"])
def test_cross_vessel_commands_warn_of_untimed_positions(command, capsys):
    # ais250.txt: a real feed whose 198 positions carry no receiver time
    code, err, _ = _run(capsys, [command, str(DATA / "dma-aislib" / "ais250.txt"), "-q"])
    assert (code, [line for line in err if line.startswith("warning:")]) == (
        0, ["warning: 198 of 198 positions have no receiver time and could not be used (no "
            "tag-block or trailing time in the feed?)"])

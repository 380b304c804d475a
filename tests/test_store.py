"""The on-disk store: ingest, layout, re-ingest, increments, interruption, windowed reads, and
analyses of the store against the same analyses of the files (byte for byte)."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pytest

import vesseltrack.bucketed as bucketed
from vesseltrack.cli import main
from vesseltrack.io import read_ais
from vesseltrack.params import StoreParams
from vesseltrack.store import bucket_of_mmsi, ingest, open_store

REPO = Path(__file__).resolve().parents[1]
STREAM = Path(__file__).parent / "data" / "dma-aislib" / "stream_example.txt"
FIXTURE = REPO / "data" / "fixtures" / "vostochny_2024.nmea.gz"
SIDE = ["--ports", str(REPO / "data" / "ports" / "vostochny.geojson"),
        "--port", "Vostochny oil terminal", "--flag", "KP",
        "--registry", str(REPO / "data" / "vessels" / "dprk_tankers.csv"),
        "--sightings", str(REPO / "data" / "fixtures" / "vostochny_2024_sightings.csv")]


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def stream_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("stream") / "store"
    ingest([STREAM], root, progress=False)
    return root


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("fixture") / "store"
    ingest([FIXTURE], root, progress=False)
    return root


@pytest.fixture(scope="module")
def stream_data():
    return read_ais(STREAM, progress=False)


def test_store_reads_back_the_positions_of_a_direct_read(stream_store, stream_data):
    pd.testing.assert_frame_equal(open_store(stream_store).read("positions"),
                                  stream_data.positions)


def test_store_reads_back_the_statics_of_a_direct_read(stream_store, stream_data):
    pd.testing.assert_frame_equal(open_store(stream_store).read("statics"), stream_data.statics)


def test_store_report_is_the_report_of_a_direct_read(stream_store, stream_data):
    # the file's own counts (tests/test_cli.py: 8551 lines, 2988 positions, 498 statics)
    assert open_store(stream_store).report().to_dict() == stream_data.report.to_dict()


def test_partitions_hold_the_rows_of_their_bucket_and_month(stream_store):
    """Read as a plain hive dataset (as pyarrow, DuckDB and Dask see it), every row sits in
    the bucket of its MMSI and the month of its time."""
    table = ds.dataset(stream_store / "positions", format="parquet",
                       partitioning="hive").to_table().to_pandas()
    assert len(table) == 2988
    expected_bucket = bucket_of_mmsi(table["mmsi"].to_numpy(), 16)
    expected_month = table["timestamp"].dt.strftime("%Y-%m")
    assert ((table["bucket"].astype("int64").to_numpy() == expected_bucket).all()
            and (table["month"].astype(str) == expected_month).all())


def test_bucket_bytes_are_the_sizes_of_each_buckets_files(stream_store):
    """Bucket 3's bytes are the sum of the file sizes under positions/bucket=3 (worked out
    here from the file system), and the 16 buckets add up to every positions file."""
    from vesseltrack.store import open_store

    sizes = open_store(stream_store).bucket_bytes("positions")
    own = sum(p.stat().st_size for p in (stream_store / "positions" / "bucket=3").rglob("*.parquet"))
    every = sum(p.stat().st_size for p in (stream_store / "positions").rglob("*.parquet"))
    assert (len(sizes), int(sizes[3]), int(sizes.sum()), own > 0) == (16, own, every, True)


def test_manifest_records_the_file_hash(stream_store):
    import hashlib

    manifest = json.loads((stream_store / "ingest.json").read_text())
    assert [f["sha256"] for f in manifest["files"]] == [
        hashlib.sha256(STREAM.read_bytes()).hexdigest()]


@pytest.mark.parametrize("table", ["positions", "statics"])
def test_times_and_row_numbers_are_delta_encoded_the_rest_by_dictionary(stream_store, table):
    """Every part's ``timestamp`` and ``seq`` chunks are delta-encoded without a dictionary
    (both rise through a part: smaller and faster to write); MMSI keeps its dictionary."""
    import pyarrow.parquet as pq

    seen = set()
    for part in sorted((stream_store / table).rglob("*.parquet")):
        meta = pq.ParquetFile(part).metadata
        names = meta.schema.names
        for g in range(meta.num_row_groups):
            for c in range(meta.num_columns):
                col = meta.row_group(g).column(c)
                seen.add((names[c], "DELTA_BINARY_PACKED" in col.encodings,
                          col.has_dictionary_page))
    assert {s for s in seen if s[0] in ("timestamp", "seq", "mmsi")} == {
        ("timestamp", True, False), ("seq", True, False), ("mmsi", False, True)}


def test_reingesting_a_file_changes_nothing(tmp_path):
    root = tmp_path / "store"
    ingest([STREAM], root, progress=False)
    before = _files(root)
    copy = tmp_path / "same_content_other_name.txt"
    copy.write_bytes(STREAM.read_bytes())
    done = ingest([STREAM, copy], root, progress=False)
    assert (done["added"], _files(root)) == ([], before)


def _split(tmp_path: Path) -> list[Path]:
    """The fixture in two gzip files, cut between two whole messages."""
    with gzip.open(FIXTURE, "rb") as fh:
        lines = fh.read().splitlines(keepends=True)
    cut = len(lines) // 2
    while b",2,1," in lines[cut - 1]:  # not after the first sentence of a two-sentence message
        cut += 1
    paths = []
    for k, chunk in enumerate((lines[:cut], lines[cut:])):
        path = tmp_path / f"part{k}.nmea.gz"
        with gzip.open(path, "wb") as fh:
            fh.writelines(chunk)
        paths.append(path)
    return paths


def test_ingest_is_incremental(tmp_path):
    first, second = _split(tmp_path)
    root = tmp_path / "store"
    ingest([first], root, progress=False)
    done = ingest([first, second], root, progress=False)
    assert done["added"] == [str(second)] and done["skipped"] == [str(first)]
    pd.testing.assert_frame_equal(open_store(root).read("positions"),
                                  read_ais([first, second], progress=False).positions)


def test_interrupted_ingest_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    import vesseltrack.io

    first, second = _split(tmp_path)
    root = tmp_path / "store"
    ingest([first], root, progress=False)
    before = _files(root)
    real = vesseltrack.io.iter_ais

    def dies_after_a_chunk(*args, **kwargs):
        for k, chunk in enumerate(real(*args, **kwargs)):
            yield chunk
            if k == 0:
                raise KeyboardInterrupt

    monkeypatch.setattr(vesseltrack.io, "iter_ais", dies_after_a_chunk)
    with pytest.raises(KeyboardInterrupt):  # after parts were written (every 1000 rows)
        ingest([second], root, progress=False, params=StoreParams(flush_rows=1000))
    assert _files(root) == before


def test_ingest_in_many_flushes_reads_back_the_direct_read(tmp_path):
    """Six files flushed every 400 rows (on the writing thread, one flush at a time, in
    order): the store reads back exactly what a direct read of the six gives, and its parts
    hold several row groups."""
    import pyarrow.parquet as pq

    lines = STREAM.read_bytes().splitlines(keepends=True)
    step = -(-len(lines) // 6)
    files = []
    for k in range(6):
        files.append(tmp_path / f"part{k}.txt")
        files[-1].write_bytes(b"".join(lines[k * step:(k + 1) * step]))
    direct = read_ais(files, progress=False)
    root = tmp_path / "store"
    ingest(files, root, progress=False, params=StoreParams(flush_rows=400))
    store = open_store(root)
    assert len(direct.positions) > 2900
    pd.testing.assert_frame_equal(store.read("positions"), direct.positions)
    pd.testing.assert_frame_equal(store.read("statics"), direct.statics)
    groups = [pq.ParquetFile(p).metadata.num_row_groups
              for p in (root / "positions").rglob("*.parquet")]
    assert max(groups) >= 5


def _disk_fills_after(monkeypatch, writes: int) -> list[str]:
    """ParquetWriter.write_table raises ENOSPC after ``writes`` writes; returns the names of
    the threads that wrote."""
    import errno

    import pyarrow.parquet as pq

    threads: list[str] = []
    real = pq.ParquetWriter.write_table

    def fills(self, table, *args, **kwargs):
        import threading

        threads.append(threading.current_thread().name)
        if len(threads) > writes:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, table, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetWriter, "write_table", fills)
    return threads


def test_a_write_failing_on_the_writing_thread_fails_the_ingest_store_unchanged(
        tmp_path, monkeypatch):
    first, second = _split(tmp_path)
    root = tmp_path / "store"
    ingest([first], root, progress=False)
    before = _files(root)
    threads = _disk_fills_after(monkeypatch, 3)
    with pytest.raises(OSError, match="No space left on device"):
        ingest([second], root, progress=False, params=StoreParams(flush_rows=1000))
    assert _files(root) == before
    assert len(threads) == 4 and {t.split("_")[0] for t in threads} == {"ingest-write"}
    assert not list(root.glob("_tmp-*"))


def test_a_file_that_cannot_be_hashed_fails_the_ingest_store_unchanged(tmp_path, monkeypatch):
    """Contents are hashed ahead on a thread while earlier files decode: a read error on the
    second file's hash comes after the first was decoded, and still leaves the store as it
    was."""
    import vesseltrack.store as store_module

    first, second = _split(tmp_path)
    root = tmp_path / "store"
    ingest([STREAM], root, progress=False)
    before = _files(root)
    real = store_module._file_sha256
    hashed = []

    def unreadable_second(path):
        import threading

        hashed.append((Path(path).name, threading.current_thread().name.split("_")[0]))
        if Path(path) == second:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(store_module, "_file_sha256", unreadable_second)
    with pytest.raises(PermissionError):
        ingest([first, second], root, progress=False)
    assert _files(root) == before and not list(root.glob("_tmp-*"))
    assert hashed == [(first.name, "ingest-hash"), (second.name, "ingest-hash")]


def _cut_gzip(source: Path, path: Path) -> Path:
    packed = gzip.compress(source.read_bytes())
    path.write_bytes(packed[:len(packed) * 3 // 5])
    return path


@pytest.mark.parametrize("flush_rows", [2_000_000, 400], ids=["in-memory", "flushed"])
def test_a_file_not_read_whole_is_not_added(tmp_path, flush_rows):
    """A file cut short is listed ("not added to the store") and none of the rows it gave
    are stored, also when some were already written in a flush; the whole file, ingested
    later at the same path, adds its rows once: the store is the direct read of the whole
    files, nothing doubled."""
    feed = tmp_path / "downloads" / "feed.nmea.gz"
    feed.parent.mkdir()
    _cut_gzip(STREAM, feed)
    other = REPO / "tests" / "data" / "libais" / "test.aivdm"  # timed, years after the feed
    root = tmp_path / "store"
    params = StoreParams(flush_rows=flush_rows)
    done = ingest([feed, other], root, progress=False, params=params)
    assert done["added"] == [str(other)]
    assert [(f["path"], f["error"].endswith("; not added to the store"))
            for f in done["report"]["failed_files"]] == [(str(feed), True)]
    store = open_store(root)
    alone = read_ais(other, progress=False)
    assert len(alone.positions) > 30 and alone.positions["timestamp"].notna().all()
    assert (done["positions"], done["statics"]) == (len(alone.positions), len(alone.statics))
    pd.testing.assert_frame_equal(store.read("positions"), alone.positions)
    pd.testing.assert_frame_equal(store.read("statics"), alone.statics)
    assert store.report().to_dict() == alone.report.to_dict()
    times = alone.positions["timestamp"]
    assert store.time_span() == (times.min(), times.max())
    # the whole file arrives: added, once
    feed.write_bytes(gzip.compress(STREAM.read_bytes()))
    again = ingest([feed, other], root, progress=False, params=params)
    assert (again["added"], again["skipped"]) == ([str(feed)], [str(other)])
    both = read_ais([other, feed], progress=False)
    store = open_store(root)
    assert len(both.positions) == len(alone.positions) + 2988
    pd.testing.assert_frame_equal(store.read("positions"), both.positions)
    pd.testing.assert_frame_equal(store.read("statics"), both.statics)


def test_an_ingest_whose_every_new_file_fails_commits_nothing(stream_store, tmp_path):
    before = _files(stream_store)
    copy = tmp_path / "store"
    import shutil
    shutil.copytree(stream_store, copy)
    done = ingest([_cut_gzip(STREAM, tmp_path / "cut.nmea.gz")], copy, progress=False)
    assert (done["added"], done["positions"], len(done["report"]["failed_files"])) == ([], 0, 1)
    assert _files(copy) == before


def test_ingest_command_says_a_file_was_not_added(tmp_path, capsys):
    cut = _cut_gzip(STREAM, tmp_path / "cut.nmea.gz")
    code = main(["ingest", str(cut), str(REPO / "tests" / "data" / "dma-aislib" / "ais250.txt"),
                 "--store", str(tmp_path / "store"), "-q"])
    err = capsys.readouterr().err.splitlines()
    assert code == 0
    assert err[-1].startswith(f"warning: could not read {cut}: ")
    assert err[-1].endswith("; not added to the store")
    code = main(["ingest", str(cut), "--store", str(tmp_path / "store2"), "-q", "--strict"])
    assert code == 1


def test_ingest_command_says_the_disk_is_full_in_one_line(tmp_path, monkeypatch, capsys):
    first, _ = _split(tmp_path)
    _disk_fills_after(monkeypatch, 0)
    assert main(["ingest", str(first), "--store", str(tmp_path / "store"), "-q"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: cannot write the store: No space left on device")
    assert captured.err.count("\n") == 1


def test_a_part_not_in_the_manifest_is_never_read(stream_store, stream_data, tmp_path):
    import shutil

    root = tmp_path / "store"
    shutil.copytree(stream_store, root)
    stray = root / "positions" / "bucket=0" / "month=2010-06" / "part-killed.parquet"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stream_data.positions.head(5).to_parquet(stray)
    assert len(open_store(root).read("positions")) == 2988


def test_windowed_read_is_the_window_of_a_direct_read(fixture_store):
    positions = read_ais(FIXTURE, progress=False).positions
    box = (132.9, 42.6, 133.2, 42.9)
    t0, t1 = pd.Timestamp("2024-05-01", tz="UTC"), pd.Timestamp("2024-06-01", tz="UTC")
    inside = (positions["timestamp"].between(t0, t1 - pd.Timedelta(1))
              & positions["lon"].between(box[0], box[2]) & positions["lat"].between(box[1], box[3]))
    expected = positions.loc[inside.to_numpy(bool)].reset_index(drop=True)
    got = open_store(fixture_store).read("positions", since="2024-05-01", until="2024-05-31",
                                         bbox=box)
    assert len(expected) > 1000  # the terminal is busy: a real window, not an empty one
    pd.testing.assert_frame_equal(got, expected)


def test_one_bucket_read_holds_only_that_buckets_vessels(fixture_store):
    got = open_store(fixture_store).read("positions", buckets=[5])
    assert len(got) > 0 and set(bucket_of_mmsi(got["mmsi"].unique(), 16)) == {5}


# --------------------------------------------------------------------------------------------
# the command line: the store gives the answer of the files


def _run(capsys, *args: str) -> str:
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_count_store_json_identical_to_counting_the_files(fixture_store, capsys):
    direct = _run(capsys, "count", str(FIXTURE), *SIDE, "--json", "-q")
    stored = _run(capsys, "count", "--store", str(fixture_store), *SIDE, "--json", "-q")
    assert stored == direct


def test_count_store_reads_one_bucket_at_a_time(fixture_store, capsys, monkeypatch):
    from vesseltrack.store import Store

    asked = []
    real = Store.read

    def spy(self, table, **kw):
        asked.append((table, None if kw.get("buckets") is None else list(kw["buckets"])))
        return real(self, table, **kw)

    monkeypatch.setattr(Store, "read", spy)
    _run(capsys, "count", "--store", str(fixture_store), *SIDE, "--json", "-q")
    positions_reads = [b for t, b in asked if t == "positions"]
    # each of the 16 buckets read once, on its own
    assert positions_reads == [[b] for b in range(16)]


def test_gaps_store_identical_to_the_files(fixture_store, tmp_path, capsys):
    _run(capsys, "gaps", str(FIXTURE), "-q", "-o", str(tmp_path / "direct.csv"))
    _run(capsys, "gaps", "--store", str(fixture_store), "-q", "-o", str(tmp_path / "store.csv"))
    assert (tmp_path / "store.csv").read_bytes() == (tmp_path / "direct.csv").read_bytes()


IDENTITY = REPO / "data" / "fixtures" / "identity_2024.nmea.gz"
AT_SEA = REPO / "data" / "fixtures" / "at_sea_2024.nmea.gz"


@pytest.mark.parametrize(
    ("fixture", "command"),
    [(IDENTITY, ["identity", "--json", "-q"]), (AT_SEA, ["encounters", "--json", "-q"])],
)
def test_cross_vessel_commands_on_a_store_answer_as_on_the_files(fixture, command, tmp_path,
                                                                  capsys):
    root = tmp_path / "store"
    ingest([fixture], root, progress=False)
    direct = json.loads(_run(capsys, command[0], str(fixture), *command[1:]))
    stored = json.loads(_run(capsys, command[0], "--store", str(root), *command[1:]))
    direct.pop("input"), stored.pop("input")  # the store reports its own ingest
    assert stored == direct


def test_store_plus_files_counts_both(tmp_path, capsys):
    first, second = _split(tmp_path)
    root = tmp_path / "store"
    ingest([first], root, progress=False)
    both = _run(capsys, "count", str(first), str(second), *SIDE, "--json", "-q")
    mixed = _run(capsys, "count", str(second), "--store", str(root), *SIDE, "--json", "-q")
    assert mixed == both


def test_dask_engine_on_the_store_writes_the_local_tables(fixture_store, tmp_path, capsys):
    _run(capsys, "count", str(FIXTURE), *SIDE, "-q", "--json", "--out", str(tmp_path / "local"))
    _run(capsys, "count", "--store", str(fixture_store), *SIDE, "-q", "--json", "--engine",
         "dask", "--workers", "2", "--out", str(tmp_path / "dask"))
    same = [(tmp_path / "dask" / f).read_bytes() == (tmp_path / "local" / f).read_bytes()
            for f in ("port_calls.csv", "gaps.csv")]
    assert same == [True, True]


# Without --port a dark call may go to either terminal (Vostochny or Kozmino, 12 nm apart):
# where neither is sighted nor called at before by the vessel, its flag-mates' calls over the
# whole data decide, so a bucket's stage 2 must wait for every bucket's stage 1. On the
# fixture that happens to tanker 445126805: its dark calls go to the Vostochny terminal, where
# the KP tankers call, not to the nearer Kozmino terminal.
SIDE_BOTH_TERMINALS = [a for a in SIDE if a not in ("--port", "Vostochny oil terminal")]
FLAG_MATES_DECIDE = 445126805


def _dark_calls_of(out_dir: Path, mmsi: int) -> dict[str, int]:
    calls = pd.read_csv(out_dir / "port_calls.csv")
    dark = calls.loc[(calls["mmsi"] == mmsi) & calls["evidence"].str.startswith("ais-gap")]
    return dark["port"].value_counts().to_dict()


@pytest.fixture(scope="module")
def both_terminals_files(tmp_path_factory):
    """The files' count over both terminals: its JSON, and its --out folder."""
    out = tmp_path_factory.mktemp("both") / "files"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["count", str(FIXTURE), *SIDE_BOTH_TERMINALS, "--json", "-q",
                     "--out", str(out)])
    assert code == 0
    return printed.getvalue(), out


@pytest.mark.parametrize("merge_slices", [2, bucketed.MERGE_SLICES])
def test_store_count_where_flag_mates_decide_equals_the_files(fixture_store, tmp_path, capsys,
                                                              both_terminals_files, monkeypatch,
                                                              merge_slices):
    # the slices' results merged as they come, the waiting slice's place kept among them
    monkeypatch.setattr(bucketed, "MERGE_SLICES", merge_slices)
    direct, files = both_terminals_files
    stored = _run(capsys, "count", "--store", str(fixture_store), *SIDE_BOTH_TERMINALS,
                  "--json", "-q", "--out", str(tmp_path / "store"))
    assert stored == direct
    same = [(tmp_path / "store" / f).read_bytes() == (files / f).read_bytes()
            for f in ("port_calls.csv", "gaps.csv")]
    assert same == [True, True]
    assert _dark_calls_of(tmp_path / "store", FLAG_MATES_DECIDE) == {"Vostochny oil terminal": 5}


def test_dask_store_count_where_flag_mates_decide_equals_the_files(fixture_store, tmp_path,
                                                                   capsys, both_terminals_files):
    out = json.loads(_run(capsys, "count", "--store", str(fixture_store),
                          *SIDE_BOTH_TERMINALS, "-q", "--json", "--engine", "dask",
                          "--workers", "2", "--out", str(tmp_path / "dask")))
    same = [(tmp_path / "dask" / f).read_bytes() == (both_terminals_files[1] / f).read_bytes()
            for f in ("port_calls.csv", "gaps.csv")]
    assert same == [True, True]
    # the one bucket holding that tanker waited for the others; the 15 others did not
    assert out["engine"]["buckets_waiting"] == 1
    assert _dark_calls_of(tmp_path / "dask", FLAG_MATES_DECIDE) == {"Vostochny oil terminal": 5}


def test_dask_engine_writes_every_out_file(fixture_store, tmp_path, capsys):
    _run(capsys, "count", "--store", str(fixture_store), *SIDE, "-q", "--json", "--engine",
         "dask", "--workers", "1", "--out", str(tmp_path / "dask"))
    names = sorted(p.name for p in (tmp_path / "dask").iterdir())
    assert names == ["calls_per_vessel.png", "cumulative_barrels.png", "draught_timeline.png",
                     "gaps.csv", "loaded_departures_per_month.png", "map.html",
                     "port_calls.csv", "report.md", "summary.json"]


@pytest.mark.parametrize(("args", "message"), [
    (["count", *SIDE], "error: give INPUT files, or --store DIR (see `vesseltrack ingest`)\n"),
    (["count", "--store", "/nonexistent/store", *SIDE], "error: --store /nonexistent/store: "
                                                         "no such folder\n"),
    (["count", str(FIXTURE), *SIDE, "--bbox", "133,43,132,42"],
     "error: --bbox 133,43,132,42: give min_lon,min_lat,max_lon,max_lat (four numbers, min "
     "before max)\n"),
])
def test_store_mistakes_are_one_line(args, message, capsys):
    code = main(args)
    assert (code, capsys.readouterr().err) == (1, message)


def test_a_store_path_that_is_a_file_is_one_line(tmp_path, capsys):
    """--store naming a regular file: said so, for reading and for ingesting (the file
    untouched)."""
    file = tmp_path / "notes.txt"
    file.write_text("not a store")
    code = main(["count", "--store", str(file), *SIDE, "-q"])
    assert (code, capsys.readouterr().err) == (1, f"error: --store {file}: not a folder\n")
    code = main(["ingest", str(FIXTURE), "--store", str(file), "-q"])
    assert (code, capsys.readouterr().err) == (
        1, f"error: --store {file}: not a folder (a store is a folder; give a new or "
           "existing store's path)\n")
    assert file.read_text() == "not a store"


def test_a_folder_that_is_no_store_is_one_line(tmp_path, capsys):
    code = main(["gaps", "--store", str(tmp_path), "-o", str(tmp_path / "g.csv")])
    assert (code, capsys.readouterr().err) == (
        1, f"error: {tmp_path}: not a vesseltrack store (no ingest.json; make one with "
           "`vesseltrack ingest INPUT... --store DIR`)\n")


def test_readme_duckdb_example_counts_the_box_per_month(fixture_store):
    """The README's DuckDB query, run on a store: positions and vessels per month in the box,
    as pandas counts them from a direct read."""
    duckdb = pytest.importorskip("duckdb")  # the optional extra (installed by make test)
    text = (REPO / "README.md").read_text()
    block = re.search(r"<!-- duckdb-example -->\n```python\n(.*?)```", text, re.S).group(1)
    code = block.replace("'store/", f"'{fixture_store.as_posix()}/")
    scope: dict = {"duckdb": duckdb}
    exec(compile(code, "README.md", "exec"), scope)  # our own README, not untrusted text
    positions = read_ais(FIXTURE, progress=False).positions
    box = positions["lon"].between(132.9, 133.2) & positions["lat"].between(42.6, 42.9)
    inside = positions.loc[box.to_numpy(bool)]
    expected = inside.groupby(inside["timestamp"].dt.strftime("%Y-%m")).agg(
        positions=("mmsi", "size"), vessels=("mmsi", "nunique"))
    got = scope["per_month"].set_index("month")
    assert (got["positions"].astype(int).to_dict(), got["vessels"].astype(int).to_dict()) == (
        expected["positions"].to_dict(), expected["vessels"].to_dict())


def test_ingest_command_says_which_input_cannot_be_read(tmp_path, monkeypatch, capsys):
    """(Root reads any file, so the read error is made where the content is hashed.)"""
    import vesseltrack.store as store_module

    first, second = _split(tmp_path)
    real = store_module._file_sha256

    def unreadable_second(path):
        if Path(path) == second:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(store_module, "_file_sha256", unreadable_second)
    assert main(["ingest", str(first), str(second), "--store", str(tmp_path / "s"), "-q"]) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "", f"error: cannot read {second}: Permission denied\n")
    assert not (tmp_path / "s" / "ingest.json").exists()


def test_ingest_command_reports_what_it_added(tmp_path, capsys):
    out = _run(capsys, "ingest", str(STREAM), "--store", str(tmp_path / "store"), "--json", "-q")
    done = json.loads(out)
    # the file's counts as tests/test_cli.py has them: 8551 lines, 2988 positions, 498 statics
    assert (done["added"], done["report"]["lines"], done["positions"], done["statics"]) == (
        [str(STREAM)], 8551, 2988, 498)


def test_ingest_command_skips_a_file_already_stored(stream_store, tmp_path, capsys):
    import shutil

    root = tmp_path / "store"
    shutil.copytree(stream_store, root)
    done = json.loads(_run(capsys, "ingest", str(STREAM), "--store", str(root), "--json", "-q"))
    assert (done["added"], done["skipped"]) == ([], [str(STREAM)])


def test_ingest_buckets_sets_the_layout_of_a_new_store(tmp_path, capsys):
    root = tmp_path / "store"
    _run(capsys, "ingest", str(STREAM), "--store", str(root), "--buckets", "4", "-q")
    dirs = sorted(p.name for p in (root / "positions").iterdir())
    mmsi = open_store(root).read("positions")["mmsi"].unique()
    expected = sorted({f"bucket={b}" for b in bucket_of_mmsi(mmsi, 4)})
    assert (json.loads((root / "ingest.json").read_text())["buckets"], dirs) == (4, expected)


def test_ingest_zero_buckets_is_one_line(tmp_path, capsys):
    code = main(["ingest", str(STREAM), "--store", str(tmp_path / "s"), "--buckets", "0"])
    assert (code, capsys.readouterr().err) == (
        1, "error: --buckets 0: give a whole number of at least 1\n")

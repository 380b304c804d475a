"""--watchlist and --split-shared-mmsi on a store and with the Dask engine give the tables of
the same command on the files, byte for byte (the store is read one MMSI bucket at a time)."""

from __future__ import annotations

import gzip
from pathlib import Path

import distributed
import pandas as pd
import pytest

from vesseltrack.cli import main
from vesseltrack.store import ingest

REPO = Path(__file__).resolve().parents[1]
FX = REPO / "data" / "fixtures"
VOSTOCHNY = FX / "vostochny_2024.nmea.gz"
IDENTITY = FX / "identity_2024.nmea.gz"
WATCHLIST = REPO / "data" / "watchlists" / "sample_watchlist.csv"
REGISTRY = REPO / "data" / "vessels" / "dprk_tankers.csv"
SIDE = ["--ports", str(REPO / "data" / "ports" / "vostochny.geojson"),
        "--registry", str(REGISTRY),
        "--sightings", str(FX / "vostochny_2024_sightings.csv")]
OPTIONS = {"watchlist": ["--watchlist", str(WATCHLIST)], "split": ["--split-shared-mmsi"]}
IDENTITY_SIDE = ["--ports", str(FX / "identity_2024_ports.geojson"),
                 "--registry", str(FX / "identity_2024_registry.csv")]
TABLES = ("port_calls.csv", "gaps.csv")


@pytest.fixture(scope="module")
def vostochny_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("vostochny") / "store"
    ingest([VOSTOCHNY], root, progress=False)
    return root


@pytest.fixture(scope="module")
def identity_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("identity") / "store"
    ingest([IDENTITY], root, progress=False)
    return root


@pytest.fixture(scope="module")
def direct(tmp_path_factory):
    """``count --out`` of the fixture file itself, per option set (run once each)."""
    done: dict[str, Path] = {}

    def get(option: str) -> Path:
        if option not in done:
            out = tmp_path_factory.mktemp(f"direct-{option}")
            _run("count", str(VOSTOCHNY), *SIDE, *OPTIONS[option], "-q", "--json",
                 "--out", str(out))
            done[option] = out
        return done[option]

    return get


@pytest.fixture(scope="module")
def cluster():
    import warnings

    with warnings.catch_warnings():  # another test worker's cluster may hold the HTTP port
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        c = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                     host="127.0.0.1", dashboard_address=None)
    with c:
        yield c


def _run(*args: str) -> None:
    code = main(list(args))
    assert code == 0, args


def _same(a: Path, b: Path, names=TABLES) -> list[bool]:
    return [(a / n).read_bytes() == (b / n).read_bytes() for n in names]


# --------------------------------------------------------------------------------------------
# count --out


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_count_store_writes_the_tables_of_the_files(option, vostochny_store, direct, tmp_path):
    _run("count", "--store", str(vostochny_store), *SIDE, *OPTIONS[option], "-q", "--json",
         "--out", str(tmp_path))
    # the store's decode report is that of the files: summary.json is the same too
    assert _same(direct(option), tmp_path, (*TABLES, "summary.json")) == [True, True, True]


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_dask_engine_on_the_store_writes_the_tables_of_the_files(option, vostochny_store,
                                                                 direct, cluster, tmp_path):
    _run("count", "--store", str(vostochny_store), *SIDE, *OPTIONS[option], "-q", "--json",
         "--engine", "dask", "--scheduler", cluster.scheduler_address, "--out", str(tmp_path))
    assert _same(direct(option), tmp_path) == [True, True]


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_dask_engine_on_the_files_writes_the_tables_of_the_local_engine(option, direct,
                                                                       cluster, tmp_path):
    _run("count", str(VOSTOCHNY), *SIDE, *OPTIONS[option], "-q", "--json", "--engine", "dask",
         "--scheduler", cluster.scheduler_address, "--out", str(tmp_path))
    assert _same(direct(option), tmp_path) == [True, True]


def test_store_marks_the_calls_of_the_listed_registry_vessels(vostochny_store, tmp_path):
    """Not an empty column: the marked callers are those the registry gives a listed IMO."""
    _run("count", "--store", str(vostochny_store), *SIDE, *OPTIONS["watchlist"], "-q", "--json",
         "--out", str(tmp_path))
    calls = pd.read_csv(tmp_path / "port_calls.csv", keep_default_na=False)
    marked = set(calls.loc[calls["watchlist"] != "", "mmsi"])
    # independently: the sample list's IMOs, looked up in the registry
    imos = set(pd.read_csv(WATCHLIST)["imo"].dropna().astype(int))
    registry = pd.read_csv(REGISTRY, comment="#")
    registry = registry.loc[registry["imo"].notna()]
    listed = set(registry.loc[registry["imo"].astype(int).isin(imos), "mmsi"].astype(int))
    assert marked == listed & set(calls["mmsi"])


def test_store_with_files_marks_as_the_files_alone(tmp_path):
    """Statics of files given beside the store count for the watchlist as in one read."""
    with gzip.open(VOSTOCHNY, "rb") as fh:
        lines = fh.read().splitlines(keepends=True)
    cut = len(lines) // 2
    while b",2,1," in lines[cut - 1]:  # no message split between the store and the file
        cut += 1
    halves = [tmp_path / "first.nmea.gz", tmp_path / "second.nmea.gz"]
    for path, part in zip(halves, (lines[:cut], lines[cut:]), strict=True):
        with gzip.open(path, "wb") as fh:
            fh.writelines(part)
    ingest([halves[0]], tmp_path / "store", progress=False)
    _run("port-calls", *map(str, halves), *SIDE, *OPTIONS["watchlist"], "-q",
         "-o", str(tmp_path / "both.csv"))
    _run("port-calls", str(halves[1]), "--store", str(tmp_path / "store"), *SIDE,
         *OPTIONS["watchlist"], "-q", "-o", str(tmp_path / "mixed.csv"))
    assert (tmp_path / "mixed.csv").read_bytes() == (tmp_path / "both.csv").read_bytes()


def test_watchlist_reads_the_store_one_bucket_at_a_time(vostochny_store, monkeypatch,
                                                        tmp_path):
    from vesseltrack.store import Store

    asked = []
    real = Store.read

    def spy(self, table, **kw):
        asked.append((table, None if kw.get("buckets") is None else list(kw["buckets"])))
        return real(self, table, **kw)

    monkeypatch.setattr(Store, "read", spy)
    # no --sightings: those are matched on the identifiers of the whole store, beforehand
    _run("port-calls", "--store", str(vostochny_store), *SIDE[:4], *OPTIONS["watchlist"], "-q",
         "-o", str(tmp_path / "calls.csv"))
    assert all(b is not None and len(b) == 1 for _, b in asked)


# --------------------------------------------------------------------------------------------
# port-calls and gaps


def test_port_calls_store_with_watchlist_identical_to_the_files(vostochny_store, tmp_path):
    args = [*SIDE, *OPTIONS["watchlist"], "--port", "Vostochny oil terminal", "-q"]
    _run("port-calls", str(VOSTOCHNY), *args, "-o", str(tmp_path / "direct.csv"))
    _run("port-calls", "--store", str(vostochny_store), *args, "-o", str(tmp_path / "store.csv"))
    assert (tmp_path / "store.csv").read_bytes() == (tmp_path / "direct.csv").read_bytes()


def test_port_calls_store_split_identical_to_the_files(identity_store, tmp_path):
    """The identity scenario: two ships behind MMSI 445600001, one call each."""
    args = [*IDENTITY_SIDE, "--split-shared-mmsi", "-q"]
    _run("port-calls", str(IDENTITY), *args, "-o", str(tmp_path / "direct.csv"))
    _run("port-calls", "--store", str(identity_store), *args, "-o", str(tmp_path / "store.csv"))
    assert (tmp_path / "store.csv").read_bytes() == (tmp_path / "direct.csv").read_bytes()


def test_port_calls_store_split_keeps_both_ships_of_a_shared_mmsi(identity_store, tmp_path):
    _run("port-calls", "--store", str(identity_store), *IDENTITY_SIDE, "--split-shared-mmsi",
         "-q", "-o", str(tmp_path / "store.csv"))
    calls = pd.read_csv(tmp_path / "store.csv")
    shared = calls.loc[calls["mmsi"] == 445600001]
    truth = pd.read_csv(FX / "identity_2024_calls_truth.csv")
    # the scenario's plan: one call per ship, each ship its own segment (1 and 2)
    assert (sorted(shared["port"]), sorted(shared["segment"])) == (sorted(truth["port"]), [1, 2])


@pytest.mark.parametrize(("fixture", "args"), [
    (VOSTOCHNY, []),
    (IDENTITY, ["--min-hours", "0.5"]),
])
def test_gaps_store_split_identical_to_the_files(fixture, args, tmp_path):
    root = tmp_path / "store"
    ingest([fixture], root, progress=False)
    options = ["--split-shared-mmsi", *args, "-q"]
    _run("gaps", str(fixture), *options, "-o", str(tmp_path / "direct.csv"))
    _run("gaps", "--store", str(root), *options, "-o", str(tmp_path / "store.csv"))
    assert (tmp_path / "store.csv").read_bytes() == (tmp_path / "direct.csv").read_bytes()


# --------------------------------------------------------------------------------------------
# buckets cut into slices of whole vessels (large buckets): the options still answer as the files


@pytest.fixture
def small_slices(monkeypatch):
    """Slices of at most about 3,000 positions: the fixture's buckets (2,413 to 23,188
    positions) are most of them cut into several slices."""
    import functools

    from vesseltrack import bucketed
    from vesseltrack import distributed as engine
    from vesseltrack.params import StoreParams

    small = functools.partial(StoreParams, slice_rows=3_000)
    monkeypatch.setattr(bucketed, "StoreParams", small)
    monkeypatch.setattr(engine, "StoreParams", small)
    monkeypatch.setattr(bucketed, "MERGE_SLICES", 2)  # slices' results merged every 2
    slices = []
    real = bucketed.bucket_slices

    def spy(*args, **kwargs):
        for item in real(*args, **kwargs):
            slices.append(item[1])
            yield item

    monkeypatch.setattr(bucketed, "bucket_slices", spy)
    return slices


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_count_store_in_slices_writes_the_tables_of_the_files(option, vostochny_store, direct,
                                                              small_slices, tmp_path,
                                                              monkeypatch):
    from vesseltrack import bucketed

    merged = []
    real_merge = bucketed.merge_outs
    monkeypatch.setattr(bucketed, "merge_outs",
                        lambda outs: merged.append(len(outs)) or real_merge(outs))
    _run("count", "--store", str(vostochny_store), *SIDE, *OPTIONS[option], "-q", "--json",
         "--out", str(tmp_path))
    # more slices than the store's 16 buckets: some bucket was cut, and the results of its
    # slices were merged (with the watchlist's marks, or the split vessels) as they came
    assert (len(small_slices) > 16, len(merged) > 0, _same(direct(option), tmp_path)) == (
        True, True, [True, True])


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_dask_engine_on_a_store_in_slices_writes_the_tables_of_the_files(
        option, vostochny_store, direct, small_slices, cluster, tmp_path):
    _run("count", "--store", str(vostochny_store), *SIDE, *OPTIONS[option], "-q", "--json",
         "--engine", "dask", "--scheduler", cluster.scheduler_address, "--out", str(tmp_path))
    summary = (tmp_path / "summary.json").read_text()
    import json

    partitions = json.loads(summary)["engine"]["partitions"]
    assert (partitions > 16, _same(direct(option), tmp_path)) == (True, [True, True])

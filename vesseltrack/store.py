"""The on-disk store: decode AIS once into a partitioned Parquet dataset, analyse it many times.

Layout of a store directory::

    DIR/ingest.json                                   files, content hashes, decode reports
    DIR/positions/bucket=B/month=YYYY-MM/part-RUN.parquet
    DIR/statics/bucket=B/month=YYYY-MM/part-RUN.parquet

``B`` is a fixed hash of the MMSI modulo the store's number of buckets (:func:`bucket_of_mmsi`),
so one vessel's rows are all in one bucket and a bucket is read without the rest; ``month`` is
the UTC month of the row's timestamp (``unknown`` for rows without a time). The directories are
hive-partitioned, so pyarrow, DuckDB and Dask read the store as it is. Every row carries
``seq``, its place in the stream of the files ingested (in ingest order): reading sorts by it,
so a vessel's rows come back in the order a direct read of the files gives them, and the
analyses give the same answer from the store as from the files.

An ingest writes its parts under a temporary directory of the store (``_tmp-RUN``, which
readers ignore), then renames them into place and finally rewrites ``ingest.json``; a part that
``ingest.json`` does not list (an ingest killed while renaming) is removed by the next ingest
and never read by :class:`Store`. An interrupted ingest therefore leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from vesseltrack._schema import (
    POSITION_COLUMNS,
    STATIC_COLUMNS,
    empty_frame,
    positions_frame,
    statics_frame,
    utc_bounds,
)
from vesseltrack.ais import DecodeReport
from vesseltrack.params import StoreParams

__all__ = ["MANIFEST", "Store", "bucket_of_mmsi", "ingest", "open_store", "stream_frame",
           "use_releasing_memory_pool"]

MANIFEST = "ingest.json"
TABLES = ("positions", "statics")
_FORMAT = 1
_UNKNOWN_MONTH = "unknown"


def bucket_of_mmsi(mmsi: np.ndarray | pd.Series | Sequence[int], buckets: int) -> np.ndarray:
    """The bucket (0 .. ``buckets`` - 1) of each MMSI: a fixed hash, the same in every process
    and on every machine, so one vessel's positions, statics and sightings meet in one bucket.

    Parameters
    ----------
    mmsi : array of int
        MMSIs.
    buckets : int
        Number of buckets.

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> int(bucket_of_mmsi([445123456], 16)[0]) == int(bucket_of_mmsi([445123456], 16)[0])
    True
    """
    values = np.asarray(mmsi, dtype="int64").astype("uint64")
    return (pd.util.hash_array(values) % np.uint64(buckets)).astype("int64")


def _arrow_schema(columns: dict[str, object]) -> pa.Schema:
    base = pa.Schema.from_pandas(empty_frame(columns), preserve_index=False)
    fields = [pa.field(f.name, pa.large_string() if pa.types.is_string(f.type) else f.type)
              for f in base]
    return pa.schema([*fields, pa.field("seq", pa.int64())])


_SCHEMAS = {"positions": _arrow_schema(POSITION_COLUMNS),
            "statics": _arrow_schema(STATIC_COLUMNS)}
_CONTRACTS = {"positions": POSITION_COLUMNS, "statics": STATIC_COLUMNS}
_CONFORM = {"positions": positions_frame, "statics": statics_frame}
_PARTITIONING = pa.schema([("bucket", pa.int32()), ("month", pa.string())])
_DELTA_COLUMNS = ("timestamp", "seq")
"""Columns written with delta encoding instead of a dictionary: both rise through a partition
(stream order), so their differences pack into a few bits. Measured on the bench corpus's
positions: these two columns wrote 3-4 times slower with a dictionary than without and took
10.8 MB per million positions; delta-encoded, 2.3 MB, and the whole table wrote 40 % faster.
Every other column keeps its dictionary (MMSIs, speeds, courses, positions of vessels at rest
repeat)."""
_WRITE_OPTIONS = {
    table: {"compression": "snappy",
            "use_dictionary": [n for n in schema.names if n not in _DELTA_COLUMNS],
            "column_encoding": dict.fromkeys(_DELTA_COLUMNS, "DELTA_BINARY_PACKED")}
    for table, schema in _SCHEMAS.items()}


def _file_sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _report_from_dict(d: dict[str, Any]) -> DecodeReport:
    rep = DecodeReport()
    for name, value in d.items():
        if name in ("bad_lines",):
            continue
        if name == "decode_errors_by_reason":
            rep.decode_errors_by_reason.update(value)
        elif name == "failed_files":
            rep.failed_files.extend(dict(x) for x in value)
        elif isinstance(getattr(rep, name, None), list):
            getattr(rep, name).extend(value)
        elif hasattr(rep, name):
            setattr(rep, name, int(value))
    return rep


# --------------------------------------------------------------------------------------------
# writing


class _PartWriter:
    """Buffers decoded chunks and writes them, split by (bucket, month), into one Parquet file
    per partition and table under ``tmp`` (one row group per partition per flush).

    A flush (sort by partition, encode, compress, write) runs on a thread of its own while the
    caller decodes the next chunks: pyarrow and NumPy do that work without the GIL, so on two
    cores decoding and writing overlap. Flushes run one at a time and in order, so the files
    are the same as when written in line; at most one flush is in flight while the next
    ``flush_rows`` are buffered. An error in a flush is raised by the next flush (from
    ``add``) or by ``close``.
    """

    def __init__(self, tmp: Path, run: str, buckets: int, flush_rows: int) -> None:
        self.tmp, self.run, self.buckets, self.flush_rows = tmp, run, buckets, flush_rows
        self.buffers: dict[str, list[pa.Table]] = {t: [] for t in TABLES}
        self.buffered = 0
        self.writers: dict[tuple[str, int, str], Any] = {}
        self.rows = {t: 0 for t in TABLES}
        self.ts_min: pd.Timestamp | None = None
        self.ts_max: pd.Timestamp | None = None
        self._pool: Any = None  # the flushing thread, started by the first flush
        self._flushing: Any = None  # the flush in flight (a Future)

    def add(self, pos: pd.DataFrame, sta: pd.DataFrame, seq: int) -> int:
        """Buffer one chunk, numbering its rows from ``seq``; returns the next number."""
        for table, frame in (("positions", pos), ("statics", sta)):
            if not len(frame):
                continue
            frame = _CONFORM[table](frame)
            frame = frame.assign(seq=np.arange(seq, seq + len(frame), dtype="int64"))
            seq += len(frame)
            self.buffers[table].append(
                pa.Table.from_pandas(frame, schema=_SCHEMAS[table], preserve_index=False))
            self.buffered += len(frame)
        if self.buffered >= self.flush_rows:
            self.flush()
        return seq

    def flush(self) -> None:
        """Hand what is buffered to the flushing thread (after the flush before it is done)."""
        parts = {t: self.buffers[t] for t in TABLES}
        self.buffers = {t: [] for t in TABLES}
        self.buffered = 0
        self.wait()
        if not any(parts.values()):
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-write")
        self._flushing = self._pool.submit(self._write, parts)

    def wait(self) -> None:
        """Wait for the flush in flight; raises its error."""
        flushing, self._flushing = self._flushing, None
        if flushing is not None:
            flushing.result()

    def _write(self, buffers: dict[str, list[pa.Table]]) -> None:
        import pyarrow.parquet as pq

        for table in TABLES:
            # each chunk is sorted by partition on its own (a chunk's columns stay in the
            # processor's cache while they are gathered: measured, half the time of sorting
            # the flush's rows at once), its runs gathered per partition in chunk order
            pieces: dict[tuple[str, int, str], list[pa.Table]] = {}
            for arrow in buffers[table]:
                self._split(table, arrow, pieces)
            for wkey, runs in pieces.items():
                writer = self.writers.get(wkey)
                if writer is None:
                    path = self.tmp / self.relative(*wkey)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    writer = pq.ParquetWriter(path, _SCHEMAS[table], **_WRITE_OPTIONS[table])
                    self.writers[wkey] = writer
                writer.write_table(pa.concat_tables(runs) if len(runs) > 1 else runs[0])

    def _split(self, table: str, arrow: pa.Table,
               pieces: dict[tuple[str, int, str], list[pa.Table]]) -> None:
        """Append the rows of ``arrow`` to ``pieces``, one run per (table, bucket, month),
        each in the rows' order."""
        self.rows[table] += len(arrow)
        ts_ns = arrow["timestamp"].to_numpy().astype("datetime64[ns]")
        if table == "positions" and (~np.isnat(ts_ns)).any():
            lo = pd.Timestamp(np.nanmin(ts_ns), tz="UTC")
            hi = pd.Timestamp(np.nanmax(ts_ns), tz="UTC")
            self.ts_min = lo if self.ts_min is None else min(self.ts_min, lo)
            self.ts_max = hi if self.ts_max is None else max(self.ts_max, hi)
        bucket = bucket_of_mmsi(arrow["mmsi"].to_numpy(), self.buckets)
        # months as integers counted from the earliest (NaT: code 0, "unknown")
        month_ns = ts_ns.astype("datetime64[M]")
        timed = ~np.isnat(month_ns)
        months_i = month_ns.view("int64")
        first = int(months_i[timed].min()) if timed.any() else 0
        code = np.where(timed, months_i - first + 1, 0)
        width = int(code.max()) + 1
        key = bucket * width + code
        # a small key sorts by radix (stable): rows of a partition keep their order
        key = key.astype(np.int16 if self.buckets * width < 2**15 else np.int64)
        order = np.argsort(key, kind="stable")
        key_sorted = key[order]
        cuts = np.flatnonzero(np.r_[True, key_sorted[1:] != key_sorted[:-1], True])
        take = pa.array(order)
        arrow = pa.Table.from_arrays([col.take(take) for col in arrow.columns],
                                     schema=arrow.schema)
        for a, b in zip(cuts[:-1], cuts[1:], strict=True):
            b_id, m = divmod(int(key_sorted[a]), width)
            label = _UNKNOWN_MONTH if m == 0 else str(np.datetime64(first + m - 1, "M"))
            pieces.setdefault((table, b_id, label), []).append(arrow.slice(int(a), int(b - a)))

    def relative(self, table: str, bucket: int, month: str) -> str:
        return f"{table}/bucket={bucket}/month={month}/part-{self.run}.parquet"

    def close(self) -> list[str]:
        """Write what is buffered, close every file; the parts' paths relative to ``tmp``."""
        self.flush()
        self.wait()
        self._stop()
        for writer in self.writers.values():
            writer.close()
        return sorted(self.relative(*k) for k in self.writers)

    def _stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def abort(self) -> None:
        """Stop writing (the flush in flight finishes; its error is dropped), close every
        file; the caller removes ``tmp``."""
        try:
            self.wait()
        except Exception:  # noqa: BLE001 - the ingest fails with its own error
            pass
        self._stop()
        for writer in self.writers.values():
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - the temporary directory goes anyway
                pass


def _drop_rows(tmp: Path, parts: list[str], ranges: list[tuple[int, int]],
               writer: _PartWriter) -> list[str]:
    """Take the rows numbered in ``ranges`` (``[start, end)`` of ``seq``) out of the written
    ``parts`` under ``tmp``: a part holding any is rewritten without them (removed when none
    is left). ``writer``'s row counts and time range are set to what remains. Returns the
    parts left."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    kept = []
    writer.ts_min = writer.ts_max = None
    for rel in parts:
        table = rel.split("/", 1)[0]
        path = tmp / rel
        meta = pq.ParquetFile(path).metadata
        seq_col = meta.schema.names.index("seq")
        lo = min(meta.row_group(i).column(seq_col).statistics.min
                 for i in range(meta.num_row_groups))
        hi = max(meta.row_group(i).column(seq_col).statistics.max
                 for i in range(meta.num_row_groups))
        arrow = None
        if any(a <= hi and lo < b for a, b in ranges):
            arrow = pq.read_table(path, schema=_SCHEMAS[table])
            seq = arrow["seq"]
            drop = None
            for a, b in ranges:
                inside = pc.and_(pc.greater_equal(seq, a), pc.less(seq, b))
                drop = inside if drop is None else pc.or_(drop, inside)
            n_drop = pc.sum(drop).as_py() or 0
            if n_drop:
                writer.rows[table] -= n_drop
                arrow = arrow.filter(pc.invert(drop))
                path.unlink()
                if arrow.num_rows == 0:
                    continue
                pq.write_table(arrow, path, **_WRITE_OPTIONS[table])
        kept.append(rel)
        if table == "positions":
            times = (arrow if arrow is not None
                     else pq.read_table(path, columns=["timestamp"]))["timestamp"]
            span = pc.min_max(times).as_py()
            if span["min"] is not None:
                t_lo, t_hi = pd.Timestamp(span["min"]), pd.Timestamp(span["max"])
                writer.ts_min = t_lo if writer.ts_min is None else min(writer.ts_min, t_lo)
                writer.ts_max = t_hi if writer.ts_max is None else max(writer.ts_max, t_hi)
    return kept


def _new_manifest(buckets: int) -> dict[str, Any]:
    return {"format": _FORMAT, "buckets": buckets, "next_seq": 0, "next_file_index": 1,
            "files": [], "runs": []}


def _load_manifest(root: Path) -> dict[str, Any] | None:
    path = root / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a vesseltrack store manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
        raise ValueError(f"{path}: not a vesseltrack store manifest (format "
                         f"{manifest.get('format') if isinstance(manifest, dict) else '?'})")
    return manifest


def _remove_unlisted(root: Path, manifest: dict[str, Any]) -> None:
    """Remove what an interrupted ingest left: temporary directories, unlisted parts."""
    for tmp in root.glob("_tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    listed = {p for run in manifest["runs"] for p in run["parts"]}
    for table in TABLES:
        for part in (root / table).glob("bucket=*/month=*/*.parquet"):
            if part.relative_to(root).as_posix() not in listed:
                part.unlink(missing_ok=True)


def _progress(total: int, progress: bool | None):
    """A tqdm bar over bytes when tqdm is installed (and wanted), else nothing."""
    if progress is False:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc="ingesting AIS",
                disable=None if progress is None else False, delay=2.0, leave=False)


def ingest(
    paths: Iterable[str | os.PathLike] | str | os.PathLike,
    store_dir: str | os.PathLike,
    *,
    columns: dict[str, str] | None = None,
    dayfirst: bool = False,
    progress: bool | None = None,
    params: StoreParams | None = None,
) -> dict[str, Any]:
    """Decode AIS files into the store at ``store_dir`` (created if need be).

    Files are decoded in streaming chunks (:func:`vesseltrack.io.iter_ais`) and written
    straight into the partitioned dataset, each flush on a thread of its own while the next
    chunks decode; memory is bounded by ``params.flush_rows`` (about twice that many rows). A
    file whose content (SHA-256, computed ahead on another thread) is already in the store, or
    earlier in ``paths``, is skipped, so re-ingesting is a no-op and adding files is
    incremental. Fragments of a message split across files of one ingest are joined, as a
    direct read of those files does.

    Parameters
    ----------
    paths : path, or iterable of paths, folders and globs
        AIS files, as for :func:`vesseltrack.io.read_ais`.
    store_dir : path-like
        The store directory.
    columns, dayfirst
        As for :func:`vesseltrack.io.read_ais`.
    progress : bool, optional
        ``False``: no progress bar; default: a bar on a terminal for ingests of more than two
        seconds (when tqdm is installed).
    params : StoreParams, optional
        Layout of a new store (an existing store keeps its number of buckets).

    Returns
    -------
    dict
        ``added`` (paths decoded), ``skipped`` (paths whose content was already stored),
        ``positions``, ``statics`` (rows written), ``report`` (decode report of this
        ingest, :meth:`DecodeReport.to_dict`), ``seconds``. A file that could not be read
        whole (cut short or damaged; a direct read keeps what it gave and lists it) is not
        added: it is listed in the report's ``failed_files`` ("not added to the store"), the
        rows it gave are left out and its content is not recorded, so the whole file, once
        had, is ingested later without duplicates.

    Raises
    ------
    vesseltrack.io.InputError
        As :func:`vesseltrack.io.read_ais` (the store is left unchanged).
    ValueError
        If ``store_dir`` holds an ``ingest.json`` that is not a store manifest.
    OSError
        If an input cannot be read or the store cannot be written (the store is left
        unchanged).
    """
    from vesseltrack.io import expand_inputs, iter_ais, join_leftovers
    from vesseltrack.io._write import write_text

    t0 = time.perf_counter()
    params = params or StoreParams()
    root = Path(store_dir)
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = expand_inputs(paths)
    manifest = _load_manifest(root) or _new_manifest(params.buckets)
    known = {f["sha256"] for f in manifest["files"]}
    skipped: list[str] = []
    run_report = DecodeReport()
    writer: _PartWriter | None = None
    tmp: Path | None = None
    run = ""
    seq = int(manifest["next_seq"])
    file_index = int(manifest["next_file_index"])
    entries: list[dict[str, Any]] = []
    dropped: list[tuple[int, int]] = []  # row numbers of files not read whole
    leftovers: list = []
    # one file: the reader's own bar (it follows the bytes as they are read); several: a bar
    # over the files' bytes, moved as each file is done (or found already stored)
    bar = _progress(sum(p.stat().st_size for p in files), progress) if len(files) > 1 else None
    file_progress = False if len(files) > 1 else progress
    # the files' contents are hashed ahead, on a thread of their own, while earlier files
    # decode (hashlib works without the GIL): a file is skipped when its turn comes
    hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-hash")
    try:
        for path, digest in zip(files, hasher.map(_file_sha256, files), strict=True):
            if digest in known:
                skipped.append(str(path))
                if bar is not None:
                    bar.update(path.stat().st_size)
                continue
            known.add(digest)
            if writer is None:  # the first file to add: the store is touched from here on
                root.mkdir(parents=True, exist_ok=True)
                _remove_unlisted(root, manifest)
                run = (f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{os.getpid()}-"
                       f"{time.time_ns() % 10**9:09d}")
                tmp = root / f"_tmp-{run}"
                writer = _PartWriter(tmp, run, int(manifest["buckets"]), params.flush_rows)
            rep = DecodeReport()
            first_seq, held = seq, len(leftovers)
            for pos, sta in iter_ais(path, report=rep, progress=file_progress,
                                     leftovers=leftovers,
                                     first_file_index=file_index, columns=columns,
                                     dayfirst=dayfirst):
                seq = writer.add(pos, sta, seq)
            file_index += 1
            if bar is not None:
                bar.update(path.stat().st_size)
            if rep.failed_files:
                # not read whole (cut short, damaged): not added. Its rows are taken out of
                # the parts before they are committed, its fragments dropped, its content
                # not recorded, so that the whole file, once had, is ingested without
                # duplicating what the broken one gave.
                del leftovers[held:]
                known.discard(digest)
                dropped.append((first_seq, seq))
                for item in rep.failed_files:
                    run_report.failed_files.append(
                        {"path": item["path"], "error": f"{item['error']}; not added to the store"})
                continue
            run_report.merge(rep)
            entries.append({"path": str(path), "sha256": digest, "bytes": path.stat().st_size,
                            "run": run, "report": rep.to_dict()})
        if writer is None:  # nothing new: the store is left untouched
            return {"added": [], "skipped": skipped, "positions": 0, "statics": 0,
                    "report": run_report.to_dict(),
                    "seconds": round(time.perf_counter() - t0, 3)}
        late_report = DecodeReport()
        late_pos, late_sta = join_leftovers(leftovers, late_report)
        seq = writer.add(late_pos, late_sta, seq)
        run_report.merge(late_report)
        parts = writer.close()
        if dropped:
            parts = _drop_rows(tmp, parts, dropped, writer)
        if not entries:  # every new file failed: nothing to commit
            return {"added": [], "skipped": skipped, "positions": 0, "statics": 0,
                    "report": run_report.to_dict(),
                    "seconds": round(time.perf_counter() - t0, 3)}
        # commit: parts into place, then the manifest that lists them
        for rel in parts:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / rel, target)
        manifest["files"].extend(entries)
        manifest["runs"].append({
            "run": run,
            "files": [e["path"] for e in entries],
            "parts": parts,
            "positions": writer.rows["positions"],
            "statics": writer.rows["statics"],
            "time_min": writer.ts_min.isoformat() if writer.ts_min is not None else None,
            "time_max": writer.ts_max.isoformat() if writer.ts_max is not None else None,
            "late_report": late_report.to_dict(),
        })
        manifest["next_seq"] = seq
        manifest["next_file_index"] = file_index
        write_text(json.dumps(manifest, indent=1) + "\n", root / MANIFEST)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        hasher.shutdown(wait=True, cancel_futures=True)
        if bar is not None:
            bar.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return {"added": [e["path"] for e in entries], "skipped": skipped,
            "positions": writer.rows["positions"], "statics": writer.rows["statics"],
            "report": run_report.to_dict(), "seconds": round(time.perf_counter() - t0, 3)}


# --------------------------------------------------------------------------------------------
# reading


@dataclass
class Store:
    """A store opened for reading (:func:`open_store`).

    Attributes
    ----------
    root : Path
        The store directory.
    manifest : dict
        ``ingest.json``.
    """

    root: Path
    manifest: dict[str, Any]

    @property
    def buckets(self) -> int:
        """Number of MMSI buckets."""
        return int(self.manifest["buckets"])

    @property
    def files(self) -> list[dict[str, Any]]:
        """The files ingested: ``path``, ``sha256``, ``bytes``, ``run``, ``report``."""
        return list(self.manifest["files"])

    def parts(self, table: str) -> list[Path]:
        """The Parquet files of ``table`` (``positions`` or ``statics``) that the store lists."""
        return [self.root / p for run in self.manifest["runs"] for p in run["parts"]
                if p.startswith(f"{table}/")]

    def bucket_bytes(self, table: str) -> np.ndarray:
        """Bytes on disk of each bucket's Parquet files of ``table`` (from the file system,
        no file opened): how large the buckets are, e.g. to start on the largest."""
        sizes = np.zeros(self.buckets, dtype="int64")
        for part in self.parts(table):
            # positions/bucket=B/month=M/part-RUN.parquet
            sizes[int(part.parent.parent.name.partition("=")[2])] += part.stat().st_size
        return sizes

    def report(self) -> DecodeReport:
        """The decode report of every file ingested (as one direct read of them all)."""
        rep = DecodeReport()
        for entry in self.manifest["files"]:
            rep.merge(_report_from_dict(entry["report"]))
        for run in self.manifest["runs"]:
            rep.merge(_report_from_dict(run["late_report"]))
        return rep

    def time_span(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """Earliest and latest position time in the store (None when it has none)."""
        lo = [pd.Timestamp(r["time_min"]) for r in self.manifest["runs"] if r["time_min"]]
        hi = [pd.Timestamp(r["time_max"]) for r in self.manifest["runs"] if r["time_max"]]
        return (min(lo) if lo else None, max(hi) if hi else None)

    def dataset(self, table: str):
        """The pyarrow dataset of ``table`` (with the ``bucket`` and ``month`` columns)."""
        import pyarrow.dataset as ds

        return ds.dataset([str(p) for p in self.parts(table)], format="parquet",
                          schema=_SCHEMAS[table].append(_PARTITIONING.field("bucket"))
                          .append(_PARTITIONING.field("month")),
                          partitioning=ds.partitioning(_PARTITIONING, flavor="hive"),
                          partition_base_dir=str(self.root / table))

    def _filter(self, table: str, buckets: Iterable[int] | None, since: Any, until: Any,
                bbox: Sequence[float] | None):
        """The reader's filter expression (None: every row) for :meth:`read`/:meth:`scan`."""
        import pyarrow.dataset as ds

        if table not in TABLES:
            raise ValueError(f"no table {table!r} in a store (have: {', '.join(TABLES)})")
        expr = None

        def both(e):
            return e if expr is None else expr & e

        if buckets is not None:
            expr = both(ds.field("bucket").isin(pa.array(sorted(set(map(int, buckets))),
                                                         pa.int32())))
        start, end = utc_bounds(since, until)
        ts_type = pa.timestamp("ns", tz="UTC")
        if start is not None:
            expr = both(ds.field("month") >= start.strftime("%Y-%m"))
            expr = both(ds.field("timestamp") >= pa.scalar(start.value, ts_type))
        if end is not None:
            expr = both(ds.field("month") <= end.strftime("%Y-%m"))
            expr = both(ds.field("timestamp") <= pa.scalar(end.value, ts_type))
        if bbox is not None and table == "positions":
            min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
            expr = both((ds.field("lon") >= min_lon) & (ds.field("lon") <= max_lon)
                        & (ds.field("lat") >= min_lat) & (ds.field("lat") <= max_lat))
        return expr

    def scan(
        self,
        table: str,
        columns: Sequence[str],
        *,
        buckets: Iterable[int] | None = None,
        since: Any = None,
        until: Any = None,
        bbox: Sequence[float] | None = None,
    ) -> Iterator[pa.RecordBatch]:
        """The rows :meth:`read` would return, as Arrow record batches in no particular
        order, with ``seq`` (their place in the stream) after ``columns``: memory is that of
        one batch, whatever the size of the data."""
        expr = self._filter(table, buckets, since, until, bbox)
        if not self.parts(table):
            return iter(())
        return self.dataset(table).to_batches(columns=[*columns, "seq"], filter=expr,
                                              use_threads=False)

    def read(
        self,
        table: str,
        *,
        buckets: Iterable[int] | None = None,
        since: Any = None,
        until: Any = None,
        bbox: Sequence[float] | None = None,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Rows of ``table``, filtered in the Parquet reader, in stream order.

        Parameters
        ----------
        table : {"positions", "statics"}
            Which table.
        buckets : iterable of int, optional
            Only these MMSI buckets (:func:`bucket_of_mmsi`).
        since, until : str or Timestamp, optional
            Only rows timed in [since, until] (a date-only ``until`` includes that day; naive
            times are UTC); rows without a time are left out when either is given.
        bbox : (min_lon, min_lat, max_lon, max_lat), optional
            Only rows inside the box (positions only; statics have no position).
        columns : sequence of str, optional
            Only these columns (default: the whole table contract).

        Returns
        -------
        DataFrame
            The table contract (:mod:`vesseltrack._schema`) when ``columns`` is None.
        """
        expr = self._filter(table, buckets, since, until, bbox)
        contract = _CONTRACTS[table]
        wanted = list(columns) if columns is not None else list(contract)
        if not self.parts(table):
            return empty_frame({c: contract[c] for c in wanted})
        frame = stream_frame(self.dataset(table).to_table(columns=[*wanted, "seq"], filter=expr))
        if columns is None:
            return _CONFORM[table](frame)
        return frame

    def ids(self) -> pd.DataFrame:
        """Distinct ``mmsi``, ``imo``, ``name`` of the statics (for matching sightings), in
        the order of their first report.

        Read one bucket at a time, three columns: memory follows the vessels, not the
        reports (a bucket holds whole vessels, so no key is in two buckets).
        """
        import pyarrow.compute as pc

        keys = ["mmsi", "imo", "name"]
        firsts = []
        for b in range(self.buckets):
            arrow = pa.Table.from_batches(
                list(self.scan("statics", keys, buckets=[b])),
                schema=pa.schema([_SCHEMAS["statics"].field(c) for c in (*keys, "seq")]))
            firsts.append(arrow.group_by(keys, use_threads=False).aggregate([("seq", "min")])
                          .rename_columns([*keys, "seq"]))
        if not firsts:
            return self.read("statics", columns=keys)
        arrow = pa.concat_tables(firsts)
        return (arrow.take(pc.sort_indices(arrow["seq"])).drop_columns(["seq"])
                .to_pandas(types_mapper={pa.large_string(): pd.StringDtype()}.get))


def use_releasing_memory_pool() -> str:
    """Make pyarrow allocate from jemalloc (Linux; elsewhere the system allocator) for the
    rest of the process, unless ``ARROW_DEFAULT_MEMORY_POOL`` chooses a pool.

    For a process that reads a store bucket after bucket: pyarrow's mimalloc pool kept some
    of each bucket's memory (about 5 MB per bucket read, so a count of a large store grew
    with the number of buckets); jemalloc and the system allocator hand it back. The Parquet
    reader takes the pool named by ``ARROW_DEFAULT_MEMORY_POOL`` when pyarrow is loaded, so
    the command line sets that variable before (:mod:`vesseltrack.cli`, for ``--store``);
    this function, called later, changes the pool of pyarrow's Python-level calls only.

    Returns
    -------
    str
        The backend of pyarrow's Python-level pool now.
    """
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except NotImplementedError:
            pa.set_memory_pool(pa.system_memory_pool())
    return pa.default_memory_pool().backend_name


def stream_frame(arrow: pa.Table) -> pd.DataFrame:
    """A table of store rows (with ``seq``) as a DataFrame in stream order, without ``seq``
    (the order of a direct read of the files ingested)."""
    import pyarrow.compute as pc

    arrow = arrow.take(pc.sort_indices(arrow["seq"])).drop_columns(["seq"])
    return arrow.to_pandas(types_mapper={pa.large_string(): pd.StringDtype()}.get)


def open_store(store_dir: str | os.PathLike) -> Store:
    """Open the store at ``store_dir`` for reading.

    Raises
    ------
    ValueError
        If ``store_dir`` is no store (no ``ingest.json``, or not a store manifest).

    Examples
    --------
    >>> store = open_store("store/")                       # doctest: +SKIP
    >>> store.read("positions", buckets=[3], since="2024-05-01").shape  # doctest: +SKIP
    """
    root = Path(store_dir)
    manifest = _load_manifest(root)
    if manifest is None:
        raise ValueError(f"{root}: not a vesseltrack store (no {MANIFEST}; "
                         "make one with `vesseltrack ingest INPUT... --store DIR`)")
    return Store(root, manifest)

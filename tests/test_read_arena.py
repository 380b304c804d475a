"""read_ais writes the position columns of every chunk into one arena (no concatenation)."""

from __future__ import annotations

from functools import reduce

import numpy as np
import pandas as pd

from vesseltrack.io import read_ais
from vesseltrack.io._read import WholePositions, iter_ais

# gpsd test/sample.aivdm (BSD-2-Clause): mmsi 371798000, lon -123.39538333, lat 48.38163333
TYPE1 = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"
N_LINES = 40_000
"""Lines of the test file: 40,000 x 65 bytes = 2,600,000 bytes, 2.48 MiB: three 1 MiB reads."""
MIB = 1 << 20


def _tag(body: str) -> str:
    checksum = reduce(lambda a, b: a ^ b, body.encode(), 0)
    return f"\\{body}*{checksum:02X}\\"


def _write(tmp_path):
    """N_LINES copies of TYPE1, each with its own tag-block time (1,700,000,000 s + line)."""
    path = tmp_path / "many.nmea"
    lines = [_tag(f"c:{1_700_000_000 + i}") + TYPE1 for i in range(N_LINES)]
    assert len(lines[0]) + 1 == 65  # 17 (tag block) + 47 (sentence) + LF
    path.write_text("\n".join(lines) + "\n")
    return path


def _streamed(path, whole=None):
    return [pos for pos, _ in iter_ais(path, chunk_bytes=MIB, progress=False, whole=whole)
            if len(pos)]


def test_multi_chunk_read_equals_concatenated_stream(tmp_path):
    path = _write(tmp_path)
    whole = read_ais(path, chunk_bytes=MIB, progress=False).positions
    pd.testing.assert_frame_equal(whole, pd.concat(_streamed(path), ignore_index=True))


def test_multi_chunk_read_keeps_every_row_in_order(tmp_path):
    positions = read_ais(_write(tmp_path), chunk_bytes=MIB, progress=False).positions
    # one row per line, times rising by one second from 1,700,000,000 s (2023-11-14 22:13:20)
    seconds = (positions["timestamp"] - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta("1s")
    assert seconds.tolist() == list(range(1_700_000_000, 1_700_000_000 + N_LINES))


def test_file_is_read_in_three_chunks(tmp_path):
    # 1 MiB = 1,048,576 B = 16,131 lines of 65 B + 61 B; the next read (61 B + 1 MiB)
    # 16,132 lines + 57 B; the last 2,600,000 - 2 x 1,048,576 + 57 = 502,905 B = 7,737 lines
    assert [len(p) for p in _streamed(_write(tmp_path))] == [16131, 16132, 7737]


def test_chunk_tables_are_slices_of_one_arena(tmp_path):
    whole = WholePositions()
    table = whole.table(_streamed(_write(tmp_path), whole))
    assert np.shares_memory(table["lon"].to_numpy(), whole.arena.columns["lon_deg"])


def test_table_refuses_parts_not_built_on_the_arena(tmp_path):
    whole = WholePositions()
    parts = _streamed(_write(tmp_path), whole)
    assert whole.table([*parts[:2], parts[2].copy()]) is None


def test_short_first_chunk_gives_no_arena(tmp_path):
    path = tmp_path / "one.nmea"
    path.write_text(TYPE1 + "\n")  # 48 bytes: below the 512 KiB a rate is read from
    whole = WholePositions()
    _streamed(path, whole)
    assert whole.arena is None

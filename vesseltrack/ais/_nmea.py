"""NMEA 0183 AIS framing: line classification, checksums, receiver time, fragment reassembly.

The framer works on a chunk of lines at a time with column operations (see
:mod:`vesseltrack.ais._lines`: strict sentences straight from the bytes, the rest by pyarrow
regular expressions). Fragments of multi-sentence messages that sit next to each other (the
rule in real feeds) are paired with column operations too; only the others go through a small
Python state machine, which carries over between chunks and files so that an endless stream
keeps a bounded amount of state.

Line grammar understood here::

    [time column][,; ]  [\\tag block\\ ...]  !ttVDM,count,num,seq,chan,payload,fill*hh  [,trailing fields]

Receiver time, in order of precedence: an NMEA 4 tag block ``c:`` (seconds or milliseconds),
a Gatehouse ``$PGHP`` line (or a lone tag block line) just before the sentence, a Unix time
among the fields after the checksum (USCG/AMSA style), or a leading ISO-8601 / Unix time column.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from vesseltrack.ais._compiled import copy_spans, merge_messages
from vesseltrack.ais._lines import (
    AIS_BAD_CS,
    AIS_OK,
    BAD_FRAG,
    BLANK,
    COMMENT,
    MALFORMED,
    NAT,
    OTHER_BAD_CS,
    OTHER_OK,
    TAG_ONLY,
    LineTable,
    SourceTable,
    pack_text,
    parse_lines,
    unpack_text,
)

if TYPE_CHECKING:
    from vesseltrack.ais._report import DecodeReport

_MIN_TIME_NS = pd.Timestamp("2000-01-01", tz="UTC").value
_MAX_PARTS = 9
"""Sentences a message can have (the count field is one digit)."""


@dataclass(frozen=True)
class FramingParams:
    """Bounds of fragment reassembly.

    Attributes
    ----------
    max_fragment_sentences : int
        At most this many AIS sentences (the message's own middle fragments included) may
        come between the first and the last fragment of a multi-sentence message; one still
        incomplete when more have come is dropped (its fragments counted as
        ``orphan_fragments``).
    max_fragment_seconds : float
        A fragment whose receiver time differs from the pending fragments of the same
        message key by more than this does not join them (the pending ones become orphans).
    max_future_hours : float
        Receiver times further than this in the future (from the wall clock) are nulled.
    """

    max_fragment_sentences: int = 1000
    max_fragment_seconds: float = 300.0
    max_future_hours: float = 24.0


@dataclass
class _Pending:
    """A message waiting for fragments: in order (``payloads`` 1..next_num-1), or, for an
    NMEA 4 tag-block group, in any order (``parts``: sentence number -> payload)."""

    first_index: int
    next_num: int
    count: int
    payloads: list[str]
    time_ns: int
    source: str | None
    n_frags: int = 1
    file_index: int = 0
    fill: int = 0
    parts: dict[int, str] | None = None


@dataclass
class _Loose:
    """A continuation fragment near the start of a file with nothing to join yet: its first
    part may be at the end of a file read later."""

    num: int
    payload: str
    fill: int
    time_ns: int
    file_index: int


@dataclass
class Leftovers:
    """Fragments kept at file boundaries: pending messages at file ends (``tails``) and
    continuation fragments near file starts that found nothing to join (``heads``)."""

    tails: dict[tuple, list[_Pending]]
    heads: dict[tuple, list[_Loose]]


class Messages:
    """Complete messages framed from one chunk, in stream order (columns).

    Payloads are byte spans ``starts[i] : starts[i] + lengths[i]`` of the chunk's own bytes
    ``data`` (single-sentence messages: no copy), or, from ``len(data)`` on, of ``extra``
    (joined fragments), as if ``extra`` followed ``data``. ``source`` holds codes into
    ``source_values`` (-1: none).
    """

    def __init__(self, data: np.ndarray | None = None, starts: np.ndarray | None = None,
                 lengths: np.ndarray | None = None, fill_bits: np.ndarray | None = None,
                 time_ns: np.ndarray | None = None, source: np.ndarray | None = None,
                 source_values: list[str] | None = None,
                 extra: np.ndarray | None = None) -> None:
        self.data = data if data is not None else np.zeros(0, dtype=np.uint8)
        self.extra = extra if extra is not None else np.zeros(0, dtype=np.uint8)
        self.starts = starts if starts is not None else np.zeros(0, dtype=np.int64)
        self.lengths = lengths if lengths is not None else np.zeros(0, dtype=np.int64)
        self.fill_bits = fill_bits if fill_bits is not None else np.zeros(0, dtype=np.int64)
        self.time_ns = time_ns if time_ns is not None else np.zeros(0, dtype=np.int64)
        self.source = source if source is not None else np.zeros(0, dtype=np.int32)
        self.source_values = source_values if source_values is not None else []

    def __len__(self) -> int:
        return len(self.starts)

    @classmethod
    def from_strings(cls, payloads: list[str], fill: list[int], time_ns: list[int],
                     sources: list[str | None]) -> Messages:
        table = SourceTable()
        data, starts, lengths = _join_strings(payloads)
        return cls(data, starts, lengths, np.asarray(fill, dtype=np.int64),
                   np.asarray(time_ns, dtype=np.int64),
                   np.asarray([table.code(s) for s in sources], dtype=np.int32), table.values)

    def payload_strings(self, rows: np.ndarray) -> list[str]:
        """Payloads of ``rows`` as Python strings (for the pyais path: few rows)."""
        size = len(self.data)
        return [(self.data[s : s + n] if s < size else self.extra[s - size : s - size + n])
                .tobytes().decode("ascii", "replace")
                for s, n in zip(self.starts[rows].tolist(), self.lengths[rows].tolist(), strict=True)]

    def first_bytes(self, rows: np.ndarray) -> np.ndarray:
        """First byte of the payloads ``rows`` (which must not be empty)."""
        pos = self.starts[rows]
        if not len(self.extra) or not len(self.data):
            return (self.data if len(self.data) else self.extra)[pos]
        size = len(self.data)
        inside = pos < size
        return np.where(inside, self.data[np.where(inside, pos, 0)],
                        self.extra[np.where(inside, 0, pos - size)])

    def source_strings(self) -> np.ndarray:
        """Sources as an object array of str/None."""
        values = np.asarray(self.source_values + [None], dtype=object)
        return values[self.source]  # code -1 picks the trailing None


def _join_strings(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    raw = [t.encode("ascii", "replace") for t in texts]
    lengths = np.asarray([len(b) for b in raw], dtype=np.int64)
    starts = np.zeros(len(raw), dtype=np.int64)
    if len(raw) > 1:
        np.cumsum(lengths[:-1], out=starts[1:])
    return np.frombuffer(b"".join(raw), dtype=np.uint8), starts, lengths



class NMEAFramer:
    """Turn chunks of NMEA lines into complete AIS messages, counting everything.

    State (pending fragments, a pending ``$PGHP`` time) is carried between calls, so a file or
    a stream can be fed chunk by chunk and fragments reassemble across chunk boundaries.

    Parameters
    ----------
    report : DecodeReport
        Counters updated in place.
    params : FramingParams
        Reassembly bounds.
    now_ns : int, optional
        "Now" for the future-time check (ns since epoch); wall clock by default.
    byte_path : bool
        Parse strict sentences straight from the bytes (default). False sends every line
        through the regular expressions and every fragment through the state machine: the
        reference the tests compare the fast path with.
    """

    def __init__(self, report: DecodeReport, params: FramingParams | None = None,
                 now_ns: int | None = None, byte_path: bool = True) -> None:
        self.report = report
        self.params = params or FramingParams()
        now = pd.Timestamp.now(tz="UTC").value if now_ns is None else now_ns
        self._max_time_ns = now + int(self.params.max_future_hours * 3600e9)
        self._window_ns = int(self.params.max_fragment_seconds * 1e9)
        self._byte_path = byte_path
        self._pending: OrderedDict[tuple, _Pending] = OrderedDict()
        self._sentence_index = 0
        # Fragments at file boundaries, matched across files in any order (see start_file).
        self._file_index = 0
        self._file_start = 0
        self._tails: dict[tuple, list[_Pending]] = {}
        self._heads: dict[tuple, list[_Loose]] = {}
        self._carry_time_ns = NAT  # from a $PGHP or lone tag block at the end of a chunk
        self._carry_source: str | None = None

    # -- public -----------------------------------------------------------------------------
    def feed(self, lines: pa.Array | list[str], non_ascii: np.ndarray | None = None) -> Messages:
        """Frame a chunk of lines and return the complete messages.

        ``lines`` is an Arrow string array or a list of str; leading/trailing whitespace
        (including CR/LF terminators) is ignored. ``non_ascii`` flags lines that held bytes
        outside ASCII (replaced before they got here): such a line is never a valid sentence.
        """
        report = self.report
        n = len(lines)
        report.lines += n
        if n == 0:
            return Messages()
        arr = lines if isinstance(lines, pa.Array) else pa.array(lines, type=pa.large_string())
        sources = SourceTable()
        table = parse_lines(arr, non_ascii, sources, byte_path=self._byte_path)
        tally = np.bincount(table.cls, minlength=MALFORMED + 1)
        report.blank += int(tally[BLANK])
        report.comments += int(tally[COMMENT])
        report.other_nmea += int(tally[OTHER_OK] + tally[TAG_ONLY])
        report.bad_checksum += int(tally[AIS_BAD_CS] + tally[OTHER_BAD_CS])
        report.malformed += int(tally[MALFORMED] + tally[BAD_FRAG])
        report.sentences += int(tally[AIS_OK])
        report.bad_tag_checksum += table.bad_tag_checksum

        ais_ok = table.cls == AIS_OK
        time_ns, src = self._carried_times(table, ais_ok, sources)
        idx = np.flatnonzero(ais_ok)
        if len(idx) == 0:
            return Messages()
        if len(idx) == n:  # every line a valid sentence: no gathers
            return self._assemble(table, idx, time_ns, src, sources)
        return self._assemble(table, idx, time_ns[idx], src[idx], sources)

    def start_file(self, file_index: int | None = None) -> None:
        """Mark the start of a new file.

        Multi-sentence messages may be split across files, and files may come in any order:
        fragments left pending at the end of a file, and continuation fragments near the start
        of a file (within ``max_fragment_sentences``) that begin no message of their own, are
        kept aside and matched across files at :meth:`flush` (so a message split across files
        comes after the rest, whichever engine reads the files). ``file_index`` numbers the file
        (by default one more than the last); fragments of one file never join each other
        across this path.

        A ``$PGHP`` line or lone tag block at the end of the previous file gives its time to
        no sentence of this one: files may come in any order, and every engine (the store's
        ingest, the Dask engine) frames each file on its own, so a time carried across files
        would be wrong in one order and differ between engines. The sentence that starts
        this file without a time of its own is counted ``untimed``.
        """
        self._park_pending()
        self._carry_time_ns = NAT
        self._carry_source = None
        self._file_index = self._file_index + 1 if file_index is None else file_index
        self._file_start = self._sentence_index

    def take_leftovers(self) -> Leftovers:
        """Hand over the fragments kept for matching across files, without counting them.

        For engines that frame files in separate processes: gather every file's leftovers and
        join them with :meth:`join_leftovers`.
        """
        self._park_pending()
        out = Leftovers(self._tails, self._heads)
        self._tails, self._heads = {}, {}
        return out

    def flush(self) -> Messages:
        """End of input: join fragments across file boundaries; count the rest as orphans.

        Returns
        -------
        Messages
            Messages completed only now (their fragments were in different files).
        """
        return self.join_leftovers([self.take_leftovers()])

    def join_leftovers(self, parts: list[Leftovers]) -> Messages:
        """Join fragments kept aside at file boundaries (of one or many framers).

        Fragments that complete a message across two files make the returned messages; every
        other one is counted in ``report.orphan_fragments``. Parts are matched in the order
        given, so the result does not depend on which process framed which file.
        """
        tails_by_key: dict[tuple, list[_Pending]] = {}
        heads_by_key: dict[tuple, list[_Loose]] = {}
        for part in parts:
            for key, tails in part.tails.items():
                tails_by_key.setdefault(key, []).extend(tails)
            for key, heads in part.heads.items():
                heads_by_key.setdefault(key, []).extend(heads)
        late: dict[str, list] = {"payload": [], "fill": [], "time": [], "source": []}
        for key, tails in tails_by_key.items():
            heads = heads_by_key.get(key, [])
            for tail in tails:
                while tail.next_num <= tail.count:
                    match = next((h for h in heads if h.num == tail.next_num
                                  and h.file_index != tail.file_index
                                  and self._close_in_time(tail.time_ns, h.time_ns)), None)
                    if match is None:
                        break
                    heads.remove(match)
                    tail.payloads.append(match.payload)
                    tail.n_frags += 1
                    tail.next_num += 1
                    if tail.time_ns == NAT:
                        tail.time_ns = match.time_ns
                    if tail.next_num > tail.count:
                        late["payload"].append("".join(tail.payloads))
                        late["fill"].append(match.fill)
                        late["time"].append(tail.time_ns)
                        late["source"].append(tail.source)
                        tail.n_frags = 0
                if tail.n_frags:
                    self.report.orphan_fragments += tail.n_frags
        for heads in heads_by_key.values():
            self.report.orphan_fragments += len(heads)
        return Messages.from_strings(late["payload"], late["fill"], late["time"], late["source"])

    def _park_pending(self) -> None:
        for key, pending in self._pending.items():
            if pending.parts is None:
                self._tails.setdefault(key, []).append(pending)
                continue
            # a tag-block group: parts 1..k wait for the rest in another file (a tail); parts
            # k..count without the first may be the end of a message begun in another file
            # (heads); any other set cannot be completed across files
            nums = sorted(pending.parts)
            if nums == list(range(1, len(nums) + 1)):
                pending.payloads = [pending.parts[k] for k in nums]
                pending.next_num = len(nums) + 1
                pending.parts = None
                self._tails.setdefault(key, []).append(pending)
            elif not self._park_heads(key, pending):
                self.report.orphan_fragments += pending.n_frags
        self._pending.clear()

    def _park_heads(self, key: tuple, pending: _Pending) -> bool:
        """Keep a tag-block group's parts k..count (without the first) aside as heads, the
        possible end of a message begun in another file; False for any other set of parts."""
        assert pending.parts is not None
        nums = sorted(pending.parts)
        if nums != list(range(nums[0], pending.count + 1)):
            return False
        self._heads.setdefault(key, []).extend(
            _Loose(k, pending.parts[k], pending.fill if k == pending.count else 0,
                   pending.time_ns, pending.file_index) for k in nums)
        return True

    def _close_in_time(self, a: int, b: int) -> bool:
        return a == NAT or b == NAT or abs(a - b) <= self._window_ns

    def validate_times(self, time_ns: np.ndarray) -> np.ndarray:
        """Null receiver times before 2000 or too far in the future; count them."""
        t = np.asarray(time_ns, dtype=np.int64)
        present = t != NAT
        bad = present & ((t < _MIN_TIME_NS) | (t > self._max_time_ns))
        self.report.bad_time += int(bad.sum())
        t = t.copy()
        t[bad] = NAT
        self.report.untimed += int((t == NAT).sum())
        return t

    def _fragment(self, key: tuple, num: int, count: int, payload: str, t: int,
                  source: str | None, fill: int = 0) -> _Pending | None:
        if key[5] is not None:
            return self._group_fragment(key, num, count, payload, t, source, fill)
        pending = self._pending.get(key)
        if num == 1:
            if pending is not None:
                self.report.orphan_fragments += pending.n_frags
                del self._pending[key]
            self._pending[key] = _Pending(self._sentence_index, 2, count, [payload], t, source,
                                          file_index=self._file_index)
            return None
        if pending is not None and not self._close_in_time(t, pending.time_ns):
            # Same key, but too far apart in receiver time to be one message.
            self.report.orphan_fragments += pending.n_frags
            del self._pending[key]
            pending = None
        if pending is not None and pending.next_num != num:
            self.report.orphan_fragments += pending.n_frags
            del self._pending[key]
            pending = None
        if pending is None:
            near_start = self._sentence_index - self._file_start <= self.params.max_fragment_sentences
            if not near_start:
                self.report.orphan_fragments += 1
                return None
            # Near the start of a file: the message may have begun at the end of another
            # file. Kept aside and matched at the end (join_leftovers), as when files are
            # framed in separate processes: every engine then gives one table order.
            self._heads.setdefault(key, []).append(
                _Loose(num, payload, fill, t, self._file_index))
            return None
        pending.payloads.append(payload)
        pending.n_frags += 1
        pending.next_num += 1
        if pending.time_ns == NAT and t != NAT:
            pending.time_ns = t
        if pending.next_num > count:
            del self._pending[key]
            pending.fill = fill
            return pending
        return None

    def _group_fragment(self, key: tuple, num: int, count: int, payload: str, t: int,
                        source: str | None, fill: int) -> _Pending | None:
        """A fragment of an NMEA 4 tag-block group (``g:`` or ``nGn:``).

        The group id names the message, so its sentences join in any order. In real feeds
        only the group's first sentence carries the ``c:`` time and ``s:`` source: the message
        takes them (or, where the first has none, those of any other sentence).
        """
        pending = self._pending.get(key)
        if pending is not None and (num in pending.parts  # type: ignore[operator]
                                    or not self._close_in_time(t, pending.time_ns)):
            # a part already held (a new message reusing the group id), or too far in time
            self.report.orphan_fragments += pending.n_frags
            del self._pending[key]
            pending = None
        if pending is None:
            # (near a file's start, parts without the first may end a message begun in
            # another file: they wait here and are parked as heads at the file's end)
            pending = _Pending(self._sentence_index, 0, count, [], NAT, None, n_frags=0,
                               file_index=self._file_index, parts={})
            self._pending[key] = pending
        parts = pending.parts
        assert parts is not None
        parts[num] = payload
        pending.n_frags += 1
        if t != NAT and (num == 1 or pending.time_ns == NAT):
            pending.time_ns = t
        if source is not None and (num == 1 or pending.source is None):
            pending.source = source
        if num == count:
            pending.fill = fill
        if len(parts) < count:
            return None
        del self._pending[key]
        pending.payloads = [parts[k] for k in range(1, count + 1)]
        return pending

    def _evict(self) -> None:
        limit_idx = self._sentence_index - self.params.max_fragment_sentences
        while self._pending:
            key, oldest = next(iter(self._pending.items()))
            if oldest.first_index >= limit_idx:
                break
            del self._pending[key]
            # a group's last parts near the start of the file may end a message begun in
            # another file: kept as heads, as at the file's end
            near_start = (oldest.first_index - self._file_start
                          <= self.params.max_fragment_sentences)
            if not (oldest.parts is not None and near_start
                    and self._park_heads(key, oldest)):
                self.report.orphan_fragments += oldest.n_frags

    # -- internals --------------------------------------------------------------------------
    def _carried_times(self, table: LineTable, ais_ok: np.ndarray,
                       sources: SourceTable) -> tuple[np.ndarray, np.ndarray]:
        """Time and source of each line, with those a ``$PGHP`` line or a lone tag block gives
        the AIS sentence right after it (the nearest preceding non-blank line)."""
        carrier = table.carrier
        if not (carrier.any() or self._carry_time_ns != NAT or self._carry_source is not None):
            return table.time_ns, table.src  # nothing to carry: the lines' own (not copied)
        time_ns = table.time_ns.copy()
        source = table.src.copy()
        n = len(time_ns)
        line_idx = np.flatnonzero(table.cls != BLANK)
        prev_pos = np.full(n, -1, dtype=np.int64)
        prev_pos[line_idx[1:]] = line_idx[:-1]
        from_prev = ais_ok & (time_ns == NAT) & (prev_pos >= 0)
        from_prev[from_prev] = carrier[prev_pos[from_prev]]
        time_ns[from_prev] = table.carrier_time[prev_pos[from_prev]]
        src_fill = from_prev & (source < 0)
        source[src_fill] = table.carrier_src[prev_pos[src_fill]]
        if len(line_idx):
            first = line_idx[0]
            if ais_ok[first] and time_ns[first] == NAT:
                time_ns[first] = self._carry_time_ns
                if source[first] < 0:
                    source[first] = sources.code(self._carry_source)
            last = line_idx[-1]
            self._carry_time_ns = int(table.carrier_time[last]) if carrier[last] else NAT
            self._carry_source = sources.value(int(table.carrier_src[last])) if carrier[last] else None
        return time_ns, source

    def _assemble(self, table: LineTable, idx: np.ndarray, tns: np.ndarray, src: np.ndarray,
                  sources: SourceTable) -> Messages:
        """Messages of a chunk's valid sentences ``idx`` (times/sources already carried)."""
        data = table.data
        all_lines = len(idx) == len(table.cls)
        cnt = table.count if all_lines else table.count[idx]
        base = self._sentence_index
        multi = np.flatnonzero(cnt > 1)
        if len(multi) == 0 and all_lines:
            # every line a single-sentence message: the columns as they are
            self._sentence_index = base + len(idx)
            if self._pending:
                self._evict()
            return Messages(data, table.pay_start, table.pay_len, table.fill, tns, src,
                            sources.values)
        # Messages that end at a fragment (joined runs, then those of the state machine), in
        # the order of their last fragment within each kind; merge_messages interleaves them
        # with the single-sentence messages in stream order.
        end_at: list[np.ndarray] = []
        starts: list[np.ndarray] = []
        lengths: list[np.ndarray] = []
        fills: list[np.ndarray] = []
        times: list[np.ndarray] = []
        srcs: list[np.ndarray] = []
        extra: list[np.ndarray] = []
        extra_size = len(data)
        if len(multi):
            line = idx[multi]
            key_cols = (table.src[line], table.addr[line], table.chan[line], table.seq[line])
            has_gid = np.zeros(len(multi), dtype=bool)
            if table.gid:
                has_gid = np.isin(line, np.fromiter(table.gid, dtype=np.int64))
            run_at, run_len, covered = _clean_runs(
                multi, table.num[line], cnt[multi], key_cols, tns[multi], has_gid,
                self._window_ns, self.params.max_fragment_sentences + 1)
            if len(run_at):
                # joined payloads of the runs, appended after the chunk's bytes
                frag = line[covered]
                joined = copy_spans(data, table.pay_start[frag], table.pay_len[frag])
                run_first = np.zeros(len(run_at), dtype=np.int64)
                np.cumsum(run_len[:-1], out=run_first[1:])
                frag_len = table.pay_len[frag]
                msg_len = np.add.reduceat(frag_len, run_first)
                msg_start = np.zeros(len(run_at), dtype=np.int64)
                np.cumsum(msg_len[:-1], out=msg_start[1:])
                last = run_at + run_len - 1
                end_at.append(multi[last])
                starts.append(extra_size + msg_start)
                lengths.append(msg_len)
                fills.append(table.fill[idx[multi[last]]])
                times.append(tns[multi[run_at]])
                srcs.append(src[multi[run_at]])
                extra.append(joined)
                extra_size += len(joined)
            dirty = np.flatnonzero(~covered)
            if len(dirty) or self._pending:
                done = self._state_machine(table, idx, multi, dirty, run_at, tns, src, sources,
                                           base)
                if done is not None:
                    d_at, d_payload, d_fill, d_time, d_src = done
                    blob, d_start, d_len = _join_strings(d_payload)
                    end_at.append(d_at)
                    starts.append(extra_size + d_start)
                    lengths.append(d_len)
                    fills.append(d_fill)
                    times.append(d_time)
                    srcs.append(d_src)
                    extra.append(blob)
                    extra_size += len(blob)
        self._sentence_index = base + len(idx)
        if self._pending:
            self._evict()
        extra_data = np.concatenate(extra) if extra else None  # the chunk's bytes: no copy
        # where each message that ends at a fragment goes: -1 for the other sentences
        end_ref = np.full(len(idx), -1, dtype=np.int64)
        offset = 0
        for group in end_at:
            end_ref[group] = np.arange(offset, offset + len(group))
            offset += len(group)
        ends = [np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
                for parts, dtype in ((starts, np.int64), (lengths, np.int64),
                                     (fills, np.int64), (times, np.int64), (srcs, np.int32))]
        columns = merge_messages(idx, cnt, table.pay_start, table.pay_len, table.fill, tns, src,
                                 end_ref, *ends)
        return Messages(data, *columns, sources.values, extra_data)

    def _key(self, table: LineTable, line: int, sources: SourceTable) -> tuple:
        chan = int(table.chan[line])
        seq = int(table.seq[line])
        gid = table.gid.get(line)
        # a group's sentences after the first carry no s: (NMEA 4): the group id, not the
        # source, ties them to the first
        source = sources.value(int(table.src[line])) if gid is None else None
        return (source, unpack_text(int(table.addr[line]), 5), chr(chan) if chan else "",
                str(seq) if seq >= 0 else "", int(table.count[line]), gid)

    def _state_machine(self, table: LineTable, idx: np.ndarray, multi: np.ndarray,
                       dirty: np.ndarray, run_at: np.ndarray, tns: np.ndarray, src: np.ndarray,
                       sources: SourceTable, base: int):
        """Fragments that are not in a clean run, one by one, in stream order.

        A clean run that starts a message under the key of a pending message ends that one
        (its fragments become orphans), exactly as if the run had gone through here.
        """
        dirty_keys = {self._key(table, int(idx[multi[j]]), sources) for j in dirty.tolist()}
        dirty_keys.update(self._pending)
        markers = np.zeros(0, dtype=np.int64)
        if len(run_at) and dirty_keys:
            # cheap prefilter on the packed address and count, then exact keys
            addr = table.addr[idx[multi[run_at]]]
            cnt = table.count[idx[multi[run_at]]]
            wanted_addr = pack_text([k[1] for k in dirty_keys])
            wanted_cnt = np.asarray([k[4] for k in dirty_keys])
            maybe = np.flatnonzero(np.isin(addr, wanted_addr) & np.isin(cnt, wanted_cnt))
            markers = np.asarray([r for r in run_at[maybe].tolist()
                                  if self._key(table, int(idx[multi[r]]), sources) in dirty_keys],
                                 dtype=np.int64)
        events = np.concatenate([dirty, markers])
        is_marker = np.concatenate([np.zeros(len(dirty), bool), np.ones(len(markers), bool)])
        order = np.argsort(events, kind="stable")
        d_at: list[int] = []
        d_payload: list[str] = []
        d_fill: list[int] = []
        d_time: list[int] = []
        d_src: list[int] = []
        for j, marker in zip(events[order].tolist(), is_marker[order].tolist(), strict=True):
            k = int(multi[j])
            line = int(idx[k])
            self._sentence_index = base + k
            if self._pending:
                self._evict()
            self._sentence_index += 1
            key = self._key(table, line, sources)
            if marker:
                stale = self._pending.pop(key, None)
                if stale is not None:
                    self.report.orphan_fragments += stale.n_frags
                continue
            t = int(tns[k])
            start = int(table.pay_start[line])
            payload = table.data[start : start + int(table.pay_len[line])].tobytes().decode("ascii")
            fill = int(table.fill[line])
            done = self._fragment(key, int(table.num[line]), int(table.count[line]), payload, t,
                                  sources.value(int(src[k])), fill)
            if done is not None:
                d_at.append(k)
                d_payload.append("".join(done.payloads))
                d_fill.append(done.fill)
                d_time.append(done.time_ns if done.time_ns != NAT else t)
                d_src.append(sources.code(done.source))
        if not d_at:
            return None
        return (np.asarray(d_at, dtype=np.int64), d_payload, np.asarray(d_fill, dtype=np.int64),
                np.asarray(d_time, dtype=np.int64), np.asarray(d_src, dtype=np.int32))



def _clean_runs(k: np.ndarray, num: np.ndarray, cnt: np.ndarray, key_cols: tuple,
                t: np.ndarray, has_gid: np.ndarray, window_ns: int,
                max_gap: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Find runs of fragments that make a message with nothing else in between.

    Over the fragments of a chunk (``k``: sentence positions, ascending), a run is fragments
    ``1..count`` of one key at consecutive places, within ``max_gap`` sentences and the time
    window of the first (or all without time), and without a group tag. The state machine
    would join exactly these, whatever else is pending.

    Returns
    -------
    run_at : ndarray
        Index (into the fragments) of each run's first fragment.
    run_len : ndarray
        Fragments in each run.
    covered : ndarray of bool
        Fragments that belong to a run.
    """
    m = len(k)
    cand = np.flatnonzero((num == 1) & ~has_gid)
    ok = np.ones(len(cand), dtype=bool)
    c0 = cnt[cand]
    t0 = t[cand]
    t0_safe = np.where(t0 == NAT, 0, t0)
    for j in range(1, _MAX_PARTS):
        need = np.flatnonzero(ok & (c0 > j))
        if len(need) == 0:
            break
        r = cand[need]
        q = r + j
        inside = q < m
        q = np.minimum(q, m - 1)
        good = (inside & (num[q] == j + 1) & (cnt[q] == cnt[r]) & ~has_gid[q]
                & (k[q] - k[r] <= max_gap))
        for col in key_cols:
            good &= col[q] == col[r]
        tq = t[q]
        tr = t0[need]
        near = np.abs(np.where(tq == NAT, t0_safe[need], tq) - t0_safe[need]) <= window_ns
        good &= np.where(tr == NAT, tq == NAT, near)
        ok[need[~good]] = False
    run_at = cand[ok]
    run_len = c0[ok].astype(np.int64)
    covered = np.zeros(m, dtype=bool)
    if len(run_at):
        offsets = np.zeros(len(run_at), dtype=np.int64)
        np.cumsum(run_len[:-1], out=offsets[1:])
        members = np.repeat(run_at - offsets, run_len) + np.arange(int(run_len.sum()))
        covered[members] = True
    return run_at, run_len, covered

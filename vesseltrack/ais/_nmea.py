"""NMEA 0183 AIS framing: line classification, checksums, receiver time, fragment reassembly.

The framer works on a chunk of lines at a time with column operations (pyarrow regular
expressions, NumPy checksums); only the fragments of multi-sentence messages go through a
small Python state machine, which carries over between chunks and files so that an endless
stream keeps a bounded amount of state.

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
import pyarrow.compute as pc

if TYPE_CHECKING:
    from vesseltrack.io._report import DecodeReport

# ---------------------------------------------------------------------------------------------
# Regular expressions (RE2 syntax, applied to whole columns by pyarrow)

_AIS_RE = (
    r"^(?P<pre>[^\\!$#]*)"
    r"(?P<tags>(?:\\[^\\]*\\)*)"
    r"!(?P<body>(?P<addr>[A-Za-z0-9-]{2}VD[MO]),(?P<count>[1-9]),(?P<num>[1-9]),(?P<seq>[0-9]?),"
    r"(?P<chan>[A-Za-z0-9]?),(?P<payload>[0-W`-w]*),(?P<fill>[0-5]))"
    r"\*(?P<cs>[0-9A-Fa-f]{2})(?P<trail>[^!]*)$"
)
_AIS_LOOSE_RE = r"![A-Za-z0-9-]{2}VD[MO]"
_OTHER_NMEA_RE = (
    r"^(?:\\[^\\]*\\)*[$!](?P<obody>[A-Za-z0-9]{3,6},[^*]*)\*(?P<ocs>[0-9A-Fa-f]{2})[ \t]*$"
)
_TAG_ONLY_RE = r"^(?:\\[^\\]*\\)+[ \t]*$"
_FIRST_TAG_RE = r"^\\(?P<tbody>[^\\*]*)\*(?P<tcs>[0-9A-Fa-f]{2})\\"
_TAG_TIME_RE = r"(?:^|[\\,])c:(?P<c>[0-9]{9,13})"
_TAG_SOURCE_RE = r"(?:^|[\\,])s:(?P<s>[^,*\\]*)"
_TAG_GROUP_RE = r"(?:^|[\\,])(?:g:(?P<gn>[0-9]+)-(?P<gc>[0-9]+)-(?P<gid>[0-9]+)|(?P<gn4>[0-9]+)G(?P<gc4>[0-9]+):(?P<gid4>[0-9]+))"
_TRAIL_TIME_RE = r",(?P<t>[0-9]{10}|[0-9]{13})(?:\.[0-9]*)?(?:,|[ \t]*$)"
_TRAIL_SOURCE_RE = r",r(?P<r>[A-Za-z0-9_.-]+)"
_PGHP_RE = (
    r"^\$PGHP,1,(?P<y>[0-9]{4}),(?P<mo>[0-9]{1,2}),(?P<d>[0-9]{1,2}),(?P<h>[0-9]{1,2}),"
    r"(?P<mi>[0-9]{1,2}),(?P<s>[0-9]{1,2}),(?P<ms>[0-9]{1,3}),(?P<cc>[^,]*),(?P<reg>[^,]*),"
    r"(?P<src>[^,]*),"
)

_MIN_TIME_NS = pd.Timestamp("2000-01-01", tz="UTC").value
_HEX = np.full(256, -1, dtype=np.int16)
for _i, _c in enumerate(b"0123456789ABCDEF"):
    _HEX[_c] = _i
for _i, _c in enumerate(b"abcdef"):
    _HEX[_c] = 10 + _i


@dataclass(frozen=True)
class FramingParams:
    """Bounds of fragment reassembly.

    Attributes
    ----------
    max_fragment_sentences : int
        A multi-sentence message still incomplete after this many further AIS sentences is
        dropped (its fragments counted as ``orphan_fragments``).
    max_fragment_seconds : float
        A fragment whose receiver time differs from the pending fragments of the same
        message key by more than this does not join them (the pending ones become orphans).
    max_future_hours : float
        Receiver times further than this in the future (from the wall clock) are nulled.
    """

    max_fragment_sentences: int = 1000
    max_fragment_seconds: float = 300.0
    max_future_hours: float = 24.0


def _xor_reduce(strings: pa.Array) -> np.ndarray:
    """XOR of the bytes of each string (the NMEA checksum), vectorised; -1 for null/empty."""
    n = len(strings)
    out = np.full(n, -1, dtype=np.int16)
    if n == 0:
        return out
    offsets, data = _binary_parts(strings)
    valid = np.diff(offsets) > 0
    if strings.null_count:
        valid &= np.asarray(strings.is_valid())
    if valid.any():
        # reduceat over [start, end) pairs: every odd slot is a segment we discard.
        idx = np.empty(2 * int(valid.sum()), dtype=np.int64)
        idx[0::2] = offsets[:-1][valid]
        idx[1::2] = offsets[1:][valid]
        padded = np.append(data, np.uint8(0))
        out[valid] = np.bitwise_xor.reduceat(padded, idx)[0::2]
    return out


def _binary_parts(strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, data) of a string array as NumPy views (large_binary layout)."""
    arr = pc.cast(strings, pa.large_binary())
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    n = len(arr)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    return offsets, data


def _hex_pair(strings: pa.Array) -> np.ndarray:
    """Parse two-character hex strings to ints, vectorised; -1 where null or invalid."""
    n = len(strings)
    out = np.full(n, -1, dtype=np.int16)
    if n == 0:
        return out
    offsets, data = _binary_parts(strings)
    ok = np.diff(offsets) == 2
    if strings.null_count:
        ok &= np.asarray(strings.is_valid())
    start = offsets[:-1][ok]
    hi = _HEX[data[start]]
    lo = _HEX[data[start + 1]]
    val = np.where((hi >= 0) & (lo >= 0), hi * 16 + lo, -1)
    out[ok] = val
    return out


def _to_int(strings: pa.Array) -> np.ndarray:
    """Digits → int64 (0 where null)."""
    return np.asarray(pc.fill_null(pc.cast(pc.fill_null(strings, "0"), pa.int64()), 0))


def _unix_to_ns(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Unix seconds or milliseconds (13 digits) → ns since epoch; NaT-int where absent."""
    out = np.full(len(values), np.iinfo(np.int64).min, dtype=np.int64)
    ms = present & (values >= 100_000_000_000)
    s = present & ~ms
    out[s] = values[s] * 1_000_000_000
    out[ms] = values[ms] * 1_000_000
    return out


_NAT = np.iinfo(np.int64).min


@dataclass
class _Pending:
    first_index: int
    first_time_ns: int
    next_num: int
    count: int
    payloads: list[str]
    time_ns: int
    source: str | None
    n_frags: int = 1
    file_index: int = 0


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
@dataclass
class Leftovers:
    """Fragments kept at file boundaries: pending messages at file ends (``tails``) and
    continuation fragments near file starts that found nothing to join (``heads``)."""

    tails: dict[tuple, list[_Pending]]
    heads: dict[tuple, list[_Loose]]


class Messages:
    """Complete messages framed from one chunk, in stream order (columns)."""

    def __init__(self, payload: pa.Array | None = None, fill_bits: np.ndarray | None = None,
                 time_ns: np.ndarray | None = None, source: np.ndarray | None = None) -> None:
        self.payload = payload if payload is not None else pa.array([], type=pa.large_string())
        self.fill_bits = fill_bits if fill_bits is not None else np.zeros(0, dtype=np.int64)
        self.time_ns = time_ns if time_ns is not None else np.zeros(0, dtype=np.int64)
        self.source = source if source is not None else np.zeros(0, dtype=object)

    def __len__(self) -> int:
        return len(self.payload)


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
    """

    def __init__(self, report: DecodeReport, params: FramingParams | None = None,
                 now_ns: int | None = None) -> None:
        self.report = report
        self.params = params or FramingParams()
        now = pd.Timestamp.now(tz="UTC").value if now_ns is None else now_ns
        self._max_time_ns = now + int(self.params.max_future_hours * 3600e9)
        self._window_ns = int(self.params.max_fragment_seconds * 1e9)
        self._pending: OrderedDict[tuple, _Pending] = OrderedDict()
        self._sentence_index = 0
        # Fragments at file boundaries, matched across files in any order (see start_file).
        self._file_index = 0
        self._file_start = 0
        self._tails: dict[tuple, list[_Pending]] = {}
        self._heads: dict[tuple, list[_Loose]] = {}
        self._carry_time_ns = _NAT  # from a $PGHP or lone tag block at the end of a chunk
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
        out = Messages()
        if n == 0:
            return out
        arr = lines if isinstance(lines, pa.Array) else pa.array(lines, type=pa.large_string())
        stripped = pc.utf8_trim_whitespace(arr)
        blank = np.asarray(pc.equal(pc.utf8_length(stripped), 0))
        comment = np.asarray(pc.starts_with(stripped, "#"))
        ais = pc.extract_regex(stripped, _AIS_RE)
        is_ais = np.asarray(ais.is_valid())
        if non_ascii is not None:
            is_ais &= ~non_ascii

        # Non-AIS lines (usually few; examined as a subset): other NMEA (incl. $PGHP), lone
        # tag blocks, or malformed.
        rest = ~(blank | comment | is_ais)
        is_other = np.zeros(n, dtype=bool)
        other_ok = np.zeros(n, dtype=bool)
        tag_only = np.zeros(n, dtype=bool)
        rest_idx = np.flatnonzero(rest)
        if len(rest_idx):
            sub = stripped.take(pa.array(rest_idx))
            other = pc.extract_regex(sub, _OTHER_NMEA_RE)
            # A line that looks like a VDM/VDO but fails the strict grammar is malformed, even
            # if it would pass as "another NMEA sentence".
            o_valid = np.asarray(other.is_valid()) & ~np.asarray(
                pc.match_substring_regex(sub, _AIS_LOOSE_RE))
            o_ok = o_valid & (_xor_reduce(pc.struct_field(other, "obody"))
                              == _hex_pair(pc.struct_field(other, "ocs")))
            t_only = np.asarray(pc.match_substring_regex(sub, _TAG_ONLY_RE))
            if non_ascii is not None:
                clean = ~non_ascii[rest_idx]
                o_valid &= clean
                o_ok &= clean
                t_only &= clean
            is_other[rest_idx] = o_valid
            other_ok[rest_idx] = o_ok
            tag_only[rest_idx] = t_only
        malformed = rest & ~is_other & ~tag_only

        # Checksums of AIS sentences.
        ais_ok = is_ais.copy()
        if is_ais.any():
            body = pc.struct_field(ais, "body")
            ais_ok = is_ais & (_xor_reduce(body) == _hex_pair(pc.struct_field(ais, "cs")))

        # Impossible fragment numbers: num > count.
        count = _to_int(pc.struct_field(ais, "count"))
        num = _to_int(pc.struct_field(ais, "num"))
        bad_frag = ais_ok & (num > count)
        ais_ok &= ~bad_frag

        report.blank += int(blank.sum())
        report.comments += int(comment.sum())
        report.other_nmea += int(other_ok.sum() + tag_only.sum())
        report.bad_checksum += int((is_ais & ~ais_ok & ~bad_frag).sum() + (is_other & ~other_ok).sum())
        report.malformed += int(malformed.sum() + bad_frag.sum())
        report.sentences += int(ais_ok.sum())

        # ---- receiver time per line --------------------------------------------------------
        time_ns, source, key_source = self._line_times(stripped, ais, ais_ok, other_ok, tag_only)

        idx = np.flatnonzero(ais_ok)
        if len(idx) == 0:
            return out
        take = pa.array(idx)
        payload = pc.struct_field(ais, "payload").take(take)
        fill = _to_int(pc.struct_field(ais, "fill"))[idx]
        cnt = count[idx]
        tns = time_ns[idx]
        src = source[idx]
        base = self._sentence_index
        multi = np.flatnonzero(cnt > 1)
        # Single-sentence messages pass straight through, as columns; only the fragments of
        # multi-sentence messages go through the reassembly state machine.
        done_at: list[int] = []
        done_payload: list[str] = []
        done_fill: list[int] = []
        done_time: list[int] = []
        done_src: list[str | None] = []
        if len(multi):
            mtake = pa.array(idx[multi])
            m_payload = payload.take(pa.array(multi)).to_pylist()
            addr = pc.struct_field(ais, "addr").take(mtake).to_pylist()
            seq = pc.struct_field(ais, "seq").take(mtake).to_pylist()
            chan = pc.struct_field(ais, "chan").take(mtake).to_pylist()
            gid = self._group_ids(ais, idx[multi])
            ksrc = key_source[idx[multi]].tolist()
            nm = num[idx[multi]].tolist()
            for j, k in enumerate(multi.tolist()):
                self._sentence_index = base + k
                if self._pending:
                    self._evict()
                self._sentence_index += 1
                t = int(tns[k])
                c = int(cnt[k])
                key = (ksrc[j], addr[j], chan[j], seq[j], c, gid[j])
                done = self._fragment(key, nm[j], c, m_payload[j], t, src[k], int(fill[k]))
                if done is not None:
                    done_at.append(k)
                    done_payload.append("".join(done.payloads))
                    done_fill.append(int(fill[k]))
                    done_time.append(done.time_ns if done.time_ns != _NAT else t)
                    done_src.append(done.source)
        self._sentence_index = base + len(idx)
        if self._pending:
            self._evict()
        singles = np.flatnonzero(cnt == 1)
        if len(done_at) == 0:
            out.payload = payload.take(pa.array(singles)) if len(multi) else payload
            out.fill_bits = fill[singles]
            out.time_ns = tns[singles]
            out.source = src[singles]
            return out
        # Messages in stream order: by the position of their last sentence.
        at = np.concatenate([singles, np.asarray(done_at, dtype=np.int64)])
        order = np.argsort(at, kind="stable")
        out.payload = pa.concat_arrays([
            payload.take(pa.array(singles)),
            pa.array(done_payload, type=pa.large_string()),
        ]).take(pa.array(order))
        out.fill_bits = np.concatenate([fill[singles], done_fill])[order]
        out.time_ns = np.concatenate([tns[singles], np.asarray(done_time, dtype=np.int64)])[order]
        out.source = np.concatenate([src[singles], np.asarray(done_src + [None], dtype=object)[:-1]])[order]
        return out

    def start_file(self, file_index: int | None = None) -> None:
        """Mark the start of a new file.

        Multi-sentence messages may be split across files, and files may come in any order:
        fragments left pending at the end of a file, and continuation fragments near the start
        of a file (within ``max_fragment_sentences``) that found nothing to join, are kept
        aside and matched across files at :meth:`flush`. ``file_index`` numbers the file
        (by default one more than the last); fragments of one file never join each other
        across this path.
        """
        self._park_pending()
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
                    if tail.time_ns == _NAT:
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
        return Messages(pa.array(late["payload"], type=pa.large_string()),
                        np.asarray(late["fill"], dtype=np.int64),
                        np.asarray(late["time"], dtype=np.int64),
                        np.asarray(late["source"] + [None], dtype=object)[:-1])

    def _park_pending(self) -> None:
        for key, pending in self._pending.items():
            self._tails.setdefault(key, []).append(pending)
        self._pending.clear()

    def _close_in_time(self, a: int, b: int) -> bool:
        return a == _NAT or b == _NAT or abs(a - b) <= self._window_ns

    def validate_times(self, time_ns: np.ndarray) -> np.ndarray:
        """Null receiver times before 2000 or too far in the future; count them."""
        t = np.asarray(time_ns, dtype=np.int64)
        present = t != _NAT
        bad = present & ((t < _MIN_TIME_NS) | (t > self._max_time_ns))
        self.report.bad_time += int(bad.sum())
        t = t.copy()
        t[bad] = _NAT
        self.report.untimed += int((t == _NAT).sum())
        return t

    # -- internals --------------------------------------------------------------------------
    def _group_ids(self, ais: pa.StructArray, idx: np.ndarray) -> list[str | None]:
        tags = pc.struct_field(ais, "tags").take(pa.array(idx))
        grp = pc.extract_regex(tags, _TAG_GROUP_RE)
        gid = pc.coalesce(
            pc.if_else(pc.equal(pc.struct_field(grp, "gid"), ""), None, pc.struct_field(grp, "gid")),
            pc.if_else(pc.equal(pc.struct_field(grp, "gid4"), ""), None, pc.struct_field(grp, "gid4")),
        )
        return gid.to_pylist()

    def _fragment(self, key: tuple, num: int, count: int, payload: str, t: int,
                  source: str | None, fill: int = 0) -> _Pending | None:
        pending = self._pending.get(key)
        if num == 1:
            if pending is not None:
                self.report.orphan_fragments += pending.n_frags
                del self._pending[key]
            self._pending[key] = _Pending(self._sentence_index, t, 2, count, [payload], t, source,
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
            # Near the start of a file: the message may have begun at the end of another file.
            tails = self._tails.get(key, [])
            prior = next((p for p in reversed(tails) if p.next_num == num
                          and self._close_in_time(t, p.time_ns)), None)
            if prior is None:
                self._heads.setdefault(key, []).append(
                    _Loose(num, payload, fill, t, self._file_index))
                return None
            tails.remove(prior)
            if not tails:
                del self._tails[key]
            pending = prior
            self._pending[key] = pending
        pending.payloads.append(payload)
        pending.n_frags += 1
        pending.next_num += 1
        if pending.time_ns == _NAT and t != _NAT:
            pending.time_ns = t
        if pending.next_num > count:
            del self._pending[key]
            return pending
        return None

    def _evict(self) -> None:
        limit_idx = self._sentence_index - self.params.max_fragment_sentences
        while self._pending:
            key, oldest = next(iter(self._pending.items()))
            if oldest.first_index >= limit_idx:
                break
            self.report.orphan_fragments += oldest.n_frags
            del self._pending[key]

    def _line_times(self, stripped: pa.Array, ais: pa.StructArray, ais_ok: np.ndarray,
                    other_ok: np.ndarray,
                    tag_only: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = len(stripped)
        time_ns = np.full(n, _NAT, dtype=np.int64)
        source: np.ndarray = np.full(n, None, dtype=object)
        has_tags = ais_ok.copy()
        tags = pc.struct_field(ais, "tags")
        tags = pc.if_else(pa.array(tag_only), stripped, tags)
        has_tags |= tag_only
        if has_tags.any():
            tlen = np.asarray(pc.fill_null(pc.utf8_length(tags), 0))
            with_tags = has_tags & (tlen > 0)
            if with_tags.any():
                first = pc.extract_regex(tags, _FIRST_TAG_RE)
                tb_present = np.asarray(first.is_valid()) & with_tags
                tb_ok = _xor_reduce(pc.struct_field(first, "tbody")) == _hex_pair(
                    pc.struct_field(first, "tcs"))
                self.report.bad_tag_checksum += int((tb_present & ~tb_ok).sum())
                c = pc.struct_field(pc.extract_regex(tags, _TAG_TIME_RE), "c")
                c_present = np.asarray(c.is_valid()) & with_tags
                time_ns = np.where(c_present, _unix_to_ns(_to_int(c), c_present), time_ns)
                s = pc.struct_field(pc.extract_regex(tags, _TAG_SOURCE_RE), "s")
                s_list = np.asarray(s.to_pylist(), dtype=object)
                s_present = np.asarray(s.is_valid()) & with_tags & (s_list != "")
                source[s_present] = s_list[s_present]

        # Trailing fields after the checksum.
        trail = pc.struct_field(ais, "trail")
        if ais_ok.any():
            tt = pc.struct_field(pc.extract_regex(trail, _TRAIL_TIME_RE), "t")
            tt_present = np.asarray(tt.is_valid()) & ais_ok & (time_ns == _NAT)
            if tt_present.any():
                time_ns = np.where(tt_present, _unix_to_ns(_to_int(tt), tt_present), time_ns)
            rr = pc.struct_field(pc.extract_regex(trail, _TRAIL_SOURCE_RE), "r")
            rr_present = np.asarray(rr.is_valid()) & ais_ok & pd.isna(source)
            if rr_present.any():
                source[rr_present] = np.asarray(rr.to_pylist(), dtype=object)[rr_present]
            # Leading time column.
            pre = pc.utf8_rtrim(pc.struct_field(ais, "pre"), characters=",; \t")
            plen = np.asarray(pc.fill_null(pc.utf8_length(pre), 0))
            lead = ais_ok & (plen > 0) & (time_ns == _NAT)
            if lead.any():
                time_ns = np.where(lead, _parse_leading_times(pre, lead), time_ns)

        # The line's own source (tag block s: or trailing r field) keys fragment reassembly;
        # a source inherited from a $PGHP line is only on the first fragment, so it can't.
        key_source = source.copy()

        # $PGHP lines and lone tag blocks give the time of the next AIS sentence.
        ok_idx = np.flatnonzero(other_ok)
        is_pghp = np.zeros(n, dtype=bool)
        carrier_time = np.full(n, _NAT, dtype=np.int64)
        carrier_src: np.ndarray = np.full(n, None, dtype=object)
        if len(ok_idx):
            pghp = pc.extract_regex(stripped.take(pa.array(ok_idx)), _PGHP_RE)
            valid = np.asarray(pghp.is_valid())
            sel = ok_idx[valid]
            is_pghp[sel] = True
            if len(sel):
                pghp = pghp.filter(pa.array(valid))
                parts = {k: _to_int(pc.struct_field(pghp, k))
                         for k in ("y", "mo", "d", "h", "mi", "s", "ms")}
                frame = pd.DataFrame({
                    "year": parts["y"], "month": parts["mo"], "day": parts["d"],
                    "hour": parts["h"], "minute": parts["mi"], "second": parts["s"],
                    "millisecond": parts["ms"]})
                ts = pd.to_datetime(frame, errors="coerce", utc=True)
                carrier_time[sel] = ts.to_numpy(dtype="datetime64[ns]").astype(np.int64)
                src = np.asarray(pc.struct_field(pghp, "src").to_pylist(), dtype=object)
                named = (src != "") & pd.notna(src)
                carrier_src[sel[named]] = src[named]  # the station; country/region is not one
        carrier = is_pghp | tag_only
        if tag_only.any():
            carrier_time[tag_only] = time_ns[tag_only]
            carrier_src[tag_only] = source[tag_only]
            time_ns[tag_only] = _NAT

        # Propagate each carrier's time to the next AIS sentence (skipping nothing else):
        # the carrier must be the nearest preceding non-blank line.
        if carrier.any() or self._carry_time_ns != _NAT or self._carry_source is not None:
            considered = ~(np.asarray(pc.equal(pc.utf8_length(stripped), 0)))
            line_idx = np.flatnonzero(considered)
            prev_pos = np.full(n, -1, dtype=np.int64)
            prev_pos[line_idx[1:]] = line_idx[:-1]
            target = ais_ok & (time_ns == _NAT)
            has_prev = prev_pos >= 0
            from_prev = target & has_prev
            from_prev[from_prev] = carrier[prev_pos[from_prev]]
            time_ns[from_prev] = carrier_time[prev_pos[from_prev]]
            src_fill = from_prev & pd.isna(source)
            source[src_fill] = carrier_src[prev_pos[src_fill]]
            # first non-blank line of this chunk may take a carrier from the previous chunk
            if len(line_idx) and ais_ok[line_idx[0]] and time_ns[line_idx[0]] == _NAT:
                time_ns[line_idx[0]] = self._carry_time_ns
                if source[line_idx[0]] is None:
                    source[line_idx[0]] = self._carry_source
            if len(line_idx):
                last = line_idx[-1]
                self._carry_time_ns = int(carrier_time[last]) if carrier[last] else _NAT
                self._carry_source = carrier_src[last] if carrier[last] else None
        return time_ns, source, key_source


def _parse_leading_times(pre: pa.Array, lead: np.ndarray) -> np.ndarray:
    """Leading time column → ns (Unix seconds/milliseconds or ISO-8601); NaT-int otherwise."""
    out = np.full(len(pre), _NAT, dtype=np.int64)
    values = np.asarray(pre.to_pylist(), dtype=object)[lead]
    s = pd.Series(values, dtype="string")
    numeric = s.str.fullmatch(r"[0-9]{10}(?:\.[0-9]+)?|[0-9]{13}").fillna(False).to_numpy(bool)
    res = np.full(len(values), _NAT, dtype=np.int64)
    if numeric.any():
        # integer arithmetic: float seconds would lose nanoseconds at today's epochs
        parts = s[numeric].str.split(".", n=1, expand=True).reindex(columns=[0, 1])
        whole = parts[0].astype("int64").to_numpy()
        frac = parts[1].astype("string").fillna("").str.ljust(9, "0").str.slice(0, 9)
        frac_ns = pd.to_numeric(frac.replace("", "0")).to_numpy(dtype=np.int64)
        ms = whole >= 100_000_000_000
        res[numeric] = np.where(ms, whole * 1_000_000, whole * 1_000_000_000 + frac_ns)
    iso = ~numeric
    if iso.any():
        ts = pd.to_datetime(s[iso], errors="coerce", utc=True, format="ISO8601")
        arr = ts.to_numpy(dtype="datetime64[ns]").astype(np.int64)
        res[iso] = arr
    out[lead] = res
    return out

"""The decode report: an exact account of every line read and what became of it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DecodeReport:
    """Counts of what a reader saw, returned with every table it produces.

    Attributes
    ----------
    files : int
        Files read (including ones that failed).
    lines : int
        Physical lines read (NMEA) or data rows read (CSV, header excluded).
    sentences : int
        AIS sentences (``!xxVDM``/``!xxVDO``) with a valid checksum and framing.
    messages : int
        Complete AIS messages after fragment reassembly.
    bad_checksum : int
        AIS sentences (or other NMEA sentences) whose checksum failed; not decoded.
    malformed : int
        Lines that are neither an AIS sentence, a comment, a blank line nor a well-formed
        sentence of another NMEA type (truncated sentences, junk, unparseable CSV rows).
    orphan_fragments : int
        Fragments of multi-sentence messages that never completed (dropped).
    decode_errors : int
        Complete messages whose payload could not be decoded; by reason in
        ``decode_errors_by_reason``.
    untimed : int
        Messages with no receiver time at all (timestamp null).
    bad_time : int
        Messages whose receiver time was before 2000 or more than a day in the future
        (timestamp nulled; also counted in ``untimed``).
    positions, statics : int
        Rows produced in each table.
    comments, blank, other_nmea : int
        Lines skipped without being bad: ``#`` comments, blank lines, well-formed NMEA
        sentences of other types (``$GPRMC``, ``$PGHP``, a tag block alone, ...).
    bad_tag_checksum : int
        Tag blocks whose checksum failed (their time is still used).
    failed_files : list of dict
        ``{"path": ..., "error": ...}`` for files that could not be read at all.
    files_without_positions : list of str
        Files that were read but yielded no position (statics only, other NMEA only, or
        every position untimed is *not* this: those are positions).
    """

    files: int = 0
    lines: int = 0
    sentences: int = 0
    messages: int = 0
    bad_checksum: int = 0
    malformed: int = 0
    orphan_fragments: int = 0
    decode_errors: int = 0
    untimed: int = 0
    bad_time: int = 0
    positions: int = 0
    statics: int = 0
    comments: int = 0
    blank: int = 0
    other_nmea: int = 0
    bad_tag_checksum: int = 0
    decode_errors_by_reason: Counter = field(default_factory=Counter)
    failed_files: list[dict[str, str]] = field(default_factory=list)
    files_without_positions: list[str] = field(default_factory=list)

    @property
    def bad_lines(self) -> int:
        """Lines that are neither usable AIS nor legitimately skipped (docs/contracts.md ``bad_lines``)."""
        return self.bad_checksum + self.malformed

    def add_decode_error(self, reason: str, n: int = 1) -> None:
        """Count ``n`` messages that failed to decode for ``reason``."""
        self.decode_errors += n
        self.decode_errors_by_reason[reason] += n

    def merge(self, other: DecodeReport) -> DecodeReport:
        """Add ``other``'s counts into this report (in place) and return it."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.decode_errors_by_reason.update(other.decode_errors_by_reason)
        self.failed_files.extend(other.failed_files)
        self.files_without_positions.extend(other.files_without_positions)
        return self

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable dict, keys in a stable order."""
        out: dict[str, Any] = {name: getattr(self, name) for name in _COUNTS}
        out["bad_lines"] = self.bad_lines
        out["decode_errors_by_reason"] = dict(sorted(self.decode_errors_by_reason.items()))
        out["failed_files"] = list(self.failed_files)
        out["files_without_positions"] = list(self.files_without_positions)
        return out

    def format(self) -> str:
        """Readable multi-line summary for terminals."""
        d = self.to_dict()
        width = max(len(k) for k in _COUNTS)
        rows = [f"{k:<{width}}  {d[k]:>12,}" for k in _COUNTS]
        if self.decode_errors_by_reason:
            reasons = ", ".join(f"{k}={v}" for k, v in sorted(self.decode_errors_by_reason.items()))
            rows.append(f"{'errors by reason':<{width}}  {reasons}")
        for failed in self.failed_files:
            rows.append(f"{'failed file':<{width}}  {failed['path']}: {failed['error']}")
        return "\n".join(rows)


_COUNTS = (
    "files",
    "lines",
    "sentences",
    "messages",
    "bad_checksum",
    "malformed",
    "orphan_fragments",
    "decode_errors",
    "untimed",
    "bad_time",
    "positions",
    "statics",
    "comments",
    "blank",
    "other_nmea",
    "bad_tag_checksum",
)

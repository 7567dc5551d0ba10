"""A cohort's standings in a temporary SQLite file, so the parent's memory stays flat.

What ranking needs of each unit (id, name, group, total, veto, range, published tier, the
provisional years) and every unit id seen (to find duplicates) are written here as units come
back, then read back group by group in ranking order: total descending, input order among equal
totals. The file lives in a directory of its own under the system's temporary directory
(``TMPDIR``) and is removed when the store closes, whether the cohort finished or failed.

Totals are exact decimals. They are sorted by an exact integer key (the floor and the fraction
in units of 10⁻¹⁸, both within 64 bits: every total a rubric can produce); a group holding a
total that does not fit is sorted by its exact text through a collation that compares decimals,
slower but still exact. Text is stored as UTF-8 bytes that keep lone surrogates (JSON may carry
them), and compares as Python compares strings.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

from govopen_rules.evaluation.placing import Standing
from govopen_rules.facts.model import Unit

__all__ = ["BATCH", "StandingStore", "StoredStanding", "total_key"]

#: Rows read or written per round trip to SQLite.
BATCH = 1000

_FRACTION = 10**18

_SCHEMA = """
CREATE TABLE standing (
    idx INTEGER PRIMARY KEY,     -- the unit's index in the input
    grp INTEGER NOT NULL,        -- its group's position in the rubric (-1: no group admits it)
    unit_id BLOB NOT NULL,
    name BLOB NOT NULL,
    whole INTEGER,               -- floor(total); NULL when the total has no exact key
    frac INTEGER,                -- (total - floor) × 10^18
    total TEXT NOT NULL,         -- the exact decimal
    vetoed INTEGER NOT NULL,
    low TEXT NOT NULL,
    high TEXT NOT NULL,
    low_grade BLOB,
    high_grade BLOB,
    published BLOB,
    years TEXT NOT NULL          -- provisional calendar years, comma-separated
);
CREATE TABLE unit_ids (unit_id BLOB PRIMARY KEY, idx INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE ranked (
    pos INTEGER PRIMARY KEY,     -- place in the group's ranking, from 0
    idx INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    tier BLOB
);
"""


class StoredStanding(NamedTuple):
    """A unit's standing read back: what its placement shows besides rank and tier."""

    unit_id: str
    name: str
    total: Decimal
    vetoed: bool
    low: Decimal
    high: Decimal
    tier_low: str | None
    tier_high: str | None
    published: str | None
    provisional_calendar_years: tuple[int, ...]


def total_key(total: Decimal) -> tuple[int, int] | None:
    """An exact integer sort key of ``total`` (floor, fraction × 10¹⁸), both within 64 bits, or
    None when there is none (a nonzero digit past the 18th decimal, 10¹⁸ or more, not finite)."""
    if not total.is_finite():
        return None
    if not total:
        return 0, 0
    if not -18 <= total.adjusted() <= 17:
        return None
    numerator, denominator = total.as_integer_ratio()
    scaled, rest = divmod(numerator * _FRACTION, denominator)
    return None if rest else divmod(scaled, _FRACTION)


def _by_total_descending(a: str, b: str) -> int:
    """The collation of totals without an exact key: larger first, compared exactly."""
    x, y = Decimal(a), Decimal(b)
    return (x < y) - (x > y)


def _blob(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _maybe_blob(text: str | None) -> bytes | None:
    return None if text is None else _blob(text)


def _text(blob: bytes) -> str:
    return blob.decode("utf-8", "surrogatepass")


def _maybe_text(blob: bytes | None) -> str | None:
    return None if blob is None else _text(blob)


def _years(text: str) -> tuple[int, ...]:
    return tuple(int(year) for year in text.split(",")) if text else ()


#: The columns :func:`_stored` reads.
_SHOWN = "unit_id, name, total, vetoed, low, high, low_grade, high_grade, published, years"


def _stored(row: Sequence[Any]) -> StoredStanding:
    unit_id, name, total, vetoed, low, high, low_grade, high_grade, published, years = row
    return StoredStanding(
        _text(unit_id),
        _text(name),
        Decimal(total),
        bool(vetoed),
        Decimal(low),
        Decimal(high),
        _maybe_text(low_grade),
        _maybe_text(high_grade),
        _maybe_text(published),
        _years(years),
    )


class StandingStore:
    """Standings on disk: written unit by unit, read back group by group in ranking order.

    ``group_of`` gives a unit's group number (-1 for none). Use it as a context manager (or call
    :meth:`close`): the file is removed on the way out.
    """

    def __init__(self, group_of: Callable[[Unit], int]) -> None:
        self._group_of = group_of
        self._folder = Path(tempfile.mkdtemp(prefix="govopen-cohort-"))
        try:
            self._db = sqlite3.connect(self._folder / "standings.sqlite", isolation_level=None)
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=FILE"):
                self._db.execute(f"PRAGMA {pragma}")
            self._db.execute("PRAGMA cache_size=-2048")  # KiB: what SQLite keeps in memory
            self._db.create_collation("total_descending", _by_total_descending)
            self._db.executescript(_SCHEMA)
            self._db.execute("BEGIN")  # one transaction, never committed: the file is scratch
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        self._indexed = False
        self._pending: list[tuple[object, ...]] = []

    def close(self) -> None:
        """Close the database and remove its file."""
        try:
            self._db.close()
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> StandingStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- writing, as units come back -----------------------------------------------------

    def claim(self, unit_id: str, index: int) -> int | None:
        """Record that unit ``index`` has this id; the index of an earlier unit that has it."""
        key = _blob(unit_id)
        cursor = self._db.execute("INSERT OR IGNORE INTO unit_ids VALUES (?, ?)", (key, index))
        if cursor.rowcount:
            return None
        row = self._db.execute("SELECT idx FROM unit_ids WHERE unit_id = ?", (key,)).fetchone()
        return int(row[0])

    def add(self, index: int, standing: Standing) -> None:
        """Keep unit ``index``'s standing (written a batch at a time)."""
        key = total_key(standing.total)
        whole, fraction = key if key is not None else (None, None)
        score = standing.range
        self._pending.append(
            (
                index,
                self._group_of(standing.unit),
                _blob(standing.unit.id),
                _blob(standing.unit.name),
                whole,
                fraction,
                str(standing.total),
                standing.vetoed,
                str(score.low),
                str(score.high),
                _maybe_blob(score.low_grade),
                _maybe_blob(score.high_grade),
                _maybe_blob(standing.published),
                ",".join(map(str, standing.provisional_calendar_years)),
            )
        )
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        self._db.executemany(
            "INSERT INTO standing VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self._pending
        )
        self._pending.clear()

    def drop(self, index: int) -> tuple[str, str] | None:
        """Forget unit ``index``'s standing (a later unit has its id); its id and name as it
        gave them, if it had a standing."""
        self._flush()
        row = self._db.execute(
            "SELECT unit_id, name FROM standing WHERE idx = ?", (index,)
        ).fetchone()
        if row is None:
            return None
        self._db.execute("DELETE FROM standing WHERE idx = ?", (index,))
        return _text(row[0]), _text(row[1])

    # --- reading back, once every unit is in ---------------------------------------------

    def _index(self) -> None:
        self._flush()
        if not self._indexed:
            self._db.execute("CREATE INDEX ranking ON standing (grp, whole DESC, frac DESC, idx)")
            self._indexed = True

    def provisional_years(self) -> list[int]:
        """Every provisional year some kept standing used, ascending."""
        self._flush()
        rows = self._db.execute("SELECT DISTINCT years FROM standing WHERE years != ''")
        return sorted({year for (text,) in rows for year in _years(text)})

    def ungrouped(self) -> Iterator[str]:
        """The ids of units no group admits, in input order."""
        self._flush()
        rows = self._db.execute("SELECT unit_id FROM standing WHERE grp = -1 ORDER BY idx")
        return (_text(unit_id) for (unit_id,) in rows)

    def _order(self, group: int) -> str:
        """ORDER BY for the group's ranking: by the exact key, or by the exact text when some
        total has none."""
        self._index()
        unkeyed = self._db.execute(
            "SELECT EXISTS (SELECT 1 FROM standing WHERE grp = ? AND whole IS NULL)", (group,)
        ).fetchone()[0]
        return "total COLLATE total_descending, idx" if unkeyed else "whole DESC, frac DESC, idx"

    def ordered(self, group: int) -> Iterator[tuple[int, Decimal, bool]]:
        """(index, total, vetoed) of the group's units: total descending, then input order."""
        rows = self._db.execute(
            f"SELECT idx, total, vetoed FROM standing WHERE grp = ? ORDER BY {self._order(group)}",
            (group,),
        )
        return ((idx, Decimal(total), bool(vetoed)) for idx, total, vetoed in rows)

    def standings(self, group: int) -> Iterator[StoredStanding]:
        """The group's units in the order of :meth:`ordered`, with what a placement shows."""
        rows = self._db.execute(
            f"SELECT {_SHOWN} FROM standing WHERE grp = ? ORDER BY {self._order(group)}",
            (group,),
        )
        return (_stored(row) for row in rows)

    def clear_ranks(self) -> None:
        """Forget the previous group's ranking."""
        self._db.execute("DELETE FROM ranked")

    def write_ranks(self, rows: Iterable[tuple[int, int, int, str | None]]) -> None:
        """(position, index, rank, tier) of units of the group being ranked."""
        self._db.executemany(
            "INSERT INTO ranked VALUES (?, ?, ?, ?)",
            ((pos, idx, rank, _maybe_blob(tier)) for pos, idx, rank, tier in rows),
        )

    def holder_count(self, tier: str) -> int:
        """How many units of the group hold ``tier`` now."""
        query = "SELECT COUNT(*) FROM ranked WHERE tier = ?"
        return int(self._db.execute(query, (_blob(tier),)).fetchone()[0])

    def holder_rank(self, tier: str, holder: int) -> int:
        """The rank of the ``holder``-th unit (from 0, in ranking order) holding ``tier``."""
        query = "SELECT rank FROM ranked WHERE tier = ? ORDER BY pos LIMIT 1 OFFSET ?"
        return int(self._db.execute(query, (_blob(tier), holder)).fetchone()[0])

    def holders(self, tier: str) -> Iterator[list[tuple[int, int, str]]]:
        """(position, rank, name) of the units holding ``tier``, in ranking order, a batch at a
        time; units given a new tier between batches (:meth:`retier`) are not read again."""
        after = -1
        query = (
            "SELECT r.pos, r.rank, s.name FROM ranked r JOIN standing s ON s.idx = r.idx "
            "WHERE r.tier = ? AND r.pos > ? ORDER BY r.pos LIMIT ?"
        )
        while True:
            rows = self._db.execute(query, (_blob(tier), after, BATCH)).fetchall()
            if not rows:
                return
            yield [(pos, rank, _text(name)) for pos, rank, name in rows]
            after = rows[-1][0]

    def retier(self, positions: Sequence[int], tier: str | None) -> None:
        """Give the units at these positions of the ranking a new tier."""
        value = _maybe_blob(tier)
        self._db.executemany(
            "UPDATE ranked SET tier = ? WHERE pos = ?", ((value, pos) for pos in positions)
        )

    def placed(self) -> Iterator[tuple[int, str | None, StoredStanding]]:
        """(rank, tier, standing) of the ranked group's units, in ranking order."""
        rows = self._db.execute(
            f"SELECT r.rank, r.tier, {_SHOWN} FROM ranked r JOIN standing s ON s.idx = r.idx "
            "ORDER BY r.pos"
        )
        return ((rank, _maybe_text(tier), _stored(shown)) for rank, tier, *shown in rows)

    def unknown_published(
        self, group: int, labels: Sequence[str], limit: int
    ) -> tuple[list[str], int]:
        """Up to ``limit`` published tiers of the group that are not among ``labels`` (nor
        empty), in Python's string order, and how many more there are."""
        marks = ", ".join("?" * (len(labels) + 1))
        where = f"grp = ? AND published IS NOT NULL AND published NOT IN ({marks})"
        values = (group, b"", *map(_blob, labels))
        rows = self._db.execute(
            f"SELECT DISTINCT published FROM standing WHERE {where} ORDER BY published LIMIT ?",
            (*values, limit),
        ).fetchall()
        (count,) = self._db.execute(
            f"SELECT COUNT(DISTINCT published) FROM standing WHERE {where}", values
        ).fetchone()
        return [_text(tier) for (tier,) in rows], int(count) - len(rows)

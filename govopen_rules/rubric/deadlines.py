"""Deadlines a rubric states as data: "by the 2nd of the next month", "within 7 working days".

A rubric's ``deadlines`` name due dates for facts of one kind, counted from one of the fact's
date fields (observed or derived) by one of five expressions:

=====================  ==========================================================================
``workdays: N``        the N-th working day after the date (the day after is day 1; 调休 counted)
``days: N``            N calendar days after the date
``months: N``          the same day N months later (the month's last day when it has no such day)
``day_of_next_month``  day D of the month after the date's month (or that month's last day)
``date_next_year``     ``MM-DD`` in the year after the date's year (02-29 → 02-28 if need be)
=====================  ==========================================================================

Each deadline ``NAME`` adds four measures to its kind, which rule conditions compare like any
other field, for this rubric only:

* ``NAME``: the due date; absent when the start date was not observed;
* ``NAME_late``: the ``met_by`` date is after the due date, or it is missing and the facts
  file's ``as_of`` is after the due date; absent when that cannot be known yet;
* ``NAME_days_late``: calendar days from the due date to the ``met_by`` date (to ``as_of``
  when it is missing); 0 when met in time; absent when ``NAME_late`` is;
* ``NAME_workdays_late``: the same in working days (days in (due, met]).

The numbers may be ``{param: name}``, so that a caller can override them like any value.
"""

from __future__ import annotations

import calendar as month_lengths
import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal

import attrs

from govopen_rules.facts.kinds import DeriveContext, Deriver, FactKind, FieldType
from govopen_rules.rubric.model import Deadline, Number
from govopen_rules.workdays import WorkdayCalendar

__all__ = [
    "DEADLINE_FORMS",
    "CompiledDeadline",
    "DeadlineDeriver",
    "compile_deadlines",
    "deadline_fields",
]

#: The expressions a deadline may use; exactly one per deadline.
DEADLINE_FORMS = ("workdays", "days", "months", "day_of_next_month", "date_next_year")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")


def deadline_fields(name: str) -> dict[str, FieldType]:
    """The measures a deadline called ``name`` adds to its fact kind, with their types."""
    return {
        name: FieldType.DATE,
        f"{name}_late": FieldType.BOOL,
        f"{name}_days_late": FieldType.INT,
        f"{name}_workdays_late": FieldType.INT,
    }


def _clamped(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, month_lengths.monthrange(year, month)[1]))


@attrs.frozen(kw_only=True)
class CompiledDeadline:
    """A deadline with its numbers resolved: computes its four measures for one fact."""

    name: str
    after: str
    met_by: str
    form: str
    amount: int = 0
    month_day: tuple[int, int] = (1, 1)

    def due(self, start: dt.date, calendar: WorkdayCalendar) -> dt.date:
        """The due date for a fact whose ``after`` date is ``start``."""
        if self.form == "workdays":
            return calendar.add_workdays(start, self.amount)
        if self.form == "days":
            return start + dt.timedelta(days=self.amount)
        if self.form == "months":
            index = start.month - 1 + self.amount
            return _clamped(start.year + index // 12, index % 12 + 1, start.day)
        if self.form == "day_of_next_month":
            index = start.month  # the next month, counted from 0
            return _clamped(start.year + index // 12, index % 12 + 1, self.amount)
        month, day = self.month_day
        return _clamped(start.year + 1, month, day)

    def measures(
        self, fact: object, derived: Mapping[str, object], ctx: DeriveContext
    ) -> dict[str, object]:
        """The due date and, where it can be known, the lateness (see the module docstring)."""
        start = derived.get(self.after, getattr(fact, self.after, None))
        if not isinstance(start, dt.date):
            return {}
        due = self.due(start, ctx.calendar)
        out: dict[str, object] = {self.name: due}
        done = derived.get(self.met_by, getattr(fact, self.met_by, None))
        end = done if isinstance(done, dt.date) else ctx.as_of
        if end is None or (done is None and end <= due):
            return out
        late = end > due
        out[f"{self.name}_late"] = late
        out[f"{self.name}_days_late"] = (end - due).days if late else 0
        out[f"{self.name}_workdays_late"] = ctx.calendar.workdays_between(due, end) if late else 0
        return out


class DeadlineDeriver:
    """A kind's own deriver followed by the rubric's deadlines for that kind (picklable)."""

    __slots__ = ("base", "deadlines")

    def __init__(self, base: Deriver | None, deadlines: tuple[CompiledDeadline, ...]) -> None:
        self.base = base
        self.deadlines = deadlines

    def __call__(self, fact: object, ctx: DeriveContext) -> Mapping[str, object]:
        out = dict(self.base(fact, ctx)) if self.base is not None else {}
        for deadline in self.deadlines:
            out.update(deadline.measures(fact, out, ctx))
        return out


NumberResolver = Callable[[Number, str], Decimal]


def _whole(
    value: Number | None, path: str, number: NumberResolver, errors: list[str], low: int, high: int
) -> int:
    if value is None:
        return 0
    resolved = number(value, path)
    if resolved != resolved.to_integral_value() or not low <= resolved <= high:
        errors.append(f"{path}: {resolved} is not a whole number from {low} to {high}")
        return low
    return int(resolved)


def _compile_one(
    name: str,
    deadline: Deadline,
    kind: FactKind,
    number: NumberResolver,
    errors: list[str],
) -> CompiledDeadline | None:
    path = f"deadlines.{name}"
    fields = kind.all_fields()
    for key in ("after", "met_by"):
        field = getattr(deadline, key)
        if fields.get(field) is not FieldType.DATE:
            dates = ", ".join(sorted(n for n, t in fields.items() if t is FieldType.DATE))
            errors.append(
                f"{path}.{key}: {field!r} is not a date field of {kind.name!r}; its dates: {dates}"
            )
    forms = [form for form in DEADLINE_FORMS if getattr(deadline, form) is not None]
    if len(forms) != 1:
        errors.append(f"{path}: give exactly one of {', '.join(DEADLINE_FORMS)}")
        return None
    form = forms[0]
    where = f"{path}.{form}"
    if form == "date_next_year":
        text = str(deadline.date_next_year)
        found = _MONTH_DAY.fullmatch(text)
        try:
            if found is None:
                raise ValueError
            month, day = int(found.group(1)), int(found.group(2))
            dt.date(2000, month, day)  # a leap year: 02-29 is a date
        except ValueError:
            errors.append(f"{where}: {text!r} is not a date of the year written MM-DD, e.g. 01-31")
            return None
        return CompiledDeadline(
            name=name,
            after=deadline.after,
            met_by=deadline.met_by,
            form=form,
            month_day=(month, day),
        )
    high = 31 if form == "day_of_next_month" else 10_000
    low = 1 if form == "day_of_next_month" else 0
    amount = _whole(getattr(deadline, form), where, number, errors, low, high)
    return CompiledDeadline(
        name=name, after=deadline.after, met_by=deadline.met_by, form=form, amount=amount
    )


def compile_deadlines(
    deadlines: Mapping[str, Deadline],
    kinds: Mapping[str, FactKind],
    number: NumberResolver,
    errors: list[str],
) -> dict[str, FactKind]:
    """The fact kinds as a rubric with these deadlines sees them.

    A kind with deadlines gets their measures declared and computed after its own; every other
    kind is unchanged. Problems are appended to ``errors`` as ``deadlines.NAME...: problem``.
    """
    by_kind: dict[str, list[CompiledDeadline]] = {}
    for name, deadline in deadlines.items():
        if not _NAME.fullmatch(name):
            errors.append(f"deadlines.{name}: a deadline name is lower-case ASCII, e.g. report_due")
            continue
        kind = kinds.get(deadline.kind)
        if kind is None:
            errors.append(
                f"deadlines.{name}.kind: unknown fact kind {deadline.kind!r}; "
                f"known: {', '.join(sorted(kinds))}"
            )
            continue
        taken = set(kind.all_fields())
        for other in by_kind.get(kind.name, ()):
            taken |= set(deadline_fields(other.name))
        clash = sorted(set(deadline_fields(name)) & taken)
        if clash:
            errors.append(
                f"deadlines.{name}: its measures {', '.join(clash)} clash with fields of "
                f"{kind.name!r}; choose another name"
            )
            continue
        compiled = _compile_one(name, deadline, kind, number, errors)
        if compiled is not None:
            by_kind.setdefault(kind.name, []).append(compiled)
    out = dict(kinds)
    for kind_name, compiled_list in by_kind.items():
        kind = kinds[kind_name]
        added: dict[str, FieldType] = {}
        for compiled in compiled_list:
            added |= deadline_fields(compiled.name)
        out[kind_name] = attrs.evolve(
            kind,
            derived={**kind.derived, **added},
            derive=DeadlineDeriver(kind.derive, tuple(compiled_list)),
        )
    return out

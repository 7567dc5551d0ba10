"""Check a declared rubric and compile it: parameters resolved, conditions typed, selections named.

Checking collects every problem at once (points that do not add up, duplicate ids, a rule
without a citation, a condition on an unknown field...) and raises one :class:`RubricError`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

import attrs

from govopen_rules.errors import ParameterError, RubricError, UnknownParameterError
from govopen_rules.exact import NumberError, parse_decimal
from govopen_rules.facts.convert import FIRST_YEAR, LAST_YEAR
from govopen_rules.facts.kinds import FactKind, FieldType
from govopen_rules.facts.model import UNIT_KINDS
from govopen_rules.rubric.conditions import (
    Condition,
    ConditionError,
    condition_fields,
    parse_condition,
)
from govopen_rules.rubric.deadlines import DEADLINE_FORMS, compile_deadlines, deadline_fields
from govopen_rules.rubric.evidence_policy import (
    PolicyLevel,
    ResolvedGate,
    ResolvedMissing,
    deduction_for,
    most_deducted,
)
from govopen_rules.rubric.grades import (
    GradeScale,
    Grading,
    ResolvedGroup,
    ResolvedQuota,
    make_scale,
)
from govopen_rules.rubric.model import (
    Area,
    Grade,
    Indicator,
    MissingEvidence,
    Number,
    ParamRef,
    Rubric,
    Rule,
)

__all__ = [
    "CompiledRubric",
    "CompiledRule",
    "Selection",
    "compile_rubric",
    "resolve_parameters",
]

RULE_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")


@attrs.frozen
class Selection:
    """Facts of one kind meeting every condition: what an engine finds, engine-neutral."""

    kind: str
    conditions: tuple[Condition, ...] = ()


@attrs.frozen(kw_only=True)
class CompiledRule:
    """A rule with every number resolved and its conditions parsed against its fact kind."""

    rule: Rule
    indicator: Indicator
    where: Condition | None
    when: Condition | None
    points: Decimal
    tiers: tuple[tuple[int, Decimal], ...]
    cap: Decimal | None
    #: The missing-evidence policy that decides this rule's ``no_evidence`` verdicts.
    missing: ResolvedMissing
    #: The most this rule can deduct (or add) whatever its facts: what the low end of a score
    #: range charges when it lacks evidence.
    at_most: Decimal
    minimum: int | None
    consulted: tuple[str, ...]
    assumptions: tuple[str, ...]
    #: The selection that finds this rule's evidence facts (shared by rules that look at the
    #: same facts, so an engine matches each fact once per distinct selection).
    evidence_name: str = ""
    #: The selection that finds the evidence facts meeting ``when``.
    problem_name: str = ""


@attrs.frozen(kw_only=True)
class CompiledRubric:
    """A rubric ready to run: resolved parameters, compiled rules, the selections to match."""

    rubric: Rubric
    parameters: Mapping[str, Decimal | dt.date]
    rules: tuple[CompiledRule, ...]
    #: Named selections, one per distinct (kind, conditions): what an engine is built from.
    selections: Mapping[str, Selection]
    #: Per fact kind, the fields the engine compares: only these are encoded and sent.
    engine_fields: Mapping[str, tuple[str, ...]]
    grading: Grading
    #: Indicator codes, for checking self-scores.
    indicator_codes: frozenset[str]
    #: Names of the rubric's parameters marked ``assumed``, sorted.
    assumed_parameters: tuple[str, ...]
    #: Every fact kind as this rubric sees it: with the measures of its ``deadlines``.
    fact_kinds: Mapping[str, FactKind] = attrs.field(factory=dict)
    #: The ``NAME_late`` measures of its deadlines (unknown until the due date is known).
    late_measures: frozenset[str] = frozenset()
    #: When a grade may be given on the evidence (None: always).
    evidence_gate: ResolvedGate | None = None

    @property
    def kinds(self) -> frozenset[str]:
        """The fact kinds this rubric looks at."""
        return frozenset(self.engine_fields)


#: A parameter is a score, a share or a count of days: at most this many digits before and
#: after the decimal point (what a decimal fact field can hold, too). The bound also keeps
#: '1e999999999' from becoming a billion-digit integer when a condition compares with it.
INTEGER_DIGITS = 12
FRACTION_DIGITS = 6
ALLOWED_VALUES = (
    f"a decimal number with at most {INTEGER_DIGITS} digits before and {FRACTION_DIGITS} after "
    "the point, e.g. 0.2"
)


def parameter_in_range(value: Decimal) -> bool:
    """Whether ``value`` has at most INTEGER_DIGITS and FRACTION_DIGITS significant digits."""
    if value.is_zero():
        return True
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # parse_decimal refuses NaN and infinities
    significant = len(digits)
    while digits[significant - 1] == 0:  # trailing zeros: 0.50 is 0.5
        significant -= 1
    lowest = exponent + len(digits) - significant
    return value.adjusted() < INTEGER_DIGITS and lowest >= -FRACTION_DIGITS


def _shown(raw: object) -> str:
    text = repr(raw)
    return text if len(text) <= 40 else text[:36] + "...'"


def parse_parameter(name: str, raw: object) -> Decimal:
    """An override's value, parsed exactly; :class:`ParameterError` says what is allowed."""
    try:
        value = parse_decimal(raw)
    except NumberError as exc:
        raise ParameterError(
            f"parameter {name!r}: {_shown(raw)} {exc.problem}; expected {ALLOWED_VALUES}"
        ) from None
    if not parameter_in_range(value):
        raise ParameterError(
            f"parameter {name!r}: {_shown(raw)} is out of range; expected {ALLOWED_VALUES}"
        )
    if value < 0:  # a negative tier, cap or threshold would lift a score above full marks
        raise ParameterError(
            f"parameter {name!r}: {_shown(raw)} is negative; expected 0 or more, {ALLOWED_VALUES}"
        )
    return value


def parse_date_parameter(name: str, raw: object) -> dt.date:
    """An override of a date parameter: a date or ``YYYY-MM-DD``."""
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise ParameterError(f"parameter {name!r}: {_shown(raw)} is not a date; expected YYYY-MM-DD")


def resolve_parameters(
    rubric: Rubric, overrides: Mapping[str, object] | None = None
) -> dict[str, Decimal | dt.date]:
    """The rubric's parameter values with the caller's overrides applied.

    Each override is parsed with :func:`govopen_rules.exact.parse_decimal` (a command-line
    string, an int, a Decimal; a float by its shortest repr), or as ``YYYY-MM-DD`` where the
    parameter is a date; anything else, or a number out of range, raises
    :class:`ParameterError` naming the parameter and what is allowed.
    """
    values = {name: p.value for name, p in rubric.parameters.items()}
    for name, value in (overrides or {}).items():
        if name not in values:
            known = ", ".join(sorted(values)) or "none"
            raise UnknownParameterError(
                f"rubric {rubric.id!r} has no parameter {name!r}; its parameters: {known}"
            )
        if isinstance(values[name], dt.date):
            values[name] = parse_date_parameter(name, value)
        else:
            values[name] = parse_parameter(name, value)
    return values


class _Compiler:
    def __init__(
        self,
        rubric: Rubric,
        kinds: Mapping[str, FactKind],
        values: Mapping[str, Decimal | dt.date],
        overridden: frozenset[str] = frozenset(),
    ) -> None:
        self.rubric = rubric
        self.kinds = kinds
        self.values = values
        self.overridden = overridden
        self.errors: list[str] = []
        # Deadline measures (kind, field) → the parameters their due date was computed with.
        self.deadline_params: dict[tuple[str, str], set[str]] = {}
        #: Overrides that would change nothing (above what the rules using them can deduct).
        self.override_errors: list[str] = []

    def number(self, value: Number, path: str, used: set[str]) -> Decimal:
        if isinstance(value, ParamRef):
            if value.param not in self.values:
                self.errors.append(f"{path}: unknown parameter {value.param!r}")
                return Decimal(0)
            used.add(value.param)
            found = self.values[value.param]
            if isinstance(found, dt.date):
                self.errors.append(f"{path}: parameter {value.param!r} is a date, not a number")
                return Decimal(0)
            return found if parameter_in_range(found) else Decimal(0)  # reported with it
        return value

    def within(
        self, raw: Number | None, value: Decimal, ceiling: Decimal, path: str, why: str
    ) -> bool:
        """Whether a parameter's value fits under ``ceiling``; when it does not, the problem is
        reported (an override as a :class:`ParameterError`, a file's value as a rubric error)."""
        if not isinstance(raw, ParamRef) or value <= ceiling:
            return True
        name = raw.param
        if name in self.overridden:
            self.override_errors.append(
                f"parameter {name!r}: {value} is more than {why} ({ceiling}); give at most "
                f"{ceiling}"
            )
        else:
            self.errors.append(
                f"{path}: parameter {name!r} = {value} is more than {why} ({ceiling})"
            )
        return False

    def condition(
        self, data: object, fields: Mapping[str, FieldType], path: str, used: set[str]
    ) -> Condition | None:
        if data is None:
            return None

        def resolve(name: str) -> object:
            if name not in self.values:
                raise ConditionError(path, f"unknown parameter {name!r}")
            used.add(name)
            value = self.values[name]
            if isinstance(value, dt.date):
                return value
            if not parameter_in_range(value):  # reported with the parameter
                return 0
            return int(value) if value == value.to_integral_value() else value

        try:
            return parse_condition(data, fields, resolve, path)
        except ConditionError as exc:
            self.errors.append(str(exc))
            return None

    def rule(self, rule: Rule, indicator: Indicator, area: Area, path: str) -> CompiledRule | None:
        if not RULE_ID.fullmatch(rule.id):
            self.errors.append(f"{path}.id: {rule.id!r} is not a dotted lower-case ASCII id")
        if not rule.citation.document.strip() or not rule.citation.clause.strip():
            self.errors.append(f"{path}.citation: document and clause are both required")
        try:
            rule.message.format(count=0)
        except (KeyError, IndexError, ValueError):
            self.errors.append(f"{path}.message: only {{count}} may stand in braces")
        bad_kinds = set(rule.applies_to) - set(UNIT_KINDS)
        if bad_kinds:
            self.errors.append(f"{path}.applies_to: unknown unit kind(s) {sorted(bad_kinds)}")
        # Problems in a rule written with ``check`` are reported at the check.
        check = f"{path}.check" if rule.check is not None else None
        kind = self.kinds.get(rule.evidence.kind)
        if kind is None:
            known = ", ".join(sorted(self.kinds))
            self.errors.append(
                f"{check or path + '.evidence'}.kind: unknown fact kind {rule.evidence.kind!r}; "
                f"known: {known}"
            )
            return None
        fields = kind.all_fields()
        used: set[str] = set()
        if rule.items is not None and (
            rule.items not in fields or fields[rule.items] is FieldType.NESTED
        ):
            self.errors.append(
                f"{path}.items: {rule.items!r} is not a field of {rule.evidence.kind!r}; "
                f"its fields: {', '.join(sorted(fields))}"
            )
        where = self.condition(rule.evidence.where, fields, check or f"{path}.evidence.where", used)
        when = self.condition(rule.when, fields, check or f"{path}.when", used)
        self.check_count(rule, fields, path)
        points = self.number(rule.deduct.points, f"{path}.deduct.points", used)
        tiers = tuple(
            (t.at_least, self.number(t.points, f"{path}.deduct.tiers[{i}].points", used))
            for i, t in enumerate(rule.deduct.tiers)
        )
        counts = [t[0] for t in tiers]
        tiers_ordered = counts == sorted(set(counts)) and all(n >= 1 for n in counts)
        if not tiers_ordered:
            self.errors.append(f"{path}.deduct.tiers: at_least must be >= 1 and increasing")
        if tiers and rule.deduct.mode != "per_unit":
            self.errors.append(f"{path}.deduct.tiers: tiers need mode per_unit")
        cap = None if rule.cap is None else self.number(rule.cap, f"{path}.cap", used)
        minimum = None
        if rule.count.minimum is not None:
            least = self.number(rule.count.minimum, f"{path}.count.minimum", used)
            if not parameter_in_range(least) or least != least.to_integral_value() or least < 1:
                self.errors.append(f"{path}.count.minimum: {least} is not a whole number >= 1")
            else:
                minimum = int(least)
        ceiling = indicator.points if indicator.cap is None else indicator.cap
        cap = self.fit_under_caps(rule, indicator, points, tiers, cap, ceiling, path)
        area_ceiling = area.points if area.cap is None else area.cap
        if tiers_ordered:  # otherwise reported above
            self.check_more_never_cheaper(
                rule, points, tiers, cap, min(ceiling, area_ceiling), minimum, path
            )
        missing = self.missing_policy(
            rule,
            indicator,
            area,
            path,
            used,
            deduction_for(rule.deduct.mode, points, tiers, cap, minimum or 1),
            ceiling,
        )
        amounts = [("points", points), ("cap", cap), ("missing_evidence.points", missing.points)]
        amounts += [(f"deduct.tiers[{i}].points", p) for i, (_, p) in enumerate(tiers)]
        for name, value in amounts:
            if value is not None and value < 0:
                self.errors.append(f"{path}.{name}: {value} is negative")
        consulted: set[str] = set()
        for cond in (where, when):
            if cond is not None:
                consulted |= condition_fields(cond)
        if rule.count.field:
            consulted.add(rule.count.field)
        for name in consulted:
            used |= self.deadline_params.get((kind.name, name), set())
        assumed = sorted(n for n in used if self.rubric.parameters[n].assumed)
        return CompiledRule(
            rule=rule,
            indicator=indicator,
            where=where,
            when=when,
            points=points,
            tiers=tiers,
            cap=cap,
            missing=missing,
            at_most=most_deducted(
                rule.deduct.mode,
                rule.count.mode,
                points,
                tiers,
                cap,
                _most_count(rule, minimum),
                ceiling,
            ),
            minimum=minimum,
            consulted=tuple(sorted(consulted)),
            assumptions=tuple(assumed),
        )

    def fit_under_caps(
        self,
        rule: Rule,
        indicator: Indicator,
        points: Decimal,
        tiers: tuple[tuple[int, Decimal], ...],
        cap: Decimal | None,
        ceiling: Decimal,
        path: str,
    ) -> Decimal | None:
        """A parameter a rule deducts must fit under the rule's cap and what its indicator can
        lose: above them it changes nothing. A parameter with ``raises_cap`` raises the rule's
        cap instead (never above the indicator). Returns the rule's cap."""
        if rule.deduct.mode in ("veto", "bonus"):
            return cap
        lose = f"what indicator {indicator.code} can lose"
        if cap is not None:
            self.within(rule.cap, cap, ceiling, f"{path}.cap", lose)
        amounts = [(rule.deduct.points, points, f"{path}.deduct.points")]
        amounts += [
            (t.points, value, f"{path}.deduct.tiers[{i}].points")
            for i, (t, (_, value)) in enumerate(zip(rule.deduct.tiers, tiers, strict=True))
        ]
        for raw, value, where in amounts:
            if not self.within(raw, value, ceiling, where, lose) or cap is None or value <= cap:
                continue
            if isinstance(raw, ParamRef) and self.rubric.parameters[raw.param].raises_cap:
                cap = value  # raised, as the rubric allows
            else:
                self.within(raw, value, cap, where, f"the cap of rule {rule.id}")
        return cap

    def check_more_never_cheaper(
        self,
        rule: Rule,
        points: Decimal,
        tiers: tuple[tuple[int, Decimal], ...],
        cap: Decimal | None,
        ceiling: Decimal,
        minimum: int | None,
        path: str,
    ) -> None:
        """More problems never cost less: tiers where they did (3 overdue replies cost 1.5, 4
        cost 0.1) were accepted. Costs are compared as charged (under the rule's cap and what
        its indicator and area can lose), up to the most problems the rule can count, so tiers
        that differ only above a cap or past that count are fine. Where an override is
        involved (an amount compared, the rule's cap, or a parameter that raises the cap) it is
        reported as a :class:`ParameterError` naming it. ``tiers`` are in increasing order."""
        if rule.deduct.mode != "per_unit":
            return
        most = {
            "absent": 1,
            "shortfall": minimum,
            "missing_values": len(rule.count.values or ()),
        }.get(rule.count.mode)
        raws = [rule.deduct.points, *(t.points for t in rule.deduct.tiers)]
        if any(not self._usable(r) for r in (*raws, rule.cap)):
            return  # an amount already reported (unknown, a date): nothing true to compare
        raisers = [r for r in raws if isinstance(r, ParamRef) and self._raises_cap(r)]

        def cost(n: int) -> Decimal:
            return min(deduction_for("per_unit", points, tiers, cap, n), ceiling)

        for i, (at_least, _) in enumerate(tiers):
            if at_least == 1 or (most is not None and at_least > most):
                continue
            fewer, more = cost(at_least - 1), cost(at_least)
            if more >= fewer:
                continue
            # What charges one problem fewer (the rule's points or the tier before), this
            # tier's points, and what sets the rule's cap.
            involved = [raws[i], raws[i + 1], rule.cap, *raisers]
            overridden = [
                r.param for r in involved if isinstance(r, ParamRef) and r.param in self.overridden
            ]
            problem = (
                f"{at_least} problems would cost {more}, less than {at_least - 1} cost "
                f"({fewer}); more problems never cost less"
            )
            if overridden:
                for name in dict.fromkeys(overridden):
                    self.override_errors.append(
                        f"parameter {name!r}: with it, rule {rule.id}'s {problem}"
                    )
            else:
                self.errors.append(f"{path}.deduct.tiers[{i}].points: {problem}")

    def _usable(self, raw: Number | None) -> bool:
        """Whether an amount has a value of its own (a parameter known, a number in range)."""
        if not isinstance(raw, ParamRef):
            return True
        found = self.values.get(raw.param)
        return isinstance(found, Decimal) and parameter_in_range(found)

    def _raises_cap(self, ref: ParamRef) -> bool:
        found = self.rubric.parameters.get(ref.param)
        return found is not None and found.raises_cap

    def check_policy(self, stated: MissingEvidence, path: str) -> None:
        """A missing-evidence policy as written: points with ``fixed`` only, and a citation
        where absence costs points (a note at least where it is the good case)."""
        if (stated.points is None) != (stated.mode != "fixed"):
            self.errors.append(f"{path}.points: given with, and only with, mode fixed")
        if stated.mode in ("deduct", "fixed") and stated.citation is None:
            self.errors.append(
                f"{path}.citation: absence that costs points needs the source's words "
                "(e.g. 需提供台账资料)"
            )
        if stated.mode == "clear" and stated.citation is None and not stated.note:
            self.errors.append(f"{path}: say why absence is the good case (note or citation)")

    def missing_policy(
        self,
        rule: Rule,
        indicator: Indicator,
        area: Area,
        path: str,
        used: set[str],
        one_problem: Decimal,
        ceiling: Decimal,
    ) -> ResolvedMissing:
        """The nearest policy stated (rule, indicator, area, rubric), with its amount."""
        levels: tuple[tuple[PolicyLevel, str, MissingEvidence | None], ...] = (
            ("rule", rule.id, rule.missing_evidence),
            ("indicator", indicator.code, indicator.missing_evidence),
            ("area", area.code, area.missing_evidence),
            ("rubric", self.rubric.id, self.rubric.missing_evidence),
        )
        found = [(lv, sc, st) for lv, sc, st in levels if st is not None]
        if not found:  # reported once, in run()
            return ResolvedMissing(level="rubric", scope=self.rubric.id, mode="undecided")
        level, scope, stated = found[0]
        assert stated is not None
        mode = stated.mode
        where = f"{path}.missing_evidence"
        if rule.deduct.mode in ("veto", "bonus") and mode in ("deduct", "fixed"):
            if level == "rule":
                self.errors.append(f"{where}: a {rule.deduct.mode} rule cannot cost points")
            # An inherited cost never vetoes nor withholds a bonus: the range shows it.
            return ResolvedMissing(
                level=level,
                scope=scope,
                mode="undecided",
                note=f"{rule.deduct.mode} 规则不因缺证据而定 (not decided by absent evidence)",
                citation=stated.citation,
            )
        points = Decimal(0)
        if mode == "deduct":
            points = one_problem
        elif mode == "fixed" and stated.points is not None:
            points = self.number(stated.points, f"{where}.points", used)
            self.within(
                stated.points,
                points,
                ceiling,
                f"{where}.points",
                (f"what indicator {indicator.code} can lose"),
            )
        return ResolvedMissing(
            level=level,
            scope=scope,
            mode=mode,
            points=min(points, ceiling),
            note=stated.note,
            citation=stated.citation,
        )

    def check_count(self, rule: Rule, fields: Mapping[str, FieldType], path: str) -> None:
        count = rule.count
        if count.mode in ("facts", "absent", "shortfall"):
            if count.field or count.values:
                self.errors.append(f"{path}.count: mode {count.mode!r} takes no field or values")
            if (count.minimum is None) != (count.mode != "shortfall"):
                self.errors.append(f"{path}.count.minimum: given with, and only with, shortfall")
            return
        expected = FieldType.INT if count.mode == "sum" else FieldType.STR
        if count.field is None or fields.get(count.field) is not expected:
            self.errors.append(
                f"{path}.count.field: mode {count.mode!r} needs a {expected.value} field of "
                f"{rule.evidence.kind!r}, got {count.field!r}"
            )
        if count.mode == "missing_values" and not count.values:
            self.errors.append(f"{path}.count.values: mode 'missing_values' needs values")

    def grading(self) -> Grading:
        rubric = self.rubric
        used: set[str] = set()

        top = rubric.points + rubric.bonus_cap

        def scale(grades: tuple[Grade, ...], path: str) -> GradeScale:
            pairs = [
                (g.label, self.number(g.min_score, f"{path}[{i}].min_score", used))
                for i, g in enumerate(grades)
            ]
            for i, (grade, (label, minimum)) in enumerate(zip(grades, pairs, strict=True)):
                why = f"the rubric's points, so no unit could reach {label}"
                self.within(grade.min_score, minimum, top, f"{path}[{i}].min_score", why)
            labels = [label for label, _ in pairs]
            if len(set(labels)) != len(labels):
                self.errors.append(f"{path}: duplicate grade labels {labels}")
            # Grades are written highest first; a line at or above the one before it (an
            # override such as excellent_min=10) once gave the best units the lower grade.
            for i in range(1, len(pairs)):
                (higher, over), (label, minimum) = pairs[i - 1], pairs[i]
                if minimum < over:
                    continue
                problem = (
                    f"{label} from {minimum} is not below {higher} from {over}; grades go "
                    "from the highest down"
                )
                named = [
                    g.min_score.param
                    for g in (grades[i - 1], grades[i])
                    if isinstance(g.min_score, ParamRef) and g.min_score.param in self.overridden
                ]
                if named:
                    self.override_errors.append(f"parameter {named[-1]!r}: {problem}")
                else:
                    self.errors.append(f"{path}[{i}].min_score: {problem}")
            return make_scale(pairs, rubric.veto_grade)

        base = scale(rubric.grades, "grades")
        policy = rubric.cohort
        if policy is None:
            return Grading(scale=base)
        groups = []
        for i, group in enumerate(policy.groups):
            path = f"cohort.groups[{i}]"
            bad = set(group.unit_kinds) - set(UNIT_KINDS)
            if bad:
                self.errors.append(f"{path}.unit_kinds: unknown unit kind(s) {sorted(bad)}")
            group_scale = scale(group.grades, f"{path}.grades") if group.grades else base
            if not group_scale.thresholds:
                self.errors.append(f"{path}: no grades (give the rubric or the group grades)")
            groups.append(
                ResolvedGroup(
                    name=group.name,
                    unit_kinds=group.unit_kinds,
                    categories=group.categories,
                    scale=group_scale,
                )
            )
        if len({g.name for g in groups}) != len(groups):
            self.errors.append("cohort.groups: group names must be unique")
        quotas = []
        for i, quota in enumerate(policy.quotas):
            path = f"cohort.quotas[{i}]"
            share = self.number(quota.max_share, f"{path}.max_share", used)
            if not Decimal(0) <= share <= Decimal(100):
                self.errors.append(f"{path}.max_share: {share} is not a percentage")
            if all(quota.label not in g.scale.labels for g in groups):
                self.errors.append(f"{path}.label: {quota.label!r} is not a grade of any group")
            quotas.append(ResolvedQuota(label=quota.label, max_share=share, ties=quota.ties))
        if not 0 <= policy.share_decimals <= 6:
            self.errors.append("cohort.share_decimals: must be between 0 and 6")
        return Grading(
            scale=base,
            groups=tuple(groups),
            quotas=tuple(quotas),
            share_decimals=policy.share_decimals,
        )

    def deadlines(self) -> None:
        """Give the fact kinds the rubric's deadline measures (and remember their parameters)."""
        deadlines = self.rubric.deadlines
        for name, deadline in deadlines.items():
            params = {
                value.param
                for form in DEADLINE_FORMS
                if isinstance(value := getattr(deadline, form), ParamRef)
            }
            for field in deadline_fields(name):
                self.deadline_params[(deadline.kind, field)] = params
        self.kinds = compile_deadlines(
            deadlines, self.kinds, lambda v, path: self.number(v, path, set()), self.errors
        )

    def evidence_gate(self, grading: Grading) -> ResolvedGate | None:
        """The rubric's evidence gate, checked against its grades."""
        gate = self.rubric.evidence_gate
        if gate is None:
            return None
        labels = set(grading.scale.labels)
        for group in grading.groups:
            labels |= set(group.scale.labels)
        unknown = [g for g in gate.grades if g not in labels]
        if unknown:
            self.errors.append(f"evidence_gate.grades: {unknown} are not grades of the rubric")
        if gate.label in labels:
            self.errors.append(f"evidence_gate.label: {gate.label!r} is a grade; name it apart")
        share = None
        if gate.min_evidence_share is not None:
            path = "evidence_gate.min_evidence_share"
            share = self.number(gate.min_evidence_share, path, set())
            literal = not isinstance(gate.min_evidence_share, ParamRef)
            if share < 0 or (literal and share > 100):
                self.errors.append(f"{path}: {share} is not a percentage")
            self.within(gate.min_evidence_share, share, Decimal(100), path, "100 %")
        if not (gate.low_end or gate.high_end or share is not None):
            self.errors.append(
                "evidence_gate: require low_end, high_end or min_evidence_share (or remove it)"
            )
        return ResolvedGate(
            grades=gate.grades,
            low_end=gate.low_end,
            high_end=gate.high_end,
            min_evidence_share=share,
            label=gate.label,
            note=gate.note,
            citation=gate.citation,
        )

    def run(self) -> list[CompiledRule]:
        rubric = self.rubric
        self.deadlines()
        compiled: list[CompiledRule] = []
        seen_ids: set[str] = set()
        seen_codes: set[str] = set()
        if not FIRST_YEAR <= rubric.year <= LAST_YEAR:  # no facts file can be of such a year
            self.errors.append(
                f"year: {rubric.year} is not an assessment year in {FIRST_YEAR}-{LAST_YEAR}"
            )
        if sum((a.points for a in rubric.areas), Decimal(0)) != rubric.points:
            self.errors.append(
                f"points: areas add up to {sum(a.points for a in rubric.areas)}, "
                f"not {rubric.points}"
            )
        if rubric.missing_evidence is None:
            self.errors.append("missing_evidence: required: what absent evidence decides")
        else:
            self.check_policy(rubric.missing_evidence, "missing_evidence")
        for a_i, area in enumerate(rubric.areas):
            a_path = f"areas[{a_i}]"
            if area.missing_evidence is not None:
                self.check_policy(area.missing_evidence, f"{a_path}.missing_evidence")
            ind_sum = sum((i.points for i in area.indicators), Decimal(0))
            if ind_sum != area.points:
                self.errors.append(
                    f"{a_path}.points: indicators of {area.code} add up to {ind_sum}, "
                    f"not {area.points}"
                )
            for i_i, ind in enumerate(area.indicators):
                i_path = f"{a_path}.indicators[{i_i}]"
                if ind.code in seen_codes:
                    self.errors.append(f"{i_path}.code: duplicate indicator code {ind.code!r}")
                seen_codes.add(ind.code)
                if ind.missing_evidence is not None:
                    self.check_policy(ind.missing_evidence, f"{i_path}.missing_evidence")
                if ind.cap is not None and not Decimal(0) <= ind.cap <= ind.points:
                    self.errors.append(f"{i_path}.cap: {ind.cap} is not within 0..{ind.points}")
                for r_i, rule in enumerate(ind.rules):
                    r_path = f"{i_path}.rules[{r_i}]"
                    if rule.id in seen_ids:
                        self.errors.append(f"{r_path}.id: duplicate rule id {rule.id!r}")
                    seen_ids.add(rule.id)
                    if rule.missing_evidence is not None:
                        self.check_policy(rule.missing_evidence, f"{r_path}.missing_evidence")
                    result = self.rule(rule, ind, area, r_path)
                    if result is not None:
                        compiled.append(result)
        for name, param in rubric.parameters.items():
            if param.assumed and param.citation is None and not param.note:
                self.errors.append(f"parameters.{name}: an assumed value needs a note or citation")
            if not isinstance(param.value, dt.date) and not parameter_in_range(param.value):
                self.errors.append(f"parameters.{name}.value: expected {ALLOWED_VALUES}")
        return compiled


def compile_rubric(
    rubric: Rubric,
    kinds: Mapping[str, FactKind],
    overrides: Mapping[str, object] | None = None,
    source: str | None = None,
) -> CompiledRubric:
    """Check and compile; raise :class:`RubricError` listing every problem."""
    values = resolve_parameters(rubric, overrides)
    compiler = _Compiler(rubric, kinds, values, frozenset(overrides or ()))
    rules = compiler.run()
    grading = compiler.grading()
    gate = compiler.evidence_gate(grading)
    if compiler.errors:
        # A check's field is read twice (evidence and condition): say its problem once.
        errors = list(dict.fromkeys(compiler.errors))
        raise RubricError(errors, source or f"rubric {rubric.id!r}")
    if compiler.override_errors:
        raise ParameterError("; ".join(dict.fromkeys(compiler.override_errors)))
    selections: dict[str, Selection] = {}
    names: dict[Selection, str] = {}

    def select(selection: Selection) -> str:
        """One name per distinct selection; rules that look at the same facts share it."""
        if selection not in names:
            names[selection] = f"m{len(names)}"
            selections[names[selection]] = selection
        return names[selection]

    named = []
    for rule in rules:
        base = () if rule.where is None else (rule.where,)
        evidence = select(Selection(rule.rule.evidence.kind, base))
        problem = evidence
        if rule.when is not None:
            problem = select(Selection(rule.rule.evidence.kind, (*base, rule.when)))
        named.append(attrs.evolve(rule, evidence_name=evidence, problem_name=problem))
    return CompiledRubric(
        rubric=rubric,
        parameters=values,
        rules=tuple(named),
        selections=selections,
        engine_fields=_engine_fields(named),
        grading=grading,
        evidence_gate=gate,
        indicator_codes=frozenset(i.code for a in rubric.areas for i in a.indicators),
        assumed_parameters=tuple(sorted(n for n, p in rubric.parameters.items() if p.assumed)),
        fact_kinds=compiler.kinds,
        late_measures=frozenset(f"{name}_late" for name in rubric.deadlines),
    )


def _engine_fields(rules: list[CompiledRule]) -> dict[str, tuple[str, ...]]:
    fields: dict[str, set[str]] = {}
    for rule in rules:
        wanted = fields.setdefault(rule.rule.evidence.kind, set())
        for cond in (rule.where, rule.when):
            if cond is not None:
                wanted |= condition_fields(cond)
        if rule.rule.count.field:
            wanted.add(rule.rule.count.field)
    # A fixed order: the engine's speed depends on the order of a fact's keys (measured).
    return {kind: tuple(sorted(names)) for kind, names in fields.items()}


def _most_count(rule: Rule, minimum: int | None) -> int | None:
    """The largest count a rule's count mode allows, where it has one."""
    mode = rule.count.mode
    if mode == "absent":
        return 1
    if mode == "shortfall":
        return minimum
    if mode == "missing_values":
        return len(rule.count.values)
    return None

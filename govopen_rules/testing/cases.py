"""Rule test cases as data: a YAML file of facts and expected verdicts, one test per case.

A case file (``*.cases.yaml``) names the rubric, a unit and base facts, then cases that edit the
base (``remove``, ``patch``, ``add``) or replace it (``facts``) and say what they expect. See
``docs/testing-rules.md``. Numbers in expectations are compared as ``Decimal``.

A malformed file raises :class:`CaseFileError` (a :class:`~govopen_rules.errors.ValidationError`)
naming the file and the path inside it: a mistyped status lists the statuses, a mistyped rule id
or indicator code lists the rubric's, closest first.
"""

from __future__ import annotations

import copy
import difflib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import yaml

from govopen_rules.errors import FactsValidationError, Problem, RubricError, ValidationError
from govopen_rules.evaluation.pipeline import evaluate
from govopen_rules.evaluation.results import EvaluationResult, Status, Verdict
from govopen_rules.exact import parse_decimal, shown
from govopen_rules.plugins.registry import Registry
from govopen_rules.rubric.reading import MAX_DEPTH, MAX_NODES, TooDeepError, load_checked

__all__ = ["Case", "CaseFileError", "Mismatch", "check_case", "compare", "load_case_file"]

_CASE_KEYS = {"name", "unit", "as_of", "facts", "remove", "patch", "add", "parameters", "expect"}
_EXPECT_KEYS = {"total", "grade", "vetoed", "indicators", "verdicts", "errors"}
_FILE_KEYS = {"region", "year", "unit", "as_of", "facts", "cases"}
_VERDICT_KEYS = {"status", "points", "count", "items"}
_STATUSES = ", ".join(s.value for s in Status)


class CaseFileError(ValidationError):
    """A case file is malformed; the message names the file and the path inside it."""

    default_source = "case file"


@attrs.frozen(kw_only=True)
class Case:
    """One case: the facts file it evaluates and what it expects."""

    name: str
    region: str
    year: int
    facts_file: dict[str, Any]
    parameters: dict[str, Any]
    expect: dict[str, Any]
    source: str
    #: Where the case is in its file (``cases[3]``), for errors found when it runs.
    path: str = "case"


@attrs.frozen(kw_only=True)
class Mismatch:
    """One expectation not met: what, expected, actual, and the verdict behind it."""

    what: str
    expected: str
    actual: str
    verdict: Verdict | None = None


def _fail(source: str, path: str, problem: str) -> CaseFileError:
    return CaseFileError([Problem(path, problem)], source)


def closest_first(name: str, known: Iterable[str]) -> list[str]:
    """``known`` sorted by likeness to ``name`` (a mistyped id's intended one comes first)."""
    return sorted(known, key=lambda k: (-difflib.SequenceMatcher(None, name, k).ratio(), k))


def _check_number(value: Any, source: str, path: str) -> None:
    try:
        parse_decimal(value)
    except ValueError as exc:
        raise _fail(source, path, str(exc)) from None


def _check_expect(expect: Any, source: str, path: str) -> None:
    """Every expectation well-formed: statuses are statuses, numbers are exact numbers."""
    if not isinstance(expect, Mapping):
        raise _fail(source, path, f"expected a mapping of expectations, got {expect!r}")
    bad = set(expect) - _EXPECT_KEYS
    if bad:
        raise _fail(source, path, f"unknown key(s) {sorted(bad)}; allowed {sorted(_EXPECT_KEYS)}")
    if "total" in expect:
        _check_number(expect["total"], source, f"{path}.total")
    for code, score in _mapping(expect, "indicators", source, path).items():
        _check_number(score, source, f"{path}.indicators.{code}")
    for rule_id, want in _mapping(expect, "verdicts", source, path).items():
        _check_verdict(want, source, f"{path}.verdicts.{rule_id}")
    errors = expect.get("errors", [])
    if not isinstance(errors, list) or not all(isinstance(e, str) for e in errors):
        raise _fail(source, f"{path}.errors", "expected a list of texts")


def _mapping(expect: Mapping[str, Any], key: str, source: str, path: str) -> Mapping[str, Any]:
    value = expect.get(key, {})
    if not isinstance(value, Mapping):
        raise _fail(source, f"{path}.{key}", f"expected a mapping, got {value!r}")
    return value


def _check_verdict(want: Any, source: str, path: str) -> None:
    if isinstance(want, str):
        want = {"status": want}
    if not isinstance(want, Mapping):
        raise _fail(source, path, f"expected a status or {{status, points, count}}, got {want!r}")
    extra = set(want) - _VERDICT_KEYS
    if extra:
        raise _fail(
            source, path, f"unknown key(s) {sorted(extra)}; allowed {sorted(_VERDICT_KEYS)}"
        )
    status = want.get("status")
    if "status" in want and status not in {s.value for s in Status}:
        raise _fail(source, path, f"{status!r} is not a status; use one of: {_STATUSES}")
    if "points" in want:
        _check_number(want["points"], source, f"{path}.points")
    count = want.get("count", 0)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise _fail(source, f"{path}.count", f"{count!r} is not a whole number >= 0")
    items = want.get("items", [])
    if not isinstance(items, list):
        raise _fail(source, f"{path}.items", f"expected the list of items, got {items!r}")


def _matches(fact: Mapping[str, Any], pattern: Mapping[str, Any]) -> bool:
    return all(fact.get(key) == value for key, value in pattern.items())


def _listed(value: Any, source: str, path: str, what: str) -> list[Any]:
    """A list the case file gives (``facts``, ``remove``, ``patch``, ``add``), or one line naming
    where it is not one (``facts: null`` ended collection in a TypeError)."""
    if not isinstance(value, list):
        raise _fail(source, path, f"expected a list of {what}, got {value!r}"[:200])
    return value


def _a_mapping(value: Any, source: str, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(source, path, f"expected a mapping, got {value!r}"[:200])
    return value


def _edit(base: list[Any], case: Mapping[str, Any], source: str, path: str) -> list[Any]:
    given = case.get("facts", base)
    facts = copy.deepcopy(list(_listed(given, source, f"{path}.facts", "facts")))
    removed = _listed(case.get("remove", []), source, f"{path}.remove", "fact patterns")
    for i, pattern in enumerate(removed):
        pattern = _a_mapping(pattern, source, f"{path}.remove[{i}]")
        kept = [f for f in facts if not _matches(f, pattern)]
        if len(kept) == len(facts):
            raise _fail(source, f"{path}.remove[{i}]", f"no base fact matches {pattern!r}")
        facts = kept
    patches = _listed(case.get("patch", []), source, f"{path}.patch", "patches")
    for i, patch in enumerate(patches):
        if (
            not isinstance(patch, Mapping)
            or set(patch) != {"match", "set"}
            or not isinstance(patch["match"], Mapping)
            or not isinstance(patch["set"], Mapping)
        ):
            raise _fail(source, f"{path}.patch[{i}]", "expected {match: {...}, set: {...}}")
        hits = [f for f in facts if _matches(f, patch["match"])]
        if not hits:
            raise _fail(source, f"{path}.patch[{i}]", f"no fact matches {patch['match']!r}")
        for fact in hits:
            for key, value in patch["set"].items():
                if value is None:
                    fact.pop(key, None)
                else:
                    fact[key] = value
    facts.extend(copy.deepcopy(_listed(case.get("add", []), source, f"{path}.add", "facts")))
    return facts


#: The most values a case file's aliases may expand it to (unless its text is longer).
MAX_CASE_VALUES = 5 * MAX_NODES


def load_case_file(path: Path) -> list[Case]:
    """Read a case file into cases; raise :class:`CaseFileError` naming the problem."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        # A key given twice is refused, as in a rubric (expect: {total: 3, total: 10} once
        # checked only the 10); a date YAML cannot build (2020-13-01) is one line.
        # Numbers as written (a float read 0.99999999999999999999 as 1), nesting bounded.
        # A case file's size is its own (tens of thousands of facts), and anchors may reuse
        # facts across cases (500 facts in 150 cases: 375,000 values), but a 1 KB file of
        # nested aliases filled 2.3 GB.
        data, _ = load_checked(text, path, max(MAX_CASE_VALUES, len(text)))
    except RubricError as exc:
        raise _fail(source, "$", str(exc).removeprefix(f"{path}: $: ")) from None
    except TooDeepError as exc:
        raise _fail(
            source, "$", f"line {exc.line}: nested more than {MAX_DEPTH} levels deep"
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, TypeError) as exc:
        raise _fail(source, "$", f"cannot read: {' '.join(str(exc).split())}"[:300]) from None
    if not isinstance(data, Mapping):
        raise _fail(source, "$", "expected a mapping with region, year and cases")
    extra = set(data) - _FILE_KEYS
    if extra:
        raise _fail(source, "$", f"unknown key(s) {sorted(extra)}; allowed {sorted(_FILE_KEYS)}")
    for key in ("region", "year", "cases"):
        if key not in data:
            raise _fail(source, "$", f"'{key}' is required")
    if not isinstance(data["year"], int) or isinstance(data["year"], bool):
        raise _fail(source, "$.year", f"{data['year']!r} is not a year")
    if not isinstance(data["cases"], list):
        raise _fail(source, "$.cases", "expected a list of cases")
    base = _listed(data.get("facts", []), source, "$.facts", "facts")
    cases = []
    names: dict[str, int] = {}  # each test is known by its case's name
    for i, raw in enumerate(data["cases"]):
        path_i = f"cases[{i}]"
        if not isinstance(raw, Mapping) or "name" not in raw or "expect" not in raw:
            raise _fail(source, path_i, "a case needs a name and an expect")
        extra = set(raw) - _CASE_KEYS
        if extra:
            raise _fail(source, path_i, f"unknown key(s) {sorted(extra)}")
        name = _case_name(raw["name"], source, f"{path_i}.name")
        alike = unicodedata.normalize("NFC", name).strip()  # names that look the same
        if alike in names:
            raise _fail(
                source, f"{path_i}.name", f"{name!r} is also the name of cases[{names[alike]}]"
            )
        names[alike] = i
        _check_expect(raw["expect"], source, f"{path_i}.expect")
        facts_file: dict[str, Any] = {
            "unit": raw.get("unit", data.get("unit")),
            "year": data["year"],
            "facts": _edit(base, raw, source, path_i),
        }
        as_of = raw.get("as_of", data.get("as_of"))
        if as_of is not None:
            facts_file["as_of"] = str(as_of)
        cases.append(
            Case(
                name=name,
                region=str(data["region"]),
                year=int(data["year"]),
                facts_file=facts_file,
                parameters=dict(raw.get("parameters", {})),
                expect=dict(raw["expect"]),
                source=source,
                path=path_i,
            )
        )
    return cases


def _case_name(value: object, source: str, path: str) -> str:
    """A case's name as its test is known by: text that a terminal and pytest can show (a lone
    surrogate crashed pytest in setting ``PYTEST_CURRENT_TEST``; an ESC reached the terminal)."""
    name = str(value)
    # Control characters, surrogates and line or paragraph separators; an ideographic space
    # (U+3000) or a zero-width joiner is text.
    bad = next((c for c in name if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp")), None)
    if bad is not None or not name.strip():
        what = f"holds {bad!r}" if bad is not None else "is empty"
        raise _fail(source, path, f"{shown(name)} {what}; a case's name is printable text")
    return name


def _number(value: Any) -> Decimal:
    return parse_decimal(value)


def _verdict_expectation(value: Any) -> dict[str, Any]:
    return {"status": value} if isinstance(value, str) else dict(value)


def check_case(
    case: Case, registry: Registry | None = None
) -> tuple[EvaluationResult | None, list[Mismatch]]:
    """Evaluate a case and compare; an empty list means every expectation holds.

    Raises :class:`CaseFileError` when the case names a rule or indicator the rubric does not
    have (listing the rubric's, closest first).
    """
    expect = case.expect
    try:
        result = evaluate(
            case.facts_file,
            region=case.region,
            year=case.year,
            parameters=case.parameters or None,
            registry=registry,
        )
    except FactsValidationError as exc:
        wanted: Sequence[str] = expect.get("errors", [])
        if not wanted:
            return None, [
                Mismatch(what="evaluation", expected="a result", actual="; ".join(exc.errors))
            ]
        missing = [w for w in wanted if not any(w in e for e in exc.errors)]
        return None, [
            Mismatch(what="errors", expected=w, actual="; ".join(exc.errors)) for w in missing
        ]
    return result, compare(case, result)


def compare(case: Case, result: EvaluationResult) -> list[Mismatch]:
    """The case's expectations ``result`` does not meet (empty when every one holds).

    Raises :class:`CaseFileError` when the case names a rule or indicator the rubric does not
    have. Mutation testing (:mod:`govopen_rules.testing.mutate`) compares mutants' results here.
    """
    expect = case.expect
    if "errors" in expect:
        return [Mismatch(what="errors", expected="; ".join(expect["errors"]), actual="no error")]
    _check_names(case, result)
    mismatches: list[Mismatch] = []
    if "total" in expect and result.total != _number(expect["total"]):
        mismatches.append(
            Mismatch(what="total", expected=str(expect["total"]), actual=str(result.total))
        )
    for key in ("grade", "vetoed"):
        if key in expect and getattr(result, key) != expect[key]:
            mismatches.append(
                Mismatch(what=key, expected=str(expect[key]), actual=str(getattr(result, key)))
            )
    for code, score in expect.get("indicators", {}).items():
        actual = result.indicator(code).score
        if actual != _number(score):
            mismatches.append(
                Mismatch(what=f"indicator {code}", expected=str(score), actual=str(actual))
            )
    for rule_id, raw in expect.get("verdicts", {}).items():
        mismatches += _compare_verdict(result.verdict(rule_id), _verdict_expectation(raw))
    return mismatches


def _check_names(case: Case, result: EvaluationResult) -> None:
    """Every indicator code and rule id the case expects exists in the rubric."""
    codes = [i.code for a in result.areas for i in a.indicators]
    rule_ids = [v.rule_id for v in result.verdicts()]
    for key, what, known in (("indicators", "indicator", codes), ("verdicts", "rule", rule_ids)):
        for name in case.expect.get(key, {}):
            if name not in known:
                raise _fail(
                    case.source,
                    f"{case.path}.expect.{key}",
                    f"no {what} {name!r} in rubric {result.rubric_id}; its {what}s, closest "
                    f"first: {', '.join(closest_first(str(name), known))}",
                )


def _compare_verdict(verdict: Verdict, want: dict[str, Any]) -> list[Mismatch]:
    expected, actual = [], []
    if "status" in want:
        expected.append(str(want["status"]))
        actual.append(verdict.status.value)
    if "points" in want:
        expected.append(f"-{_number(want['points'])}")
        actual.append(f"-{verdict.points}")
    if "count" in want:
        expected.append(f"count {want['count']}")
        actual.append(f"count {verdict.count}")
    # Items as YAML gives them (a date is read as a date): compared as the text a report shows.
    items = [str(i) for i in want.get("items", ())]
    if "items" in want:
        expected.append(f"items {'、'.join(items) or '—'}")
        actual.append(f"items {'、'.join(verdict.items) or '—'}")
    ok = (
        ("status" not in want or want["status"] == verdict.status.value)
        and ("points" not in want or _number(want["points"]) == verdict.points)
        and ("count" not in want or int(want["count"]) == verdict.count)
        and ("items" not in want or tuple(items) == verdict.items)
    )
    if ok:
        return []
    return [
        Mismatch(
            what=f"verdict {verdict.rule_id}",
            expected=" ".join(expected),
            actual=" ".join(actual),
            verdict=verdict,
        )
    ]


def render_mismatches(case: Case, mismatches: Sequence[Mismatch]) -> str:
    """Expected and actual side by side, with each verdict's message and evidence."""
    width = max((len(m.what) for m in mismatches), default=10)
    lines = [
        f"case {case.name!r} ({case.region} {case.year}, {case.source})",
        f"  {'':<{width}}  {'expected':<24} actual",
    ]
    for m in mismatches:
        lines.append(f"  {m.what:<{width}}  {m.expected:<24} {m.actual}")
        if m.verdict is not None:
            lines.append(f"  {'':<{width}}    message: {m.verdict.message}")
            for ev in m.verdict.evidence:
                lines.append(f"  {'':<{width}}    evidence: {ev.describe()}")
            lines.append(
                f"  {'':<{width}}    cites: {m.verdict.citation.document} "
                f"{m.verdict.citation.clause}"
            )
    return "\n".join(lines)

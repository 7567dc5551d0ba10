"""The generated structuring of facts agrees with the detailed converter on every input.

The fast path (:mod:`govopen_rules.facts.fast_structure`) may refuse what the detailed path
accepts (the detailed path then builds the fact), but what it accepts it must build exactly as
the detailed path does, and it must never accept what the detailed path refuses.
"""

from __future__ import annotations

import datetime as dt
import typing
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govopen_rules.facts.convert import _FACTS, _builder, read_facts
from govopen_rules.facts.kinds import FieldType
from govopen_rules.plugins.registry import default_registry

KINDS = default_registry().fact_kinds

#: Values of every shape a JSON document (or a caller's mapping) can hold, valid and not.
ODD = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        -1,
        7,
        2**63 - 1,
        2**63,
        -(2**63),
        "",
        "文本",
        "2020-06-01",
        "2020-02-30",
        "1899-12-31",
        "2101-01-01",
        "20200601",
        "2020-W23-1",
        "2020-06-01T00:00",
        "２０２０-06-01",
        "94.5",
        "1e3",
        "NaN",
        "1234567890123.5",
        "0.0000001",
        Decimal("0.1"),
        Decimal("-3"),
        Decimal("100.5"),
        1.5,
        [],
        ["a", "b"],
        ["2020-01-02"],
        [1],
        {"a": 1},
        dt.date(2020, 6, 1),
        dt.date(1800, 1, 1),
        dt.datetime(2020, 6, 1, 12, 0),
    ]
)


def _field_values(cls: type) -> st.SearchStrategy[dict[str, Any]]:
    hints = typing.get_type_hints(cls)
    names = [a.name for a in attrs.fields(cls) if a.init]

    def typed(tp: Any) -> st.SearchStrategy[Any]:
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        base = inner[0] if len(inner) == 1 else tp
        if base is str:
            return st.text(max_size=5)
        if base is int:
            return st.integers(min_value=-(2**64), max_value=2**64)
        if base is bool:
            return st.booleans()
        if base is Decimal:
            return st.decimals(allow_nan=False, places=3, min_value=-(10**6), max_value=10**6)
        if base is dt.date:
            return st.dates(dt.date(1890, 1, 1), dt.date(2110, 1, 1)).map(dt.date.isoformat)
        return ODD

    values = {name: st.one_of(typed(hints[name]), ODD) for name in names}
    return st.fixed_dictionaries(
        {}, optional={**values, "unknown_field": ODD, "kind": st.just(cls.__name__)}
    )


@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_path_builds_what_the_detailed_path_builds(kind: str, data: st.DataObject) -> None:
    cls = KINDS[kind].cls
    raw = data.draw(_field_values(cls))
    body = {k: v for k, v in raw.items() if k != "kind"}
    try:
        fast = _builder(cls)(raw)
    except Exception:
        return  # refused: the detailed path decides (checked below for whole files)
    detailed, problems = _FACTS.structure_as(body, cls, "x")
    assert problems == []
    assert fast == detailed
    assert type(fast) is type(detailed)


def test_fast_path_takes_a_valid_fact_and_refuses_a_wrong_one() -> None:
    cls = KINDS["information_request"].cls
    build = _builder(cls)
    fact = build(
        {"kind": "information_request", "received_on": "2020-06-01", "fee_charged": Decimal(0)}
    )
    assert fact.received_on == dt.date(2020, 6, 1)
    for wrong in (
        {"received_on": "2020-06-31"},
        {"received_on": "2020-W23-1"},
        {"received_on": 20200601},
        {"fee_charged": Decimal(-1)},  # the class's validator refuses it
        {"received_on": "2020-06-01", "colour": "red"},
    ):
        with pytest.raises(ValueError):
            build({"kind": "information_request", **wrong})


def test_whole_files_read_the_same_with_or_without_the_fast_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Problems (and their order) and facts are the same when every fact takes the detailed path."""
    facts: list[object] = [
        {"kind": "submission", "item": "a", "due_on": "2020-06-01", "submitted_on": "2020-06-31"},
        {"kind": "information_request", "received_on": "2020-06-01", "replied_on": "2020-06-05"},
        {"kind": "hotline_figures", "period": "2020-01", "answered_within_15s_rate": "120"},
        {"kind": "disclosure_item", "topic": "t", "published": "yes"},
        {"kind": "disclosure_item", "topic": "t", "published": True, "extra": 1},
        {"kind": "policy_interpretation", "policy_published_on": dt.date(2020, 1, 2)},
    ]
    data = {"unit": {"id": "u", "name": "n", "kind": "department"}, "year": 2020, "facts": facts}
    fast = read_facts(data, KINDS)

    def refuse(_: object) -> object:
        raise ValueError("detailed path only")

    monkeypatch.setattr("govopen_rules.facts.convert._builder", lambda cls: refuse)
    slow = read_facts(data, KINDS)
    assert fast == slow
    assert [i for i, _ in fast.facts] == [1, 5]
    assert len(fast.problems) == 4


@pytest.mark.parametrize(
    "value",
    ["1.0000000000000000000000000001", "1E-2000000", "9E+999999", "12345678901234567.5"],
)
def test_decimals_past_the_exact_range_are_refused_when_encoded(value: str) -> None:
    """Encoding takes a Decimal in line only within what ``parse_decimal`` takes (found in
    review: scaling first rounded such values, or raised ``decimal.Overflow``)."""
    from govopen_rules.facts.encoding import encode_decimal

    with pytest.raises(ValueError, match="out of range"):
        encode_decimal(Decimal(value))


def test_a_facts_file_object_with_a_decimal_out_of_range_is_reported_not_rounded() -> None:
    from govopen_rules import FactsFile, FactsValidationError, Unit, evaluate

    cls = KINDS["information_request"].cls
    facts = FactsFile(
        unit=Unit(id="u", name="n", kind="department"),
        year=2020,
        facts=(cls(received_on=dt.date(2020, 6, 1), fee_charged=Decimal("9E+999999")),),
    )
    with pytest.raises(FactsValidationError, match=r"facts\[0\]\.fee_charged: .*out of range"):
        evaluate(facts, region="yanan", year=2020, engine="python")


@settings(max_examples=400, deadline=None)
@given(
    text=st.one_of(
        st.from_regex(r"-?[0-9]{1,14}(\.[0-9]{0,8})?", fullmatch=True),
        st.from_regex(r"[-+ ]?[0-9_.eE]{1,16}", fullmatch=True),
    )
)
def test_decimal_text_taken_at_once_is_what_the_checks_take(text: str) -> None:
    """``_decimal`` takes plain decimal text without its checks; it must take exactly what the
    checks would (same value, same digits), and refuse what they refuse."""
    from govopen_rules.facts.convert import _decimal, _decimal_checked

    try:
        checked: Decimal | None = _decimal_checked(text)
    except ValueError:
        checked = None
    try:
        fast: Decimal | None = _decimal(text, Decimal)
    except ValueError:
        fast = None
    assert repr(fast) == repr(checked)


#: Values a fact's field or a deriver's measure may hold, typed or not: a plugin can build a
#: fact without validators, and a deriver can return anything.
ANY_VALUE = st.one_of(
    ODD,
    st.sampled_from(["abc", b"bytes", (), ("a", "b"), (dt.date(2020, 1, 2),), [dt.date(2020, 1, 2)]]),
    st.tuples(st.sampled_from(["a", 1, True, dt.date(2020, 1, 2), Decimal("1.5"), None])),
)


def _value_of(ftype: FieldType) -> st.SearchStrategy[Any]:
    """A value of an encoded field's type, as facts and derivers normally give it."""
    return {
        FieldType.STR: st.text(max_size=4),
        FieldType.BOOL: st.booleans(),
        FieldType.INT: st.integers(min_value=-(2**64), max_value=2**64),
        FieldType.DECIMAL: st.decimals(allow_nan=False, places=3, max_value=10**6, min_value=-(10**6)),
        FieldType.DATE: st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
        FieldType.STR_LIST: st.lists(st.text(max_size=3), max_size=3).map(tuple),
        FieldType.DATE_LIST: st.lists(st.dates(), max_size=3).map(tuple),
    }.get(ftype, ODD)


@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_encoder_encodes_what_the_field_by_field_encoder_does(
    kind: str, data: st.DataObject
) -> None:
    """Each kind's generated encoder gives the same values as encoding field by field, and
    where a value cannot be encoded the same error, naming the field: for facts built without
    their validators and measures of any type (found in review: a measure that should be a list
    but was a string was split into its characters)."""
    from govopen_rules.facts.encoding import _encode_checked, encode_fact

    fact_kind = KINDS[kind]
    fact = object.__new__(fact_kind.cls)
    for field in attrs.fields(fact_kind.cls):
        ftype = fact_kind.fields.get(field.name)
        typed = _value_of(ftype) if ftype is not None else ODD
        value = data.draw(st.one_of(typed, st.none(), ANY_VALUE))
        object.__setattr__(fact, field.name, value)
    derived = {
        name: data.draw(st.one_of(_value_of(ftype), st.none(), ANY_VALUE))
        for name, ftype in fact_kind.derived.items()
        if data.draw(st.booleans())
    }
    outcomes = []
    for encode in (encode_fact, _encode_checked):
        try:
            outcomes.append(encode(fact_kind, fact, derived, None))
        except ValueError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]


def test_generated_encoder_refuses_a_fact_with_too_many_values() -> None:
    from govopen_rules.facts.encoding import MAX_PROPERTIES, encode_fact

    kind = KINDS["information_request"]
    many = tuple(f"要素{i}" for i in range(MAX_PROPERTIES + 1))
    fact = kind.cls(received_on=dt.date(2020, 6, 1), missing_reply_elements=many)
    with pytest.raises(ValueError, match=f"at most {MAX_PROPERTIES}"):
        encode_fact(kind, fact, {})

"""Structured garbage into the two input readers: only the library's own errors may come out.

Hypothesis builds facts files and rubric files near the real shape (right keys, wrong types,
extreme numbers and dates, odd strings, nesting) as well as arbitrary JSON-like values; whatever
it builds, ``structure_facts_file`` and the rubric loader must return a model or raise a
:class:`~govopen_rules.errors.GovOpenRulesError` whose message is bounded, never anything else.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from govopen_rules import GovOpenRulesError, Registry, structure_facts_file
from govopen_rules.rubric.files import load_rubric, structure_rubric

from builders import area, indicator, rubric, rule

REGISTRY = Registry(load_entrypoints=False)
KINDS = sorted(REGISTRY.fact_kinds)
FIELDS = sorted({f for kind in REGISTRY.fact_kinds.values() for f in kind.fields})

NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(),
    st.sampled_from(
        ["1e999999999", "-1e999999999", "1E-100", "NaN", "-Infinity", "0.0000001", "9" * 70, "-0"]
    ),
)
DATES = st.one_of(
    st.dates().map(str),
    st.sampled_from(
        ["20200203", "2020W061", "2020-02-30", "9999-12-31", "0001-01-01", "２０２０-01-01"]
    ),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), NUMBERS, DATES, st.text(max_size=30), st.sampled_from(KINDS)
)
JSON_LIKE = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), children, max_size=4
        ),
    ),
    max_leaves=20,
)


@st.composite
def facts_files(draw: st.DrawFn) -> object:
    """A facts file whose every part is likely to be of the right shape, or not."""
    fact = st.builds(
        lambda kind, body: {"kind": kind, **body},
        st.one_of(st.sampled_from(KINDS), SCALARS),
        st.dictionaries(st.sampled_from(FIELDS), JSON_LIKE, max_size=5),
    )
    unit = st.one_of(
        st.fixed_dictionaries(
            {
                "id": SCALARS,
                "name": SCALARS,
                "kind": st.one_of(st.sampled_from(["department", "ministry"]), SCALARS),
            }
        ),
        JSON_LIKE,
    )
    top = {
        "unit": unit,
        "year": st.one_of(st.integers(1890, 2110), SCALARS),
        "facts": st.one_of(st.lists(st.one_of(fact, JSON_LIKE), max_size=6), JSON_LIKE),
        "as_of": st.one_of(DATES, SCALARS),
        "extra": JSON_LIKE,
    }
    chosen = draw(st.sets(st.sampled_from(sorted(top)), max_size=len(top)))
    if draw(st.booleans()):
        return draw(JSON_LIKE)
    return {key: draw(top[key]) for key in sorted(chosen)}


def assert_clean(exc: BaseException) -> None:
    assert isinstance(exc, GovOpenRulesError), repr(exc)
    assert len(str(exc)) < 50_000


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(facts_files())
def test_structure_facts_file_raises_only_library_errors(data: object) -> None:
    try:
        structure_facts_file(data, REGISTRY.fact_kinds)
    except Exception as exc:
        assert_clean(exc)


VALID_RUBRIC = rubric(
    area(
        "A",
        indicator(
            "A1",
            "1",
            rule(
                "t.a1.late",
                "submission",
                when={"field": "late", "eq": True},
                deduct={
                    "mode": "per_unit",
                    "points": "0.5",
                    "tiers": [{"at_least": 2, "points": 1}],
                },
                cap="1",
            ),
        ),
    ),
    parameters={"p": {"value": "1", "note": "n", "assumed": True}},
    grades=[{"label": "好", "min_score": 0}],
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into the valid rubric: where garbage is put."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(VALID_RUBRIC)


@st.composite
def rubric_data(draw: st.DrawFn) -> object:
    """The valid rubric with a few of its values (or whole parts) replaced by garbage."""
    import copy

    data: Any = copy.deepcopy(VALID_RUBRIC)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(PATHS))
        garbage = draw(JSON_LIKE)
        if not path:
            return garbage
        try:  # an earlier replacement may have removed the way there
            target = data
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = garbage
        except (IndexError, TypeError, KeyError):
            continue
    return data


@FUZZ
@given(rubric_data())
def test_structure_rubric_raises_only_library_errors(data: object) -> None:
    try:
        structure_rubric(data)
    except Exception as exc:
        assert_clean(exc)


def test_the_valid_rubric_is_valid() -> None:
    assert structure_rubric(VALID_RUBRIC).id == "testland-2020"


YAML_BITS = st.sampled_from(
    [
        "&a [*a]", "*undefined", "!!python/object:os.system 'x'", "{", "[", "- -", "? a", ": b",
        "2020-13-45", "9" * 5000, "&x [1, 2]", "*x", "\t", "'", '"\\x"', "---", "...", "%YAML 1.1",
        "!!binary AAA", "!!timestamp x", "0o777", ".nan", "-.inf", "~", "<<: *x",
    ]
)  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(rubric_data(), st.lists(st.tuples(st.integers(0, 10_000), YAML_BITS), max_size=3))
@example(data=None, splices=[(0, "!!timestamp x")])  # found by this test: PyYAML's AttributeError
def test_load_rubric_raises_only_library_errors(
    folder: Path, data: object, splices: list[tuple[int, str]]
) -> None:
    text = yaml.safe_dump(_plain(data), allow_unicode=True)
    for position, bit in splices:  # YAML syntax the dumper would never write
        position %= len(text) + 1
        text = text[:position] + bit + text[position:]
    path = folder / "fuzzed.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_rubric(path)
    except Exception as exc:
        assert_clean(exc)


def _plain(data: object) -> object:
    """What YAML can write: decimals as strings."""
    if isinstance(data, dict):
        return {_key(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    if isinstance(data, Decimal):
        return str(data)
    return data


def _key(key: object) -> object:
    return key if isinstance(key, (str, int, bool, type(None))) else str(key)

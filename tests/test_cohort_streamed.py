"""A cohort ranked from standings on disk (``keep_placements=False``) is the cohort ranked in
memory: the same placements, streamed in the same order, and the same tables, counts, shares
and warnings, for generated cohorts and gradings and for the real rubrics' cohorts."""

from __future__ import annotations

import json
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govopen_rules import Registry, evaluate_many, to_json
from govopen_rules.evaluation import ranking_stored, standings_store
from govopen_rules.evaluation.cohort import CohortResult, GroupResult, Placement
from govopen_rules.evaluation.placing import Standing
from govopen_rules.evaluation.ranking import rank_and_tier
from govopen_rules.evaluation.ranking_stored import group_number, rank_stored
from govopen_rules.evaluation.results import ScoreRange
from govopen_rules.evaluation.standings_store import StandingStore, total_key
from govopen_rules.facts.model import Unit
from govopen_rules.rubric.grades import Grading, ResolvedGroup, ResolvedQuota, make_scale

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

ROOT = Path(__file__).parent.parent
LABELS = ["优秀", "良好", "合格", "基本合格"]
VETO = "不合格"
KINDS = ["county_government", "park_committee", "department", "township"]


def without_lists(group: GroupResult) -> GroupResult:
    """What a streamed group keeps of a kept one: everything but placements and names."""
    published = group.published
    if published is not None:
        published = attrs.evolve(
            published, tiers=tuple(attrs.evolve(t, members=()) for t in published.tiers)
        )
    return attrs.evolve(
        group,
        placements=(),
        tiers=tuple(attrs.evolve(t, members=()) for t in group.tiers),
        published=published,
    )


def streamed_view(cohort: CohortResult) -> str:
    """A kept cohort as JSON, as the streamed one should be (JSON: decimals compare as text)."""
    return to_json(attrs.evolve(cohort, groups=tuple(without_lists(g) for g in cohort.groups)))


def in_order(groups: tuple[GroupResult, ...]) -> list[tuple[str, str]]:
    return [(g.name, to_json(p)) for g in groups for p in g.placements]


# --- generated standings and gradings ------------------------------------------------------

#: Totals with ties and equal totals written differently; ``EXOTIC`` ones have no exact integer
#: key (past 18 decimals, or 10^18 and more), so their group is sorted by the exact collation.
totals = st.one_of(
    st.sampled_from(["10", "10.0", "9.5", "9.50", "7", "0", "-0", "-1.25"]).map(Decimal),
    st.decimals(min_value=-5, max_value=20, places=1),
    st.decimals(min_value=0, max_value=12, places=6),
)
EXOTIC = ["9.5000000000000000000001", "1E+30", "-1E+19", "7.00000000000000000001"]
#: Names and ids: Chinese, ASCII, and lone surrogates (JSON may carry them).
texts = st.text(
    st.sampled_from(["甲", "乙", "丙", "a", "b", "、", " ", "\ud800", "\udfff", "\U0001f600"]),
    min_size=1,
    max_size=4,
)
grades = st.sampled_from([None, *LABELS, VETO])


@st.composite
def scales(draw: st.DrawFn) -> Any:
    n = draw(st.integers(1, len(LABELS)))
    minimums = draw(st.lists(st.decimals(0, 20, places=1), min_size=n, max_size=n, unique=True))
    veto = draw(st.sampled_from([None, VETO, LABELS[n - 1]]))
    return make_scale(list(zip(LABELS[:n], minimums, strict=True)), veto)


@st.composite
def gradings(draw: st.DrawFn) -> Grading:
    groups = tuple(
        ResolvedGroup(
            name=f"组{n}",
            unit_kinds=tuple(draw(st.lists(st.sampled_from(KINDS), max_size=2, unique=True))),
            categories=tuple(draw(st.lists(st.sampled_from(["A", "B"]), max_size=1))),
            scale=draw(scales()),
        )
        for n in range(draw(st.integers(0, 2)))
    )
    quotas = draw(
        st.lists(
            st.builds(
                ResolvedQuota,
                label=st.sampled_from(LABELS),
                max_share=st.one_of(
                    st.sampled_from([10, 20, 25, 40, 50, 75]).map(Decimal),
                    st.decimals(0, 100, places=1),
                ),
                ties=st.sampled_from(["keep", "drop"]),
            ),
            max_size=3,
        )
    )
    return Grading(
        scale=draw(scales()),
        groups=groups,
        quotas=tuple(quotas),
        share_decimals=draw(st.integers(0, 3)),
    )


@st.composite
def standings(draw: st.DrawFn, exotic: bool = False) -> Standing:
    total = draw(st.one_of(totals, st.sampled_from(EXOTIC).map(Decimal)) if exotic else totals)
    low = total - draw(st.sampled_from([Decimal(0), Decimal(0), Decimal("1.5"), Decimal(3)]))
    high = total + draw(st.sampled_from([Decimal(0), Decimal(0), Decimal("0.5")]))
    unit = Unit(
        id=draw(texts),
        name=draw(texts),
        kind=draw(st.sampled_from(KINDS)),
        category=draw(st.sampled_from([None, "A", "B"])),
    )
    return Standing(
        unit,
        total,
        draw(st.booleans()),
        ScoreRange(
            low=low,
            high=high,
            low_grade=draw(grades),
            high_grade=draw(grades),
            evidence_share=Decimal(0),
        ),
        published=draw(st.one_of(st.none(), st.sampled_from(["", *LABELS, VETO, "卓越"]), texts)),
        provisional_calendar_years=draw(st.sampled_from([(), (2026,), (2026, 2027), (2027,)])),
    )


@st.composite
def cohorts(draw: st.DrawFn) -> list[Standing]:
    """Up to 60 standings; in one cohort of four, some totals have no exact key."""
    exotic = draw(st.integers(0, 3)) == 0
    size = draw(st.integers(0, 60))
    return draw(st.lists(standings(exotic), min_size=size, max_size=size))


def ranked_both_ways(
    cohort: list[Standing], grading: Grading
) -> tuple[tuple[tuple[GroupResult, ...], tuple[str, ...]], list[tuple[str, Placement]], Any]:
    """The stored ranking, its placements as streamed, and the provisional years stored."""
    streamed: list[tuple[str, Placement]] = []
    with StandingStore(group_number(grading)) as store:
        for index, standing in enumerate(cohort):
            store.add(index, standing)
        ranked = rank_stored(store, grading, lambda group, p: streamed.append((group, p)))
        years = store.provisional_years()
    return ranked, streamed, years


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grading=gradings(), cohort=cohorts())
def test_the_stored_ranking_is_the_ranking_in_memory(
    grading: Grading, cohort: list[Standing]
) -> None:
    kept, kept_ungrouped = rank_and_tier(cohort, grading)
    with (
        mock.patch.object(ranking_stored, "NAMED", 10**6),  # name every unit, as kept does
        mock.patch.object(ranking_stored, "BATCH", 7),  # batches end mid-group
        mock.patch.object(standings_store, "BATCH", 7),
    ):
        (groups, ungrouped), streamed, years = ranked_both_ways(cohort, grading)
    assert [(g, to_json(p)) for g, p in streamed] == in_order(kept)
    assert to_json(groups) == to_json(tuple(without_lists(g) for g in kept))
    assert ungrouped == kept_ungrouped
    assert years == sorted({y for s in cohort for y in s.provisional_calendar_years})


def _standing(name: str, total: str, published: str | None = None) -> Standing:
    unit = Unit(id=name, name=name, kind="county_government")
    score = ScoreRange(
        low=Decimal(total),
        high=Decimal(total),
        low_grade=None,
        high_grade=None,
        evidence_share=Decimal(0),
    )
    return Standing(unit, Decimal(total), False, score, published=published)


def test_a_warning_names_the_first_units_and_counts_the_rest() -> None:
    """A quota moving 27 units names 20 of them (those the kept warning names first), then
    says how many more; unknown published tiers likewise."""
    scale = make_scale([("优秀", Decimal(0))], None)
    grading = Grading(
        scale=scale, quotas=(ResolvedQuota(label="优秀", max_share=Decimal(10), ties="drop"),)
    )
    cohort = [_standing(f"单位{i:02d}", str(100 - i), published=f"等{i:02d}") for i in range(30)]
    ((kept,), _) = rank_and_tier(cohort, grading)
    ((group,), _), _, _ = ranked_both_ways(cohort, grading)
    head, _, listed = kept.warnings[0].partition(": ")
    names = listed.split("、")
    assert len(names) == 27
    assert group.warnings[0] == f"{head}: {'、'.join(names[:20])} and 7 more"
    tiers = sorted(f"等{i:02d}" for i in range(30))
    assert kept.warnings[1] == f"published tiers {tiers} are not grades of this group"
    assert (
        group.warnings[1]
        == f"published tiers {tiers[:20]} and 10 more are not grades of this group"
    )
    assert group.tiers == without_lists(kept).tiers


# --- the store -----------------------------------------------------------------------------


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_a_total_key_is_exact_or_absent(total: Decimal) -> None:
    key = total_key(total)
    with localcontext() as exact:
        exact.prec = 10_000
        scaled = total.scaleb(18)
        keyable = scaled == scaled.to_integral_value() and abs(total) < 10**18
        if key is None:
            assert not keyable
        else:
            whole, fraction = key
            assert 0 <= fraction < 10**18 and -(2**63) <= whole < 2**63
            assert Decimal(whole) * 10**18 + fraction == scaled


@given(st.lists(st.decimals(min_value=-(10**17), max_value=10**17, places=18), min_size=2))
def test_keys_sort_as_totals_do(values: list[Decimal]) -> None:
    keys = [total_key(v) for v in values]
    assert sorted(range(len(values)), key=lambda i: (keys[i], i)) == sorted(
        range(len(values)), key=lambda i: (values[i], i)
    )


def test_totals_without_a_key_are_sorted_exactly() -> None:
    grading = Grading(scale=make_scale([("合格", Decimal(0))], None))
    totals = ["1", "1.0000000000000000000001", "1E+30", "1.00000000000000000000010", "-1E+19"]
    cohort = [_standing(f"u{i}", t) for i, t in enumerate(totals)]
    with StandingStore(group_number(grading)) as store:
        for index, standing in enumerate(cohort):
            store.add(index, standing)
        order = [(index, str(total)) for index, total, _ in store.ordered(0)]
    assert order == [
        (2, "1E+30"),
        (1, "1.0000000000000000000001"),
        (3, "1.00000000000000000000010"),
        (0, "1"),
        (4, "-1E+19"),
    ]
    _, streamed, _ = ranked_both_ways(cohort, grading)
    assert [p.rank for _, p in streamed] == [1, 2, 2, 4, 5]


def test_the_store_finds_duplicate_ids_and_keeps_any_text() -> None:
    name = "单位\ud800"
    with StandingStore(lambda unit: 0) as store:
        assert store.claim(name, 0) is None
        assert store.claim("other", 1) is None
        assert store.claim(name, 5) == 0
        store.add(0, _standing(name, "3"))
        assert store.drop(0) == (name, name)
        assert store.drop(0) is None


# --- through evaluate_many -----------------------------------------------------------------

LATE = {"field": "late", "eq": True}


def _cohort_rubric(quota: dict[str, Any] | None) -> dict[str, Any]:
    late = rule("t.a.late", "submission", when=LATE, deduct={"mode": "per_unit", "points": "1"})
    veto = rule(
        "t.a.veto",
        "content_error",
        when={"field": "severity", "eq": "serious"},
        deduct={"mode": "veto"},
    )
    trained = rule(
        "t.b.training",
        "organisation_training",
        when={"field": "business_training_sessions", "lt": 1},
        deduct={"mode": "fixed", "points": "1.5"},
    )
    policy: dict[str, Any] = {
        "groups": [
            {"name": "县", "unit_kinds": ["county_government", "park_committee"]},
            {"name": "部门A", "unit_kinds": ["department"], "categories": ["A"]},
        ],
        "share_decimals": 1,
    }
    if quota is not None:
        policy["quotas"] = [quota]
    return rubric(
        area("A", indicator("A1", "10", late, veto)),
        area("B", indicator("B1", "2", trained)),
        region="streamed",
        grades=[
            {"label": "优秀", "min_score": 11},
            {"label": "良好", "min_score": 9},
            {"label": "待改进", "min_score": 0},
        ],
        veto_grade="不合格",
        cohort=policy,
    )


QUOTAS = {
    "none": None,
    "drop": {"label": "优秀", "max_share": 30, "ties": "drop"},
    "keep": {"label": "良好", "max_share": 40, "ties": "keep"},
}


@pytest.fixture(scope="module")
def registries(make_registry: MakeRegistry) -> dict[str, Registry]:
    return {name: make_registry(_cohort_rubric(quota)) for name, quota in QUOTAS.items()}


@st.composite
def units(draw: st.DrawFn) -> dict[str, Any]:
    """A unit entry: a few late submissions, maybe a veto, training seen or not (a range), a
    published tier, sometimes invalid facts or a malformed published field."""
    facts: list[dict[str, Any]] = [
        {
            "kind": "submission",
            "item": f"m{i}",
            "due_on": "2020-06-01",
            "submitted_on": "2020-06-05",
        }
        for i in range(draw(st.integers(0, 4)))
    ]
    if draw(st.integers(0, 9)) == 0:
        facts.append({"kind": "content_error", "severity": "serious"})
    training = draw(st.sampled_from([None, 0, 2]))
    if training is not None:
        facts.append({"kind": "organisation_training", "business_training_sessions": training})
    if draw(st.integers(0, 14)) == 0:
        facts.append({"kind": "submission"})  # invalid: the unit fails
    kind, category = draw(
        st.sampled_from(
            [
                ("county_government", None),
                ("park_committee", None),
                ("department", "A"),
                ("department", "B"),
            ]
        )
    )
    entry = facts_file(*facts)
    entry["unit"] = {
        "id": draw(st.sampled_from([f"u{i}" for i in range(25)])),
        "name": draw(texts),
        "kind": kind,
    }
    if category:
        entry["unit"]["category"] = category
    published = draw(st.sampled_from([None, "优秀", "良好", "待改进", "不合格", "卓越", 7]))
    if published is not None:
        entry["published"] = {"tier": published, "source": "通报"} if published != 7 else 7
    return entry


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quota=st.sampled_from(sorted(QUOTAS)), entries=st.lists(units(), max_size=20))
def test_a_streamed_cohort_is_the_kept_cohort(
    registries: dict[str, Registry], quota: str, entries: list[dict[str, Any]]
) -> None:
    """Duplicate ids, failures, published tiers (known, unknown, malformed), vetoes, ranges,
    quotas, ungrouped units: the same cohort either way, and the same placements in order."""
    reg = registries[quota]
    seen: dict[bool, list[tuple[str, str]]] = {True: [], False: []}
    cohorts = {
        keep: evaluate_many(
            entries,
            region="streamed",
            year=2020,
            registry=reg,
            keep_placements=keep,
            on_placement=lambda g, p, keep=keep: seen[keep].append((g, to_json(p))),
        )
        for keep in (True, False)
    }
    assert to_json(cohorts[False]) == streamed_view(cohorts[True])
    assert seen[True] == seen[False] == in_order(cohorts[True].groups)


def test_a_duplicate_keeps_each_units_own_name(make_registry: MakeRegistry) -> None:
    reg = make_registry(_cohort_rubric(None))
    entries = []
    for unit_id, name in (("a", "甲"), ("b", "乙"), ("a", "丙")):
        entry = facts_file()
        entry["unit"] = {"id": unit_id, "name": name, "kind": "county_government"}
        entries.append(entry)
    for keep in (True, False):
        cohort = evaluate_many(
            entries, region="streamed", year=2020, registry=reg, keep_placements=keep
        )
        assert [(f.index, f.name) for f in cohort.failures] == [(0, "甲"), (2, "丙")]
        assert cohort.groups[0].size == 1


def _example(path: str) -> list[dict[str, Any]]:
    data = json.loads((ROOT / path).read_text(encoding="utf-8"))
    return list(data["units"] if isinstance(data, dict) else data)


@pytest.mark.parametrize(
    ("path", "region", "year"),
    [
        ("plugins/yanan/examples/yanan-2020-cohort.json", "yanan", 2020),
        ("plugins/baoshan/examples/baoshan-2019-cohort.json", "baoshan", 2019),
    ],
)
def test_the_real_cohorts_stream_to_the_same_result(path: str, region: str, year: int) -> None:
    """The published 通报 cohorts (groups by kind and category, published tiers compared)."""
    units = _example(path)
    kept = evaluate_many(units, region=region, year=year)
    streamed: list[tuple[str, str]] = []
    cohort = evaluate_many(
        units,
        region=region,
        year=year,
        keep_placements=False,
        on_placement=lambda g, p: streamed.append((g, to_json(p))),
    )
    assert any(g.published is not None for g in kept.groups)
    assert len(kept.groups) > 1 and sum(g.size for g in kept.groups) > 10
    assert to_json(cohort) == streamed_view(kept)
    assert streamed == in_order(kept.groups)


def test_a_process_pool_streams_the_same_placements() -> None:
    units = _example("plugins/yanan/examples/yanan-2020-cohort.json")
    kept = evaluate_many(units, region="yanan", year=2020)
    streamed: list[tuple[str, str]] = []
    with ProcessPoolExecutor(max_workers=2) as pool:
        cohort = evaluate_many(
            units,
            region="yanan",
            year=2020,
            executor=pool,
            keep_results=False,
            keep_placements=False,
            on_placement=lambda g, p: streamed.append((g, to_json(p))),
        )
    assert to_json(cohort) == streamed_view(attrs.evolve(kept, results=()))
    assert streamed == in_order(kept.groups)


def test_the_temporary_file_is_removed_when_done_or_failed(
    make_registry: MakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    reg = make_registry(_cohort_rubric(None))
    entries = []
    for i in range(3):
        entry = facts_file()
        entry["unit"] = {"id": f"u{i}", "name": f"单位{i}", "kind": "county_government"}
        entries.append(entry)
    during: list[list[str]] = []

    def look(group: str, placement: Placement) -> None:
        during.append(sorted(p.name for p in tmp_path.glob("govopen-cohort-*/*")))

    evaluate_many(
        entries,
        region="streamed",
        year=2020,
        registry=reg,
        keep_placements=False,
        on_placement=look,
    )
    assert during == [["standings.sqlite"]] * 3
    assert list(tmp_path.iterdir()) == []

    def fail(group: str, placement: Placement) -> None:
        look(group, placement)
        raise RuntimeError("the caller's sink broke")

    with pytest.raises(RuntimeError, match="sink broke"):
        evaluate_many(
            entries,
            region="streamed",
            year=2020,
            registry=reg,
            keep_placements=False,
            on_placement=fail,
        )
    assert during[-1] == ["standings.sqlite"]
    assert list(tmp_path.iterdir()) == []


class _Recording(Executor):
    """Runs each chunk where it is submitted and keeps what came back."""

    def __init__(self) -> None:
        self.outcomes: list[Any] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        done: Future[Any] = Future()
        out = fn(*args, **kwargs)
        self.outcomes += out
        done.set_result(out)
        return done


@pytest.mark.parametrize(("keep_results", "sent_back"), [(False, False), (True, True)])
def test_workers_send_results_back_only_when_the_caller_keeps_them(
    keep_results: bool, sent_back: bool
) -> None:
    """A ranking without results gets each unit's standing, not its whole result (pickling
    every result back once cost the calling process more than the workers' evaluating)."""
    units = _example("plugins/yanan/examples/yanan-2020-cohort.json")
    executor = _Recording()
    cohort = evaluate_many(
        units, region="yanan", year=2020, executor=executor, keep_results=keep_results
    )
    assert len(executor.outcomes) == len(units) > 10
    assert all(o.summary is not None for o in executor.outcomes)
    assert all((o.result is not None) is sent_back for o in executor.outcomes)
    assert len(cohort.results) == (len(units) if keep_results else 0)

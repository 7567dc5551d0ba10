"""Past one machine: a Dask cluster evaluates a cohort exactly as a local process pool does.

Workers are separate processes that import the installed plugins themselves: what travels is
the unit's facts and the rubric's region and year (and any calendar years given, as data),
never a compiled engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from govopen_rules import HolidayYear, evaluate_many, to_json

COHORT = Path(__file__).parent.parent / "plugins/yanan/examples/yanan-2020-cohort.json"


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


def test_a_two_worker_local_cluster_gives_the_process_pools_result(client: Any) -> None:
    units = json.loads(COHORT.read_text(encoding="utf-8"), parse_float=Decimal)["units"][:16]
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = evaluate_many(units, region="yanan", year=2020, executor=pool)
    clustered = evaluate_many(units, region="yanan", year=2020, executor=client.get_executor())
    assert len(clustered.results) == 16
    assert to_json(clustered) == to_json(pooled)


def test_calendar_years_travel_to_the_cluster(client: Any) -> None:
    request = {"kind": "information_request", "received_on": "2035-12-14",
               "replied_on": "2036-01-16"}  # fmt: skip
    units = [{"unit": {"id": f"u{i}", "name": f"单位{i}", "kind": "department"}, "year": 2020,
              "facts": [request]} for i in range(3)]  # fmt: skip
    years = [HolidayYear(year=2035, holidays=[]), HolidayYear(year=2036, holidays=[])]
    here = evaluate_many(units, region="yanshan", year=2020, calendar=years)
    clustered = evaluate_many(
        units, region="yanshan", year=2020, executor=client.get_executor(), calendar=years
    )
    assert to_json(clustered) == to_json(here)
    assert clustered.provisional_calendar_years == ()
    # No rest day at all in early January: the 20th working day is Friday 11 January.
    deadlines = {r.verdict("yanshan.c3.answer_deadline").evidence[0].values["deadline"]
                 for r in clustered.results}  # fmt: skip
    assert deadlines == {"2036-01-11"}

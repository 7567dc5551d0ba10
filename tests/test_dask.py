"""Past one machine: a Dask cluster evaluates a cohort exactly as a local process pool does.

Workers are separate processes that import the installed plugins themselves: what travels is
the unit's facts and the rubric's region and year, never a compiled engine.
"""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

from govopen_rules import evaluate_many, to_json

COHORT = Path(__file__).parent.parent / "plugins/yanan/examples/yanan-2020-cohort.json"


def test_a_two_worker_local_cluster_gives_the_process_pools_result() -> None:
    distributed = pytest.importorskip("distributed")
    units = json.loads(COHORT.read_text(encoding="utf-8"), parse_float=Decimal)["units"][:16]
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = evaluate_many(units, region="yanan", year=2020, executor=pool)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        clustered = evaluate_many(units, region="yanan", year=2020, executor=client.get_executor())
    assert len(clustered.results) == 16
    assert to_json(clustered) == to_json(pooled)

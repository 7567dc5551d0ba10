from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from govopen_rules import EvaluationResult, evaluate

DOMAINS = ["就业", "教育", "医疗", "养老", "征地", "公共文化"]
TOPICS = [
    "development_plan",
    "statistics",
    "budget_final_accounts",
    "law_enforcement_three_systems",
    "public_resource_allocation",
    "major_construction_projects",
    "social_welfare_projects",
]


def perfect_facts() -> list[dict[str, Any]]:
    """Facts with evidence for every rule of the rubric and nothing wrong."""
    facts: list[dict[str, Any]] = [
        {
            "kind": "guide_catalogue",
            "document": doc,
            "updated_on": "2020-03-01",
            "missing_elements": [],
        }
        for doc in ("guide", "catalogue")
    ]
    facts += [{"kind": "disclosure_item", "topic": t, "published": True} for t in TOPICS]
    facts += [
        {"kind": "disclosure_item", "topic": t, "published": True, "missing_items": []}
        for t in ("npc_suggestions", "cppcc_proposals")
    ]
    facts.append(
        {
            "kind": "disclosure_platform",
            "named_correctly": True,
            "on_homepage": True,
            "follows_reference_design": True,
            "updated_timely": True,
        }
    )
    facts.append(
        {
            "kind": "information_request",
            "received_on": "2020-09-28",
            "replied_on": "2020-10-20",
            "missing_reply_elements": [],
        }
    )
    facts += [
        {
            "kind": "policy_interpretation",
            "policy_title": f"{d}政策",
            "domain": d,
            "policy_published_on": "2020-09-28",
            "published_on": "2020-09-30",
            "complete": True,
            "links_to_policy": True,
            "by_principal_leader": d == "就业",
            "via_new_media": True,
            "forms": ["图文"],
        }
        for d in DOMAINS
    ]
    facts += [
        {"kind": "website_check", "site": "http://www.xw.gov.cn", "result": "qualified"},
        {"kind": "new_media_account", "name": "宣威发布", "filed": True},
        {
            "kind": "hotline_figures",
            "period": "2020",
            "staffed_7x12_hours": True,
            "answered_within_15s_rate": "95",
            "quality_check_rate": "10",
        },
        {"kind": "assessment_weight", "included": True, "weight_percent": "4"},
        {
            "kind": "organisation_training",
            "leading_group_published": True,
            "business_training_sessions": 1,
            "regulation_study_sessions": 1,
        },
        {
            "kind": "policy_document",
            "title": "规范性文件",
            "normative": True,
            "published_on": "2020-09-28",
            "filed_on": "2020-10-09",
        },
        {
            "kind": "submission",
            "item": "月报",
            "due_on": "2020-06-02",
            "submitted_on": "2020-06-02",
        },
    ]
    return facts


def facts_file(facts: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "unit": {"id": "530381", "name": "宣威市人民政府", "kind": "county_government"},
        "year": 2020,
        "as_of": "2020-12-26",
        "facts": facts,
    }


Evaluate = Callable[..., EvaluationResult]


@pytest.fixture
def score_with() -> Evaluate:
    """Evaluate the perfect facts after ``change`` edits a deep copy of them."""

    def run(
        change: Callable[[list[dict[str, Any]]], Any] | None = None, **kw: Any
    ) -> EvaluationResult:
        facts = copy.deepcopy(perfect_facts())
        if change is not None:
            change(facts)
        return evaluate(facts_file(facts), region="xuanwei", year=2020, **kw)

    return run

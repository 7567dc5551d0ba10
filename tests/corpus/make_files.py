"""Write the corpus's static input files (``files/``): run from this folder after changing it.

The files are committed so that every case can be replayed by hand; inputs too large to commit
(a million-element list, 100,000-deep JSON, a file past the size limit) are made by
``tests/test_corpus.py`` at run time instead.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
FILES = HERE / "files"
ROOT = HERE.parent.parent
UNIT = {"id": "530381", "name": "宣威市人民政府", "kind": "county_government"}
CITE = {"document": "测试文件", "clause": "第1条", "quote": "测试"}


def write_json(name: str, data: object) -> None:
    path = FILES / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_raw(name: str, content: str | bytes) -> None:
    path = FILES / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def facts(*items: object, **top: object) -> dict[str, Any]:
    return {"unit": UNIT, "year": 2020, "facts": list(items), **top}


def literal(data: object, placeholder: str, text: str) -> str:
    """JSON with a number literal JSON libraries will not write (NaN, 1e999999999...)."""
    return json.dumps(data, ensure_ascii=False).replace(f'"{placeholder}"', text) + "\n"


def make_facts() -> None:
    write_raw("facts/null.json", "null\n")
    write_raw("facts/list-root.json", "[]\n")
    write_raw("facts/string-root.json", '"宣威"\n')
    write_raw("facts/truncated.json", '{"unit": {"id": "530381",\n')
    write_raw("facts/empty.json", "")
    write_raw("facts/not-utf8.json", b'{"unit": {"id": "\xff\xfe", "name": "x"}}\n')
    write_raw("facts/utf16.json", '{"unit": null}'.encode("utf-16"))
    write_json("facts/unit-null.json", {"unit": None, "year": 2020, "facts": []})
    write_json("facts/unit-missing.json", {"year": 2020, "facts": []})
    write_json(
        "facts/unit-kind-hidden.json",
        {"unit": {"id": 530381, "name": ["宣威"], "kind": "ministry"}, "year": 2020, "facts": []},
    )
    write_json("facts/year-string.json", facts(year="2020"))
    write_json("facts/year-far.json", facts(year=99999))
    write_json("facts/year-null.json", facts(year=None))
    write_json("facts/facts-mapping.json", facts() | {"facts": {"kind": "self_score"}})
    write_json("facts/fact-not-mapping.json", facts(5, "policy", None))
    write_json("facts/unknown-kind.json", facts({"kind": "policy"}))
    write_json(
        "facts/unknown-field.json",
        facts({"kind": "assessment_weight", "included": True, "colour": "red"}),
    )
    write_json("facts/top-unknown-fields.json", facts() | {f"extra_{i}": i for i in range(1000)})
    write_json("facts/kind-long.json", facts({"kind": "k" * 100_000}))
    submission = {"kind": "submission", "item": "月报"}
    write_json("facts/date-basic-format.json", facts(submission | {"due_on": "20200203"}))
    write_json("facts/date-week-format.json", facts(submission | {"due_on": "2020W061"}))
    write_json("facts/date-feb-30.json", facts(submission | {"due_on": "2020-02-30"}))
    write_json("facts/date-number.json", facts(submission | {"due_on": 20200203}))
    write_json(
        "facts/date-year-9999.json",
        facts(
            {
                "kind": "policy_interpretation",
                "policy_published_on": "9999-12-30",
                "published_on": "9999-12-31",
            }
        ),
    )
    write_json("facts/as-of-bad.json", facts(as_of="yesterday"))
    training = {"kind": "organisation_training"}
    weight = {"kind": "assessment_weight", "included": True}
    write_json("facts/negative-count.json", facts(training | {"business_training_sessions": -100}))
    write_json("facts/negative-percent.json", facts(weight | {"weight_percent": -50}))
    write_json("facts/percent-over-100.json", facts(weight | {"weight_percent": "150"}))
    write_json(
        "facts/negative-self-score.json",
        facts({"kind": "self_score", "indicator": "A1", "points": "-3"}),
    )
    write_json(
        "facts/negative-fee.json", facts({"kind": "information_request", "fee_charged": "-10"})
    )
    write_json("facts/percent-huge-string.json", facts(weight | {"weight_percent": "1e999999999"}))
    write_raw(
        "facts/percent-huge-literal.json",
        literal(facts(weight | {"weight_percent": "@"}), "@", "1e999999999"),
    )
    write_json("facts/percent-seven-places.json", facts(weight | {"weight_percent": "1.1234567"}))
    write_json("facts/percent-tiny.json", facts(weight | {"weight_percent": "1E-100"}))
    write_json(
        "facts/count-past-64-bits.json", facts(training | {"business_training_sessions": 2**70})
    )
    write_raw(
        "facts/number-5000-digits.json",
        literal(facts(training | {"business_training_sessions": "@"}), "@", "9" * 5000),
    )
    write_raw(
        "facts/nan-literal.json", literal(facts(weight | {"weight_percent": "@"}), "@", "NaN")
    )
    write_json("facts/infinity-string.json", facts(weight | {"weight_percent": "Infinity"}))
    write_json("facts/bool-as-count.json", facts(training | {"business_training_sessions": True}))
    write_json(
        "facts/string-as-list.json", facts({"kind": "policy_interpretation", "forms": "图文"})
    )
    write_json(
        "facts/three-problems.json",
        facts(
            {"kind": "policy_interpretation", "policy_published_on": 20200301},
            training | {"business_training_sessions": -1},
            weight | {"weight_percent": "12345678901234"},
        ),
    )
    write_json(
        "facts/self-score-unknown-indicator.json",
        facts({"kind": "self_score", "indicator": "Z9", "points": "1"}, submission | {"item": 5}),
    )
    write_json("facts/year-mismatch.json", facts(year=2021))
    write_json("facts/weight-not-included.json", facts(weight | {"included": False}))
    write_json("facts/many-bad-facts.json", facts(*([1] * 5000)))
    write_json(
        "facts/deep-value.json", facts(submission | {"item": json.loads("[" * 500 + "]" * 500)})
    )


def make_cohorts() -> None:
    example = ROOT / "plugins/yanan/examples/yanan-2020-cohort.json"
    units = json.loads(example.read_text(encoding="utf-8"))["units"]
    poisoned: list[Any] = copy.deepcopy(units[:8])
    poisoned[2]["facts"].append(
        {"kind": "assessment_weight", "included": True, "weight_percent": "1e999999999"}
    )
    poisoned[4] = None
    poisoned.append(copy.deepcopy(units[0]))  # the same unit id twice
    write_json("cohorts/poisoned.json", {"units": poisoned})
    write_json("cohorts/clean.json", {"units": units[:8]})
    write_json("cohorts/units-mapping.json", {"units": {"a": 1}})
    write_raw("cohorts/null.json", "null\n")


def make_reports() -> None:
    example = ROOT / "plugins/baoshan/examples/baoshan-2018-annual-report.json"
    base = json.loads(example.read_text(encoding="utf-8"))
    base.pop("previous_year_file", None)

    def variant(name: str, **changes: Any) -> dict[str, Any]:
        report = copy.deepcopy(base) | changes
        write_json(f"reports/{name}.json", report)
        return report

    def percent(name: str, value: object) -> None:
        report = copy.deepcopy(base)
        report["breakdowns"][0]["parts"][0]["percent"] = value
        write_json(f"reports/{name}.json", report)

    variant("valid")
    variant("previous-outside", previous_year_file="../../../../../../../../etc/passwd")
    variant("previous-absolute", previous_year_file="/etc/passwd")
    variant("previous-missing", previous_year_file="baoshan-2017.json")
    variant("previous-sibling", previous_year_file="valid.json", year=2019, id="baoshan-city-2019")
    percent("percent-tiny", "1E-100")
    percent("percent-huge", "1e999999999")
    percent("percent-negative", "-5")
    negative = copy.deepcopy(base)
    negative["breakdowns"][0]["total"] = -134062
    write_json("reports/total-negative.json", negative)
    write_raw("reports/null.json", "null\n")
    write_raw("reports/not-utf8.json", '{"unit": "保山"}\n'.encode("gbk"))


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _yaml(data: object) -> str:
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)


def rule(rule_id: str, kind: str = "assessment_weight", **extra: Any) -> dict[str, Any]:
    return {
        "id": rule_id,
        "title": rule_id,
        "message": rule_id + " {count}",
        "evidence": {"kind": kind},
        "when": {"field": "included", "eq": False},
        "deduct": {"mode": "fixed", "points": "0.5"},
        "citation": CITE,
    } | extra


def rubric(*rules: dict[str, Any], points: str = "1", **extra: Any) -> dict[str, Any]:
    indicator = {"code": "A1", "title": "指标A1", "points": "1", "rules": list(rules)}
    return {
        "id": "corpus-2020",
        "region": "corpus",
        "year": 2020,
        "version": "1",
        "title": "语料测试细则",
        "points": points,
        "source": CITE,
        "areas": [{"code": "A", "title": "领域A", "points": "1", "indicators": [indicator]}],
        # Last, so that the lines the cases expect errors on stay where they were.
        "missing_evidence": {"mode": "undecided"},
    } | extra


def make_rubrics() -> None:
    def put(name: str, data: object) -> None:
        write_raw(f"rubrics/{name}.yaml", _yaml(data))

    weight = rule("corpus.a1.weight")
    put("valid", rubric(weight))
    tiers = {"mode": "per_unit", "points": "1", "tiers": [{"at_least": 1, "points": -3}]}
    put("negative-tier", rubric(rule("corpus.a1.weight", deduct=tiers)))
    area_cap = rubric(weight)
    area_cap["areas"][0]["cap"] = -3
    put("negative-area-cap", area_cap)
    put("negative-bonus-cap", rubric(weight, bonus_cap=-5))
    put(
        "negative-points",
        rubric(rule("corpus.a1.weight", deduct={"mode": "fixed", "points": "-2"})),
    )
    by_param = rule("corpus.a1.weight", deduct={"mode": "fixed", "points": {"param": "p"}})
    put("negative-parameter", rubric(by_param, parameters={"p": {"value": -1, "citation": CITE}}))
    put(
        "huge-parameter",
        rubric(by_param, parameters={"p": {"value": "1e999999999", "citation": CITE}}),
    )
    put("points-do-not-add-up", rubric(weight, points="2"))
    put("unknown-field", rubric(rule("corpus.a1.weight", colour="red")))
    put("unknown-kind", rubric(rule("corpus.a1.weight", kind="nope")))
    many = {"field": "item", "in": [f"v{i}" for i in range(512)]}
    put("alternatives-512", rubric(rule("corpus.a1.weight", kind="submission", when=many)))
    write_raw("rubrics/empty.yaml", "")
    write_raw("rubrics/list.yaml", "- 1\n- 2\n")
    write_raw("rubrics/not-utf8.yaml", "id: 宣威\n".encode("gbk"))
    write_raw("rubrics/syntax-error.yaml", "id: corpus-2020\nareas: [\n  {code: A\n")
    write_raw("rubrics/bad-date-scalar.yaml", "id: corpus-2020\nyear: 2020-13-45\n")
    write_raw("rubrics/int-5000-digits.yaml", "id: corpus-2020\nyear: " + "9" * 5000 + "\n")
    write_raw("rubrics/recursive-alias.yaml", "id: corpus-2020\nareas: &a [*a]\n")
    text = _yaml(rubric(weight))
    when = "      when:\n        field: included\n        eq: false\n"
    assert when in text
    flow = "{all: [" * 3000 + "{field: included, eq: false}" + "]}" * 3000
    write_raw("rubrics/deep-condition-flow.yaml", text.replace(when, f"      when: {flow}\n"))
    # Block style: each level indented two more spaces (300 levels: 3,000 would be 9 MB).
    block = "".join("  " * (4 + i) + "- all:\n" for i in range(300))
    write_raw(
        "rubrics/deep-condition-block.yaml",
        text.replace(when, "      when:\n        all:\n" + block + "  " * 304 + "- {eq: 1}\n"),
    )
    # The billion laughs: 1.1 KB whose title expands to 9**9 strings.
    lines = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
    bomb = text.replace("title: 语料测试细则", "title: *l8")
    write_raw("rubrics/alias-bomb.yaml", "# billion laughs\n" + "\n".join(lines) + "\n" + bomb)


def make_calendars() -> None:
    """Calendar files (``--calendar``): each refused with its file named, fast and short."""
    write_raw("calendars/valid-2027.yaml", "year: 2027\nholidays: [2027-01-01]\n")
    write_raw("calendars/feb-30.yaml", "year: 2027\nholidays: [2027-02-30]\n")
    write_raw("calendars/empty.yaml", "")
    write_raw("calendars/list-of-junk.yaml", "- 1\n- [a]\n")
    write_raw("calendars/not-utf8.yaml", "year: 2027\nsource: 国务院办公厅\n".encode("gbk"))
    write_raw("calendars/syntax-error.yaml", "year: 2027\nholidays: [\n  2027-01-01\n")
    write_raw("calendars/int-5000-digits.yaml", "year: " + "9" * 5000 + "\n")
    write_raw("calendars/year-far.yaml", "year: 99999\nholidays: []\n")
    # A range over every date there is: refused from its ends, never expanded (3.6 million days).
    write_raw(
        "calendars/range-every-day.yaml", "year: 2027\nholidays: ['0001-01-01 .. 9999-12-31']\n"
    )
    write_raw("calendars/deep.yaml", "year: 2027\nholidays: " + "[" * 5000 + "]" * 5000 + "\n")
    # The billion laughs: 9**9 strings if expanded, or printed back in a message.
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
    write_raw("calendars/alias-bomb.yaml", "\n".join(lines) + "\nyear: 2027\nholidays: [*l8]\n")
    # Long text where a key and a date belong: problems name the path and show a glimpse.
    long = "k" * 10_000
    write_raw("calendars/long-text.yaml", f"year: 2027\n? {long}\n: 1\nholidays: ['{long}']\n")


if __name__ == "__main__":
    make_facts()
    make_cohorts()
    make_reports()
    make_rubrics()
    make_calendars()

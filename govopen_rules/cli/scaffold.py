"""``govopen-rules new-plugin REGION``: write a working regional plugin to start from.

The plugin it writes installs and passes its own tests unchanged: a rubric with one indicator
and one rule (an 依申请公开 reply later than the 条例's 20 working days), a case file testing that
rule where it fires, where it does not and at its boundary, a test that the plugin is installed,
a README saying what to change, and the rubric file's JSON Schema, which the rubric's first line
points editors with a YAML language server to. Its dates are computed with the working-day
calendar for the chosen year, so the boundary case really is the 20th working day.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

from govopen_rules.rubric.schema import rubric_json_schema
from govopen_rules.workdays import ANSWER_LIMIT, default_calendar

__all__ = ["new_plugin"]

_REGION = re.compile(r"[a-z][a-z0-9_]*")
#: A region names a package, files and a rubric id: a 240-character one failed half-way
#: ("File name too long") and left half a plugin behind.
MAX_REGION_LENGTH = 40

_PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "govopen-rules-{dist}"
version = "0.1.0"
description = "{region} 政务公开 rubric for govopen-rules."
readme = "README.md"
requires-python = ">=3.10"
dependencies = ["govopen-rules>=0.1"]

[project.entry-points.govopen_rules]
{region} = "govopen_{region}"

[tool.setuptools]
packages = ["govopen_{region}"]

[tool.setuptools.package-data]
govopen_{region} = ["*.yaml"]
"""

_INIT = '''\
"""govopen-rules plugin: the {region} rubric."""

from __future__ import annotations

from pathlib import Path

from govopen_rules import hookimpl
from govopen_rules.plugins import rubric_files


@hookimpl
def govopen_rubrics() -> list[Path]:
    """The rubric files this plugin ships (every ``*.yaml`` in this package)."""
    return rubric_files(__name__)
'''

_RUBRIC = """\
# yaml-language-server: $schema=../rubric.schema.json
# The {region} rubric for {year}. Replace the source, the areas and the rules with the
# assessment office's table, row by row; every rule quotes the sentence it encodes.
# docs/writing-a-plugin.md in govopen-rules, "Rubric file format", explains every key.
id: {region}-{year}
region: "{region}"
year: {year}
version: "1"
title: {region} {year}年政务公开考核细则
points: 1
source:
  document: （填写考核文件名称和文号）
  clause: 附件
# A citation below that names no document cites this one (default: source.document).
citation_document: （填写考核文件简称）
# What a rule lacking evidence decides unless its indicator, area or itself says otherwise:
# undecided (costs nothing; the score range shows what it could cost), clear, deduct or fixed.
missing_evidence: {{mode: undecided}}
areas:
  - code: A
    title: 依申请公开
    points: 1
    indicators:
      - code: A1
        title: 依申请公开按时答复
        points: 1
        rules:
          - id: .overdue_reply  # relative to the indicator: {region}.a1.overdue_reply
            title: 依申请公开答复超期
            message: 依申请公开答复超过法定期限（{{count}}件）
            # The information_request facts that state `overdue`; those where it is true.
            check: {{kind: information_request, field: overdue, eq: true}}
            deduct: {{mode: per_unit, points: 0.5}}
            citation:
              document: 中华人民共和国政府信息公开条例
              clause: 第三十三条
              quote: 不能当场答复的，应当自收到申请之日起20个工作日内予以答复
"""

_CASES = """\
# Tests of {region}.a1.overdue_reply: where it fires, where it does not, and at its boundary.
# {received} + 20 working days = {deadline} (the day after receipt is day 1).
region: "{region}"
year: {year}
unit: {{id: example, name: 示例县人民政府, kind: county_government}}
facts:
  - {{kind: information_request, received_on: "{received}", replied_on: "{early}"}}
cases:
  - name: answered well in time
    expect:
      total: 1
      verdicts: {{{region}.a1.overdue_reply: clear}}
  - name: answered on the 20th working day
    patch: [{{match: {{kind: information_request}}, set: {{replied_on: "{deadline}"}}}}]
    expect:
      verdicts: {{{region}.a1.overdue_reply: clear}}
  - name: answered on the 21st working day
    patch: [{{match: {{kind: information_request}}, set: {{replied_on: "{late}"}}}}]
    expect:
      total: 0.5
      indicators: {{A1: 0.5}}
      verdicts: {{{region}.a1.overdue_reply: {{status: deducted, points: 0.5, count: 1}}}}
  - name: no request on record
    remove: [{{kind: information_request}}]
    expect:
      verdicts: {{{region}.a1.overdue_reply: no_evidence}}
"""

_EXAMPLE = """\
{{
  "unit": {{"id": "example", "name": "示例县人民政府", "kind": "county_government"}},
  "year": {year},
  "facts": [
    {{"kind": "information_request", "received_on": "{received}", "replied_on": "{late}",
     "note": "an application answered on the 21st working day"}}
  ]
}}
"""

_TEST = """\
from govopen_rules import get_rubric


def test_plugin_is_installed() -> None:
    assert get_rubric("{region}", {year}).id == "{region}-{year}"
"""

_README = """\
# govopen-rules-{dist}

The {region} rubric for {year}, as a govopen-rules plugin.

```bash
pip install -e .
pytest tests
govopen-rules evaluate examples/{region}-{year}.json --region {region} --year {year}
```

`rubric.schema.json` lets an editor with a YAML language server complete and check the rubric;
after upgrading govopen-rules, regenerate it: `govopen-rules schema --rubric > rubric.schema.json`.

To do: replace `govopen_{region}/{region}-{year}.yaml` with the assessment office's table
(`docs/writing-a-plugin.md` in govopen-rules), add a case to `tests/rules.cases.yaml` for every
rule — where it fires, where it does not, at its boundary — and run
`pytest tests --govopen-coverage` until every rule is covered. Say here which readings you chose
where the source is ambiguous.
"""


def new_plugin(region: str, year: int, directory: Path) -> Path:
    """Write the plugin ``directory / region`` and return its path."""
    if not _REGION.fullmatch(region) or len(region) > MAX_REGION_LENGTH:
        raise ValueError(
            f"region {region[:60]!r}: use lower-case ASCII letters, digits and _, at most "
            f"{MAX_REGION_LENGTH} of them"
        )
    target = directory / region
    if target.exists():
        raise FileExistsError(f"{target} already exists")
    try:
        return _write_plugin(region, year, target)
    except BaseException:  # a plugin half written is no plugin: nothing is left behind
        shutil.rmtree(target, ignore_errors=True)
        raise


def _write_plugin(region: str, year: int, target: Path) -> Path:
    calendar = default_calendar()
    received = calendar.add_workdays(dt.date(year, 3, 1), 1)
    deadline = calendar.add_workdays(received, ANSWER_LIMIT)
    values = {
        "region": region,
        "dist": region.replace("_", "-"),
        "year": year,
        "received": received.isoformat(),
        "early": calendar.add_workdays(received, 5).isoformat(),
        "deadline": deadline.isoformat(),
        "late": calendar.add_workdays(deadline, 1).isoformat(),
    }
    files = {
        "pyproject.toml": _PYPROJECT,
        "README.md": _README,
        f"govopen_{region}/__init__.py": _INIT,
        f"govopen_{region}/{region}-{year}.yaml": _RUBRIC,
        "tests/rules.cases.yaml": _CASES,
        f"examples/{region}-{year}.json": _EXAMPLE,
        f"tests/test_{region}_installed.py": _TEST,
    }
    for name, template in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
    schema = json.dumps(rubric_json_schema(), ensure_ascii=False, indent=2)
    (target / "rubric.schema.json").write_text(schema + "\n", encoding="utf-8")
    return target

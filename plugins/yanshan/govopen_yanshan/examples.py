"""The example facts ``examples/yanshan-2020-11-market-regulation.json``, built from what the
November 2020 notice says about one unit, and nothing else.

The notice names one account for its 政务新媒体 requirement: "砚山县市场监督管理局微信公众号在
11月12、17、25、26、27日未发布信息". That is the one observation here: the account's silent days
as the notice names them (``no_post_dates``), with the sentence quoted in ``note``. The notice
says nothing else about the bureau (its 公文, reports, 12345 cases or original posts), so the
other rules find no evidence rather than a guessed fact. Regenerate the file from the plugin's
folder with ``python -m govopen_yanshan.examples examples/yanshan-2020-11-market-regulation.json``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

NOTICE = "砚山县人民政府办公室关于2020年11月政府信息与政务公开工作情况通报（2020-12-16）"
# The sentence, verbatim (一、（四）).
SENTENCE = (
    "部分部门政务新媒体运维未达到要求，如：砚山县市场监督管理局微信公众号在11月12、17、25、26、27日"
    "未发布信息。"
)
UNIT = {"id": "yanshan-market-regulation", "name": "砚山县市场监督管理局", "kind": "department"}
# "11月12、17、25、26、27日" in the year of the notice's subject, 2020年11月.
SILENT_DAYS = [f"2020-11-{day}" for day in ("12", "17", "25", "26", "27")]


def build() -> dict[str, Any]:
    """The facts file: the unit and its one observed account."""
    account = {
        "kind": "new_media_account",
        "name": "砚山县市场监督管理局微信公众号",
        "platform": "微信公众号",
        "no_post_dates": SILENT_DAYS,
        "source": f"{NOTICE} 一、（四）",
        "note": f"「{SENTENCE}」",
    }
    return {"unit": UNIT, "year": 2020, "facts": [account]}


def main(argv: Sequence[str] | None = None) -> None:
    """Write the facts file, as committed, to the path given on the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m govopen_yanshan.examples", description="Write the example facts JSON."
    )
    parser.add_argument(
        "output", type=Path, help="e.g. examples/yanshan-2020-11-market-regulation.json"
    )
    out = parser.parse_args(argv).output
    out.write_text(json.dumps(build(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

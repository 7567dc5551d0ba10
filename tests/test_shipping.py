"""Plugins find the rubric files they ship with one core helper, ``rubric_files``."""

from __future__ import annotations

from pathlib import Path

import pytest

import govopen_xuanwei
from govopen_rules import Registry
from govopen_rules.errors import PluginError
from govopen_rules.plugins import rubric_files


def make_package(root: Path, name: str, *files: str) -> None:
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    for file in files:
        (package / file).write_text("id: x\n", encoding="utf-8")


def test_a_plugin_ships_every_yaml_file_of_its_package() -> None:
    here = Path(govopen_xuanwei.__file__).parent
    assert rubric_files("govopen_xuanwei") == [here / "xuanwei-2020.yaml"]
    assert govopen_xuanwei.govopen_rubrics() == [here / "xuanwei-2020.yaml"]
    registry = Registry(plugins=[govopen_xuanwei], load_entrypoints=False)
    assert [(r.region, r.year) for r in registry.rubrics()] == [("xuanwei", 2020)]


def test_files_are_sorted_and_only_those_matching(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_package(tmp_path, "shipping_two", "b-2021.yaml", "a-2020.yaml", "notes.txt")
    monkeypatch.syspath_prepend(str(tmp_path))
    root = tmp_path / "shipping_two"
    assert rubric_files("shipping_two") == [root / "a-2020.yaml", root / "b-2021.yaml"]
    assert rubric_files("shipping_two", "*.txt") == [root / "notes.txt"]


def test_a_package_without_rubric_files_says_how_to_ship_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_package(tmp_path, "shipping_none", "notes.txt")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError, match=r"shipping_none: no rubric files \(\*\.yaml\) in .*"):
        rubric_files("shipping_none")
    with pytest.raises(PluginError, match=r"package-data\] shipping_none = \[\"\*\.yaml\"\]"):
        rubric_files("shipping_none")

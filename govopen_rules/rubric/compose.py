"""Rubrics made from other rubrics and from shared rules: ``extends`` and ``include``.

A rubric file may **extend** an installed rubric (``extends: xuanwei:2020``) and give only what
changes: top-level keys it gives replace the base's; ``parameters`` and ``deadlines`` entries
are added or replaced by name; ``areas`` are matched by ``code``, their ``indicators`` by
``code`` and those indicators' ``rules`` by id (relative ids resolved as usual), and a matched
entry keeps the keys it does not give (a rule that gives ``check``, ``evidence`` or ``when``
replaces all three); unmatched entries are added at the end; ``remove`` lists areas,
indicators, rules, parameters and deadlines to take out.

A rule may **include** a rule of a rule library (``include: national.request.answer_deadline``):
the library rule's keys, with the keys the entry gives replacing them; the id defaults to the
library rule's last part (``.answer_deadline``). The library's parameters and deadlines the
rule uses come with it, unless the rubric defines one of the same name (the rubric's wins,
which is how a region states its own threshold). A library rule states no points where its
source gives none: the including rubric then has to give ``deduct``.

Both are resolved on the file's data, before it is read into the model, so every later check
(points adding up, fields of the fact kinds...) sees the rubric as if written out in full.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import attrs

from govopen_rules.errors import RubricError
from govopen_rules.facts.convert import FIRST_YEAR
from govopen_rules.rubric.deadlines import deadline_fields
from govopen_rules.rubric.expand import relative_id_prefix
from govopen_rules.rubric.reading import read_rubric_document

__all__ = [
    "RubricComposer",
    "RuleLibrary",
    "library_from_data",
    "library_problem",
    "library_rubric_data",
    "load_library",
    "materialize",
    "read_rubric_data",
]

T = TypeVar("T")
Data = dict[str, Any]

_REFERENCE = re.compile(r"([a-z][a-z0-9_]*):(\d{4})")
_LIBRARY_NAME = re.compile(r"[a-z][a-z0-9_]*")
_RULE_MEANING = ("check", "evidence", "when")
_LIBRARY_KEYS = {
    "library",
    "version",
    "title",
    "source",
    "citation_document",
    "parameters",
    "deadlines",
    "rules",
}


def read_rubric_data(path: Path | str) -> Any:
    """A rubric or library file's data, read safely (size, UTF-8, depth and alias expansion
    bounded; no code runs): :func:`govopen_rules.rubric.reading.read_rubric_document`."""
    data, _lines = read_rubric_document(Path(path))
    return data


def _closest(name: str, known: Iterable[str]) -> str:
    known = sorted(known)
    first = difflib.get_close_matches(name, known, n=len(known), cutoff=0)
    return ", ".join(first) or "none"


def _walk(value: object, visit: Callable[[Mapping[str, Any]], None]) -> None:
    if isinstance(value, Mapping):
        visit(value)
        for item in value.values():
            _walk(item, visit)
    elif isinstance(value, list):
        for item in value:
            _walk(item, visit)


def _param_refs(value: object) -> set[str]:
    found: set[str] = set()

    def visit(node: Mapping[str, Any]) -> None:
        if set(node) == {"param"} and isinstance(node["param"], str):
            found.add(node["param"])

    _walk(value, visit)
    return found


def _fields_named(rule: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()

    def visit(node: Mapping[str, Any]) -> None:
        if isinstance(node.get("field"), str):
            found.add(node["field"])

    _walk(rule, visit)
    if isinstance(rule.get("items"), str):
        found.add(rule["items"])
    return found


def _with_document(citation: object, document: object) -> object:
    """A citation mapping with its document filled in (the file's default applies to it)."""
    if isinstance(citation, Mapping) and "document" not in citation and isinstance(document, str):
        return {**citation, "document": document}
    return citation


def _default_document(data: Mapping[str, Any]) -> object:
    source = data.get("source")
    fallback = source.get("document") if isinstance(source, Mapping) else None
    return data.get("citation_document") or fallback


def _entries(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _full_id(rule: Mapping[str, Any], region: object, code: object) -> object:
    rule_id = rule.get("id")
    if isinstance(rule_id, str) and rule_id.startswith(".") and isinstance(code, str):
        return relative_id_prefix(str(region), code) + rule_id
    return rule_id


def materialize(data: Data) -> Data:
    """The same rubric with nothing implicit that another file could change: full rule ids
    and every citation's document. What an extending file starts from."""
    out = copy.deepcopy(data)
    document = _default_document(out)
    region = out.get("region")
    for area in _entries(out.get("areas")):
        for indicator in _entries(area.get("indicators") if isinstance(area, dict) else None):
            if not isinstance(indicator, dict):
                continue
            for rule in _entries(indicator.get("rules")):
                if isinstance(rule, dict):
                    rule["id"] = _full_id(rule, region, indicator.get("code"))
                    rule["citation"] = _with_document(rule.get("citation"), document)
    for section in ("parameters", "deadlines"):
        entries = out.get(section)
        if isinstance(entries, dict):
            for entry in entries.values():
                if isinstance(entry, dict) and "citation" in entry:
                    entry["citation"] = _with_document(entry["citation"], document)
    return out


def _merge_rule(base: Mapping[str, Any], change: Mapping[str, Any]) -> Data:
    """``base`` with the keys ``change`` gives; giving any of check/evidence/when replaces all."""
    out = copy.deepcopy(dict(base))
    if any(key in change for key in _RULE_MEANING):
        for key in _RULE_MEANING:
            out.pop(key, None)
    out.update(copy.deepcopy(dict(change)))
    return out


@attrs.frozen(kw_only=True)
class RuleLibrary:
    """Rules that rubrics include by id, with the parameters and deadlines they use.

    Kept as data (each citation with its document filled in): a rule becomes part of a rubric
    only when included, with the rubric's points and citation.
    """

    name: str
    version: str
    title: str
    source: str
    citation_document: str
    rules: Mapping[str, Data]
    parameters: Mapping[str, Any] = attrs.field(factory=dict)
    deadlines: Mapping[str, Any] = attrs.field(factory=dict)


def library_from_data(data: object, source: str) -> RuleLibrary:
    """A rule library from its file's data; :class:`RubricError` lists every problem."""
    if not isinstance(data, Mapping):
        raise RubricError(
            ["$: a rule library is a mapping with library, version and rules"], source
        )
    errors = [f"$.{key}: unknown key" for key in data if key not in _LIBRARY_KEYS]
    name = data.get("library")
    if not isinstance(name, str) or not _LIBRARY_NAME.fullmatch(name):
        errors.append("$.library: the library's name, lower-case ASCII (e.g. national)")
        name = "?"
    for key in ("version", "title", "citation_document"):
        if not isinstance(data.get(key), str):
            errors.append(f"$.{key}: a string is required")
    document = data.get("citation_document")
    sections = {}
    for key in ("parameters", "deadlines"):
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            errors.append(f"$.{key}: expected a mapping of names")
            value = {}
        sections[key] = {
            n: {**v, "citation": _with_document(v["citation"], document)}
            if isinstance(v, Mapping) and "citation" in v
            else v
            for n, v in value.items()
        }
    rules: dict[str, Data] = {}
    for i, rule in enumerate(_entries(data.get("rules"))):
        rule_id = rule.get("id") if isinstance(rule, Mapping) else None
        if not isinstance(rule_id, str) or not rule_id.startswith(f"{name}."):
            errors.append(f"$.rules[{i}].id: a library rule's id starts with {name + '.'!r}")
            continue
        if rule_id in rules:
            errors.append(f"$.rules[{i}].id: duplicate rule id {rule_id!r}")
        rules[rule_id] = {**rule, "citation": _with_document(rule.get("citation"), document)}
    if not rules:
        errors.append("$.rules: a library needs at least one rule")
    if errors:
        raise RubricError(errors, source)
    return RuleLibrary(
        name=name,
        version=str(data["version"]),
        title=str(data["title"]),
        source=source,
        citation_document=str(document),
        rules=rules,
        parameters=sections["parameters"],
        deadlines=sections["deadlines"],
    )


def load_library(path: Path | str) -> RuleLibrary:
    """Read a rule library file; :class:`RubricError` names the file and each path."""
    return library_from_data(read_rubric_data(path), str(path))


#: What a library rule's position in :func:`library_rubric_data` is, as a path in its file.
_CHECK_RULE_PATH = re.compile(r"(\$\.)?areas\[0\]\.indicators\[(\d+)\]\.rules\[0\]")


def library_rubric_data(library: RuleLibrary) -> Data:
    """A rubric holding every rule of ``library`` (one indicator each, no points where the
    library states none): what the registry compiles to check a library when it loads."""
    indicators = [
        {
            "code": f"R{i}",
            "title": str(rule.get("title", rule_id)),
            "points": 1,
            "rules": [{"deduct": {"mode": "fixed", "points": 0}, **rule}],
        }
        for i, (rule_id, rule) in enumerate(library.rules.items())
    ]
    return {
        "id": f"library-{library.name}",
        "region": library.name,
        "year": FIRST_YEAR,  # checked as a rubric of no particular year
        "version": library.version,
        "title": library.title,
        "points": len(indicators),
        "source": {"document": library.citation_document, "clause": "全文"},
        "missing_evidence": {"mode": "undecided"},
        "parameters": copy.deepcopy(dict(library.parameters)),
        "deadlines": copy.deepcopy(dict(library.deadlines)),
        "areas": [
            {
                "code": "L",
                "title": library.title,
                "points": len(indicators),
                "indicators": indicators,
            }
        ],
    }


def library_problem(problem: str) -> str:
    """A problem found in :func:`library_rubric_data`, with the path of the library file."""
    return _CHECK_RULE_PATH.sub(lambda m: f"{m.group(1) or ''}rules[{m.group(2)}]", problem)


class RubricComposer:
    """Resolves ``extends`` and ``include`` for the rubric files of one registry.

    ``libraries`` are the rule libraries known; :meth:`accept` records a loaded rubric so that
    later files can extend it. :meth:`order` puts every file after the one it extends.
    """

    def __init__(self, libraries: Mapping[str, RuleLibrary] | None = None) -> None:
        self.libraries = dict(libraries or {})
        self._composed: dict[tuple[str, int], Data] = {}
        self._pending: dict[tuple[str, int], Data] = {}

    # --- order -----------------------------------------------------------------------------

    def order(self, files: Iterable[tuple[T, Path | str]]) -> list[tuple[T, Path | str]]:
        """``files`` with each extending file after its base (stable otherwise); files that
        cannot be read, or whose base is missing, keep their relative order at the end."""
        peeked: list[tuple[tuple[T, Path | str], Any]] = []
        for item in files:
            try:
                data = read_rubric_data(item[1]) if isinstance(item[1], (str, Path)) else None
            except RubricError:
                data = None
            peeked.append((item, data if isinstance(data, Mapping) else {}))
        done: set[tuple[str, int]] = set(self._composed)
        out: list[tuple[T, Path | str]] = []
        waiting = peeked
        while True:
            later = []
            for item, data in waiting:
                base = _reference(data.get("extends"))
                if base is not None and base not in done:
                    later.append((item, data))
                    continue
                region = data.get("region", base[0] if base else None)
                if isinstance(region, str) and isinstance(data.get("year"), int):
                    done.add((region, data["year"]))
                out.append(item)
            if len(later) == len(waiting):
                return out + [item for item, _ in later]
            waiting = later

    # --- composition -----------------------------------------------------------------------

    def compose(self, data: Any, source: str) -> Any:
        """The rubric ``data`` stands for, with ``extends`` and every ``include`` resolved;
        :class:`RubricError` names ``source`` and the path of each problem."""
        if not isinstance(data, Mapping):
            return data  # structuring says what is wrong
        errors: list[str] = []
        out: Data = copy.deepcopy(dict(data))
        if "extends" in out or "remove" in out:
            out = self._extend(out, errors)
        self._include(out, errors)
        if errors:
            raise RubricError(errors, source)
        key = (out.get("region"), out.get("year"))
        if isinstance(key[0], str) and isinstance(key[1], int):
            self._pending[(key[0], key[1])] = out
        return out

    def accept(self, region: str, year: int) -> None:
        """Record that the rubric of ``region`` and ``year`` loaded: files may extend it now."""
        data = self._pending.pop((region, year), None)
        if data is not None:
            self._composed[(region, year)] = materialize(data)

    def composed(self, region: str, year: int) -> Data | None:
        """The data of an accepted rubric, written out in full (a copy)."""
        found = self._composed.get((region, year))
        return None if found is None else copy.deepcopy(found)

    def _extend(self, data: Data, errors: list[str]) -> Data:
        reference = data.pop("extends", None)
        remove = data.pop("remove", None)
        base_key = _reference(reference)
        if base_key is None:
            errors.append(f"$.extends: {reference!r} is not region:year, e.g. xuanwei:2020")
            return data
        base = self._composed.get(base_key)
        if base is None:
            installed = ", ".join(f"{r}:{y}" for r, y in sorted(self._composed)) or "none"
            errors.append(
                f"$.extends: no rubric {reference} is loaded (installed and valid: {installed})"
            )
            return data
        out = copy.deepcopy(base)
        out.pop("extends", None)
        if remove is not None:
            _remove(out, remove, errors)
        region = data.get("region", out.get("region"))
        for key, value in data.items():
            if key in ("parameters", "deadlines"):
                if not isinstance(value, Mapping):
                    errors.append(f"$.{key}: expected a mapping of names")
                    continue
                merged = dict(out.get(key) or {})
                merged.update(copy.deepcopy(dict(value)))
                out[key] = merged
            elif key == "areas":
                _merge_areas(out, value, region, errors)
            else:
                out[key] = copy.deepcopy(value)
        out["extends"] = reference
        return out

    def _include(self, data: Data, errors: list[str]) -> None:
        for a, area in enumerate(_entries(data.get("areas"))):
            indicators = area.get("indicators") if isinstance(area, dict) else None
            for i, indicator in enumerate(_entries(indicators)):
                rules = indicator.get("rules") if isinstance(indicator, dict) else None
                for r, rule in enumerate(_entries(rules)):
                    if isinstance(rule, dict) and "include" in rule:
                        path = f"$.areas[{a}].indicators[{i}].rules[{r}]"
                        included = self._included(rule, data, path, errors)
                        if included is not None:
                            rules[r] = included  # type: ignore[index]

    def _included(
        self, entry: Mapping[str, Any], data: Data, path: str, errors: list[str]
    ) -> Data | None:
        reference = entry["include"]
        name = reference.split(".")[0] if isinstance(reference, str) else ""
        library = self.libraries.get(name)
        if library is None:
            known = ", ".join(sorted(self.libraries))
            hint = (
                f"known libraries: {known}"
                if known
                else "no rule libraries are known here; load the rubric through a Registry"
            )
            errors.append(f"{path}.include: unknown rule library {name!r} ({hint})")
            return None
        rule = library.rules.get(reference)
        if rule is None:
            errors.append(
                f"{path}.include: library {name!r} has no rule {reference!r}; its rules, "
                f"closest first: {_closest(str(reference), library.rules)}"
            )
            return None
        merged = _merge_rule(rule, entry)
        # A rule a base rubric already resolved carries the library's own test (a year that
        # ``extends`` it lost every baseline once): only a test of the file's own drops it.
        if any(key in entry and entry[key] != rule.get(key) for key in _RULE_MEANING):
            # It judges by its own check now (another kind of fact, once): its verdicts are
            # not the baseline rule's, and a comparison must not line them up as if they were.
            merged.pop("include", None)
        if "id" not in entry:
            merged["id"] = "." + reference.rsplit(".", 1)[1]
        if "deduct" not in merged:
            errors.append(
                f"{path}.deduct: {reference} states no deduction (its source gives no points): "
                "give deduct"
            )
        deadlines = data.setdefault("deadlines", {})
        fields = _fields_named(merged)
        wanted = _param_refs(merged)
        if isinstance(deadlines, dict):
            for deadline, spec in library.deadlines.items():
                if set(deadline_fields(deadline)) & fields and deadline not in deadlines:
                    deadlines[deadline] = copy.deepcopy(spec)
                    wanted |= _param_refs(spec)
        parameters = data.setdefault("parameters", {})
        if isinstance(parameters, dict):
            for param in sorted(wanted):
                if param not in parameters and param in library.parameters:
                    parameters[param] = copy.deepcopy(library.parameters[param])
        return merged


def _reference(value: object) -> tuple[str, int] | None:
    found = _REFERENCE.fullmatch(value) if isinstance(value, str) else None
    return None if found is None else (found.group(1), int(found.group(2)))


def _keyed(entries: list[Any], key: Callable[[Any], object]) -> dict[object, int]:
    return {key(e): n for n, e in enumerate(entries) if isinstance(e, dict)}


def _merge_areas(out: Data, changes: object, region: object, errors: list[str]) -> None:
    if not isinstance(changes, list):
        errors.append("$.areas: expected a list of areas")
        return
    areas = out.setdefault("areas", [])
    codes = _keyed(areas, lambda e: e.get("code"))
    for a, change in enumerate(changes):
        if not isinstance(change, Mapping) or "code" not in change:
            errors.append(f"$.areas[{a}]: an area entry needs its code")
            continue
        found = codes.get(change["code"])
        if found is None:
            areas.append(copy.deepcopy(dict(change)))
            codes[change["code"]] = len(areas) - 1
            continue
        area = areas[found]
        for key, value in change.items():
            if key == "indicators":
                _merge_indicators(area, value, region, f"$.areas[{a}].indicators", errors)
            else:
                area[key] = copy.deepcopy(value)


def _merge_indicators(
    area: Data, changes: object, region: object, path: str, errors: list[str]
) -> None:
    if not isinstance(changes, list):
        errors.append(f"{path}: expected a list of indicators")
        return
    indicators = area.setdefault("indicators", [])
    codes = _keyed(indicators, lambda e: e.get("code"))
    for i, change in enumerate(changes):
        if not isinstance(change, Mapping) or "code" not in change:
            errors.append(f"{path}[{i}]: an indicator entry needs its code")
            continue
        found = codes.get(change["code"])
        if found is None:
            indicators.append(copy.deepcopy(dict(change)))
            codes[change["code"]] = len(indicators) - 1
            continue
        indicator = indicators[found]
        for key, value in change.items():
            if key != "rules":
                indicator[key] = copy.deepcopy(value)
                continue
            if not isinstance(value, list):
                errors.append(f"{path}[{i}].rules: expected a list of rules")
                continue
            rules = indicator.setdefault("rules", [])
            code = indicator.get("code")
            ids = {_full_id(e, region, code): n for n, e in enumerate(rules) if isinstance(e, dict)}
            for rule in value:
                if not isinstance(rule, Mapping):
                    rules.append(rule)  # structuring says what is wrong
                    continue
                at = ids.get(_full_id(rule, region, code))
                if at is None:
                    rules.append(copy.deepcopy(dict(rule)))
                else:
                    rules[at] = _merge_rule(rules[at], rule)


def _remove(out: Data, remove: object, errors: list[str]) -> None:
    if not isinstance(remove, Mapping):
        errors.append("$.remove: expected a mapping (areas, indicators, rules, parameters…)")
        return
    sections = ("areas", "indicators", "rules", "parameters", "deadlines")
    errors += [f"$.remove.{k}: unknown key" for k in remove if k not in sections]
    areas = [a for a in _entries(out.get("areas")) if isinstance(a, dict)]
    indicators = [
        (area, ind)
        for area in areas
        for ind in _entries(area.get("indicators"))
        if isinstance(ind, dict)
    ]
    rules = [
        (ind, rule)
        for _a, ind in indicators
        for rule in _entries(ind.get("rules"))
        if isinstance(rule, dict)
    ]
    for n, code in enumerate(_entries(remove.get("areas"))):
        found = [a for a in areas if a.get("code") == code]
        if not found:
            errors.append(f"$.remove.areas[{n}]: no area {code!r} to remove")
        for area in found:
            out["areas"].remove(area)
    for n, code in enumerate(_entries(remove.get("indicators"))):
        hits = [(a, i) for a, i in indicators if i.get("code") == code]
        if not hits:
            errors.append(f"$.remove.indicators[{n}]: no indicator {code!r} to remove")
        for area, ind in hits:
            area["indicators"].remove(ind)
    for n, rule_id in enumerate(_entries(remove.get("rules"))):
        hits = [(i, r) for i, r in rules if r.get("id") == rule_id]
        if not hits:
            known = _closest(str(rule_id), [str(r.get("id")) for _i, r in rules])
            errors.append(
                f"$.remove.rules[{n}]: no rule {rule_id!r} to remove; closest first: {known}"
            )
        for ind, rule in hits:
            ind["rules"].remove(rule)
    for section in ("parameters", "deadlines"):
        entries = out.get(section)
        for n, name in enumerate(_entries(remove.get(section))):
            if not isinstance(entries, dict) or name not in entries:
                errors.append(f"$.remove.{section}[{n}]: no {section[:-1]} {name!r} to remove")
            else:
                del entries[name]

"""Reading a rubric file safely: bounded in size, depth and alias expansion, with line numbers.

A rubric comes from a plugin, and a broken or hostile one must cost a clear error, not a
minute and gigabytes: the file is at most :data:`MAX_RUBRIC_BYTES`, UTF-8, YAML read with the
safe loader (no code runs), at most :data:`MAX_DEPTH` levels deep, and its aliases may not
expand it past :data:`MAX_NODES` values (a 1.4 KB "billion laughs" file is refused before any
of it is built). The YAML nodes are kept so that a problem's field path can be given its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from govopen_rules.bounded import TooLarge, read_at_most
from govopen_rules.errors import Problem, RubricError

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_RUBRIC_BYTES",
    "BoundedLoader",
    "LineIndex",
    "TooDeepError",
    "check_shape",
    "one_line",
    "read_rubric_document",
]

#: The largest rubric file read (the built-in ones are under 30 KB).
MAX_RUBRIC_BYTES = 2 * 1024 * 1024
#: The deepest nesting of mappings and lists (the built-in rubrics need 10).
MAX_DEPTH = 40
#: The most values a rubric may hold once every alias is expanded.
MAX_NODES = 200_000


@attrs.frozen
class LineIndex:
    """The line of each field path of a YAML document (``areas[0].indicators[2].points``)."""

    root: Node | None

    def line_of(self, path: str) -> int | None:
        """The 1-based line of the deepest node the path reaches, or None."""
        node = self.root
        if node is None:
            return None
        for step in _steps(path):
            child = _child(node, step)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1

    def locate(self, problems: tuple[Problem, ...]) -> list[Problem]:
        """The problems with their line, where the path leads into the document."""
        out = []
        for problem in problems:
            line = self.line_of(problem.path) if problem.path != "$" else None
            out.append(Problem(problem.path, problem.problem, line=line))
        return out


_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    text = path.removeprefix("$")
    position = 0
    while position < len(text):
        match = _STEP.match(text, position)
        if match is None:
            break
        name, index, key = match.groups()
        steps.append(int(index) if index is not None else (name if name is not None else key))
        position = match.end()
    return steps


def _child(node: Node, step: str | int) -> Node | None:
    if isinstance(node, SequenceNode) and isinstance(step, int):
        return node.value[step] if step < len(node.value) else None
    if isinstance(node, MappingNode) and isinstance(step, str):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == step:
                return value  # type: ignore[no-any-return]
    return None


def _problem(path: Path, problem: str) -> RubricError:
    return RubricError([Problem("$", problem)], str(path))


def read_rubric_document(path: Path) -> tuple[Any, LineIndex]:
    """The data of a rubric file and its line index; :class:`RubricError` naming the file when
    it cannot be read, is too large, is not UTF-8 YAML, or is too deep or expands too far."""
    try:
        raw = read_at_most(path, MAX_RUBRIC_BYTES)
    except TooLarge:
        raise _problem(
            path, f"the file is larger than a rubric file may be ({MAX_RUBRIC_BYTES:,} bytes)"
        ) from None
    except OSError as exc:
        raise _problem(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _problem(
            path, f"not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start})"
        ) from None
    try:
        data, root = load_checked(text, path)
    except RubricError:
        raise
    except TooDeepError as exc:
        raise _problem(path, f"line {exc.line}: nested more than {MAX_DEPTH} levels deep") from None
    except yaml.YAMLError as exc:
        raise _problem(path, f"cannot read: not valid YAML: {one_line(exc)}") from None
    except Exception as exc:
        # A scalar the safe loader resolves but cannot build: 2020-13-45, an int of 5,000
        # digits, ``!!timestamp x`` (AttributeError inside PyYAML).
        raise _problem(path, f"cannot read: not valid YAML: {one_line(exc)}") from None
    return data, LineIndex(root)


def load_checked(
    text: str,
    path: Path,
    max_nodes: int = MAX_NODES,
    loader_class: type[BoundedLoader] | None = None,
) -> tuple[Any, Node | None]:
    """A YAML document's data and its root node, with its nodes checked (:func:`check_nodes`)
    before anything is built: how rubric, calendar and case files are all read. Raises
    :class:`RubricError` (a bound passed, a key given twice), :class:`TooDeepError`, or what
    PyYAML raises; each reader says it in its own words."""
    loader = (loader_class or BoundedLoader)(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        check_nodes(root, path, max_nodes)
        return loader.construct_document(root), root
    finally:
        loader.dispose()


class TooDeepError(Exception):
    """A YAML document nests deeper than :data:`MAX_DEPTH`; ``line`` is where it went on."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class BoundedLoader(yaml.SafeLoader):
    """The safe loader, stopping as soon as the document nests deeper than MAX_DEPTH (the YAML
    scanner slows down with the square of the nesting, so it must not read on)."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise TooDeepError(event.start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


#: A YAML float written as a plain decimal (``0.1``, ``-2.5e3``, ``1_000.25``).
_PLAIN_FLOAT = re.compile(
    r"[-+]?(?:\d[\d_]*)?\.\d[\d_]*(?:[eE][-+]?\d+)?|[-+]?\d[\d_]*[eE][-+]?\d+", re.ASCII
)


def _exact_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    """A YAML float as the Decimal it is written as: read as a float, 0.99999999999999999999
    was 1 (an expected total of a case passed against 1). Other spellings (``.inf``, ``1:30``)
    are what YAML makes of them, and the number checks refuse them."""
    text = node.value
    if _PLAIN_FLOAT.fullmatch(text):
        try:
            return Decimal(text.replace("_", ""))
        except ArithmeticError:  # an exponent past Decimal's: the float (inf) the checks refuse
            pass
    return loader.construct_yaml_float(node)


BoundedLoader.add_constructor("tag:yaml.org,2002:float", _exact_float)


def one_line(exc: BaseException) -> str:
    """An error's message on one line, at most 300 characters (YAML errors span several)."""
    text = " ".join(str(exc).split())
    return text if len(text) <= 300 else text[:300] + "..."


def check_nodes(root: Node, path: Path, max_nodes: int = MAX_NODES) -> None:
    """Refuse a YAML node graph too deep, with a key given twice, or whose aliases expand it
    past ``max_nodes`` values, before it is built; shared nodes (aliases) are measured once,
    so this takes time in the file's size."""

    def children(node: object) -> list[object] | None:
        if isinstance(node, MappingNode):
            unique_keys(node)
            return [n for pair in node.value for n in pair]
        if isinstance(node, SequenceNode):
            return list(node.value)
        return None

    def fail(node: object, problem: str) -> RubricError:
        assert isinstance(node, Node)
        return _problem(path, f"line {node.start_mark.line + 1}: {problem}")

    def unique_keys(node: MappingNode) -> None:
        # YAML keeps the last of a key given twice, in silence (a second ``points:`` once
        # changed a rubric's total without a word).
        seen: dict[object, str] = {}
        for key, _ in node.value:
            if isinstance(key, ScalarNode) and key.value != "<<":
                # As a mapping reads it: 1 and '1' differ; yes and true, true and 1, 1 and 1.0
                # are one key, and the last would win in silence.
                tagged = _key_value(key)
                if tagged in seen:
                    first = seen[tagged]
                    also = "" if first == key.value else f" (as {first!r})"
                    raise fail(key, f"the key {key.value!r} is given twice{also}; say it once")
                seen[tagged] = key.value

    _measure(root, children, fail, max_nodes)


def _key_value(key: ScalarNode) -> object:
    """What a key is once read: ``yes`` and ``true`` are both True, ``0x1`` and ``1`` both 1
    (text is itself; a key YAML cannot read is its text, and the loader then says why)."""
    if key.tag == "tag:yaml.org,2002:str":
        return key.value
    try:
        value: object = yaml.SafeLoader("").construct_object(key)
        hash(value)
    except (yaml.YAMLError, TypeError, ValueError):
        return key.value
    return value


def check_shape(data: object, source: str) -> None:
    """The same bounds for rubric data given as Python objects (shared objects measured once,
    a container that contains itself refused)."""

    def children(value: object) -> list[object] | None:
        if isinstance(value, dict):
            return [x for pair in value.items() for x in pair]
        if isinstance(value, (list, tuple)):
            return list(value)
        return None

    def fail(_: object, problem: str) -> RubricError:
        return RubricError([Problem("$", problem)], source)

    _measure(data, children, fail)


def _measure(
    root: object,
    children: Callable[[object], list[object] | None],
    fail: Callable[[object, str], RubricError],
    max_nodes: int = MAX_NODES,
) -> None:
    """Count the values under ``root`` with every shared container counted where it is used
    (what building it would cost) and its depth, each shared container visited once; stop at
    the first bound passed. Recursion never goes deeper than :data:`MAX_DEPTH` + 1."""
    measured: dict[int, tuple[int, int]] = {}  # id -> (values, depth below)
    active: set[int] = set()

    def measure(item: object, level: int) -> tuple[int, int]:
        below = children(item)
        if below is None:
            return (1, 0)
        if level > MAX_DEPTH:
            raise fail(item, f"nested more than {MAX_DEPTH} levels deep")
        key = id(item)
        if key in measured:
            count, depth = measured[key]
            if level + depth > MAX_DEPTH:
                raise fail(item, f"nested more than {MAX_DEPTH} levels deep")
            return count, depth
        if key in active:
            raise fail(item, "a value contains itself (an alias to an enclosing value)")
        active.add(key)
        count, depth = 1, 0
        for child in below:
            child_count, child_depth = measure(child, level + 1)
            count += child_count
            depth = max(depth, child_depth + 1)
            if count > max_nodes:
                raise fail(
                    item, f"expands to more than {max_nodes:,} values (aliases repeat too much)"
                )
        active.discard(key)
        measured[key] = (count, depth)
        return count, depth

    measure(root, 0)

"""A structuring function generated for each fact class: valid facts in one call.

Most facts are valid, and most of their fields are text, numbers, flags and dates. For each fact
class a function is generated once (as attrs and cattrs generate theirs) that checks each field
in line (``type(v) is str``, a date's YYYY-MM-DD form and year) and calls the class. It accepts
only what the detailed converter accepts and builds the same object; anything else (a missing
field, an unknown one, a value of another type, a validator's refusal) raises, and the caller
structures the fact again on the detailed path, which names every problem with its path.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from govopen_rules.conversion import SURROGATE

__all__ = ["FastBuild", "fast_builder"]

#: Builds a fact from its raw mapping, or raises (anything) when the detailed path must decide.
FastBuild = Callable[[Mapping[str, Any]], Any]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_counter = itertools.count()


def _optional_inner(tp: Any) -> Any | None:
    """X for ``X | None``; None for any other type."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0]
    return None


Hooks = Callable[[Any], Callable[[Any, Any], Any]]


def _check(tp: Any, var: str, name: str, names: dict[str, Any], hook_for: Hooks) -> list[str]:
    """Lines that check ``var`` as ``tp`` and leave the structured value in ``var``."""
    if tp is str:  # a lone surrogate: the detailed path names it
        surrogate = f"not {var}.isascii() and _surrogate({var})"
        return [f"if type({var}) is not str or {surrogate}: raise _Slow"]
    if tp is bool:
        return [f"if type({var}) is not bool: raise _Slow"]
    if tp is int:
        return [f"if type({var}) is not int or abs({var}) > _INT_MAX: raise _Slow"]
    if tp is dt.date:
        return [
            f"if type({var}) is str and len({var}) == 10 and _iso({var}) is not None:",
            f"    {var} = _fromiso({var})",
            f"elif type({var}) is not _date: raise _Slow",
            f"if not _FIRST <= {var}.year <= _LAST: raise _Slow",
        ]
    # Decimals (their digits are checked), lists and anything else: the fast converter's own
    # hook for the type (it raises on what it refuses, and the detailed path then says why).
    hook = f"_hook_{name}"
    names[hook] = hook_for(tp)
    names[f"_type_{name}"] = tp
    return [f"{var} = {hook}({var}, _type_{name})"]


def fast_builder(
    cls: type,
    hook_for: Hooks,
    *,
    int_max: int,
    years: tuple[int, int],
    ignored: frozenset[str] = frozenset({"kind"}),
) -> FastBuild:
    """The generated structuring function of an attrs fact class.

    ``hook_for`` gives the fast converter's hook for a type (used for decimals, lists and any
    other type); whole numbers must lie within ±``int_max``, dates within ``years``; keys in
    ``ignored`` (the fact's ``kind``) may be present and are not fields.
    """
    hints = typing.get_type_hints(cls)
    names: dict[str, Any] = {
        "_cls": cls,
        "_Slow": _Slow,
        "_INT_MAX": int_max,
        "_FIRST": years[0],
        "_LAST": years[1],
        "_iso": _ISO_DATE.fullmatch,
        "_fromiso": dt.date.fromisoformat,
        "_date": dt.date,
        "_allowed": frozenset(a.name for a in attrs.fields(cls) if a.init) | ignored,
        "_surrogate": SURROGATE.search,
    }
    lines = [
        "def build(o):",
        "    if type(o) is not dict or not _allowed.issuperset(o): raise _Slow",
        "    kw = {}",
    ]
    for field in attrs.fields(cls):
        if not field.init:
            continue
        name = field.name
        tp = hints.get(name, Any)
        inner = _optional_inner(tp)
        check = _check(inner if inner is not None else tp, "v", name, names, hook_for)
        if field.default is attrs.NOTHING:
            lines.append(f"    v = o[{name!r}]")
            if inner is not None:
                lines.append("    if v is not None:")
                lines += [f"        {line}" for line in check]
            else:
                lines += [f"    {line}" for line in check]
            lines.append(f"    kw[{name!r}] = v")
        else:
            lines.append(f"    if {name!r} in o:")
            lines.append(f"        v = o[{name!r}]")
            if inner is not None:
                lines.append("        if v is not None:")
                lines += [f"            {line}" for line in check]
            else:
                lines += [f"        {line}" for line in check]
            lines.append(f"        kw[{name!r}] = v")
    lines.append("    return _cls(**kw)")
    source = "\n".join(lines) + "\n"
    filename = f"<govopen_rules fast structure {cls.__qualname__} {next(_counter)}>"
    exec(compile(source, filename, "exec"), names)  # generated above, from the class's types
    build: FastBuild = names["build"]
    return build


class _Slow(ValueError):
    """The value needs the detailed path."""

"""Model objects as plain data and as compact JSON, written fast enough for a national sweep.

Every cohort worker writes each result it evaluates as one line of JSON (150,000 in a national
sweep). cattrs' generated functions build the data, with two hooks tuned: an optional value and a
tuple no longer go through cattrs' per-value dispatch and generator. And much of a result
repeats from one unit to the next: the rubric's citations and missing-evidence policies, and the
verdicts that scoring shares between units (a rule without evidence gives the same verdict
object every time). :class:`CompactJson` writes such an object once, keeps its JSON as an orjson
``Fragment`` and puts that in every later result, so each result builds and writes only what is
its own.

Nothing here imports the rest of the library (layer 0): ``conversion`` configures its converters
with :func:`configure_unstructuring` and writes compact JSON with :class:`CompactJson`.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
import weakref
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import cattrs
import cattrs.gen
import orjson
from cattrs.fns import identity

__all__ = ["CompactJson", "configure_unstructuring", "json_default"]

UnstructureHook = Callable[[Any], Any]


def json_default(value: object) -> object:
    """What a converter left unconverted (a Decimal or date in an untyped mapping)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _is_optional(cls: Any) -> bool:
    args = typing.get_args(cls)
    return typing.get_origin(cls) in (typing.Union, types.UnionType) and (
        len(args) == 2 and type(None) in args
    )


def _is_homogeneous_tuple(cls: Any) -> bool:
    args = typing.get_args(cls)
    return typing.get_origin(cls) is tuple and len(args) == 2 and args[1] is Ellipsis


def _is_dict(cls: Any) -> bool:
    return typing.get_origin(cls) is dict and len(typing.get_args(cls)) == 2


def _is_fact_class(cls: Any) -> bool:
    return isinstance(cls, type) and attrs.has(cls) and isinstance(getattr(cls, "KIND", None), str)


def _optional_factory(conv: cattrs.Converter) -> Callable[[Any], UnstructureHook]:
    """``X | None`` by X's own hook, found once (cattrs looks the hook up for every value);
    nothing at all when X needs no converting, so the generated function reads the field as is."""

    def factory(cls: Any) -> UnstructureHook:
        inner = next(arg for arg in typing.get_args(cls) if arg is not type(None))
        hook = conv.get_unstructure_hook(inner)
        if hook is identity:
            return identity

        def unstructure(value: Any) -> Any:
            return None if value is None else hook(value)

        return unstructure

    return factory


def _tuple_factory(conv: cattrs.Converter, *, as_list: bool) -> Callable[[Any], UnstructureHook]:
    """``tuple[X, ...]`` as a list built by a comprehension (cattrs feeds ``list`` a generator);
    with ``as_list=False`` a tuple of plain values is left for orjson, which writes it as an
    array."""

    def factory(cls: Any) -> UnstructureHook:
        hook = conv.get_unstructure_hook(typing.get_args(cls)[0])
        if hook is identity:
            return list if as_list else identity

        def unstructure(items: Any) -> list[Any]:
            return [hook(item) for item in items]

        return unstructure

    return factory


def _fact_hook(conv: cattrs.Converter, cls: Any) -> Callable[[Any], dict[str, Any]]:
    """Facts unstructure with their ``kind`` first, so a facts file reads back as written."""
    plain = cattrs.gen.make_dict_unstructure_fn(cls, conv)
    kind = cls.KIND

    def unstructure(fact: Any) -> dict[str, Any]:
        return {"kind": kind, **plain(fact)}

    return unstructure


def configure_unstructuring(conv: cattrs.Converter) -> None:
    """The library's unstructuring: decimals as their exact text, dates as YYYY-MM-DD, facts
    with their kind first, tuples as lists."""
    conv.register_unstructure_hook(Decimal, str)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_unstructure_hook_factory(_is_optional, _optional_factory(conv))
    conv.register_unstructure_hook_factory(
        _is_homogeneous_tuple, _tuple_factory(conv, as_list=True)
    )
    conv.register_unstructure_hook_factory(_is_fact_class, lambda cls: _fact_hook(conv, cls))


#: Objects of one class remembered at most (then forgotten all at once): a few hundred
#: results' worth.
MEMO_LIMIT = 4096
#: A class is remembered until this many of its objects were met for the first time, and after
#: that only if objects were met again a quarter as often by then (a result, an area or an
#: indicator result is met once: remembering them would cost time and save none).
TRIAL = 256


def _remembering(plain: UnstructureHook) -> UnstructureHook:
    """``plain`` for one frozen class, returning an orjson ``Fragment`` for an object met before.

    Objects are remembered by identity, each with its JSON once met twice. An entry holds a weak
    reference, so remembering keeps no result alive, and an object that died cannot be taken for
    a new one that got its ``id``. Each class remembers its own objects: an object reached
    through a field declared as its base class is written as that class, and must not be taken
    for its own JSON. Frozen objects never change; the library never edits a dict inside one
    after building it either (and says so to its users, ``to_json``).
    """
    entries: dict[int, list[Any]] = {}
    ref = weakref.ref
    fragment_of = orjson.Fragment
    dumps = orjson.dumps
    option = orjson.OPT_NON_STR_KEYS
    counts = [0, 0]  # objects met for the first time, meetings again
    trying = [True]

    def unstructure(obj: Any) -> Any:
        if not trying[0]:
            return plain(obj)
        key = id(obj)
        entry = entries.get(key)
        if entry is not None and entry[0]() is obj:
            counts[1] += 1
            fragment = entry[1]
            if fragment is None:
                text = dumps(plain(obj), default=json_default, option=option)
                fragment = entry[1] = fragment_of(text)
            return fragment
        counts[0] += 1
        if counts[0] == TRIAL and counts[1] * 4 < TRIAL:
            trying[0] = False
        if len(entries) >= MEMO_LIMIT:
            entries.clear()
        entries[key] = [ref(obj), None]
        return plain(obj)

    return unstructure


def _memoisable(cls: type) -> bool:
    """Frozen classes whose objects take weak references (attrs' default slots do)."""
    inspect = getattr(attrs, "inspect", None)  # attrs >= 25.4
    if inspect is None:
        return False
    props = inspect(cls)
    return bool(props.is_frozen) and bool(getattr(cls, "__weakrefoffset__", 0))


class CompactJson:
    """Compact JSON (one line, no spaces) of model objects, as UTF-8 bytes.

    The same bytes as orjson writes for ``conversion.unstructure``'s data, with a converter of
    its own: tuples and dicts of plain values go to orjson as they are, and an object of a
    frozen class met before is written from its remembered JSON.
    """

    def __init__(self) -> None:
        conv = cattrs.Converter()
        configure_unstructuring(conv)
        conv.register_unstructure_hook_factory(
            _is_homogeneous_tuple, _tuple_factory(conv, as_list=False)
        )
        conv.register_unstructure_hook_factory(_is_dict, self._dict_factory)
        conv.register_unstructure_hook_factory(attrs.has, self._attrs_factory)
        self._conv = conv

    def _dict_factory(self, cls: Any) -> UnstructureHook:
        """A dict of plain keys and values goes to orjson as it is."""
        key_type, value_type = typing.get_args(cls)
        conv = self._conv
        if conv.get_unstructure_hook(key_type) is identity:
            value_hook = conv.get_unstructure_hook(value_type)
            if value_hook is identity:
                return identity

            def unstructure(mapping: Any) -> dict[Any, Any]:
                return {key: value_hook(value) for key, value in mapping.items()}

            return unstructure
        return conv.gen_unstructure_mapping(cls)

    def _attrs_factory(self, cls: Any) -> UnstructureHook:
        conv = self._conv
        plain = (
            _fact_hook(conv, cls)
            if _is_fact_class(cls)
            else cattrs.gen.make_dict_unstructure_fn(cls, conv)
        )
        return _remembering(plain) if _memoisable(cls) else plain

    def dumps(self, obj: object) -> bytes:
        """The JSON of ``obj``; raises ``orjson.JSONEncodeError`` for what orjson refuses (an
        integer past 64 bits, a lone surrogate, a value of no JSON type)."""
        data = self._conv.unstructure(obj)
        try:
            return orjson.dumps(data, default=json_default)
        except orjson.JSONEncodeError:
            # Keys that are not strings: slower to check for, so only on a second try.
            return orjson.dumps(data, default=json_default, option=orjson.OPT_NON_STR_KEYS)

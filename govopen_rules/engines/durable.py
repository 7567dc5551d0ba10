"""The only module that talks to durable-rules: compiled rulesets, sessions, matches.

durable-rules 2.0.28 has sharp edges; this adapter hides each one, and ``tests/test_engine.py``
pins them:

* at most 1024 live sessions per ruleset, then a MemoryError and a segfault → a fixed pool of
  session ids, each deleted after every evaluation;
* ``delete_state`` on a session whose actions never started frees garbage → a sentinel fact and
  rule, so an action always starts;
* an empty batch segfaults → an empty evaluation never reaches C;
* identical facts are de-duplicated by content → every fact gets an explicit, distinct id;
* a fact the parser rejects silently drops the rest of the batch → facts are checked and
  encoded (no NaN, no Decimal, int64 only) before they are sent;
* exceptions in actions are swallowed and the Host starts timer threads → no Host and no Python
  actions: matches are drained with ``start_action_for_state``/``complete_and_start_action``;
* the C extension keeps the GIL → threads are safe (distinct session ids) but do not scale:
  use processes;
* each session allocates a few hundred KB that glibc returns to the system at once, and in
  some heap layouts every evaluation then pays for growing and trimming the heap (measured: the
  same evaluation 2.5x slower, with the time in system calls) → on glibc, ``M_TOP_PAD`` is
  raised to 16 MiB when the first engine is built, unless ``MALLOC_TOP_PAD_`` is set or
  ``GOVOPEN_RULES_MALLOC_TUNING=0``;
* the engine holds every fact of a session, about 8 KB each, until the session is deleted
  (a unit of 99,000 facts took 1.1 GB) → every rule reads one fact, so facts are matched
  :data:`FACTS_PER_SESSION` at a time, each batch in a fresh session;
* its regular expressions are a dialect of its own: ``^``/``$``, ``\\d``, ``\\.``, ``(?i)`` and
  back-references matched nothing where Python's ``re`` matches, a CJK range (``[一-龥]``)
  crashed the process (SIGSEGV), and a pattern or text past 64 KiB wraps its 16-bit length →
  no regular expression reaches it: each ``matches`` is tried in Python on the encoded text
  (:class:`~govopen_rules.engines.durable_json.Probe`) and the engine compares the outcome;
* text is compared with a 16-bit length, so two texts that differ only past 64 KiB compare
  equal → encoding refuses a compared text past 65,535 bytes, for both engines;
* a ruleset whose rules add up to more than 512 ``$or`` alternatives (the sentinel counts as
  one) makes ``assert_facts`` spin forever at 100 % CPU (measured: one rule with 511
  alternatives answers at once, 512 hangs; 2 x 255 answers, 2 x 256 hangs) → rules are packed
  into as many rulesets as needed, each at most :data:`MAX_ALTERNATIVES` by a conservative
  count (``$or`` adds, ``$and`` multiplies), and a single rule past it is refused with an
  :class:`EngineError` that names the python engine.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import json
import os
import queue
import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import durable_rules_engine as _dre

from govopen_rules.engines.durable_json import PROBE_PREFIX, Probe, compile_selections
from govopen_rules.engines.protocol import Match
from govopen_rules.errors import EngineError
from govopen_rules.facts.encoding import MAX_PROPERTIES
from govopen_rules.rubric.compiler import Selection

__all__ = ["DurableEngine"]

_SENTINEL = "_sentinel"
_SESSIONS = 16
_MAX_FACTS = 100_000  # fact ids f0..f199999 are distinct under the engine's 32-bit FNV-1 hash
#: Facts asserted in one session. Every rule reads a single fact, so a unit's facts can be
#: matched a session at a time; the engine keeps what it asserted until the session is
#: deleted (about 8 KB a fact: 99,000 facts held 1.1 GB).
FACTS_PER_SESSION = 2_000
_RULE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:#/-]*")
_INT64 = 2**63 - 1
_ERROR_CODES = {
    101: "out of capacity",
    105: "invalid ruleset definition",
    111: "bad ruleset handle",
    202: "a value the parser rejects (e.g. Infinity)",
    302: "too many properties in one fact",
    309: "no such session",
    501: "invalid regular expression",
    508: "unsupported regular expression",
}
#: Alternatives one ruleset may hold, the sentinel included (durable-rules hangs past 512).
MAX_ALTERNATIVES = 512
_registry_lock = threading.Lock()
_M_TOP_PAD = -2  # glibc's mallopt parameter number
_TOP_PAD_BYTES = 16 << 20


def _tune_glibc_malloc() -> bool:
    """Keep heap growth padded so sessions do not grow and trim the heap on every evaluation."""
    if os.environ.get("GOVOPEN_RULES_MALLOC_TUNING") == "0" or "MALLOC_TOP_PAD_" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc: nothing to tune
        return False
    return bool(mallopt(_M_TOP_PAD, _TOP_PAD_BYTES))


_malloc_tuned: bool | None = None


def malloc_tuned() -> bool:
    """Whether ``M_TOP_PAD`` was raised; tuned once, when the first engine is built."""
    global _malloc_tuned
    if _malloc_tuned is None:
        _malloc_tuned = _tune_glibc_malloc()
    return _malloc_tuned


_names = itertools.count()


def _fnv1_32(text: str) -> int:
    value = 2166136261
    for byte in text.encode():
        value = (value * 16777619) & 0xFFFFFFFF
        value ^= byte
    return value


def _session_ids(count: int) -> list[str]:
    sids = [f"w{i}" for i in range(count)]
    if len({_fnv1_32(s) for s in sids}) != count:  # pragma: no cover - fixed names
        raise AssertionError("session ids collide under FNV-1")
    return sids


def _translate(exc: BaseException, doing: str) -> EngineError:
    if isinstance(exc, MemoryError):
        return EngineError(f"durable-rules ran out of capacity while {doing}")
    text = str(exc)
    found = re.search(r"error code: (\d+)", text)
    if found:
        code = int(found.group(1))
        meaning = _ERROR_CODES.get(code, "unknown engine error")
        return EngineError(f"durable-rules error {code} ({meaning}) while {doing}")
    return EngineError(f"durable-rules failed while {doing}: {text}")


_MESSAGE_HEAD = re.compile(r'\{"([A-Za-z0-9_.:#/-]+)":\{"m":\{"sid": ?"w\d+", ?"id": ?"f(\d+)"')


def _parse_message(message: str) -> list[Match]:
    """The (rule, fact index) pairs of one action message, skipping the sentinel.

    The engine echoes each fact's JSON as it was sent, with ``sid`` and ``id`` first, so the
    head of the message says all that is needed; anything else is parsed in full.
    """
    head = _MESSAGE_HEAD.match(message)
    if head is not None:
        return [(head.group(1), int(head.group(2)))]
    return [
        (rule, int(bound["m"]["id"][1:]))
        for rule, bound in json.loads(message).items()
        if rule != _SENTINEL
    ]


def _check_value(value: object, where: str) -> None:
    if type(value) in (str, bool):
        return
    if isinstance(value, int):
        if abs(value) > _INT64:
            raise EngineError(f"{where}: {value} is outside the engine's 64-bit range")
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_value(item, f"{where}[{i}]")
        return
    raise EngineError(
        f"{where}: {value!r} ({type(value).__name__}) cannot be sent to the engine; "
        "encode decimals, dates and floats first (govopen_rules.facts.encoding)"
    )


def alternatives(condition: object) -> int:
    """How many alternatives a condition counts for, conservatively: ``$or`` adds its
    branches, ``$and`` multiplies them (the expanded form), a comparison is one."""
    if isinstance(condition, Mapping):
        if "$or" in condition:
            return sum(alternatives(c) for c in condition["$or"])
        if "$and" in condition:
            product = 1
            for c in condition["$and"]:
                product *= alternatives(c)
            return product
    return 1


def _pack(rules: Mapping[str, Mapping[str, Any]], label: str) -> list[dict[str, Any]]:
    """Split rules into groups that each stay within :data:`MAX_ALTERNATIVES`."""
    budget = MAX_ALTERNATIVES - 1  # the sentinel's own alternative
    groups: list[dict[str, Any]] = [{}]
    used = 0
    for name, condition in rules.items():
        size = alternatives(condition)
        if size > budget:
            raise EngineError(
                f"{label}: rule {name!r} expands to {size} alternatives; durable-rules hangs "
                f"past {MAX_ALTERNATIVES} in one ruleset. Shorten its 'in' lists or 'any' "
                "blocks, or evaluate with engine='python'"
            )
        if used + size > budget:
            groups.append({})
            used = 0
        groups[-1][name] = condition
        used += size
    return groups


class DurableEngine:
    """A rubric's selections compiled into durable-rules rulesets (one, unless the rules hold
    more alternatives than one ruleset takes). Thread-safe; create once and reuse.

    ``rules`` maps a rule name to the condition of a single fact (durable-rules JSON, the
    content of ``m``). :meth:`match` returns which facts each rule matched.
    """

    @classmethod
    def from_selections(
        cls, selections: Mapping[str, Selection], label: str = "rubric"
    ) -> DurableEngine:
        """The engine for a compiled rubric's selections."""
        rules, probes = compile_selections(selections)
        return cls(rules, label=label, probes=probes)

    def __init__(
        self,
        rules: Mapping[str, Mapping[str, Any]],
        label: str = "rubric",
        probes: Sequence[Probe] = (),
    ) -> None:
        malloc_tuned()
        self._probes = tuple(probes)
        for name in rules:
            if not _RULE_NAME.fullmatch(name):
                raise EngineError(f"rule name {name!r} is not allowed in the engine")
        self.rule_names = tuple(rules)
        self._label = label
        self._rulesets: list[_Ruleset] = []
        try:
            for group in _pack(rules, label):
                self._rulesets.append(_Ruleset(group, label))
        except BaseException:
            self.close()
            raise

    @property
    def ruleset_count(self) -> int:
        """How many durable-rules rulesets the rules were packed into."""
        return len(self._rulesets)

    def match(self, facts: Sequence[Mapping[str, object]], *, check: bool = True) -> list[Match]:
        """Assert ``facts`` in a fresh session of each ruleset; every (rule, fact index) match.

        Every value is checked before it reaches C unless ``check`` is false, which only
        :func:`govopen_rules.facts.encoding.encode_fact` output may use (checked by construction).
        The order of the returned list is the engine's; callers that need a stable order sort.
        """
        if not self._rulesets:
            raise EngineError(f"engine {self._label!r} is closed")
        if self._probes:
            if check:  # a fact's own probe field would pass for the probe's outcome
                for index, fact in enumerate(facts):
                    for key in fact:
                        if isinstance(key, str) and key.startswith(PROBE_PREFIX):
                            raise EngineError(f"facts[{index}]: field name {key!r} is reserved")
            facts = [_probed(i, fact, self._probes) for i, fact in enumerate(facts)]
        matches: list[Match] = []
        for index, ruleset in enumerate(self._rulesets):
            matches += ruleset.match(facts, check=check and index == 0)
        return matches

    def close(self) -> None:
        """Delete the rulesets in the engine. Every session is already gone by then."""
        for ruleset in self._rulesets:
            ruleset.close()
        self._rulesets = []

    def __enter__(self) -> DurableEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _probed(
    index: int, fact: Mapping[str, object], probes: Sequence[Probe]
) -> Mapping[str, object]:
    """The fact with the outcome of each probe of its kind where it holds the probe's field as
    text (elsewhere the probe field is absent, and a ``matches`` on it fails, as a missing
    field does). The engine drops a fact of about 253 values in silence: one that the probes
    take past :data:`~govopen_rules.facts.encoding.MAX_PROPERTIES` is an error (found in
    review: 260 patterns on one field matched nothing)."""
    kind = fact.get("kind")
    added = {
        probe.name: probe.fullmatch(value) is not None
        for probe in probes
        if probe.kind == kind and type(value := fact.get(probe.field)) is str
    }
    if not added:
        return fact
    size = len(added) + sum(len(v) if isinstance(v, list) else 1 for v in fact.values())
    if size > MAX_PROPERTIES:
        raise EngineError(
            f"facts[{index}]: {size} values with the rubric's {len(added)} regular-expression "
            f"tests of its kind; durable-rules takes at most {MAX_PROPERTIES}: evaluate with "
            "engine='python'"
        )
    return {**fact, **added}


class _Ruleset:
    """One durable-rules ruleset with its pool of session ids."""

    def __init__(self, rules: Mapping[str, Mapping[str, Any]], label: str) -> None:
        definition: dict[str, Any] = {
            _SENTINEL: {"all": [{"m": {"kind": _SENTINEL}}]},
        }
        for name, condition in rules.items():
            definition[name] = {"all": [{"m": dict(condition)}]}
        self._label = label
        self._sids: queue.Queue[str] = queue.Queue()
        for sid in _session_ids(_SESSIONS):
            self._sids.put(sid)
        payload = json.dumps(definition, ensure_ascii=False, allow_nan=False)
        with _registry_lock:
            self._name = f"{label}:{next(_names)}"
            try:
                self._handle: int | None = _dre.create_ruleset(self._name, payload)
            except (_dre.error, MemoryError) as exc:
                raise _translate(exc, f"compiling {label}") from None

    def match(self, facts: Sequence[Mapping[str, object]], *, check: bool) -> list[Match]:
        """Assert ``facts`` in a fresh session and return every (rule, fact index) match."""
        if self._handle is None:
            raise EngineError(f"engine {self._label!r} is closed")
        if not facts:
            return []
        if len(facts) > _MAX_FACTS:
            raise EngineError(f"{len(facts)} facts in one evaluation; the limit is {_MAX_FACTS}")
        sid = self._sids.get()
        try:
            matches: list[Match] = []
            for start in range(0, len(facts), FACTS_PER_SESSION):
                batch = self._batch(sid, facts, start, check)
                matches += self._run(sid, batch)
            return matches
        finally:
            self._sids.put(sid)

    def _batch(
        self, sid: str, facts: Sequence[Mapping[str, object]], start: int, check: bool
    ) -> str:
        batch: list[dict[str, object]] = [{"sid": sid, "id": "s", "kind": _SENTINEL}]
        for index in range(start, min(start + FACTS_PER_SESSION, len(facts))):
            fact = facts[index]
            if check:
                for key, value in fact.items():
                    if key in ("sid", "id", "$s") or key.startswith("$"):
                        raise EngineError(f"facts[{index}]: field name {key!r} is reserved")
                    _check_value(value, f"facts[{index}].{key}")
            if fact.get("kind") == _SENTINEL:
                raise EngineError(f"facts[{index}]: kind {_SENTINEL!r} is reserved")
            # sid and id first: the engine echoes the fact's text, and _drain reads them there.
            batch.append({"sid": sid, "id": f"f{index}", **fact})
        return json.dumps(batch, ensure_ascii=False, allow_nan=False)

    def _run(self, sid: str, payload: str) -> list[Match]:
        handle = self._handle
        try:
            try:
                code, state = _dre.assert_facts(handle, payload)
            except (_dre.error, MemoryError) as exc:
                self._start_sentinel_after_failure(sid)
                raise _translate(exc, "asserting facts") from None
            if code == 2:  # pragma: no cover - explicit distinct ids make this unreachable
                raise EngineError("the engine reported two facts as identical")
            return self._drain(state)
        finally:
            with contextlib.suppress(_dre.error):  # the session always exists here
                _dre.delete_state(handle, sid)

    def _drain(self, state: int) -> list[Match]:
        handle = self._handle
        matches: list[Match] = []
        started = _dre.start_action_for_state(handle, state)
        message = started[1] if started else None
        while message:
            matches.extend(_parse_message(message))
            message = _dre.complete_and_start_action(handle, state)
        return matches

    def _start_sentinel_after_failure(self, sid: str) -> None:
        """Make sure an action started, so the later delete_state is safe."""
        sentinel = json.dumps([{"sid": sid, "id": "s-retry", "kind": _SENTINEL}])
        try:
            _code, state = _dre.assert_facts(self._handle, sentinel)
            self._drain(state)
        except _dre.error:  # pragma: no cover - best effort on an already failing path
            pass

    def close(self) -> None:
        """Delete the ruleset in the engine. Every session is already gone by then."""
        with _registry_lock:
            if getattr(self, "_handle", None) is not None:
                _dre.delete_ruleset(self._handle)
                self._handle = None

    def __del__(self) -> None:
        # A registry evicts engines it no longer caches; once no call holds one, free its C
        # memory (a ruleset is deleted only when no session can still be using it).
        with contextlib.suppress(Exception):
            self.close()

"""Which fields name a fact: what a reader needs to find it again (an account's name, a title).

Evidence shows these fields whatever a rule reads, so that a 问题清单 line says *which* account
was silent or *which* document was late; the Excel template puts them first.
"""

from __future__ import annotations

import functools

import attrs

__all__ = ["NAMING_FIELDS", "identifying_fields"]

#: Field names that name a fact wherever a kind has them, required or not.
NAMING_FIELDS = frozenset(
    {
        "name",
        "title",
        "policy_title",
        "doc_number",
        "topic",
        "item",
        "site",
        "label",
        "document",
        "problem",
        "period",
        "indicator",
        "description",
        "url",
    }
)


@functools.cache
def identifying_fields(cls: type) -> tuple[str, ...]:
    """The fields of a fact class that identify one fact, in class order.

    They are the naming fields above, and every other required free-text field (no default,
    no fixed list of values) a plugin's kind declares.
    """
    out = []
    for field in attrs.fields(cls):
        free_text = field.type in (str, "str") and field.validator is None
        required = field.default is attrs.NOTHING
        if field.name in NAMING_FIELDS or (required and free_text):
            out.append(field.name)
    return tuple(out)

"""Rubrics: the model, rubric files, the condition grammar and the compiler.

A rubric is data (YAML). ``file_model`` is the file as an author writes it (with short forms)
and ``schema`` its generated JSON Schema; ``files`` reads a file and ``expand`` turns it into the
``model``; ``conditions`` parses the condition grammar; ``compiler`` resolves parameters,
type-checks conditions against the fact kinds and yields engine-neutral selections, never
engine syntax; ``grades`` turns totals into grades.

Layer 3: may import ``facts`` and the layers below it; never ``annual_reports`` or anything above.
"""

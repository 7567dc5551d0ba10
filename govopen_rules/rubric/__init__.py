"""Rubrics: the declared model, rubric files, the condition grammar and the compiler.

A rubric is data (YAML); compiling it resolves parameters, type-checks conditions against the
fact kinds and yields engine-neutral selections, never engine syntax.

Layer 3: may import ``facts`` and the layers below it; never ``annual_reports`` or anything above.
"""

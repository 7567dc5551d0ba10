"""Annual reports and printed statistics: reading reports as published and checking their numbers.

``formats`` (the national and 2007 formats by their own definitions), ``report`` (the model),
``readers`` (JSON, HTML, PDF, DOCX into the model), ``breakdowns`` (parts vs total, printed
shares), ``tables`` (table identities), ``prose`` / ``restated`` (numbers the prose restates),
``checks`` (one report), ``folder`` (many, in parallel), ``results`` (what a check gives).

Layer 3: may import ``facts`` and the layers below it; never ``rubric`` (same layer) or above.
"""

"""Annual reports and printed statistics: the arithmetic of figures in reports and notices.

Breakdowns (parts vs total, printed shares vs counts) and the national annual-report format.

Layer 3: may import ``facts`` and the layers below it; never ``rubric`` (same layer) or above.
"""

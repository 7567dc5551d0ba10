"""Reports: render results and findings for people (plain text, Markdown).

Layer 7: may import ``evaluation`` and every layer below it.
"""

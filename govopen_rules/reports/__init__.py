"""Reports: render results and findings for people (plain text, Markdown, Excel, HTML), the
facts workbook template, and the docs' generated references.

Layer 7: may import ``evaluation`` and every layer below it.
"""

"""Evaluation: the pipeline structure → derive → encode → match → score → grade, and cohorts.

Layer 6: may import ``plugins`` and every layer below it.
"""

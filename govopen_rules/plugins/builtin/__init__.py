"""The core's fact kinds and their derived measures, registered through the public hooks."""

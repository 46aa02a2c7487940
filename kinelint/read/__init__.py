"""Stage 1, reading: paths to documents.

Directories walked (``exclusion``, ``globs``), files read and split into
documents (``sources``, ``arrays`` for JSON arrays, ``parsing`` for exact
JSON), the fast path that types a clean invoice in one C pass (``fastpath``),
and where each value stands in the text (``positions``). Nothing here knows
the schema, the plugins or the reports.
"""

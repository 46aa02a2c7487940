"""Stage 3, reporting: findings to what people and CI read.

What the configuration lets through (``filtering``, ``baseline``), the
reporters (``reporters``: text, JSON, JSON Lines; ``ci/``: SARIF, JUnit,
GitHub, GitLab; ``html``), ``--statistics``, ``--diff`` (``corrections``),
rule documentation (``docs``), and where and how a report is written
(``outputs``, ``spool``, ``streams``, ``jsontext``, ``display``).
"""

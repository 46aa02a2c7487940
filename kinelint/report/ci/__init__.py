"""Reports for CI systems: SARIF (code scanning), JUnit, GitHub workflow commands, GitLab Code Quality.

One module per format; ``kinelint.report.reporters.REPORTERS`` names them. Paths are
relative to the directory kinelint runs in (the repository root in CI), and
no report carries invoice content: only what a ``Finding`` holds.
"""

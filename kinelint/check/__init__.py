"""Stage 2, checking: documents to located findings.

The schema check (``schema``), the plugin host that calls each rule family in
isolation within its time budget (``host``, ``budget``, ``plugin_output``),
the run that ties reading to checking (``runner``), its worker processes
(``parallel``, ``cpus``), the core's own rules (``core_rules``) and the
fixes placed in the file (``fixes``). It reads through ``kinelint.read``,
never reports.
"""

"""Stage 4, the command line: ``kinelint check``, ``rules``, ``rule``, ``acts``, ``config``.

The commands (``commands``), the configuration they resolve (``config``),
the acts table command (``acts``) and the progress line (``progress``). The
command line drives the other stages; nothing below imports it.
"""

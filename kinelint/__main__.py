"""``python -m kinelint`` is the ``kinelint`` command.

``run`` is also the console script: a Ctrl-C while the command is still
importing its modules exits 130 with no traceback, as it does later on.
"""

import sys


def run() -> None:
    try:
        from kinelint.cli.commands import main
    except KeyboardInterrupt:
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()

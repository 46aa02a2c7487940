"""``python -m kinelint`` is the ``kinelint`` command."""

from kinelint.cli import main

main()

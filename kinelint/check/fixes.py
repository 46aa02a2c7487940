"""A plugin's fix placed in the file: each edit's pointer from the document root and the region it replaces.

The runner places the fixes as it locates the findings; ``kinelint.report.corrections``
later puts them together for ``--diff`` and the reports.
"""

from __future__ import annotations

from collections.abc import Iterable

from kinelint.findings import Edit, Region
from kinelint.privacy import scrub


def located_fix(fix: Iterable[Edit], regions: dict[str, Region], base: str, secrets: tuple[str, ...]) -> tuple[Edit, ...]:
    """The fix with pointers from the document root and the region of each value it replaces.

    All or nothing: a fix is dropped when a value it replaces is not written in
    the text (it could not be applied), or when it would write patient data.
    """
    located = []
    for edit in fix:
        region = regions.get(edit.pointer)
        if region is None or (isinstance(edit.value, str) and scrub(edit.value, secrets) != edit.value):
            return ()
        located.append(Edit(base + edit.pointer, edit.value, region))
    return tuple(located)

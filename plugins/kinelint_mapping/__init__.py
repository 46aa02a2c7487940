"""The declarative input adapter: a vendor's JSON or CSV export read through a mapping file (``mapping``).

Selected in the configuration by file pattern::

    [adapters]                                   # [tool.kinelint.adapters] in pyproject.toml
    "exports/*.json" = "kinelint-mapping.toml"   # the mapping, relative to the configuration file

The mapping (``kinelint_mapping.mapping``) names, for each kinelint invoice
field, where it lives in the vendor's export; each adapted invoice then goes
through the schema and the rules like a native one, and every finding points
at the vendor's own line, column and JSON pointer.
"""

from __future__ import annotations

from kinelint.adapters import Adapter
from kinelint.hookspecs import hookimpl


def adapt(text: str, options: dict, base):
    """The invoices of one vendor file, as its mapping says (``kinelint.adapters.Adapter.adapt``); the work is
    in ``kinelint_mapping.reading``, imported on the first vendor file."""
    from kinelint_mapping.reading import adapt as read

    return read(text, options, base)


@hookimpl
def kinelint_adapters():
    return [Adapter("mapping", adapt, "a vendor's JSON or CSV export, read through a mapping file (TOML)")]

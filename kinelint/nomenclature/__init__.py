"""The dated NGAP nomenclature for physiotherapists, as data, and its query API.

Facts (letters, the act catalogue, fees, prices, BDK) live in ``data/*.toml`` with
their validity windows, sources and confidence; plugins ask questions here and
hold no tables of their own. A new avenant is a change to the data only.
"""

from .loader import load_nomenclature
from .model import (
    Act,
    BdkRule,
    CodeStatus,
    CoefficientStatus,
    Fact,
    Nomenclature,
    Price,
)

__all__ = [
    "Act",
    "BdkRule",
    "CodeStatus",
    "CoefficientStatus",
    "Fact",
    "Nomenclature",
    "Price",
    "load_nomenclature",
]

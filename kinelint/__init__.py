"""kinelint: lint the NGAP invoice files of French physiotherapists.

The public Python API is ``lint_invoice`` (one invoice as a dict, or a path);
``kinelint.hookspecs`` documents what a plugin may implement.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kinelint")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"


def __getattr__(name: str):
    # Lazy, so that `kinelint --version` and the pre-commit start-up stay light.
    if name in ("lint_invoice", "lint_paths"):
        from kinelint import api

        return getattr(api, name)
    raise AttributeError(name)


__all__ = ["__version__", "lint_invoice", "lint_paths"]

"""Where the shipped data lives: generated schemas and the pinned contract.

In a wheel they are packaged as ``runware_testkit/_schemas`` and ``runware_testkit/_contract``;
in a source checkout (editable install) they are the repository's ``schemas/`` and ``contract/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def schemas_dir() -> Path:
    """The directory holding the generated schemas."""
    packaged = _PACKAGE / "_schemas"
    return packaged if packaged.is_dir() else _CHECKOUT / "schemas"


def contract_dir() -> Path:
    """The directory holding the pinned pages, their sources file and the platform data."""
    packaged = _PACKAGE / "_contract"
    return packaged if packaged.is_dir() else _CHECKOUT / "contract"

"""The adversarial table's DOCX rows: hostile Word packages, each refused in one line before anything is parsed."""

from __future__ import annotations

import re
from functools import partial

from docx_build import hostile_packages

from .cases import Case


def _data(name: str) -> bytes:
    return hostile_packages()[name][0]


def docx_packages() -> list[Case]:
    """Zip bomb, billion laughs, external entity, a PNG renamed .docx, a Word 97 file, an empty zip, 2,001 entries."""
    return [
        Case("docx", name, "docx", partial(_data, name), "E", message=re.escape(phrase))
        for name, (_, phrase) in hostile_packages().items()
    ]

"""The memo's zip writer lays out the bytes ``zipfile`` would write, and every reader reads them back."""

from __future__ import annotations

import datetime
import io
import zipfile

from hypothesis import given
from strategies import zip_parts

from exporter.renderers.docx.package import _write_zip_zip64, write_zip

DAY = datetime.date(2025, 2, 8)
STAMP = (2025, 2, 8, 0, 0, 0)


@given(zip_parts)
def test_the_bytes_are_zipfiles(parts: dict[str, bytes]) -> None:
    """Byte for byte what zipfile writes for the same entries, twice in a row (the second from the cache)."""
    expected = _write_zip_zip64(parts, STAMP)
    assert write_zip(parts, DAY) == expected
    assert write_zip(parts, DAY) == expected


@given(zip_parts)
def test_every_entry_reads_back(parts: dict[str, bytes]) -> None:
    """zipfile reads each entry back whole, CRC checked, with its name and date."""
    with zipfile.ZipFile(io.BytesIO(write_zip(parts, DAY))) as zf:
        assert zf.testzip() is None
        assert {info.filename: zf.read(info) for info in zf.infolist()} == parts
        assert all(info.date_time == STAMP for info in zf.infolist())

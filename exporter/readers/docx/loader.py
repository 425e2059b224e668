"""Image bytes from the package's own media parts, for the images core (nothing is read outside the file)."""

from __future__ import annotations

from ...images import ImageRefused
from ...images.limits import amount
from .package import Package


class PackageLoader:
    """A loader whose references are part names of the package (``word/media/image1.png``)."""

    def __init__(self, package: Package) -> None:
        self.package = package

    def load(self, reference: str, max_bytes: int) -> bytes:
        """The bytes of the media part ``reference``; refuse one over ``max_bytes`` before reading it."""
        if not self.package.has(reference):
            raise ImageRefused("no such part in the document (an external or missing image)")
        size = self.package.zf.getinfo(reference).file_size
        if size > max_bytes:
            raise ImageRefused(f"{size:,} bytes is over the limit of {amount(max_bytes)} per image")
        return self.package.read(reference)

"""The entry points: process bytes into a Picture, and collect one document's images within its budget."""

from __future__ import annotations

import hashlib

from .limits import DEFAULT_LIMITS, Budget, Limits, check_bytes
from .loaders import Loader
from .picture import Picture
from .reference import data_uri_bytes, is_data_uri
from .refusal import ImageRefused, Refusal
from .sniff import SVG, sniff


def process(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Picture:
    """Image bytes made safe to embed (upright, no metadata, SVG rasterised); raises ``ImageRefused``."""
    check_bytes(len(data), limits)
    kind = sniff(data)
    if kind is None:
        raise ImageRefused("it is not a PNG, JPEG, GIF, WebP or SVG image (recognised by content, not by name)")
    if kind == SVG:
        from .svg import process_svg

        return process_svg(data, limits)
    from .raster import process_raster

    return process_raster(data, kind, limits)


class ImageCollector:
    """One document's images: each reference loaded and processed once, refusals kept as warnings.

    ``add`` never raises for a bad image unless ``strict`` is set: it returns a ``Refusal`` whose message
    goes into the document's warnings, and the document keeps the alt text. With ``strict`` the first
    refusal raises its ``ImageError`` (an ``InputError``, code ``input``) instead.
    """

    def __init__(self, loader: Loader, *, limits: Limits = DEFAULT_LIMITS, strict: bool = False) -> None:
        self.loader = loader
        self.limits = limits
        self.strict = strict
        self.budget = Budget(limits)
        self.pictures: dict[str, Picture] = {}
        """Every picture taken, by key, in the order first referenced."""
        self.refusals: list[Refusal] = []
        """Every distinct reference refused, in order."""
        self._by_reference: dict[str, Picture | Refusal] = {}
        self._by_input: dict[str, Picture] = {}

    @property
    def warnings(self) -> tuple[str, ...]:
        """One line per refused reference."""
        return tuple(r.message for r in self.refusals)

    def add(self, reference: str) -> Picture | Refusal:
        """The picture ``reference`` names, or why not; a repeated reference gives the same answer, once."""
        known = self._by_reference.get(reference)
        if known is not None:
            if isinstance(known, Refusal) and self.strict:
                raise known.error()
            return known
        try:
            result: Picture | Refusal = self._take(reference)
        except ImageRefused as exc:
            result = Refusal(reference, exc.reason)
            self.refusals.append(result)
        except Exception as exc:  # a bug here or in a library must cost one image, not the document
            result = Refusal(reference, f"it could not be processed ({type(exc).__name__}: {str(exc)[:200]})")
            self.refusals.append(result)
        self._by_reference[reference] = result
        if isinstance(result, Refusal) and self.strict:
            raise result.error()
        return result

    def _take(self, reference: str) -> Picture:
        if is_data_uri(reference):
            data = data_uri_bytes(reference, self.limits)
        else:
            data = self.loader.load(reference, self.limits.max_image_bytes)
        digest = hashlib.sha256(data).hexdigest()
        picture = self._by_input.get(digest)
        if picture is None:
            self.budget.check(digest, len(data))
            picture = process(data, self.limits)
            self._by_input[digest] = picture
        self.budget.charge(digest, len(data))
        self.pictures.setdefault(picture.key, picture)
        return picture

"""PNG, JPEG, GIF and WebP made upright and stripped of metadata by decoding and re-encoding with Pillow.

Policy (issue 13):

* The size is read from the header first (``sniff.header_size``) and checked against the pixel limit
  before Pillow decodes anything; Pillow is told the one format the content was recognised as, so no other
  decoder plugin is ever tried on it. Pillow's global settings (``MAX_IMAGE_PIXELS``,
  ``LOAD_TRUNCATED_IMAGES``) are left as they are: a truncated file is refused, not padded.
* The EXIF orientation is applied to the pixels, then every piece of metadata is dropped: EXIF (GPS,
  camera, time), XMP, IPTC, JPEG comments, PNG text and time chunks. The ICC colour profile is kept when it
  matches the pixels (RGB or grey) and is at most 1 MiB: it is colour, not metadata, and without it a wide-gamut
  photo shows washed out. A CMYK JPEG becomes RGB without its profile.
* Formats out: a JPEG stays JPEG (quality 90, 4:2:0 chroma subsampling, baseline, optimised Huffman tables);
  PNG stays PNG (zlib level 6); GIF becomes PNG; WebP stays WebP (lossless when it was, else quality 90).
  Outputs are still images: an animated GIF, APNG or WebP keeps its first frame only.
* The encoders run with fixed settings and no time stamps, so the same input gives the same bytes for a
  given Pillow (and its bundled libjpeg-turbo, zlib and libwebp).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .limits import Limits, check_pixels
from .picture import Picture
from .refusal import ImageRefused
from .sniff import GIF, JPEG, NAMES, PNG, WEBP, header_size, webp_is_lossless

if TYPE_CHECKING:
    from PIL import Image

JPEG_QUALITY = 90
"""Quality of every JPEG this package writes."""
WEBP_QUALITY = 90
"""Quality of a lossy WebP this package writes."""
PNG_COMPRESS_LEVEL = 6
MAX_ICC_BYTES = 1024 * 1024

PIL_FORMATS = {PNG: "PNG", JPEG: "JPEG", GIF: "GIF", WEBP: "WEBP"}
_OUTPUT = {PNG: PNG, GIF: PNG, JPEG: JPEG, WEBP: WEBP}
_MODES = {
    PNG: frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"}),
    JPEG: frozenset({"L", "RGB"}),
    WEBP: frozenset({"RGB", "RGBA"}),
}
_GREY = frozenset({"1", "L", "LA", "I", "I;16"})


def process_raster(data: bytes, media_type: str, limits: Limits) -> Picture:
    """A PNG, JPEG, GIF or WebP made upright, without metadata, re-encoded; refuse one over a limit or broken."""
    name = NAMES[media_type]
    size = header_size(data, media_type)
    if size is None:
        raise ImageRefused(f"it is a corrupt {name}: its header has no image size")
    check_pixels(*size, limits)
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data), formats=[PIL_FORMATS[media_type]]) as opened:
            # Pillow may read a size the header walk did not (another frame header, say): check it as well.
            check_pixels(*opened.size, limits)
            opened.load()
            upright = ImageOps.exif_transpose(opened)  # a new image: the decoder's stays untouched
            if upright is None:
                upright = opened.copy()
            keep = dict(opened.info)
        out_type = _OUTPUT[media_type]
        encoded = _encode(upright, keep, out_type, lossless=media_type == WEBP and webp_is_lossless(data))
    except ImageRefused:
        raise
    except Exception as exc:  # Pillow signals a broken file with many exception types
        raise ImageRefused(f"it is a corrupt or unreadable {name} ({_first_line(exc)})") from None
    return Picture.of(encoded, out_type, upright.width, upright.height)


def encode(
    image: Image.Image, media_type: str, *, lossless: bool = False, optimize: bool = True, restart_rows: int = 0
) -> bytes:
    """``image`` as ``media_type`` (PNG, JPEG or WebP) bytes with this package's fixed settings, no metadata.

    ``optimize=False`` skips a JPEG's second, Huffman-optimising pass (half the encoding time, a larger file);
    ``restart_rows`` puts a JPEG restart marker after every that many rows of MCUs.
    """
    return _encode(image, image.info, media_type, lossless=lossless, optimize=optimize, restart_rows=restart_rows)


def _encode(
    image: Image.Image,
    info: Mapping[Any, Any],
    media_type: str,
    *,
    lossless: bool,
    optimize: bool = True,
    restart_rows: int = 0,
) -> bytes:
    transparency = info.get("transparency")
    image = _normalise_mode(image, media_type, has_transparency=transparency is not None)
    params: dict[str, Any] = {}
    icc = info.get("icc_profile")
    if isinstance(icc, bytes) and len(icc) <= MAX_ICC_BYTES and _icc_fits(icc, image.mode):
        params["icc_profile"] = icc
    if media_type == PNG:
        params["compress_level"] = PNG_COMPRESS_LEVEL
        if transparency is not None and image.mode in ("P", "L", "RGB", "1", "I", "I;16"):
            params["transparency"] = transparency
    elif media_type == JPEG:
        params.update(quality=JPEG_QUALITY, subsampling="4:2:0", optimize=optimize, progressive=False)
        if restart_rows:
            params["restart_marker_rows"] = restart_rows
    elif media_type == WEBP:
        params.update(lossless=lossless, quality=80 if lossless else WEBP_QUALITY, method=4, exif=b"", xmp=b"")
        params.setdefault("icc_profile", b"")
    else:
        raise ValueError(f"cannot encode {media_type}")
    # A copy without the decoder's info: encoders fall back to im.info for comments, ICC and transparency.
    clean = image
    if image.info:  # a fresh canvas (the cover's 16 MB) has none: no copy needed
        clean = image.copy()
        clean.info = {}
    out = io.BytesIO()
    clean.save(out, format=PIL_FORMATS[media_type], **params)
    return out.getvalue()


def _normalise_mode(image: Image.Image, media_type: str, *, has_transparency: bool) -> Image.Image:
    if image.mode in _MODES[media_type] and not (media_type == JPEG and has_transparency):
        return image
    if media_type == JPEG:
        if image.mode in ("RGBA", "LA", "PA", "P") or has_transparency:
            # JPEG has no alpha: transparent areas go white, as a page would show them.
            rgba = image.convert("RGBA")
            flat = _white(rgba.size)
            flat.paste(rgba, mask=rgba.getchannel("A"))
            return flat
        return image.convert("L" if image.mode in _GREY else "RGB")
    alpha = has_transparency or image.mode in ("RGBA", "LA", "PA", "La", "RGBa")
    return image.convert("RGBA" if alpha else "RGB")


def _white(size: tuple[int, int]) -> Image.Image:
    from PIL import Image

    return Image.new("RGB", size, (255, 255, 255))


def _icc_fits(icc: bytes, mode: str) -> bool:
    """Whether an ICC profile describes the pixels' colour space (bytes 16-20 of its header)."""
    space = icc[16:20]
    return space == b"GRAY" if mode in _GREY else space == b"RGB " and mode in ("RGB", "RGBA", "P")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]

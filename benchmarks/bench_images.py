"""Benchmark: milliseconds to process images of a few sizes and kinds, and to refuse hostile ones (warm process)."""

from __future__ import annotations

import io
import struct
import time
import zlib
from collections.abc import Callable

from PIL import Image, ImageDraw

from exporter.images import DOCX_TYPES, ImageRefused, Picture, convert, process


def photo(width: int, height: int, fmt: str) -> bytes:
    """A photo-like image: smooth gradients and mild noise, EXIF orientation 6, saved as ``fmt``."""
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 12)
    image = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, fmt, quality=85, exif=exif)
    return out.getvalue()


def chart(width: int, height: int) -> bytes:
    """A flat-colour bar chart as PNG (what matplotlib writes)."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    bars = 24
    for i in range(bars):
        top = height - (i * 37 % 90 + 10) * height // 100
        left, right = i * width // bars + 4, (i + 1) * width // bars - 4
        draw.rectangle((left, top, right, height - 1), fill=(30, 90 + i * 6, 180))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def diagram(boxes: int) -> bytes:
    """An SVG diagram of ``boxes`` labelled boxes joined by lines, declared 800 × 600."""
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600">']
    for i in range(boxes):
        x, y = 20 + i * 97 % 700, 20 + i * 53 % 520
        parts.append(f'<rect x="{x}" y="{y}" width="80" height="40" rx="5" fill="#cde" stroke="#345"/>')
        parts.append(f'<text x="{x + 8}" y="{y + 25}" font-size="14">step {i}</text>')
        parts.append(f'<path d="M{x + 80} {y + 20} L{x + 97} {y + 40}" stroke="#345"/>')
    parts.append("</svg>")
    return "".join(parts).encode()


def png_header(width: int, height: int) -> bytes:
    """A PNG signature and IHDR chunk claiming ``width`` × ``height`` (nothing else: the size is refused first)."""
    body = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + body + struct.pack(">I", zlib.crc32(body))


def best_ms(call: Callable[[], object], rounds: int) -> float:
    """Best of ``rounds`` timings of ``call`` in milliseconds, after one warm-up call."""
    call()
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def refusal(data: bytes) -> Callable[[], object]:
    """A call that must be refused."""

    def run() -> object:
        try:
            process(data)
        except ImageRefused as exc:
            return exc.reason
        raise AssertionError("not refused")

    return run


def main() -> None:
    """Print ms per image, with input and output sizes."""
    cases: list[tuple[str, bytes, int]] = [
        ("JPEG photo 1 MP (1200x900)", photo(1200, 900, "JPEG"), 5),
        ("JPEG photo 12 MP (4000x3000)", photo(4000, 3000, "JPEG"), 3),
        ("JPEG photo 40 MP (7300x5475)", photo(7300, 5475, "JPEG"), 1),
        ("PNG chart 0.5 MP (800x600)", chart(800, 600), 5),
        ("PNG chart 8 MP (3264x2448)", chart(3264, 2448), 3),
        ("WebP photo 1 MP (1200x900)", photo(1200, 900, "WEBP"), 5),
        ("SVG diagram, 30 boxes", diagram(30), 5),
        ("SVG diagram, 300 boxes", diagram(300), 3),
    ]
    for label, data, rounds in cases:
        picture: Picture = process(data)
        ms = best_ms(lambda data=data: process(data), rounds)  # type: ignore[misc]
        print(
            f"{label:32} {ms:8.1f} ms  in {len(data) / 1e6:6.2f} MB -> {picture.media_type} "
            f"{picture.width}x{picture.height} {len(picture.data) / 1e6:6.2f} MB"
        )
    webp = process(photo(1200, 900, "WEBP"))
    print(f"{'convert WebP 1 MP to PNG (DOCX)':32} {best_ms(lambda: convert(webp, DOCX_TYPES), 5):8.1f} ms")
    hostile = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><script>alert(1)</script>'
        b'<image href="file:///etc/hostname" width="10" height="10"/></svg>'
    )
    laughs = b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    for label, data in (
        ("refuse PNG header 20000x20000", png_header(20_000, 20_000)),
        ("refuse SVG with outside href", hostile),
        ("refuse SVG with entities", laughs),
    ):
        print(f"{label:32} {best_ms(refusal(data), 20):8.3f} ms")


if __name__ == "__main__":
    main()

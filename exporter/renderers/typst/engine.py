"""The Typst compiler in a sandbox: a temporary root holding only the template and pictures, bundled fonts only.

typst is an optional dependency (``pip install 'exporter[typst]'``); it is imported here, on first use.
"""

from __future__ import annotations

import calendar
import contextlib
import functools
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ...errors import RenderError, UsageError
from ...typefaces import FONT_DIR, SCRIPT_FAMILIES, FontData, typeface

TEMPLATE = "onepager.typ"
"""The template shipped next to this module; the only Typst code a compile runs."""
STANDARDS = ["ua-1"]
"""PDF/UA-1: tagged, with title, language and alt text (Typst refuses a file that lacks them)."""


_USED_IN: list[int] = []
"""The id of the process that compiled with Typst, once it has."""


def used_here() -> bool:
    """Whether this process has compiled with Typst: a process forked from it cannot (Typst's threads stay behind)."""
    return bool(_USED_IN) and _USED_IN[0] == os.getpid()


def _claim() -> None:
    # Typst keeps a pool of threads; a forked child inherits the pool's state but not its threads, and its
    # first compile would wait for them forever. Refuse there with a message instead of hanging.
    if _USED_IN and _USED_IN[0] != os.getpid():
        raise RenderError(
            "the Typst engine cannot run in a process forked after it was used; "
            "start worker processes with the spawn method (the export command does)"
        )
    if not _USED_IN:
        _USED_IN.append(os.getpid())


def typst_module() -> Any:
    """The ``typst`` package, or a one-line error naming the extra that installs it."""
    try:
        import typst
    except ImportError:
        raise UsageError("the Typst PDF engine needs the typst package: pip install 'exporter[typst]'") from None
    return typst


@functools.cache
def _template() -> bytes:
    return resources.files(__package__).joinpath(TEMPLATE).read_bytes()


@functools.cache
def _fonts(custom: tuple[tuple[str, bytes], ...]) -> tuple[Any, str]:
    """Typst's font book of the bundled fonts (and a style's custom files), made once per process per set.

    Custom faces are written to a private folder (Typst reads fonts from files); the folder lives as long
    as the process, like the cache that holds it.
    """
    typst = typst_module()
    paths = [str(FONT_DIR)]
    folder = ""
    if custom:
        folder = tempfile.mkdtemp(prefix="exporter-typst-fonts-")
        for name, data in custom:
            (Path(folder) / name).write_bytes(data)
        paths.append(folder)
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=paths)
    return fonts, folder


def custom_faces(families: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    """The custom font files among ``families`` (name in the private folder, bytes), sorted."""
    out: dict[str, bytes] = {}
    for family in families:
        if family in SCRIPT_FAMILIES:
            continue
        face = typeface(family)
        for file in (face.regular, face.bold, face.italic, face.bold_italic):
            if isinstance(file, FontData):
                out[f"{file.digest[:32]}.ttf"] = file.data
    return tuple(sorted(out.items()))


@dataclass(frozen=True)
class Mark:
    """Where a marker of the template landed: page (from 1), x and y (pt from the top left)."""

    page: int
    x: float
    y: float


@dataclass
class Layout:
    """What one compile says: the end of the content, the start of the columns, the page count; maybe the PDF."""

    start: Mark
    end: Mark
    pages: int
    pdf: bytes = b""
    warnings: tuple[str, ...] = ()
    """What Typst warned about when it wrote the PDF (where it left something out: never silently)."""


class Sandbox:
    """One render's compiler: ``root`` is a fresh temporary folder with the template and the pictures only."""

    def __init__(self, root: Path, images: Mapping[str, bytes], families: tuple[str, ...], epoch: int) -> None:
        typst = typst_module()
        _claim()
        self.typst = typst
        self.root = root
        self.epoch = epoch
        (root / "main.typ").write_bytes(_template())
        for name, data in images.items():
            (root / name).write_bytes(data)
        # Packages: an empty folder for both, so a `@preview` import could find nothing (none is written).
        packages = root / ".packages"
        packages.mkdir()
        self.packages = packages
        self.fonts, _ = _fonts(custom_faces(families))
        self.compiler = self._compiler({})
        self.compiles = 0

    def _compiler(self, inputs: dict[str, str]) -> Any:
        return self.typst.Compiler(
            str(self.root / "main.typ"),
            root=str(self.root),
            font_paths=self.fonts,
            ignore_system_fonts=True,
            sys_inputs=inputs,
            package_path=str(self.packages),
            package_cache_path=str(self.packages),
        )

    def layout(self, doc: str, size: float, shorten: float = 0.0, scale: float = 1.0, *, pdf: bool = False) -> Layout:
        """Lay the record out at ``size`` (pictures at ``scale`` of their column): where its content starts and
        ends, and the PDF when asked."""
        inputs = {"doc": doc, "size": repr(size), "shorten": repr(shorten), "scale": repr(scale)}
        self.compiles += 1
        try:
            data: Any = None
            said: tuple[str, ...] = ()
            if pdf:
                data, warnings = self.compiler.compile_with_warnings(
                    format="pdf", sys_inputs=inputs, pdf_standards=STANDARDS, timestamp=self.epoch
                )
                said = tuple(f"Typst: {w.message}" for w in warnings)
            else:
                self.compiler = self._compiler(inputs)
            marks = json.loads(self.compiler.query("<xp-start>", field="value", format="json"))
            ends = json.loads(self.compiler.query("<xp-end>", field="value", format="json"))
        except self.typst.TypstError as exc:
            raise RenderError(f"the Typst engine could not lay out the one-pager: {exc.message}") from None
        except RuntimeError as exc:  # typst-py raises a bare RuntimeError for some input errors
            raise RenderError(f"the Typst engine could not lay out the one-pager: {exc}") from None
        start, end = marks[0], ends[0]
        return Layout(
            start=Mark(int(start["page"]), float(start["x"]), float(start["y"])),
            end=Mark(int(end["page"]), float(end["x"]), float(end["y"])),
            pages=int(end["pages"]),
            pdf=bytes(data) if isinstance(data, bytes | bytearray) else b"",
            warnings=said,
        )


@contextlib.contextmanager
def sandbox(images: Mapping[str, bytes], families: tuple[str, ...], date_epoch: int) -> Iterator[Sandbox]:
    """A Sandbox in a temporary folder removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="exporter-typst-"))
    try:
        yield Sandbox(root, images, families, date_epoch)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def epoch(date: Any) -> int:
    """The PDF's timestamp: midnight UTC of the document date (itself SOURCE_DATE_EPOCH's day when unset)."""
    return calendar.timegm(date.timetuple())

"""What a document's styles and numbering mean: heading levels by outline level or built-in id, run formats, lists."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    """``tag`` in the WordprocessingML namespace."""
    return f"{{{W_NS}}}{tag}"


_VAL = w("val")
_HEADING_NAME = re.compile(r"^heading\s*([1-9])$")
_HEADING_ID = re.compile(r"^heading([1-9])$")
MONOSPACE = re.compile(
    r"courier|consol|mono|menlo|monaco|lucida console|andale|source code|fira code|inconsolata", re.I
)
"""Font names that mark a run as code."""
_OFF = {"0", "false", "off", "none"}


def on(el: Any) -> bool | None:
    """The value of a toggle property element (``w:b``, ``w:i`` ...): True, False, or None when absent."""
    if el is None:
        return None
    return el.get(_VAL, "true").lower() not in _OFF


@dataclass(frozen=True)
class RunFormat:
    """The formats of a run that the model carries."""

    bold: bool | None = None
    italic: bool | None = None
    strike: bool | None = None
    code: bool | None = None

    def over(self, base: RunFormat) -> RunFormat:
        """This format with ``base`` filling what it leaves unsaid."""
        return RunFormat(
            bold=base.bold if self.bold is None else self.bold,
            italic=base.italic if self.italic is None else self.italic,
            strike=base.strike if self.strike is None else self.strike,
            code=base.code if self.code is None else self.code,
        )


def run_format(rpr: Any) -> RunFormat:
    """The carried formats a ``w:rPr`` sets directly."""
    if rpr is None:
        return RunFormat()
    strike = on(rpr.find(w("strike")))
    double = on(rpr.find(w("dstrike")))
    fonts = rpr.find(w("rFonts"))
    code = None
    if fonts is not None:
        name = fonts.get(w("ascii")) or fonts.get(w("hAnsi")) or ""
        if name:
            code = bool(MONOSPACE.search(name))
    return RunFormat(
        bold=on(rpr.find(w("b"))),
        italic=on(rpr.find(w("i"))),
        strike=strike if double is None else (bool(strike) or double),
        code=code,
    )


@dataclass
class Style:
    """One style as far as the reader cares."""

    style_id: str
    name: str
    kind: str
    based_on: str = ""
    outline: int | None = None
    run: RunFormat = field(default_factory=RunFormat)


_CODE_STYLE = re.compile(r"code|verbatim|preformatted|source|html\s*(code|preformatted)|macro", re.I)


class Styles:
    """The styles part: outline levels and run formats with ``w:basedOn`` followed."""

    def __init__(self, root: Any) -> None:
        self.by_id: dict[str, Style] = {}
        self.default_lang = ""
        self.default_east_asian = ""
        if root is None:
            return
        defaults = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}")
        if defaults is not None:
            self.default_lang = defaults.get(_VAL, "")
            self.default_east_asian = defaults.get(w("eastAsia"), "")
        for el in root.iter(w("style")):
            style_id = el.get(w("styleId"), "")
            name_el = el.find(w("name"))
            based = el.find(w("basedOn"))
            outline_el = el.find(f"{w('pPr')}/{w('outlineLvl')}")
            outline = None
            if outline_el is not None and (outline_el.get(_VAL) or "").isdigit():
                outline = int(outline_el.get(_VAL))
            self.by_id[style_id] = Style(
                style_id=style_id,
                name=(name_el.get(_VAL, "") if name_el is not None else "").strip(),
                kind=el.get(w("type"), "paragraph"),
                based_on=based.get(_VAL, "") if based is not None else "",
                outline=outline if outline is not None and outline < 9 else None,
                run=run_format(el.find(w("rPr"))),
            )

    def chain(self, style_id: str) -> list[Style]:
        """The style and the styles it is based on, nearest first (cycles cut)."""
        out: list[Style] = []
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            out.append(style)
            style_id = style.based_on
        return out

    def heading_level(self, style_id: str) -> int | None:
        """The heading level (1 = Heading 1) of a paragraph style: outline level, built-in name or id."""
        for style in self.chain(style_id) or [Style(style_id, style_id, "paragraph")]:
            if style.outline is not None:
                return style.outline + 1
            for pattern, text in ((_HEADING_NAME, style.name.lower()), (_HEADING_ID, style.style_id.lower())):
                match = pattern.match(text)
                if match:
                    return int(match.group(1))
        return None

    def is_builtin(self, style_id: str, *names: str) -> bool:
        """Whether the paragraph style is (or is based on) one of Word's built-in ``names`` (compared loosely)."""
        wanted = {n.replace(" ", "").lower() for n in names}
        for style in self.chain(style_id) or [Style(style_id, style_id, "paragraph")]:
            if style.name.replace(" ", "").lower() in wanted or style.style_id.lower() in wanted:
                return True
        return False

    def run_format(self, style_id: str) -> RunFormat:
        """The carried formats of a character style with its bases; Strong, Emphasis and code styles by name too."""
        result = RunFormat()
        for style in self.chain(style_id):
            result = result.over(style.run)
            lower = style.name.lower()
            if lower in ("strong", "strong emphasis"):
                result = result.over(RunFormat(bold=True))
            elif lower in ("emphasis", "intense emphasis"):
                result = result.over(RunFormat(italic=True))
            elif _CODE_STYLE.search(lower) or _CODE_STYLE.search(style.style_id):
                result = result.over(RunFormat(code=True))
        return result

    def is_code_paragraph(self, style_id: str) -> bool:
        """Whether a paragraph style is a code block style (``Code``, ``Source Code``, ``HTML Preformatted`` ...)."""
        return any(_CODE_STYLE.search(s.name) or _CODE_STYLE.search(s.style_id) for s in self.chain(style_id))


@dataclass(frozen=True)
class ListLevel:
    """One level of a numbering definition: bullet or numbered, its start, its delimiter."""

    ordered: bool
    start: int = 1
    delimiter: str = "."


class Numbering:
    """``numbering.xml``: each (numId, ilvl) to its level, start overrides applied."""

    def __init__(self, root: Any) -> None:
        self._abstract: dict[str, dict[int, ListLevel]] = {}
        self._nums: dict[str, tuple[str, dict[int, int]]] = {}
        if root is None:
            return
        for abstract in root.iter(w("abstractNum")):
            levels: dict[int, ListLevel] = {}
            for lvl in abstract.iter(w("lvl")):
                levels[_int(lvl.get(w("ilvl")), 0)] = _level(lvl)
            self._abstract[abstract.get(w("abstractNumId"), "")] = levels
        for num in root.iter(w("num")):
            ref = num.find(w("abstractNumId"))
            starts: dict[int, int] = {}
            for override in num.iter(w("lvlOverride")):
                start = override.find(w("startOverride"))
                if start is not None:
                    starts[_int(override.get(w("ilvl")), 0)] = _int(start.get(_VAL), 1)
            self._nums[num.get(w("numId"), "")] = (ref.get(_VAL, "") if ref is not None else "", starts)

    def level(self, num_id: str, ilvl: int) -> ListLevel | None:
        """The level a list paragraph stands at, or None when its numbering is "none" or unknown."""
        found = self._nums.get(num_id)
        if found is None or num_id == "0":
            return None
        abstract, starts = found
        level = self._abstract.get(abstract, {}).get(ilvl, ListLevel(ordered=False))
        if ilvl in starts:
            level = ListLevel(ordered=level.ordered, start=starts[ilvl], delimiter=level.delimiter)
        return level


def _int(text: str | None, default: int) -> int:
    try:
        return int(text or "")
    except ValueError:
        return default


def _level(lvl: Any) -> ListLevel:
    fmt_el = lvl.find(w("numFmt"))
    fmt = fmt_el.get(_VAL, "decimal") if fmt_el is not None else "decimal"
    start_el = lvl.find(w("start"))
    text_el = lvl.find(w("lvlText"))
    text = text_el.get(_VAL, "") if text_el is not None else ""
    ordered = fmt not in ("bullet", "none")
    return ListLevel(
        ordered=ordered,
        start=max(0, _int(start_el.get(_VAL) if start_el is not None else None, 1)),
        delimiter=")" if text.rstrip().endswith(")") else ".",
    )

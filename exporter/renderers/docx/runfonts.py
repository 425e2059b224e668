"""Fonts of the memo's runs: each character set in the family the font plan gives it, in the Word slot that sets it.

Word picks one of a run's four fonts per character (MS-OI29500 2.1.88, on ECMA-376 Part 1 17.3.2.26):
the ``w:cs`` font for every character of a run marked ``w:cs`` or ``w:rtl``; else ``w:eastAsia`` for kana,
kanji, hanzi and Hangul, ``w:ascii`` for ASCII and ``w:hAnsi`` for the rest, Thai and Devanagari included.
LibreOffice picks by script instead (Latin, Asian, complex; spaces and punctuation take their neighbour's)
and reads ``w:ascii``, ``w:eastAsia`` and ``w:cs``. So a run of Devanagari or Thai is cut out and marked
``w:cs`` with its family in the ``w:cs`` slot, and a run is cut where two characters of one slot need two
families (hanja among Hangul, a ✔ in Latin text); the styles already name the slots' usual families
(``styles.word_slots``), so most runs are left as they are. Right-to-left runs are ``bidi.Bidi``'s.
"""

from __future__ import annotations

import copy
import functools

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs

from ...present.coverage import cmap
from ...present.embedding import FontPlan, complex_language, script_class
from ...present.embedding import chain_plain as font_chain_plain
from ...present.view import View
from ...typefaces import typeface
from .bidi import RPR_ORDER, child
from .ooxml import Element, w

_SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")
_TEXT = w("t")
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


class StyleFonts:
    """The ``w:rFonts`` each style of a ``styles.xml`` resolves to (document defaults, then ``basedOn`` chain)."""

    def __init__(self, styles: Element) -> None:
        self.defaults = _attrs(styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('rFonts')}"))
        self.own: dict[str, tuple[str, dict[str, str]]] = {}
        self._resolved: dict[str, dict[str, str]] = {}
        self.default_paragraph = ""
        for style in styles.iter(w("style")):
            style_id = style.get(w("styleId"), "")
            based = style.find(w("basedOn"))
            fonts = _attrs(style.find(f"{w('rPr')}/{w('rFonts')}"))
            self.own[style_id] = (based.get(w("val"), "") if based is not None else "", fonts)
            if style.get(w("type")) == "paragraph" and style.get(w("default")) in ("1", "true"):
                self.default_paragraph = style_id

    def resolved(self, style_id: str, seen: frozenset[str] = frozenset()) -> dict[str, str]:
        """The slots a style sets, with those of the styles it is based on (its own win)."""
        found = self._resolved.get(style_id)
        if found is None:
            based, own = self.own.get(style_id, ("", {}))
            inherited = self.resolved(based, seen | {style_id}) if based and based not in seen else {}
            found = self._resolved[style_id] = {**inherited, **own}
        return found

    def run(self, paragraph_style: str, run_style: str, own: dict[str, str]) -> dict[str, str]:
        """The family of each slot for a run: defaults, paragraph style, character style, the run's own."""
        out = dict(self.defaults)
        out.update(self.resolved(paragraph_style or self.default_paragraph))
        if run_style:
            out.update(self.resolved(run_style))
        out.update(own)
        return out


@functools.lru_cache(maxsize=16)
def style_fonts(styles_xml: bytes) -> StyleFonts:
    """The ``StyleFonts`` of a styles part, read once per distinct part (every memo of a style shares one)."""
    return StyleFonts(etree.fromstring(styles_xml))


@functools.lru_cache(maxsize=32)
def _latin_everywhere(chains: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    """Characters below U+0590 (no script family's, Word's Latin slots) every chain's first family draws as it is.

    Such a character in a run is drawn by the run's role family, the one its ``w:ascii``/``w:hAnsi`` name.
    """
    found: frozenset[str] | None = None
    for families in chains:
        mine = frozenset(ch for ch in font_chain_plain(families) if ord(ch) < 0x0590 and ch in cmap(families[0]))
        found = mine if found is None else found & mine
    return found or frozenset()


def _attrs(fonts: Element | None) -> dict[str, str]:
    if fonts is None:
        return {}
    return {slot: value for slot in _SLOTS if (value := fonts.get(w(slot))) is not None}


class RunFonts:
    """Sets every text run of a memo's parts in the families the font plan decides for its characters."""

    def __init__(self, view: View, plan: FontPlan, styles: StyleFonts) -> None:
        self.plan = plan
        self.styles = styles
        self.language = view.language
        self.roles = {typeface(fonts.family).display: fonts.family for fonts in view.fonts.values()}
        self._plain_cache: dict[tuple[str, str, str, str], bool] = {}
        # Per (role, ascii, eastAsia) slots: the characters found drawn by the family their slot names.
        self._plain_sets: dict[tuple[str, str, str], set[str]] = {}
        self._names: dict[str, str] = {}
        self._latin = _latin_everywhere(tuple(plan.chains.values()))

    def part(self, root: Element) -> None:
        """Cut and mark the runs of a part (``w:body``, ``w:hdr``, ``w:ftr``, ``w:footnotes``)."""
        for r in list(root.iter(w("r"))):
            if r.find(_TEXT) is not None:
                self.run(r)

    def run(self, r: Element) -> None:
        """Give run ``r`` (or the pieces it is cut into) the fonts the plan decides for its characters."""
        text = "".join(t.text or "" for t in r.iter(_TEXT))
        if text.isascii():
            return  # the role's family draws ASCII (a custom one must: the style check sees to it)
        if self._latin.issuperset(text):
            return  # curly quotes, dashes, accented letters: the role's family draws them, in the slot it has
        props = r.find(w("rPr"))
        if props is not None and (props.find(w("rtl")) is not None or props.find(w("cs")) is not None):
            return  # every character in the complex-script slot, as Bidi set it
        fonts = props.find(w("rFonts")) if props is not None else None
        style = props.find(w("rStyle")) if props is not None else None
        current = self.styles.run(
            _paragraph_style(r), style.get(w("val"), "") if style is not None else "", _attrs(fonts)
        )
        role = self.roles.get(current.get("ascii", ""))
        if role is None:
            return  # a run the memo set in a family of its own (a task box)
        known = self._plain_sets.setdefault((role, current.get("ascii", ""), current.get("eastAsia", "")), set())
        if known.issuperset(text):
            return  # every character in the family its slot already names (all met in earlier runs)
        unknown = set(text).difference(known)
        if all(self._plain(role, ch, current) for ch in unknown):
            known.update(unknown)
            return
        pieces = self.pieces(role, text, current)
        if len(pieces) == 1 and not pieces[0][1] and all(current.get(s) == f for s, f in pieces[0][2].items()):
            return
        if len(pieces) > 1 and (len(r.findall(_TEXT)) > 1 or any(c.tag not in (_TEXT, w("rPr")) for c in r)):
            # Tabs and breaks: one run per child first, each then cut on its own.
            for one in _one_per_child(r):
                if one.find(_TEXT) is not None:
                    self.run(one)
            return
        if len(pieces) == 1:
            self._mark(r, *pieces[0][1:], current)
        else:
            self._write(r, pieces, current)

    def _plain(self, role: str, ch: str, current: dict[str, str]) -> bool:
        """Whether ``ch`` is drawn by the family its slot already names (decided once per memo and slots)."""
        key = (role, current.get("ascii", ""), current.get("eastAsia", ""), ch)
        found = self._plain_cache.get(key)
        if found is None:
            family = self.plan.family_of(role, ch)
            kind = script_class(ch)
            if family is None:
                found = kind != "complex"
            elif kind == "complex":
                found = False
            else:
                found = self._display(family) == (key[2] if kind == "asian" else key[1])
            self._plain_cache[key] = found
        return found

    def _display(self, family: str) -> str:
        name = self._names.get(family)
        if name is None:
            name = self._names[family] = typeface(family).display
        return name

    def pieces(self, role: str, text: str, current: dict[str, str]) -> list[tuple[str, str, dict[str, str]]]:
        """``text`` cut into (text, complex-script family key or "", {slot: family name}) pieces, in logical order."""
        out: list[tuple[str, str, dict[str, str]]] = []
        buf: list[str] = []
        cs = ""
        slots: dict[str, str] = {}

        def flush() -> None:
            if buf:
                out.append(("".join(buf), cs, dict(slots)))
            buf.clear()
            slots.clear()

        for ch in text:
            family = self.plan.family_of(role, ch)
            kind = script_class(ch)
            if kind == "complex" and family is not None:
                if cs != family:
                    flush()
                    cs = family
                buf.append(ch)
                continue
            if cs and not ch.isalpha() and ch in self.plan.chars.get(cs, ()):
                buf.append(ch)  # a space or mark between complex-script words stays with them (as LibreOffice sets it)
                continue
            slot = "eastAsia" if kind == "asian" else "latin"
            fallback = current.get("eastAsia" if slot == "eastAsia" else "ascii", "")
            name = self._display(family) if family is not None else fallback
            if slot == "latin" and name != current.get("ascii"):
                # A symbol or emoji in a fallback family gets a run with it in every slot: LibreOffice sets
                # such a character in the font of the script around it (the East Asian one amid Hangul).
                slot = "all"
            if cs or slots.get(slot, name) != name or ("all" in slots) != (slot == "all"):
                flush()
                cs = ""
            slots[slot] = name
            buf.append(ch)
        flush()
        return [(piece, cs_name, _slot_attrs(found)) for piece, cs_name, found in out]

    def _write(self, r: Element, pieces: list[tuple[str, str, dict[str, str]]], current: dict[str, str]) -> None:
        parent = r.getparent()
        at = parent.index(r)
        parent.remove(r)
        for offset, (piece, cs, slots) in enumerate(pieces):
            new = copy.deepcopy(r)
            for t in new.findall(_TEXT):
                new.remove(t)
            t = etree.SubElement(new, _TEXT)
            t.text = piece
            if piece[:1].isspace() or piece[-1:].isspace():
                t.set(_SPACE, "preserve")
            self._mark(new, cs, slots, current)
            parent.insert(at + offset, new)

    def _mark(self, r: Element, cs: str, slots: dict[str, str], current: dict[str, str]) -> None:
        """Set a piece's fonts: a complex-script family with ``w:cs`` and its language, else the slots that change."""
        props = r.find(w("rPr"))
        if props is None:
            props = etree.Element(w("rPr"))
            r.insert(0, props)
        if cs:
            child(props, "rFonts", RPR_ORDER).set(w("cs"), typeface(cs).display)
            child(props, "cs", RPR_ORDER)
            child(props, "lang", RPR_ORDER).set(w("bidi"), complex_language(cs, self.language))
        else:
            changed = {slot: name for slot, name in slots.items() if current.get(slot) != name}
            if changed:
                fonts = child(props, "rFonts", RPR_ORDER)
                for slot, name in changed.items():
                    fonts.set(w(slot), name)
        if not len(props):
            r.remove(props)


def _slot_attrs(found: dict[str, str]) -> dict[str, str]:
    """Word's slot attributes for a piece's slots: the Latin family fills ``w:ascii`` and ``w:hAnsi``."""
    if "all" in found:
        return dict.fromkeys(_SLOTS, found["all"])
    out: dict[str, str] = {}
    if "latin" in found:
        out["ascii"] = out["hAnsi"] = found["latin"]
    if "eastAsia" in found:
        out["eastAsia"] = found["eastAsia"]
    return out


def _paragraph_style(r: Element) -> str:
    node = r.getparent()
    while node is not None and node.tag != w("p"):
        node = node.getparent()
    if node is None:
        return ""
    style = node.find(f"{w('pPr')}/{w('pStyle')}")
    return style.get(w("val"), "") if style is not None else ""


def _one_per_child(r: Element) -> list[Element]:
    """Replace run ``r`` by one run per content child (text, tab, break), each with ``r``'s properties."""
    parent = r.getparent()
    at = parent.index(r)
    props = r.find(w("rPr"))
    parent.remove(r)
    out: list[Element] = []
    for offset, item in enumerate(c for c in r if c.tag != w("rPr")):
        new = etree.Element(w("r"))
        if props is not None:
            new.append(copy.deepcopy(props))
        new.append(item)
        parent.insert(at + offset, new)
        out.append(new)
    return out

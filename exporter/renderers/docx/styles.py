"""Compile a house style into the memo's ``styles.xml`` and ``numbering.xml`` (Word style names)."""

from __future__ import annotations

from typing import Any

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs
from msgspec.structs import replace

from ...present.embedding import FontPlan
from ...present.language import Language
from ...present.numbering import level_format
from ...present.view import bullet, content_width, east_asian_family, italic_allowed
from ...style import Role, Style
from ...typefaces import typeface
from .ooxml import W_NS, Border, Element, border_el, mirror_borders, ppr, rpr, serialize, sub, twips, w

# styleIds the renderer refers to; the visible names are Word's built-in names where Word has one.
NORMAL = "Normal"
TITLE = "Title"
SUBTITLE = "Subtitle"
HEADINGS = ("Heading1", "Heading2", "Heading3", "Heading4")
LIST_BULLET = ("ListBullet", "ListBullet2", "ListBullet3")
LIST_NUMBER = ("ListNumber", "ListNumber2", "ListNumber3")
LIST_CONTINUE = ("ListContinue", "ListContinue2", "ListContinue3")
QUOTE = "Quote"
KEY_POINTS_HEADING = "KeyPointsHeading"
KEY_POINT = "KeyPoint"
ORGANISATION = "Organisation"
MEMO_FIELD = "MemoField"
MEMO_RULE = "MemoRule"
MARKING = "Marking"
MARKING_BANNER = "MarkingBanner"
COMMENTARY = "Commentary"
COMMENTARY_HEADING = "CommentaryHeading"
SOURCE = "Source"
CODE = "Code"
TABLE_TEXT = "TableText"
TABLE_HEADING = "TableHeading"
HEADER = "Header"
FOOTER = "Footer"
HYPERLINK = "Hyperlink"
KICKER = "Kicker"
MEMO_LABEL = "MemoLabel"
INLINE_CODE = "InlineCode"
MARKING_CHAR = "MarkingChar"
TABLE_GRID = "TableGrid"
FOOTNOTE_TEXT = "FootnoteText"
FOOTNOTE_REFERENCE = "FootnoteReference"
THEMATIC_BREAK = "ThematicBreak"
FIGURE = "Figure"
CAPTION = "Caption"

BULLET_NUM_ID = 1
"""The ``w:num`` every bulleted paragraph uses (bullets never need restarting)."""
ORDERED_NUM_ID = 2
"""The ``w:num`` behind the List Number styles; each ordered list gets its own restarted copy."""
ORDERED_ABSTRACT_ID = 2
ORDERED_ABSTRACT_IDS = {".": ORDERED_ABSTRACT_ID, ")": 3}
"""The ordered definition behind each delimiter: ``1.`` and ``1)``."""
LIST_INDENT = 360
"""Twips of indent per list level."""
COMMENTARY_INDENT = 240
"""Twips the commentary panel's text stands in from the margin."""
MEMO_TAB = 1580
"""Twips from the margin to the values of the TO / FROM / ... block."""

BODY_INDENTS = {COMMENTARY: COMMENTARY_INDENT}
"""The left indent of the paragraph styles text may be set in, where it is not 0."""

WORD_FORMATS = {
    "decimal": "decimal",
    "lower-alpha": "lowerLetter",
    "upper-alpha": "upperLetter",
    "lower-roman": "lowerRoman",
    "upper-roman": "upperRoman",
}
"""Word's ``w:numFmt`` for each of the presentation layer's number formats."""


Slots = tuple[tuple[str, str, str], ...]
"""Per role family (key): the families of its East Asian and complex-script slots (``FontPlan.slots``)."""


def word_slots(plan: FontPlan) -> Slots:
    """The plan's Word slots in the hashable form ``compile_styles`` takes."""
    return tuple(sorted((key, found.east_asian, found.complex) for key, found in plan.slots.items()))


class _Names:
    """The font names a role's ``w:rFonts`` gives, for one style and font plan."""

    def __init__(self, style: Style, slots: Slots = ()) -> None:
        self.style = style
        self.slots = {key: (east_asian, complex_) for key, east_asian, complex_ in slots}

    def of(self, role: Role) -> tuple[str, str, str]:
        """A role's (western, East Asian, complex-script) display names: the plan's slots, else the style's pair."""
        family = self.style.family(role.font)
        east_asian, complex_ = self.slots.get(family, (east_asian_family(self.style, role.font), family))
        # Word knows a custom family by its own name, not the key the toolkit keeps it under.
        return (typeface(family).display, typeface(east_asian).display, typeface(complex_).display)


def _role_rpr(parent: Element, names: _Names, role: Role, **extra: Any) -> Element:
    return rpr(
        parent,
        fonts=names.of(role),
        bold=role.bold,
        italic=role.italic,
        color=role.color,
        size=role.size,
        **extra,
    )


def _style(
    root: Element,
    kind: str,
    style_id: str,
    name: str,
    *,
    based: str = "",
    next_: str = "",
    default: bool = False,
    priority: int = 0,
) -> Element:
    el = sub(root, "style", type=kind, styleId=style_id)
    if default:
        el.set(w("default"), "1")
    sub(el, "name", val=name)
    if based:
        sub(el, "basedOn", val=based)
    if next_:
        sub(el, "next", val=next_)
    if priority:
        sub(el, "uiPriority", val=str(priority))
    sub(el, "qFormat")
    return el


def _spacing(before: float = 0, after: float = 0, line: int = 0) -> dict[str, str]:
    out = {"before": twips(before), "after": twips(after)}
    if line:
        out.update(line=str(line), lineRule="auto")
    return out


def _para(
    root: Element,
    style_id: str,
    name: str,
    names: _Names,
    role: Role | None,
    *,
    based: str = NORMAL,
    next_: str = "",
    priority: int = 0,
    rpr_extra: dict[str, Any] | None = None,
    **ppr_kwargs: Any,
) -> Element:
    el = _style(root, "paragraph", style_id, name, based=based, next_=next_, priority=priority)
    ppr(el, **ppr_kwargs)
    if role is not None:
        _role_rpr(el, names, role, **(rpr_extra or {}))
    elif rpr_extra:
        rpr(el, **rpr_extra)
    return el


def _text_width(style: Style) -> int:
    return round(content_width(style) * 20)


def compile_styles(style: Style, language: Language, slots: Slots = ()) -> bytes:
    """``word/styles.xml`` for ``style`` and a document in ``language``, East Asian and complex-script
    fonts from the document's font plan (``slots``; the style's pairs without one)."""
    names = _Names(style, slots)
    roles, colors = style.roles, style.colors
    lang = language.word_lang
    slant = italic_allowed(language)
    if not slant:
        roles = replace(roles, **{n: replace(getattr(roles, n), italic=False) for n in roles.__struct_fields__})
    body = roles.body
    root = etree.Element(w("styles"), nsmap={"w": W_NS})

    defaults = sub(root, "docDefaults")
    rpr(sub(defaults, "rPrDefault"), fonts=names.of(body), size=body.size, lang=lang)
    ppr(sub(defaults, "pPrDefault"))

    normal = _style(root, "paragraph", NORMAL, "Normal", default=True)
    ppr(normal, spacing=_spacing(after=round(body.size * 0.6), line=264))
    _role_rpr(normal, names, body, lang=lang)
    _style(root, "character", "DefaultParagraphFont", "Default Paragraph Font", default=True, priority=1)
    table_normal = _style(root, "table", "TableNormal", "Normal Table", default=True, priority=99)
    tbl = sub(table_normal, "tblPr")
    sub(tbl, "tblInd", w="0", type="dxa")
    margins = sub(tbl, "tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        sub(margins, side, w="0" if side in ("top", "bottom") else "108", type="dxa")
    _style(root, "numbering", "NoList", "No List", default=True, priority=99)

    # --- the memo head ---
    title = roles.title
    _para(root, TITLE, "Title", names, title, next_=NORMAL, priority=10, keep_next=True,
          spacing=_spacing(after=title.size * 0.25), contextual=True, rpr_extra={"char_spacing": 30})  # fmt: skip
    _para(root, SUBTITLE, "Subtitle", names, replace(body, italic=slant, size=body.size + 0.5), priority=11,
          spacing=_spacing(before=2, after=body.size * 0.9, line=264))  # fmt: skip
    organisation = replace(roles.kicker, color=colors.accent, bold=True, italic=False)
    _para(root, ORGANISATION, "Organisation", names, organisation, keep_next=True,
          spacing=_spacing(before=6, after=2), rpr_extra={"caps": True, "char_spacing": 20})  # fmt: skip
    _para(root, MEMO_FIELD, "Memo Field", names, body, keep_next=True, tabs=(("left", MEMO_TAB),),
          spacing=_spacing(after=3, line=252), ind={"left": str(MEMO_TAB), "hanging": str(MEMO_TAB)})  # fmt: skip
    rule: list[Border] = [("bottom", 12, 1, colors.rule)]
    _para(root, MEMO_RULE, "Memo Rule", names, replace(body, size=4), borders=rule,
          spacing=_spacing(before=0, after=body.size * 1.1, line=240))  # fmt: skip
    marking = roles.marking
    _para(root, MARKING, "Marking", names, marking, jc="center", spacing=_spacing(line=240),
          rpr_extra={"char_spacing": 20})  # fmt: skip
    banner: list[Border] = [("top", 8, 2, colors.marking), ("bottom", 8, 2, colors.marking)]
    _para(root, MARKING_BANNER, "Marking Banner", names, None, based=MARKING, borders=banner,
          spacing=_spacing(line=240))  # fmt: skip

    # --- headings (outline levels drive Word's navigation pane) ---
    heading, subheading = roles.heading, roles.subheading
    head_rule: list[Border] = [("bottom", 4, 2, colors.rule)]
    _para(root, HEADINGS[0], "heading 1", names, heading, next_=NORMAL, priority=9, keep_next=True,
          keep_lines=True, borders=head_rule, spacing=_spacing(before=heading.size * 1.2, after=heading.size * 0.45),
          outline=0)  # fmt: skip
    _para(root, HEADINGS[1], "heading 2", names, subheading, next_=NORMAL, priority=9, keep_next=True,
          keep_lines=True, spacing=_spacing(before=subheading.size * 0.9, after=subheading.size * 0.3),
          outline=1)  # fmt: skip
    h3 = replace(subheading, size=max(body.size, subheading.size - 1), italic=slant)
    _para(root, HEADINGS[2], "heading 3", names, h3, next_=NORMAL, priority=9, keep_next=True, keep_lines=True,
          spacing=_spacing(before=h3.size * 0.8, after=h3.size * 0.25), outline=2)  # fmt: skip
    h4 = replace(body, bold=True, italic=slant, color=subheading.color)
    _para(root, HEADINGS[3], "heading 4", names, h4, next_=NORMAL, priority=9, keep_next=True, keep_lines=True,
          spacing=_spacing(before=h4.size * 0.6, after=h4.size * 0.2), outline=3)  # fmt: skip

    # --- lists ---
    item_after = round(body.size * 0.25)
    for level, sid in enumerate(LIST_BULLET):
        _para(root, sid, "List Bullet" + (f" {level + 1}" if level else ""), names, None,
              num=(BULLET_NUM_ID, level), spacing=_spacing(after=item_after), contextual=True)  # fmt: skip
    for level, sid in enumerate(LIST_NUMBER):
        _para(root, sid, "List Number" + (f" {level + 1}" if level else ""), names, None,
              num=(ORDERED_NUM_ID, level), spacing=_spacing(after=item_after), contextual=True)  # fmt: skip
    for level, sid in enumerate(LIST_CONTINUE):
        _para(root, sid, "List Continue" + (f" {level + 1}" if level else ""), names, None,
              spacing=_spacing(after=item_after), ind={"left": str(LIST_INDENT * (level + 1))})  # fmt: skip

    # --- key points, quotes, commentary, code, tables, source ---
    kp_head = replace(heading, size=max(body.size, heading.size - 1.5))
    _para(root, KEY_POINTS_HEADING, "Key Points Heading", names, kp_head, based=HEADINGS[0], next_=KEY_POINT,
          borders=[("bottom", 0, 0, colors.rule)], spacing=_spacing(before=0, after=4),
          rpr_extra={"caps": True, "char_spacing": 10})  # fmt: skip
    _para(root, KEY_POINT, "Key Point", names, roles.key_point, based=LIST_BULLET[0], num=(BULLET_NUM_ID, 0),
          spacing=_spacing(after=round(roles.key_point.size * 0.35), line=259))  # fmt: skip
    quote_border: list[Border] = [("left", 18, 10, colors.accent)]
    _para(root, QUOTE, "Quote", names, replace(body, italic=slant), priority=29, borders=quote_border,
          ind={"left": "454", "right": "454"}, spacing=_spacing(after=body.size * 0.5, line=264))  # fmt: skip
    panel: list[Border] = [("left", 24, 9, colors.commentary_border)]
    panel_ind = {"left": str(COMMENTARY_INDENT), "right": "120"}
    commentary = roles.commentary
    _para(root, COMMENTARY, "Commentary", names, commentary, borders=panel, shading=colors.commentary_background,
          ind=panel_ind, spacing=_spacing(before=0, after=commentary.size * 0.6, line=264))  # fmt: skip
    _para(root, COMMENTARY_HEADING, "Commentary Heading", names, None, based=HEADINGS[1], next_=COMMENTARY,
          borders=panel, shading=colors.commentary_background, ind=panel_ind,
          spacing=_spacing(before=0, after=subheading.size * 0.35))  # fmt: skip
    code = roles.code
    code_box: list[Border] = [(side, 4, 4, "#D0D0D0") for side in ("top", "left", "bottom", "right")]
    _para(root, CODE, "Code", names, code, borders=code_box, shading="#F5F5F5", ind={"left": "113", "right": "113"},
          spacing=_spacing(before=2, after=body.size * 0.7, line=240), rpr_extra={"no_proof": True})  # fmt: skip
    table_text = replace(body, size=max(roles.footer.size, body.size - 1))
    _para(root, TABLE_TEXT, "Table Text", names, table_text, spacing=_spacing(before=1, after=1, line=240))
    _para(root, TABLE_HEADING, "Table Heading", names, replace(table_text, bold=True, color=colors.accent),
          based=TABLE_TEXT, keep_next=True)  # fmt: skip
    source_rule: list[Border] = [("top", 4, 4, colors.rule)]
    _para(root, SOURCE, "Source", names, roles.footer, borders=source_rule,
          spacing=_spacing(before=0, after=2, line=252))  # fmt: skip
    note = replace(body, size=max(roles.footer.size, body.size - 2))
    _para(root, FOOTNOTE_TEXT, "footnote text", names, note, priority=99, spacing=_spacing(after=2, line=240))
    break_rule: list[Border] = [("bottom", 6, 1, colors.rule)]
    width = _text_width(style)
    _para(root, THEMATIC_BREAK, "Thematic Break", names, replace(body, size=4), borders=break_rule,
          keep_lines=True, spacing=_spacing(before=4, after=body.size, line=240),
          ind={"left": str(width // 4), "right": str(width // 4)})  # fmt: skip
    _para(root, FIGURE, "Figure", names, None, jc="center", keep_lines=True,
          spacing=_spacing(before=body.size * 0.3, after=body.size * 0.3, line=240))  # fmt: skip
    caption = replace(roles.footer, italic=slant, color=roles.body.color)
    _para(root, CAPTION, "caption", names, caption, priority=35, next_=NORMAL, jc="center",
          spacing=_spacing(before=0, after=body.size * 0.8, line=252))  # fmt: skip
    furniture_tabs = (("center", width // 2), ("right", width))
    _para(root, HEADER, "header", names, roles.footer, priority=99, tabs=furniture_tabs, spacing=_spacing(line=240))
    _para(root, FOOTER, "footer", names, roles.footer, priority=99, tabs=furniture_tabs, spacing=_spacing(line=240))

    # --- character styles ---
    link = _style(root, "character", HYPERLINK, "Hyperlink", based="DefaultParagraphFont", priority=99)
    rpr(link, color=colors.accent, underline=True)
    kicker = roles.kicker
    _role_rpr(_style(root, "character", KICKER, "Kicker", based="DefaultParagraphFont"), names,
              replace(kicker, size=min(kicker.size, body.size)), caps=True, char_spacing=10)  # fmt: skip
    label = replace(heading, size=max(roles.footer.size, body.size - 1.5), italic=False, color=colors.accent)
    _role_rpr(_style(root, "character", MEMO_LABEL, "Memo Label", based="DefaultParagraphFont"), names, label,
              char_spacing=10)  # fmt: skip
    _role_rpr(_style(root, "character", INLINE_CODE, "Inline Code", based="DefaultParagraphFont"), names,
              replace(code, size=max(roles.footer.size, body.size - 1)), no_proof=True)  # fmt: skip
    note_ref = _style(root, "character", FOOTNOTE_REFERENCE, "footnote reference", based="DefaultParagraphFont",
                      priority=99)  # fmt: skip
    rpr(note_ref, vert_align="superscript")
    _role_rpr(_style(root, "character", MARKING_CHAR, "Marking Char", based="DefaultParagraphFont"), names,
              replace(marking, size=roles.footer.size + 0.5), char_spacing=20)  # fmt: skip

    # --- table style ---
    grid = _style(root, "table", TABLE_GRID, "Table Grid", based="TableNormal", priority=59)
    ppr(grid, spacing=_spacing(line=240))
    grid_tbl = sub(grid, "tblPr")
    lines: list[Border] = [(s, 4, 0, "#A6A6A6") for s in ("top", "left", "bottom", "right", "insideH", "insideV")]
    border_el(grid_tbl, "tblBorders", lines)
    if language.is_rtl:
        mirror_borders(root)
    return serialize(root)


def compile_numbering(style: Style) -> bytes:
    """``word/numbering.xml``: a bullet definition and an ordered one per delimiter, nine levels each.

    Ordered levels count in the style's ``[lists] ordered`` formats (decimal at every level by default).
    """
    root = etree.Element(w("numbering"), nsmap={"w": W_NS})
    body = style.roles.body
    fonts = _Names(style).of(body)[:2]
    definitions = [(1, ""), *((abstract_id, delim) for delim, abstract_id in ORDERED_ABSTRACT_IDS.items())]
    for abstract_id, delimiter in definitions:
        ordered = bool(delimiter)
        abstract = sub(root, "abstractNum", abstractNumId=str(abstract_id))
        sub(abstract, "nsid", val=f"5E0C0{abstract_id:03X}")
        sub(abstract, "multiLevelType", val="hybridMultilevel")
        for level in range(9):
            lvl = sub(abstract, "lvl", ilvl=str(level))
            sub(lvl, "start", val="1")
            if ordered:
                sub(lvl, "numFmt", val=WORD_FORMATS[level_format(style.lists.ordered, level)])
                sub(lvl, "lvlText", val=f"%{level + 1}{delimiter}")
            else:
                sub(lvl, "numFmt", val="bullet")
                sub(lvl, "lvlText", val=bullet(level))
            sub(lvl, "lvlJc", val="left")
            ppr(lvl, ind=list_indent(level, ordered))
            rpr(lvl, fonts=fonts, bold=ordered and level == 0, color=style.colors.accent)
    for num_id, abstract_id in ((BULLET_NUM_ID, 1), (ORDERED_NUM_ID, ORDERED_ABSTRACT_ID)):
        sub(sub(root, "num", numId=str(num_id)), "abstractNumId", val=str(abstract_id))
    return serialize(root)


def list_indent(level: int, ordered: bool, extra: int = 0) -> dict[str, str]:
    """The ``w:ind`` of a list item ``level`` deep, ``extra`` twips further in (a list inside a definition)."""
    return {"left": str(LIST_INDENT * (level + 1) + extra), "hanging": str(LIST_INDENT - (0 if ordered else 90))}


def add_restarted_list(numbering: Element, num_id: int, level: int, start: int, delimiter: str = ".") -> None:
    """Append a ``w:num`` that restarts the ordered definition of ``delimiter`` at ``start`` on ``level``."""
    num = sub(numbering, "num", numId=str(num_id))
    sub(num, "abstractNumId", val=str(ORDERED_ABSTRACT_IDS[delimiter]))
    override = sub(num, "lvlOverride", ilvl=str(level))
    sub(override, "startOverride", val=str(max(0, start)))

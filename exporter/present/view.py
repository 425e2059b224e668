"""The presentation view: everything the renderers print or decide, resolved once from a document and a style."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import msgspec

from ..model import Document, Inline, Link, Text, document_blocks, heading_ids, walk_inlines
from ..style import FONT_ALIASES, Roles, Style
from ..typefaces import typeface
from .dates import date_locale, long_date
from .direction import SCRIPT_FONTS, has_rtl, rtl_script
from .figures import FigureLog
from .labels import Labels, labels_for
from .language import Direction, Language, parse_language
from .links import LinkPolicy, LinkTarget, refused_warning

BULLETS = ("\u2022", "\u2013", "\u25e6")
"""List bullets by nesting depth, repeating below the third level: •, –, ◦ (every shipped family draws them)."""


def bullet(depth: int) -> str:
    """The bullet of a list nested ``depth`` levels deep (0 for a top-level list)."""
    return BULLETS[depth % len(BULLETS)]


CHECKBOXES = ("\u2610", "\u2611")
"""A task-list item's box, open and ticked: ☐ and ☑ (the symbols family, DejaVu Sans, draws both)."""


def checkbox(checked: bool) -> str:
    """The glyph of a task-list box."""
    return CHECKBOXES[checked]


def checkbox_gap(following: Inline | None) -> str:
    """What separates a task-list box from the inline after it: a space, unless that text starts with one."""
    return "" if isinstance(following, Text) and following.text[:1].isspace() else " "


def checkbox_label(labels: Labels, checked: bool) -> str:
    """What a screen reader says for a task-list box: "Done" or "Not done" in the document's language."""
    return labels["task_done" if checked else "task_open"]


@dataclass(frozen=True)
class RoleFonts:
    """The families that set one role's text in this document's language."""

    family: str
    """The role's own family (Word's Latin slots)."""
    generic: str
    """The CSS generic family of ``family``: serif, sans-serif or monospace."""
    east_asian: str
    """The family for kana, kanji and hanzi (Word's East Asian slot)."""
    primary: str
    """The family that draws the text first: the East Asian one in a CJK document (but never for code)."""
    fallback: str
    """The family that draws the characters ``primary`` lacks."""


@dataclass(frozen=True)
class MemoFields:
    """The memo's distribution fields: the document's own, else the style's defaults."""

    to: str
    from_: str
    cc: str


@dataclass(frozen=True)
class View:
    """What every renderer shows: one decision per question, for one document in one style."""

    document: Document
    style: Style
    language: Language
    labels: Labels
    date: str
    """The document date in the CLDR long format of ``date_locale`` ("February 8, 2025", "8. Februar 2025")."""
    date_locale: str
    memo: MemoFields
    marking: str
    """The document's marking, else the style's default; "" for none."""
    content_width: float
    """Points between the page's side margins."""
    italic: bool
    """Whether the document's script may be slanted (kana and hanzi would only get synthetic oblique)."""
    fonts: Mapping[str, RoleFonts]
    """The font pairing of every role (``body``, ``title``, …)."""
    families: tuple[str, ...]
    """Every family the style names, sorted (Word's font table)."""
    links: Mapping[str, LinkTarget]
    """The decision for every link target in the document and the source URL, by raw target."""
    policy: LinkPolicy
    """The link policy behind ``links`` (with the ids internal links may point at)."""
    warnings: tuple[str, ...]
    """What a reader of the outputs should know: labels or dates in English, links kept as text."""
    figures: FigureLog = field(default_factory=FigureLog)
    """The figures shown with their picture and those left as alt text (the same in every output)."""
    rtl_scripts: tuple[str, ...] = ()
    """The right-to-left scripts the document's text holds (``arabic``, ``hebrew``), in that order."""

    @property
    def direction(self) -> Direction:
        """The document's direction, from its language: the html element's ``dir``, Word's section and tables."""
        return self.language.direction

    @property
    def has_rtl(self) -> bool:
        """Whether anything in the document is set right to left (an RTL language, or RTL text inside)."""
        return self.language.is_rtl or bool(self.rtl_scripts)

    def link(self, url: str) -> LinkTarget:
        """The decision for a link target of this document."""
        found = self.links.get(url)
        return found if found is not None else self.policy.decide(url)

    @property
    def source_link(self) -> LinkTarget:
        """The decision for the source URL (text when there is none)."""
        return self.link(self.document.meta.source.url)


# --- fonts ------------------------------------------------------------------------------------


def east_asian_family(style: Style, font: str) -> str:
    """The family that sets kana, kanji and hanzi for a role whose font is ``font`` (alias or family)."""
    family = style.family(font)
    face = typeface(family)
    if "japanese" in face.scripts:
        return family
    return style.fonts.cjk_serif if face.generic == "serif" else style.fonts.cjk


def role_fonts(style: Style, font: str, language: Language) -> RoleFonts:
    """The families for a role whose font is ``font`` (an alias or a family) in a document in ``language``.

    The CSS ``font-family`` lists are the font plan's (``present.embedding.FontPlan.stacks``).
    """
    family = style.family(font)
    face = typeface(family)
    east_asian = east_asian_family(style, font)
    latin = style.fonts.serif if face.generic == "serif" else style.fonts.sans
    if "japanese" in face.scripts:
        primary, fallback = family, latin
    elif language.is_cjk and face.generic != "monospace":
        primary, fallback = east_asian, latin
    else:
        primary, fallback = family, east_asian
    return RoleFonts(family=family, generic=face.generic, east_asian=east_asian, primary=primary, fallback=fallback)


def style_families(style: Style) -> tuple[str, ...]:
    """Every family the style's font aliases name, sorted (custom families by key)."""
    return tuple(sorted({style.family(getattr(style.fonts, name)) for name in FONT_ALIASES}))


def italic_allowed(language: Language) -> bool:
    """Whether text in ``language`` may be slanted: kana and hanzi have no italic, only a synthetic oblique."""
    return not language.is_cjk


def content_width(style: Style) -> float:
    """Points between the page's side margins."""
    page = style.page
    return page.width - page.margins.left - page.margins.right


# --- links ------------------------------------------------------------------------------------


def link_targets(document: Document) -> Iterator[str]:
    """Every link target of a document in reading order (footnotes included), the source URL last."""
    for blocks in document_blocks(document):
        for node in walk_inlines(blocks):
            if isinstance(node, Link):
                yield node.url
    if document.meta.source.url:
        yield document.meta.source.url


# --- direction --------------------------------------------------------------------------------


def document_rtl_scripts(document: Document) -> tuple[str, ...]:
    """The right-to-left scripts (``arabic``, ``hebrew``) anywhere in the document's text, in that order."""
    text = msgspec.json.encode((document.meta, document.key_points, document.sections, document.commentary))
    decoded = text.decode("utf-8")
    if not has_rtl(decoded):
        return ()
    letters = {rtl_script(ch) for ch in set(decoded)} - {""}
    return tuple(script for script in SCRIPT_FONTS if script in letters)


# --- the view ---------------------------------------------------------------------------------


_LAST: list[tuple[Document, Style, frozenset[str] | None, View]] = []
"""The last view made: the three renderers of one conversion ask for the same one in turn."""


def present(document: Document, style: Style, *, known_ids: frozenset[str] | None = None) -> View:
    """Resolve everything the renderers show for ``document`` in ``style``.

    ``known_ids`` are the targets ``#id`` links may reach; by default the document's heading ids. The same
    document and style objects (frozen values) asked again get the view already made.
    """
    if _LAST:
        last_document, last_style, last_ids, view = _LAST[0]
        if last_document is document and last_style is style and last_ids == known_ids:
            return view
    view = _present(document, style, known_ids)
    _LAST[:] = [(document, style, known_ids, view)]
    return view


def _present(document: Document, style: Style, known_ids: frozenset[str] | None) -> View:
    meta = document.meta
    language = parse_language(meta.language)
    labels, label_warning = labels_for(language, style.labels.overrides())
    locale = date_locale(language, style.text.date_locale)
    date, date_warning = long_date(meta.date, locale)
    policy = LinkPolicy(heading_ids(document) if known_ids is None else known_ids)
    links = {url: policy.decide(url) for url in link_targets(document)}
    link_warning = refused_warning(url for url, target in links.items() if not target.clickable)
    figure_log = FigureLog.of(document)
    roles: Roles = style.roles
    scripts = document_rtl_scripts(document)
    fonts = {name: role_fonts(style, getattr(roles, name).font, language) for name in Roles.__struct_fields__}
    return View(
        document=document,
        style=style,
        language=language,
        labels=labels,
        date=date,
        date_locale=locale,
        memo=MemoFields(
            to=meta.memo.to or style.memo.to,
            from_=meta.memo.from_ or style.memo.from_,
            cc=meta.memo.cc or style.memo.cc,
        ),
        marking=meta.marking or style.marking,
        content_width=content_width(style),
        italic=italic_allowed(language),
        fonts=MappingProxyType(fonts),
        families=style_families(style),
        links=MappingProxyType(links),
        policy=policy,
        warnings=(*(w for w in (label_warning, date_warning, link_warning) if w), *figure_log.warnings),
        figures=figure_log,
        rtl_scripts=scripts,
    )

"""The briefing stylesheet, compiled from a style's roles and colours (sizes relative to the body)."""

from __future__ import annotations

from ...present.embedding import FontPlan
from ...present.numbering import NUMBER_FORMATS
from ...present.view import View
from .bidi import mirror_rules
from .fonts import FontFace, font_face_rules


def _families(plan: FontPlan, role: str) -> str:
    *names, generic = plan.stacks[role]
    quoted = ", ".join(f'"{name}"' for name in names)
    return f"{quoted}, {generic}"


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _role(
    view: View, plan: FontPlan, name: str, *, scale: float = 1.0, unit: str = "rem", floor: float = 0.0
) -> list[str]:
    roles = view.style.roles
    role = getattr(roles, name)
    size = max(floor, role.size / roles.body.size * scale)
    italic = role.italic and view.italic
    return [
        f"font-family: {_families(plan, name)};",
        f"font-size: {_num(size)}{unit};",
        f"font-weight: {'bold' if role.bold else 'normal'};",
        f"font-style: {'italic' if italic else 'normal'};",
        f"color: {role.color};",
    ]


def _rule(selector: str, declarations: list[str]) -> str:
    body = "\n".join(f"  {d}" for d in declarations)
    return f"{selector} {{\n{body}\n}}\n"


def stylesheet(view: View, plan: FontPlan, faces: list[FontFace]) -> str:
    """CSS for every content document; the style file's ``epub.css`` comes last so it wins.

    ``plan`` gives each role's ``font-family`` list, ``faces`` the embedded fonts' ``@font-face`` rules.
    """
    style = view.style
    cjk = view.language.is_cjk
    colors = style.colors
    body = _role(view, plan, "body")
    # The reader's own text size stays the base: the body role sets no size of its own.
    body = [d for d in body if not d.startswith("font-size")]
    line_height = "1.75" if cjk else "1.5"
    rules = [
        '@charset "utf-8";\n',
        font_face_rules(faces),
        _rule("html", ["font-size: 100%;"]),
        _rule("body", [*body, f"line-height: {line_height};", "margin: 0 0.9em;", "padding: 0;"]),
        _rule("p", ["margin: 0 0 0.75em 0;", "orphans: 2;", "widows: 2;"]),
        _rule(
            "h1, h2, h3, h4, h5, h6",
            ["line-height: 1.25;", "page-break-after: avoid;", "break-after: avoid;", "margin: 1.4em 0 0.5em 0;"],
        ),
        _rule("h1", _role(view, plan, "heading", scale=1.2)),
        _rule("h2", _role(view, plan, "heading")),
        _rule("h3, h4, h5, h6", _role(view, plan, "subheading")),
        _rule("h4, h5, h6", ["font-size: 1em;"]),
        _rule("a", [f"color: {colors.accent};", "text-decoration: underline;"]),
        _rule("code", [*_role(view, plan, "code", unit="em"), "overflow-wrap: anywhere;"]),
        _rule(
            "pre",
            [
                "white-space: pre-wrap;",
                "overflow-wrap: anywhere;",
                f"background-color: {colors.commentary_background};",
                f"border-left: 0.2em solid {colors.rule};",
                "padding: 0.6em 0.8em;",
                "margin: 0 0 0.9em 0;",
                "line-height: 1.35;",
            ],
        ),
        _rule("pre code", ["font-size: 0.85em;"]),
        _rule(
            "blockquote",
            [f"border-left: 0.2em solid {colors.rule};", "margin: 0 0 0.9em 0;", "padding: 0 0 0 0.9em;"],
        ),
        _rule("ul, ol", ["margin: 0 0 0.9em 0;", "padding-left: 1.4em;"]),
        _rule("li", ["margin: 0 0 0.3em 0;"]),
        _rule("li > ul, li > ol", ["margin: 0.3em 0 0 0;"]),
        _rule(".table-wrap", ["overflow-x: auto;", "margin: 0 0 0.9em 0;"]),
        _rule("table", ["border-collapse: collapse;", "font-size: 0.9em;", "line-height: 1.35;"]),
        _rule(
            "th, td",
            [
                "border-bottom: 1px solid #C8C8C8;",
                "padding: 0.3em 0.6em 0.3em 0;",
                "text-align: start;",
                "vertical-align: top;",
            ],
        ),
        _rule("th", [f"border-bottom: 0.15em solid {colors.rule};", "font-weight: bold;"]),
        # Column alignment from the source (a class, so the document carries no inline style).
        *(_rule(f"th.align-{side}, td.align-{side}", [f"text-align: {side};"]) for side in ("left", "center", "right")),
        # Ordered lists count in the style's format per level ([lists] ordered); "1)" lists write their markers.
        *(_rule(f"ol.{fmt}", [f"list-style-type: {fmt};"]) for fmt in NUMBER_FORMATS if fmt != "decimal"),
        _rule("ol.paren", ["list-style-type: none;"]),
        _rule(
            "ol.paren > li > .marker, ol.paren > li > p:first-child > .marker",
            [
                "display: inline-block;",
                "min-width: 1.6em;",
                "margin-left: -1.9em;",
                "margin-right: 0.3em;",
                "text-align: right;",
            ],
        ),
        _rule("del", ["text-decoration: line-through;"]),
        _rule("hr", ["border: 0;", f"border-top: 1px solid {colors.rule};", "margin: 1.2em 25%;", "height: 0;"]),
        _rule("dl", ["margin: 0 0 0.9em 0;"]),
        _rule(
            "dt", ["font-weight: bold;", "margin: 0.5em 0 0.2em 0;", "page-break-after: avoid;", "break-after: avoid;"]
        ),
        _rule("dd", ["margin: 0 0 0.5em 1.4em;"]),
        # Figures: the picture never wider than the text (nor taller than the screen), its caption kept with it.
        _rule(
            "figure",
            ["margin: 0.6em 0 1em 0;", "text-align: center;", "page-break-inside: avoid;", "break-inside: avoid;"],
        ),
        _rule("figure img", ["max-width: 100%;", "max-height: 90vh;", "height: auto;", "width: auto;"]),
        _rule(
            "figcaption, p.caption",
            ["font-size: 0.85em;", "font-style: italic;", "margin: 0.4em 0 0 0;", "text-align: center;"],
        ),
        _rule("p.figure-alt", ["font-style: italic;"]),
        # Footnotes: a raised number in the text, the notes in small type after the document's text.
        _rule("a.noteref", ["text-decoration: none;"]),
        _rule("a.noteref sup", ["font-size: 0.75em;", "line-height: 0;", "vertical-align: super;"]),
        _rule(
            ".footnotes",
            ["margin: 2em 0 0 0;", "padding: 0.5em 0 0 0;", "border-top: 1px solid #C8C8C8;", "font-size: 0.9em;"],
        ),
        _rule("aside.footnote", ["margin: 0 0 0.6em 0;"]),
        _rule("aside.footnote p", ["margin: 0 0 0.3em 0;"]),
        _rule("a.note-back", ["text-decoration: none;", "font-weight: bold;"]),
        # Title page.
        _rule(".titlepage", ["margin: 2.5em 0 0 0;"]),
        _rule(
            ".marking",
            [
                *_role(view, plan, "marking"),
                f"color: {colors.marking};",
                f"border: 0.12em solid {colors.marking};",
                "display: inline-block;",
                "padding: 0.15em 0.6em;",
                "margin: 0 0 1.5em 0;",
                "letter-spacing: 0.08em;",
            ],
        ),
        _rule(".titlepage p.logo", ["margin: 0 0 1.2em 0;"]),
        _rule(".titlepage p.logo img", ["max-width: 60%;", "height: auto;"]),
        _rule(".kicker", [*_role(view, plan, "kicker"), "letter-spacing: 0.06em;", "margin: 0 0 0.4em 0;"]),
        _rule(
            "h1.title",
            [
                *_role(view, plan, "title"),
                "line-height: 1.2;",
                "margin: 0 0 0.6em 0;",
                f"border-bottom: 0.1em solid {colors.rule};",
                "padding-bottom: 0.4em;",
            ],
        ),
        _rule(".summary", ["font-size: 1.1em;", "margin: 0 0 1.2em 0;"]),
        # Footer-sized type is too small on a phone; the meta lines never go below 0.875rem.
        _rule(".titlepage .meta", [*_role(view, plan, "footer", floor=0.875), "margin: 0 0 0.3em 0;"]),
        _rule(
            ".titlepage .organisation",
            [
                "font-weight: bold;",
                "margin-top: 1.5em;",
                "padding-top: 0.6em;",
                f"border-top: 1px solid {colors.rule};",
            ],
        ),
        # Key points: the abstract panel.
        _rule(
            ".key-points",
            [
                f"background-color: {colors.key_points_background};",
                f"border-left: 0.3em solid {colors.accent};",
                "padding: 0.2em 0.9em 0.5em 0.9em;",
                "margin: 1em 0;",
            ],
        ),
        _rule(".key-points h1", ["margin-top: 0.6em;"]),
        _rule(".key-points li", [*_role(view, plan, "key_point"), "margin: 0 0 0.6em 0;"]),
        # Commentary: a distinct part in its own panel and voice.
        _rule(
            ".commentary",
            [
                *_role(view, plan, "commentary"),
                f"background-color: {colors.commentary_background};",
                f"border-left: 0.3em solid {colors.commentary_border};",
                "padding: 0.2em 0.9em 0.5em 0.9em;",
                "margin: 1em 0;",
            ],
        ),
        _rule(".commentary h1", ["margin-top: 0.6em;"]),
        _rule(".commentary .part-label", [*_role(view, plan, "kicker"), "margin: 0.8em 0 0 0;"]),
        # Navigation document.
        _rule("nav ol", ["list-style: none;", "padding-left: 1em;"]),
        _rule("nav > ol", ["padding-left: 0;"]),
    ]
    mirror = mirror_rules(view)
    if mirror:
        rules.append(mirror)
    extra = style.epub.css.strip()
    if extra:
        rules.append(f"/* style file: epub.css */\n{extra}\n")
    return "\n".join(rules)

"""The stylesheet's right-to-left mirror: rules under ``[dir="rtl"]`` that move side borders, indents and markers."""

from __future__ import annotations

from ...present.view import View


def mirror_rules(view: View) -> str:
    """CSS that mirrors the briefing's one-sided rules inside right-to-left content ("" when there is none).

    Attribute selectors rather than logical properties (``border-inline-start``): older reading systems
    (Adobe's RMSDK among them) ignore the latter, and these follow the ``dir`` of any block, in a mixed book too.
    """
    if not view.has_rtl:
        return ""
    colors = view.style.colors
    rules = {
        "pre, blockquote": ["border-left: 0;", f"border-right: 0.2em solid {colors.rule};"],
        "blockquote": ["padding: 0 0.9em 0 0;"],
        "ul, ol": ["padding-left: 0;", "padding-right: 1.4em;"],
        "th, td": ["padding: 0.3em 0 0.3em 0.6em;"],
        "dd": ["margin: 0 1.4em 0.5em 0;"],
        "ol.paren > li > .marker, ol.paren > li > p:first-child > .marker": [
            "margin-left: 0.3em;",
            "margin-right: -1.9em;",
            "text-align: left;",
        ],
        ".key-points": ["border-left: 0;", f"border-right: 0.3em solid {colors.accent};"],
        ".commentary": ["border-left: 0;", f"border-right: 0.3em solid {colors.commentary_border};"],
        "nav ol": ["padding-left: 0;", "padding-right: 1em;"],
        "nav > ol": ["padding-right: 0;"],
    }
    out = ["/* right to left: the one-sided rules above, mirrored */\n"]
    for selector, declarations in rules.items():
        # The block itself may carry the dir (a Hebrew quotation in an English book), or an ancestor.
        parts = [part.strip() for part in selector.split(",")]
        scoped = ", ".join(f'[dir="rtl"] {_not_ltr(part)}, {_on_self(part)}' for part in parts)
        body = "\n".join(f"  {d}" for d in declarations)
        out.append(f"{scoped} {{\n{body}\n}}\n")
    return "".join(out)


def _on_self(selector: str) -> str:
    """``selector`` with ``[dir="rtl"]`` on the element it styles (``blockquote[dir="rtl"]``)."""
    head, _, tail = selector.partition(" ")
    # The dir sits on the selector's first element (ol.paren, .key-points, nav): the rest are its descendants.
    return f'{head}[dir="rtl"] {tail}'.rstrip()


def _not_ltr(selector: str) -> str:
    """``selector`` unless its first element says ``dir="ltr"`` (a Latin quotation in an Arabic book keeps its side)."""
    head, _, tail = selector.partition(" ")
    return f'{head}:not([dir="ltr"]) {tail}'.rstrip()

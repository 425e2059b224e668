"""The HTML of the web page: the form, a result (preview, warnings, downloads) and an error, all escaped."""

from __future__ import annotations

import base64
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from .. import __version__

PASTE_KINDS = {"txt": "Plain text", "md": "Markdown", "json": "JSON (the exporter model)", "html": "HTML"}
"""What pasted text can be, by reader name, in the order the form offers them."""
OVERFLOWS = (
    ("error", "Stop and tell me", "when the article does not fit one page"),
    ("truncate", "Cut it", "at the end of the page, marked as cut"),
    ("pages", "Add pages", "a second page and more when needed"),
)
MEMO_FIELDS = (
    ("memo_to", "to", "To", "Ministers, Policy team …"),
    ("memo_from", "from", "From", "Research desk …"),
    ("memo_cc", "cc", "Cc", ""),
    ("marking", "marking", "Marking", "INTERNAL, RESTRICTED …"),
)
"""The memo header's form fields: the field's name (``to`` is the API's format), its metadata key, label, hint."""
DOWNLOADS = (
    ("docx", "Memo", "DOCX, for Word"),
    ("pdf", "One-pager", "PDF"),
    ("epub", "Briefing", "EPUB, for e-readers"),
    ("zip", "All three", "ZIP"),
)


@dataclass(frozen=True)
class FormValues:
    """What the person filled in, to show again on the result page (and re-post with a download)."""

    text: str = ""
    kind: str = "txt"
    style: str = "default"
    overflow: str = "error"
    memo: Mapping[str, str] = field(default_factory=dict)
    """The memo header by form field name (``memo_to`` …)."""
    upload_b64: str = ""
    """A file that cannot be shown as text (a DOCX), carried along base64-encoded."""
    upload_name: str = ""


@dataclass(frozen=True)
class Choices:
    """What the server offers: styles (name, description), pasted kinds, file extensions, the size limit."""

    styles: Sequence[tuple[str, str]]
    kinds: Sequence[str]
    extensions: Sequence[str]
    max_bytes: int


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MiB" if n >= 1024 * 1024 else f"{n // 1024} KiB"


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk always comes first
    return width, height


def _selected(flag: bool) -> str:
    return " selected" if flag else ""


def _checked(flag: bool) -> str:
    return " checked" if flag else ""


def _hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'


def carried(values: FormValues) -> str:
    """Hidden fields that re-post the source and settings (a download, or a new preview of an upload)."""
    fields = [_hidden("style", values.style), _hidden("overflow", values.overflow)]
    fields += [_hidden(name, values.memo.get(name, "")) for name, _, _, _ in MEMO_FIELDS]
    if values.upload_b64:
        fields += [_hidden("source_b64", values.upload_b64), _hidden("name", values.upload_name)]
    else:
        fields += [_hidden("text", values.text), _hidden("kind", values.kind)]
    return "\n".join(fields)


def form(choices: Choices, values: FormValues) -> str:
    """The export form, filled with ``values``."""
    kinds = "".join(
        f'<option value="{k}"{_selected(k == values.kind)}>{escape(PASTE_KINDS[k])}</option>' for k in choices.kinds
    )
    styles = "".join(
        f'<option value="{escape(name)}"{_selected(name == values.style)}>{escape(name)} — {escape(text)}</option>'
        for name, text in choices.styles
    )
    memo = "".join(
        f'<div class="field"><label for="memo-{name}">{label}</label>'
        f'<input id="memo-{name}" name="{name}" type="text" maxlength="500" autocomplete="off"'
        f' value="{escape(values.memo.get(name, ""))}"' + (f' placeholder="{escape(hint)}"' if hint else "") + "></div>"
        for name, _, label, hint in MEMO_FIELDS
    )
    overflow = "".join(
        f'<div class="choice"><input type="radio" id="overflow-{key}" name="overflow" value="{key}"'
        f'{_checked(key == values.overflow)}><label for="overflow-{key}"><strong>{label}</strong> {hint}</label></div>'
        for key, label, hint in OVERFLOWS
    )
    accept = ",".join(choices.extensions)
    kept = ""
    if values.upload_b64:
        kept = (
            f'<p class="kept">Using the file you sent, <strong>{escape(values.upload_name)}</strong>, '
            "until you paste text or choose another.</p>"
            + _hidden("source_b64", values.upload_b64)
            + _hidden("name", values.upload_name)
        )
    return f"""<form id="export-form" method="post" action="/" enctype="multipart/form-data"
 data-max-bytes="{choices.max_bytes}">
<fieldset><legend>The article</legend>
<div class="field"><label for="text">Paste the text</label>
<textarea id="text" name="text" rows="12" spellcheck="false">{escape(values.text)}</textarea></div>
<div class="field"><label for="kind">The pasted text is</label>
<select id="kind" name="kind">{kinds}</select></div>
<div class="field"><label for="source">Or send a file</label>
<input id="source" name="source" type="file" accept="{escape(accept)}" aria-describedby="source-hint">
<p class="hint" id="source-hint">{escape(", ".join(choices.extensions))}; at most {_size(choices.max_bytes)}.
A file is used instead of pasted text.</p></div>
{kept}
</fieldset>
<fieldset><legend>Memo header</legend><div class="memo">{memo}</div></fieldset>
<fieldset><legend>Layout</legend>
<div class="field"><label for="style">Style</label><select id="style" name="style">{styles}</select></div>
<fieldset class="radios"><legend>When the article is longer than one page</legend>{overflow}</fieldset>
</fieldset>
<button type="submit" class="primary">Show the preview</button>
</form>"""


def result(title: str, pages: Sequence[bytes], warnings: Sequence[str], values: FormValues) -> str:
    """The result section: the pages as inline PNGs, the warnings, and the download buttons."""
    count = len(pages)
    images = []
    for number, png in enumerate(pages, 1):
        width, height = _png_size(png)
        alt = f"Page {number} of {count} of the PDF one-pager: {title}" if count > 1 else f"The PDF one-pager: {title}"
        data = base64.b64encode(png).decode("ascii")
        images.append(
            f'<img class="page" src="data:image/png;base64,{data}" width="{width}" height="{height}"'
            f' alt="{escape(alt)}">'
        )
    if warnings:
        items = "".join(f"<li>{escape(w)}</li>" for w in warnings)
        notes = f'<div class="warnings"><h3>Worth a look</h3><ul>{items}</ul></div>'
    else:
        notes = '<p class="fine">No warnings: everything in the article made it into the outputs.</p>'
    buttons = "".join(
        f'<button type="submit" name="to" value="{key}"><strong>{label}</strong> <span>{what}</span></button>'
        for key, label, what in DOWNLOADS
    )
    pages_line = "one page" if count == 1 else f"{count} pages"
    return f"""<h2 id="result-heading" tabindex="-1">Preview: {escape(title)}</h2>
<p class="meta">The PDF one-pager, {pages_line}.</p>
{notes}
<form class="downloads" method="post" action="/download" enctype="multipart/form-data">
<h3>Download</h3>
{carried(values)}
<div class="buttons">{buttons}</div>
</form>
<div class="pages">{"".join(images)}</div>"""


def failure(message: str, code: str) -> str:
    """The result section for a conversion that failed: the message in plain words and its code."""
    return f"""<div class="error" role="alert">
<h2 id="result-heading" tabindex="-1">The article could not be converted</h2>
<p>{escape(message)}</p>
<p class="code">Error code: <code>{escape(code)}</code></p>
</div>"""


def page(choices: Choices, values: FormValues, section: str = "", *, heading: str = "") -> str:
    """The whole page: the form beside the result section (empty before the first preview)."""
    title = f"{heading} — exporter" if heading else "exporter — memo, one-pager and briefing"
    placeholder = section or (
        '<p class="empty">The preview of the one-pager appears here, with the downloads: '
        "the memo (DOCX), the one-pager (PDF), the briefing (EPUB) or all three.</p>"
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<header><p class="brand">exporter <span>{escape(__version__)}</span></p></header>
<main>
<div class="intro">
<h1>Turn an article into a memo, a one-pager and a briefing</h1>
<p>Paste an article or send a file, see the one-page PDF, then download the DOCX memo, the PDF, the EPUB
briefing, or all three. Nothing is kept on the server.</p>
</div>
<div class="columns">
<section class="input" aria-labelledby="form-heading"><h2 id="form-heading" class="visually-hidden">Your article</h2>
{form(choices, values)}</section>
<div class="result-column">
<p id="status" class="status" role="status"></p>
<section class="result" id="result" aria-label="Result">
{placeholder}</section>
</div>
</div>
</main>
</body>
</html>
"""

"""The adversarial table as data: one Case per table entry and reader, with its expected outcome."""

from __future__ import annotations

import datetime
import functools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from exporter.model import SCHEMA_VERSION, Document, Meta, Paragraph, Section, Text

READERS = ("txt", "md", "json")
FORMATS = ("docx", "pdf", "epub")
GROUP_ARGS: dict[str, tuple[str, ...]] = {
    "main": (),
    "strict": ("--strict",),
    "maxbytes": ("--max-input-bytes", "1000000"),
    "truncate": ("--overflow", "truncate"),
    "pages": ("--overflow", "pages"),
    "big": (),
    # Metadata set on the command line goes through the same sanitising as the source's own text.
    "set": ("--set", "tags=a\x08b,c", "--set", "author=x\x0cy"),
}
"""Each group of cases is one CLI run over one directory, with these extra arguments."""

CANARY = "canary-7f3a9c"
"""The content of the secret file the hostile strings point at; it must never reach an output."""
SECRET = "@SECRET@"
"""Placeholder for the absolute path of that secret file (replaced when the sources are written)."""
TOUCHED = "@TOUCHED@"
"""Placeholder for the path the CVE-2023-33733 payload would create if anything evaluated it."""

# The first letter named may come from the labels: a Hebrew or Arabic article is detected as such and labelled so.
PDF_RTL = r"cannot set right-to-left text \(U\+05[D-F][0-9A-F] HEBREW LETTER"
PDF_ARABIC = r"cannot set right-to-left text \(U\+06[0-4][0-9A-F] ARABIC LETTER"
INVISIBLE = r"the PDF leaves out \d+ invisible characters? \({}"
"""The one warning for invisible characters the PDF leaves out (``format`` it with the first one's name)."""
OVERFLOW = r"one-pager needs (about|at least) [\d.]+ pages"


@dataclass(frozen=True)
class Case:
    """One source file, the reader it goes through and the outcome expected from every renderer."""

    row: str
    name: str
    reader: str
    raw: bytes | Callable[[], bytes]
    """The source bytes, or a function making them (huge inputs are built only when a test runs)."""
    expect: str
    message: str = ""
    removed: int = 0
    literal: tuple[str, ...] = ()
    pdf: str = ""
    group: str = "main"
    same_as: bytes | None = None
    big: bool = False
    absent: tuple[str, ...] = field(default=())
    warning: str = ""

    @functools.cached_property
    def data(self) -> bytes:
        """The source bytes."""
        return self.raw if isinstance(self.raw, bytes) else self.raw()

    @property
    def ext(self) -> str:
        """The file extension of the source."""
        return "." + self.reader

    @property
    def id(self) -> str:
        """A readable test id."""
        return f"{self.group}/{self.reader}/{self.name}"

    def source(self, base: Path) -> Path:
        """Where the source file is written, relative paths mirrored under the group's output dir."""
        return base / "src" / self.group / self.reader / f"{self.name}{self.ext}"

    def output(self, base: Path, fmt: str) -> Path:
        """Where the CLI writes the output of this case in ``fmt``."""
        return base / "out" / self.group / self.reader / f"{self.name}.{fmt}"

    def expected(self, fmt: str) -> str:
        """E, V or S for one format (the PDF may fail alone, e.g. for scripts its fonts lack)."""
        if fmt == "pdf" and self.pdf:
            return "E"
        return self.expect

    def error_pattern(self, fmt: str) -> str:
        """The regex the error line must match for a format that is expected to fail."""
        if fmt == "pdf" and self.pdf:
            return self.pdf
        return self.message


# --- building sources in each reader's format ---------------------------------------------------


def _doc(title: str, paragraphs: list[str], key_points: tuple[str, ...] = (), heading: str = "") -> Document:
    return Document(
        meta=Meta(title=title, date=datetime.date(2025, 2, 8)),
        key_points=tuple(Paragraph(inlines=(Text(text=k),)) for k in key_points),
        sections=(Section(heading=heading, blocks=tuple(Paragraph(inlines=(Text(text=p),)) for p in paragraphs)),),
    )


def _json(doc: Document, *, ascii_only: bool = False) -> bytes:
    return json.dumps(msgspec.to_builtins(doc), ensure_ascii=ascii_only, indent=1).encode()


def article(reader: str, title: str, paragraphs: list[str], key_points: tuple[str, ...] = ("A key point.",)) -> bytes:
    """An article with a title, key points and paragraphs in one reader's format."""
    if reader == "txt":
        return ("\n".join([title, *key_points, "", *paragraphs]) + "\n").encode()
    if reader == "md":
        points = "".join(f"- {k}\n" for k in key_points)
        return (f"# {title}\n\n## Key points\n\n{points}\n" + "\n\n".join(paragraphs) + "\n").encode()
    return _json(_doc(title, paragraphs, key_points))


def _each(row: str, name: str, expect: str, make: Any, readers: tuple[str, ...] = READERS, **kw: Any) -> list[Case]:
    return [Case(row, name, r, functools.partial(make, r), expect, **kw) for r in readers]


# --- the table ----------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _random_bytes() -> bytes:
    rng = random.Random(6)
    data = rng.randbytes(4096)
    # A leading BOM would make the noise a (likely invalid) UTF-16 text instead of bytes.
    return b"\xc3\x28" + data


def bytes_and_encodings() -> list[Case]:
    """Empty, binary and mis-encoded files; BOMs and line ends."""
    cases: list[Case] = []
    cases += _each("bytes", "empty", "E", lambda r: b"", message="empty")
    cases += _each("bytes", "whitespace", "E", lambda r: b" \n\t \r\n  \n", message="empty")
    cases += _each("bytes", "random", "E", lambda r: _random_bytes(), message=r"not UTF-8: byte 0xC3 at offset 0")
    cases += _each("bytes", "png", "E", lambda r: PNG, message="not UTF-8: byte 0x89 at offset 0")

    def latin1(r: str) -> bytes:
        if r == "json":
            return '{"schema": 1, "meta": {"title": "Café"}}'.encode("latin-1")
        return "Title line\n\nCafé au lait.\n".encode("latin-1")

    offsets = {"txt": 15, "md": 15, "json": 36}
    cases += [
        Case("encoding", "latin1", r, latin1(r), "E", message=f"not UTF-8: byte 0xE9 at offset {offsets[r]}")
        for r in READERS
    ]
    for r in READERS:
        plain = article(r, "Encodings: é 日本", ["Body text é 日本 with two lines.", "Second paragraph here."])
        text = plain.decode()
        variants = {
            "utf8-bom": b"\xef\xbb\xbf" + plain,
            "utf16le-bom": b"\xff\xfe" + text.encode("utf-16-le"),
            "utf16be-bom": b"\xfe\xff" + text.encode("utf-16-be"),
            "crlf": text.replace("\n", "\r\n").encode(),
            "cr-only": text.replace("\n", "\r").encode(),
        }
        for name, data in variants.items():
            cases.append(Case("encoding", name, r, data, "V", same_as=plain, literal=("Body text é 日本",)))
    return cases


ILLEGAL = {"char-nul": "\x00", "char-bs": "\x08", "char-vt": "\x0b", "char-ff": "\x0c", "char-fffe": "\ufffe"}


def illegal_characters() -> list[Case]:
    """Characters XML cannot hold, in the title, a key point and the body: removed and counted."""
    cases: list[Case] = []
    for name, ch in ILLEGAL.items():
        title = f"Title{ch} one"
        point = f"Point{ch} two."
        body = [f"Body{ch} three and more{ch} text after it."]
        literal = ("Title one", "Point two.", "Body three and more text after it.")
        for r in ("txt", "md"):
            cases.append(Case("illegal", name, r, article(r, title, body, (point,)), "S", removed=4, literal=literal))
        # Raw control characters are invalid inside JSON strings; the escaped forms are the JSON way.
        cases.append(Case("illegal", name, "json", _json(_doc(title, body, (point,))), "S", removed=4, literal=literal))
    c1 = "DEL\x7f and C1\x85\x9b controls."
    for r in READERS:
        cases.append(
            Case(
                "illegal",
                "char-c1",
                r,
                article(r, "C1 controls", [c1]),
                "S",
                removed=3,
                literal=("DEL and C1 controls.",),
            )
        )
    cr = _json(_doc("Carriage", ["one\rtwo\r\nthree"]))
    cases.append(Case("illegal", "carriage-return", "json", cr, "V", literal=("one two three",)))
    for r in READERS:
        cases.append(Case("illegal", "set-controls", r, article(r, "Set", ["Body."]), "S", removed=2, group="set"))
    raw = b'{"schema": 1, "meta": {"title": "a\x00b"}}'
    cases.append(Case("illegal", "raw-char-nul", "json", raw, "E", message="not valid JSON: Invalid control character"))
    surrogate = _json(_doc("Lone \ud800 surrogate", ["Text \udfff after."]), ascii_only=True)
    cases.append(
        Case("illegal", "surrogate", "json", surrogate, "S", removed=2, literal=("Lone  surrogate", "Text  after."))
    )
    return cases


@functools.cache
def _ten_mb(reader: str) -> bytes:
    rng = random.Random(10)
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda"]
    paras: list[str] = []
    size = 0
    while size < 10 * 1024 * 1024:
        para = " ".join(rng.choice(words) for _ in range(80)) + "."
        paras.append(para)
        size += len(para) + 2
    return article(reader, "Big: Ten megabytes", paras)


def sizes() -> list[Case]:
    """Huge inputs: 10 MB, one 100,000-character word, 10,000 paragraphs."""
    cases: list[Case] = []
    overflow = OVERFLOW
    cases += _each("size", "ten-mb", "V", _ten_mb, group="big", big=True, pdf=overflow)
    cases += _each("size", "ten-mb", "E", _ten_mb, group="maxbytes", big=True, message="larger than --max-input-bytes")
    word = "x" * 100_000
    long_word = lambda r: article(r, "One long word", [f"Start {word} end."])  # noqa: E731
    cases += _each("size", "long-word", "V", long_word, pdf=overflow, big=True)
    cases += _each("size", "long-word", "V", long_word, group="truncate", big=True)
    paras = [f"Paragraph number {i} says something short." for i in range(10_000)]
    many = lambda r: article(r, "Ten thousand paragraphs", paras)  # noqa: E731
    cases += _each("size", "10k-paragraphs", "V", many, pdf=overflow, big=True)
    cases += _each("size", "10k-paragraphs", "V", many, group="truncate", big=True)
    cases += _each("size", "10k-paragraphs", "V", many, group="pages", big=True, readers=("txt",))
    return cases


def _nested_list_json(depth: int) -> bytes:
    leaf = '{"type": "paragraph", "inlines": [{"type": "text", "text": "deepest"}]}'
    nested = '{"type": "bullet_list", "items": [[' * depth + leaf + "]]}" * depth
    doc = msgspec.to_builtins(_doc("Deep", []))
    doc["sections"][0]["blocks"] = ["@BLOCK@"]
    return json.dumps(doc).replace('"@BLOCK@"', nested).encode()


def nesting() -> list[Case]:
    """Lists nested 1,000 deep; 100,000 opening brackets."""
    deep_md = "# Deep\n\n" + "".join("  " * i + "- item\n" for i in range(1000))
    deep_txt = "Deep\n\n" + "".join(" " * i + "- item\n" for i in range(1000))
    brackets = "[" * 100_000
    return [
        Case("nesting", "deep-list", "md", deep_md.encode(), "E", message="nested more than"),
        Case("nesting", "deep-list", "json", _nested_list_json(1000), "E", message="nested too deeply"),
        # Plain text has no nesting: indented dashes are one flat list, all 1,000 items kept.
        Case("nesting", "deep-list", "txt", deep_txt.encode(), "V", pdf=OVERFLOW),
        Case("nesting", "brackets", "json", brackets.encode(), "E", message="nested too deeply"),
        Case("nesting", "brackets", "md", f"# Brackets\n\n{brackets}\n".encode(), "V", big=True, pdf=OVERFLOW),
        Case("nesting", "brackets", "txt", f"Brackets\n\n{brackets}\n".encode(), "V", big=True, pdf=OVERFLOW),
    ]


def hostile_strings(secret: str = SECRET, touched: str = TOUCHED) -> dict[str, str]:
    """Markup that some library might interpret: each must come out as literal text."""
    payload = (
        "[ [ getattr(pow,Word('__globals__'))['os'].system('touch " + touched + "') for Word in "
        "[orgTypeFun('Word', (str,), { 'mutated': 1, 'startswith': lambda self, x: False, "
        "'__eq__': lambda self,x: self.mutate() and self.mutated < 0 and str(self) == x, "
        "'mutate': lambda self: {setattr(self, 'mutated', self.mutated - 1)}, "
        "'__hash__': lambda self: hash(str(self)) })] ] for orgTypeFun in [type(type(1))] ] and 'red'"
    )
    return {
        "unclosed-b": "<b>bold never closed",
        "close-para": "</para> closes nothing",
        "att": "AT&T and R&D",
        "bogus-entity": "&bogus; entity",
        "nul-entity": "&#0; reference",
        "cve-2023-33733": f'<font color="{payload}">exploit</font>',
        "img": '<img src="/etc/hostname"> and <img src="file://' + secret + '">',
        "script": "<script>alert(1)</script>",
        "cdata-end": "]]> ends CDATA",
        "cdata-start": "<![CDATA[ opens CDATA",
        "doctype": f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]><x>&xxe;</x>',
    }


# CommonMark gives these meaning in Markdown: the entity &#0; is U+FFFD, __x__ is strong emphasis.
_MD_MEANING = {"nul-entity", "cve-2023-33733"}


def markup(secret: str = SECRET, touched: str = TOUCHED) -> list[Case]:
    """Markup-like strings in the title, a key point and the body: shown literally, nothing run."""
    cases: list[Case] = []
    for name, s in hostile_strings(secret, touched).items():
        for r in READERS:
            literal = () if r == "md" and name in _MD_MEANING else (s,)
            data = article(r, f"T {s}", [f"Body {s} end."], (f"Point {s}.",))
            cases.append(Case("markup", name, r, data, "V", literal=literal, absent=(CANARY,)))
    md_only = f'# Markdown\n\n<div onclick="x()">raw <b>html</b></div>\n\n![alt](file://{secret}) and '
    md_only += "![](file:///etc/passwd) and [click](javascript:alert(1)) and [web](https://example.org/ok)\n"
    cases.append(
        Case(
            "markup",
            "md-html-links",
            "md",
            md_only.encode(),
            "V",
            literal=('<div onclick="x()">raw <b>html</b></div>', "alt", "[click](javascript:alert(1))"),
            absent=(CANARY,),
        )
    )
    empty = "# Empty parts\n\n-\n- a\n\n1.\n2. two\n\n>\n\n| h |  |\n|---|---|\n|   | x |\n"
    cases.append(Case("markup", "md-empty-items", "md", empty.encode(), "V"))
    nul_md = article("md", "Entity", ["Body &#0; end."])
    # U+FFFD is drawn like any other character (the PDF takes it from DejaVu Sans).
    cases.append(Case("markup", "nul-entity-is-fffd", "md", nul_md, "V", literal=("Body \ufffd end.",)))
    return cases


UNICODE = {
    "hebrew": ("שלום עולם", PDF_RTL),
    "arabic": ("مرحبا بالعالم", PDF_ARABIC),
    "combining": ("e\u0301 a\u030a n\u0303 o\u0308 Z\u0335\u0321", ""),
    # The PDF draws each emoji of a ZWJ sequence (Symbola) and leaves the joiners out, with one warning.
    "zwj-emoji": ("👩\u200d💻 👨\u200d👩\u200d👧", ""),
    "japanese": ("日本語の文章。漢字とかな。", ""),
    "chinese": ("中文文本", ""),
    "cjk-astral": ("𠀋 𩸽 𡈽", ""),
    "korean": ("한국어 문장", ""),
    "symbols": ("✔ ⚠ ❌ ➡ ✅ 👋 💬 😀 ‣ ₹ ₽ ₺ \ufffd", ""),
}
"""Each row's text, and the PDF's error line for it ("" when the PDF draws it)."""
WARNINGS = {"zwj-emoji": INVISIBLE.format(r"U\+200D ZERO WIDTH JOINER")}


def scripts() -> list[Case]:
    """Right-to-left text, combining marks, ZWJ emoji, CJK, symbols; U+202E in a title."""
    cases: list[Case] = []
    for name, (text, pdf) in UNICODE.items():
        cases += _each(
            "scripts",
            name,
            "V",
            lambda r, t=text: article(r, f"Title {t}", [f"Body {t} end."], (f"Point {t}.",)),
            literal=(f"Body {text} end.",),
            pdf=pdf,
            warning=WARNINGS.get(name, ""),
        )
    # An unbalanced right-to-left override must not spill into the text around it.
    cases += _each(
        "scripts",
        "rlo-title",
        "V",
        lambda r: article(r, "Invoice \u202efdp.exe", ["Body after the title."]),
        literal=("Invoice \u202efdp.exe", "Body after the title."),
        warning=INVISIBLE.format(r"U\+202E RIGHT-TO-LEFT OVERRIDE"),
    )
    return cases


def front_matter() -> list[Case]:
    """Front matter of the wrong types, unsafe tags, unterminated blocks, alias bombs; JSON equivalents."""
    cases: list[Case] = []
    bad = {
        "title-yes": ("title: yes", "`title` must be text, got a yes/no value"),
        "date-not-a-date": ("date: not-a-date", "`date` must be a date"),
        "title-list": ("title: [a, b]", "`title` must be text, got a list"),
        "kicker-null": ("kicker: null", "`kicker` must be text, got nothing"),
        "tags-mapping": ("tags: {a: 1}", "`tags` must be text or a list of text, got a mapping"),
    }
    # Not front matter at all (pandoc's rule, issue 12): read as Markdown or text with one warning; the YAML
    # is never run (no unsafe tag constructed, no alias expanded) and its lines stay text.
    markdown = {
        "python-object": ("x: !!python/object/apply:os.system ['touch pwned']", "constructor"),
        "unterminated": ("title: T", ""),  # no closing line: a rule (or a line) and text, no warning
    }
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
    )
    markdown["alias-bomb"] = (bomb + "tags: *i", "aliases")
    for name, (front, message) in (bad | markdown).items():
        closing = "" if name == "unterminated" else "---\n"
        for r in ("txt", "md"):
            body = "Title line\n\nBody.\n" if r == "txt" else "# Title\n\nBody.\n"
            data = f"---\n{front}\n{closing}{body}".encode()
            if name in markdown:
                literal = ("Body.", front) if name == "unterminated" else ("Body.",)
                cases.append(Case("front-matter", name, r, data, "V", warning=message, literal=literal))
            else:
                cases.append(Case("front-matter", name, r, data, "E", message=message))
    good = msgspec.to_builtins(_doc("T", ["Body."]))
    json_bad: dict[str, tuple[Any, str]] = {
        "title-yes": (True, r"Expected `str`, got `bool` - at `\$\.meta\.title`"),
        "title-list": (["a", "b"], r"Expected `str`, got `array` - at `\$\.meta\.title`"),
        "kicker-null": (None, r"Expected `str`, got `null` - at `\$\.meta\.kicker`"),
    }
    for name, (value, message) in json_bad.items():
        doc = json.loads(json.dumps(good))
        doc["meta"]["kicker" if "kicker" in name else "title"] = value
        cases.append(Case("front-matter", name, "json", json.dumps(doc).encode(), "E", message=message))
    doc = json.loads(json.dumps(good))
    doc["meta"]["date"] = "not-a-date"
    cases.append(Case("front-matter", "date-not-a-date", "json", json.dumps(doc).encode(), "E", message="date"))
    return cases


def json_specific() -> list[Case]:
    """Duplicate keys, NaN, huge integers, missing fields; unknown fields warn, or fail with --strict."""
    good = msgspec.to_builtins(_doc("T", ["Body."]))
    text = json.dumps(good)
    unknown = json.loads(text)
    unknown["meta"]["mood"] = "cheerful"
    missing = json.loads(text)
    del missing["meta"]["title"]
    schema = f'"schema": {SCHEMA_VERSION}'
    assert schema in text

    def case(name: str, payload: str, expect: str = "E", **kw: Any) -> Case:
        return Case("json", name, "json", payload.encode(), expect, **kw)

    return [
        case("duplicate-key", text.replace('"title": "T"', '"title": "T", "title": "U"'), message="key 'title' twice"),
        case("nan", text.replace(schema, '"schema": NaN'), message="NaN"),
        case("5000-digits", text.replace(schema, '"schema": ' + "9" * 5000), message="5000 digits"),
        case("missing-title", json.dumps(missing), message=r"missing required field `title` - at `\$\.meta`"),
        case("unknown-field", json.dumps(unknown), "V", warning=r"\$\.meta\.mood"),
        case("unknown-field", json.dumps(unknown), group="strict", message=r"unknown field `\$\.meta\.mood`"),
    ]


def all_cases() -> list[Case]:
    from .docx_cases import docx_packages  # the DOCX and HTML rows build on this module
    from .html_cases import html_pages

    """Every case of the table (the file-system rows live in test_filesystem.py)."""
    cases = [
        *bytes_and_encodings(),
        *illegal_characters(),
        *sizes(),
        *nesting(),
        *markup(),
        *scripts(),
        *front_matter(),
        *json_specific(),
        *docx_packages(),
        *html_pages(),
    ]
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return cases

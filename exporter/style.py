"""House styles: one TOML file drives all outputs; validated, with inheritance."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import msgspec

from .errors import StyleError
from .fontfiles import FACES, custom_family, names_file
from .images import Picture
from .logofile import read_logo
from .present.labels import label_problem
from .present.language import is_language_tag
from .present.numbering import DEFAULT_ORDERED, NUMBER_FORMATS
from .typefaces import TYPEFACES, CustomFamily, is_family, register_custom, typeface

PAGE_SIZES: dict[str, tuple[float, float]] = {
    "letter": (612.0, 792.0),
    "a4": (595.2756, 841.8898),
    "legal": (612.0, 1008.0),
    "a5": (419.5276, 595.2756),
}
"""Named page sizes in points (width, height)."""

_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(pt|mm|cm|in)?\s*$")
_UNIT_PT = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, None: 1.0}
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class _Strict(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Base of style tables: unknown keys are errors."""


class Role(_Strict, frozen=True):
    """Typography of one role: a family (or alias serif/sans/mono/cjk), size in pt, weight, colour."""

    font: str
    size: float
    bold: bool = False
    italic: bool = False
    color: str = "#000000"


class Roles(_Strict, frozen=True):
    """Every named role renderers compile into their own styles."""

    title: Role
    kicker: Role
    heading: Role
    subheading: Role
    body: Role
    key_point: Role
    commentary: Role
    marking: Role
    footer: Role
    code: Role


class Margins(_Strict, frozen=True):
    """Page margins in points."""

    top: float
    bottom: float
    left: float
    right: float


class Page(_Strict, frozen=True):
    """Page size and margins, in points."""

    size: str
    width: float
    height: float
    margins: Margins


FONT_ALIASES = ("serif", "sans", "mono", "cjk", "cjk_serif")
"""The ``[fonts]`` aliases a role may name."""


class Fonts(_Strict, frozen=True):
    """Family names behind the aliases a role may use; or custom font files (``serif = "fonts/Acme.ttf"``).

    Once loaded, an alias that named a file holds its custom family's key (see ``Style.custom_fonts``); the
    ``_bold``, ``_italic`` and ``_bold_italic`` keys name that family's other faces, as the style wrote them.
    """

    serif: str = "Liberation Serif"
    sans: str = "Liberation Sans"
    mono: str = "Liberation Mono"
    cjk: str = "IPAexGothic"
    cjk_serif: str = "IPAexMincho"
    serif_bold: str = ""
    serif_italic: str = ""
    serif_bold_italic: str = ""
    sans_bold: str = ""
    sans_italic: str = ""
    sans_bold_italic: str = ""
    mono_bold: str = ""
    mono_italic: str = ""
    mono_bold_italic: str = ""
    cjk_bold: str = ""
    cjk_italic: str = ""
    cjk_bold_italic: str = ""
    cjk_serif_bold: str = ""
    cjk_serif_italic: str = ""
    cjk_serif_bold_italic: str = ""
    embed: bool = False
    """Whether the EPUB and the DOCX also carry subsets of the Latin families (Liberation), not only of the
    fonts a reader probably lacks (Japanese, Chinese, Korean, symbols, emoji, scripts that need shaping)."""


class Colors(_Strict, frozen=True):
    """Accent colours used for rules, boxes and panels."""

    accent: str = "#1F3864"
    rule: str = "#1F3864"
    key_points_background: str = "#EEF2F8"
    commentary_background: str = "#F3F3F3"
    commentary_border: str = "#7F7F7F"
    marking: str = "#B00020"


DEFAULT_LOGO_HEIGHT = 32.0
"""Points a logo stands tall in the memo's letterhead, the one-pager's band and the briefing's title page."""
LOGO_HEIGHTS = (8.0, 144.0)
"""The smallest and largest ``[brand] logo_height`` a style may set, in points."""


class Brand(_Strict, frozen=True):
    """The organisation that issues the documents, and its logo (a file relative to the style, held absolute)."""

    organisation: str = ""
    logo: str = ""
    logo_height: float = DEFAULT_LOGO_HEIGHT


class MemoDefaults(_Strict, frozen=True, rename={"from_": "from"}):
    """Memo fields used when a document carries none."""

    to: str = ""
    from_: str = ""
    cc: str = ""


class PdfOptions(_Strict, frozen=True):
    """One-pager settings: the fit loop's body-size bounds, the column count and the engine."""

    min_body_size: float = 7.5
    max_body_size: float = 10.5
    columns: int = 2
    engine: str = "reportlab"
    """What lays the page out: reportlab, or typst (tagged PDF/UA-1; needs the ``typst`` extra)."""


class EpubOptions(_Strict, frozen=True):
    """Briefing settings: extra CSS appended to the compiled stylesheet; the generated cover image, on or off."""

    css: str = ""
    cover: bool = True


class DocxOptions(_Strict, frozen=True):
    """Memo settings: an optional reference document (written relative to its style file, held absolute)."""

    reference: str = ""
    embed_fonts: bool = True
    """Whether the memo carries obfuscated subsets of the fonts a reader probably lacks (``word/fonts/*.odttf``)."""


class ListOptions(_Strict, frozen=True):
    """How ordered lists count, per nesting level (the formats repeat below the last level given)."""

    ordered: tuple[str, ...] = DEFAULT_ORDERED
    """Per level: decimal, lower-alpha, upper-alpha, lower-roman or upper-roman."""


class TextOptions(_Strict, frozen=True):
    """How text is written out: the locale of dates in documents of the locale's language; smart typography."""

    date_locale: str = ""
    smart: bool = False
    """Typographic quotes and dashes in the document language when Markdown and plain text are read (``--smart``)."""


class LabelTexts(_Strict, frozen=True, rename={"from_": "from"}):
    """Labels the style prints instead of the language's own (``[labels] memorandum = "BRIEFING NOTE"``)."""

    memorandum: str = ""
    to: str = ""
    from_: str = ""
    cc: str = ""
    date: str = ""
    subject: str = ""
    key_points: str = ""
    commentary: str = ""
    article: str = ""
    contents: str = ""
    title_page: str = ""
    source: str = ""
    by: str = ""
    page_x_of_y: str = ""
    truncated: str = ""
    continued: str = ""
    keywords: str = ""
    landmarks: str = ""
    topics: str = ""
    task_done: str = ""
    task_open: str = ""
    a11y_summary: str = ""
    a11y_summary_images: str = ""

    def overrides(self) -> dict[str, str]:
        """The labels set, by label name (``from``, not ``from_``)."""
        return {name.rstrip("_"): getattr(self, name) for name in self.__struct_fields__ if getattr(self, name)}


class Style(_Strict, frozen=True):
    """A validated, fully resolved house style."""

    name: str
    description: str
    page: Page
    roles: Roles
    fonts: Fonts = Fonts()
    colors: Colors = Colors()
    brand: Brand = Brand()
    marking: str = ""
    memo: MemoDefaults = MemoDefaults()
    pdf: PdfOptions = PdfOptions()
    epub: EpubOptions = EpubOptions()
    docx: DocxOptions = DocxOptions()
    text: TextOptions = TextOptions()
    lists: ListOptions = ListOptions()
    labels: LabelTexts = LabelTexts()
    path: str = ""
    custom_fonts: tuple[CustomFamily, ...] = ()
    """The font files the style names, read when it was loaded: their bytes travel with the style."""
    logo: Picture | None = None
    """The ``[brand] logo`` file, read and processed when the style was loaded: it travels with the style."""

    def __post_init__(self) -> None:
        # Wherever a style is built, unpickled in a worker process included, its custom families become
        # known by their keys to the code that looks families up by name (typefaces.typeface).
        for family in self.custom_fonts:
            register_custom(family)

    def family(self, font: str) -> str:
        """Resolve a role's font (an alias or a family name) to a family name (a custom family's key)."""
        return {
            "serif": self.fonts.serif,
            "sans": self.fonts.sans,
            "mono": self.fonts.mono,
            "cjk": self.fonts.cjk,
            "cjk_serif": self.fonts.cjk_serif,
        }.get(font, font)


# --- loading ----------------------------------------------------------------------------------

_TOP_KEYS = {
    "name", "description", "inherit", "page", "roles", "fonts", "colors", "brand",
    "marking", "memo", "pdf", "epub", "docx", "text", "lists", "labels",
}  # fmt: skip


def _length(value: Any, where: str, file: Path) -> float:
    if isinstance(value, bool):
        raise StyleError(f"{file}: `{where}` must be a length such as 18mm, 0.5in or 36pt")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        m = _LENGTH.match(value)
        if m:
            return float(m.group(1)) * _UNIT_PT[m.group(2)]
    raise StyleError(f"{file}: `{where}` must be a length such as 18mm, 0.5in or 36pt, not {value!r}")


def _page(raw: Any, file: Path) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise StyleError(f"{file}: `page` must be a table")
    for key in raw:
        if key not in {"size", "margins"}:
            raise StyleError(f"{file}: unknown key `page.{key}`")
    size = raw.get("size", "letter")
    if isinstance(size, str) and size.lower() in PAGE_SIZES:
        width, height = PAGE_SIZES[size.lower()]
        name = size.lower()
    elif isinstance(size, list) and len(size) == 2:
        width, height = (_length(v, "page.size", file) for v in size)
        name = "custom"
    else:
        known = ", ".join(PAGE_SIZES)
        raise StyleError(f"{file}: `page.size` must be one of {known} or [width, height]")
    margins = raw.get("margins", {})
    if not isinstance(margins, dict):
        raise StyleError(f"{file}: `page.margins` must be a table")
    for key in margins:
        if key not in {"top", "bottom", "left", "right"}:
            raise StyleError(f"{file}: unknown key `page.margins.{key}`")
    resolved = {
        side: _length(margins.get(side, "0.75in"), f"page.margins.{side}", file)
        for side in ("top", "bottom", "left", "right")
    }
    if resolved["left"] + resolved["right"] >= width * 0.8 or resolved["top"] + resolved["bottom"] >= height * 0.8:
        raise StyleError(f"{file}: `page.margins` leave too little room on the page")
    return {"size": name, "width": width, "height": height, "margins": resolved}


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_toml(file: Path) -> dict[str, Any]:
    try:
        with file.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise StyleError(f"style file not found: {file}") from None
    except tomllib.TOMLDecodeError as exc:
        raise StyleError(f"{file}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise StyleError(f"{file}: cannot read: {exc.strerror}") from None
    for key in data:
        if key not in _TOP_KEYS:
            raise StyleError(f"{file}: unknown key `{key}`")
    return data


def _resolve_raw(file: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    if file in seen:
        chain = " -> ".join(str(p) for p in (*seen, file))
        raise StyleError(f"style inheritance loop: {chain}")
    data = _read_toml(file)
    _anchor_reference(data, file)
    _anchor_logo(data, file)
    _anchor_font_files(data, file)
    parent_name = data.pop("inherit", None)
    if parent_name is None:
        return data
    if not isinstance(parent_name, str):
        raise StyleError(f"{file}: `inherit` must be a style name")
    parent_file = find_style_file(parent_name, relative_to=file.parent)
    parent = _resolve_raw(parent_file, (*seen, file))
    parent.pop("name", None)
    parent.pop("description", None)
    fonts, inherited = data.get("fonts"), parent.get("fonts")
    if isinstance(fonts, dict) and isinstance(inherited, dict):
        # An alias set here replaces the parent's family whole: its other faces are not inherited.
        for alias in FONT_ALIASES:
            if alias in fonts:
                for suffix in FACES:
                    if suffix:
                        inherited.pop(f"{alias}{suffix}", None)
    return _merge(parent, data)


def _anchor_reference(data: dict[str, Any], file: Path) -> None:
    """Make ``[docx] reference`` absolute against the file that names it (an inheriting style may be elsewhere)."""
    docx = data.get("docx")
    if not isinstance(docx, dict):
        return
    value = docx.get("reference")
    if isinstance(value, str) and value.strip():
        docx["reference"] = str((file.parent / value.strip()).resolve())


def _anchor_logo(data: dict[str, Any], file: Path) -> None:
    # A logo is relative to the style file that names it, also when a style inherits it.
    brand = data.get("brand")
    if isinstance(brand, dict) and isinstance(brand.get("logo"), str) and brand["logo"].strip():
        brand["logo"] = str((file.parent / Path(brand["logo"].strip()).expanduser()).resolve())


def _logo(style: Style, file: Path) -> Style:
    """The style with its logo read, when it names one (after its height is checked: the cheap check first)."""
    low, high = LOGO_HEIGHTS
    if not low <= style.brand.logo_height <= high:
        raise StyleError(f"{file}: `brand.logo_height` must be between {low:g} and {high:g} pt")
    if not style.brand.logo:
        return style
    return msgspec.structs.replace(style, logo=read_logo(Path(style.brand.logo), file))


def _check_reference(reference: str, file: Path) -> None:
    path = Path(reference)
    if path.suffix.lower() not in (".docx", ".dotx"):
        raise StyleError(f"{file}: `docx.reference` must name a .docx or .dotx file, not {path.name!r}")
    if not path.is_file():
        raise StyleError(f"{file}: `docx.reference` names {path}, which is not a file")


def _anchor_font_files(data: dict[str, Any], file: Path) -> None:
    # A font file is relative to the style file that names it, also when a style inherits it.
    fonts = data.get("fonts")
    if not isinstance(fonts, dict):
        return
    for key, value in fonts.items():
        if isinstance(value, str) and value and names_file(value):
            fonts[key] = str((file.parent / Path(value).expanduser()).resolve())


def _custom_fonts(style: Style, file: Path) -> Style:
    """The style with every alias that names font files resolved to a custom family, the files read."""
    fonts = style.fonts
    families: list[CustomFamily] = []
    keys: dict[str, str] = {}
    for alias in FONT_ALIASES:
        values = {face: getattr(fonts, f"{alias}{suffix}") for suffix, face in FACES.items()}
        if not names_file(values["regular"]):
            extra = next((f"{alias}{s}" for s, face in FACES.items() if face != "regular" and values[face]), None)
            if extra:
                raise StyleError(f"{file}: `fonts.{extra}` needs `fonts.{alias}` to name a font file too")
            continue
        family = custom_family(alias, {face: Path(v) for face, v in values.items() if v}, file)
        families.append(family)
        keys[alias] = register_custom(family)
    if not families:
        return style
    names: dict[str, str] = {}
    for alias in FONT_ALIASES:
        key = keys.get(alias, getattr(fonts, alias))
        name = typeface(key).display if is_family(key) else key
        if names.setdefault(name, key) != key:
            raise StyleError(f"{file}: two different fonts of the style are both named {name!r} (`fonts.{alias}`)")
    return msgspec.structs.replace(
        style, fonts=msgspec.structs.replace(fonts, **keys), custom_fonts=tuple(dict.fromkeys(families))
    )


def _check(style: Style, file: Path) -> None:
    for role_name in Roles.__struct_fields__:
        role: Role = getattr(style.roles, role_name)
        family = style.family(role.font)
        if not is_family(family):
            known = ", ".join(sorted(TYPEFACES))
            raise StyleError(
                f"{file}: `roles.{role_name}.font` is {role.font!r}; use serif, sans, mono, cjk or one of: {known}"
            )
        if not (3 <= role.size <= 96):
            raise StyleError(f"{file}: `roles.{role_name}.size` must be between 3 and 96 pt")
        if not _COLOR.match(role.color):
            raise StyleError(f"{file}: `roles.{role_name}.color` must look like #1F3864")
    for field in FONT_ALIASES:
        family = getattr(style.fonts, field)
        if not is_family(family):
            raise StyleError(
                f"{file}: `fonts.{field}` is {family!r}, neither a shipped family nor a font file (.ttf, .otf)"
            )
    for field in Colors.__struct_fields__:
        if not _COLOR.match(getattr(style.colors, field)):
            raise StyleError(f"{file}: `colors.{field}` must look like #1F3864")
    pdf = style.pdf
    if not (4 <= pdf.min_body_size <= pdf.max_body_size <= 24):
        raise StyleError(f"{file}: `pdf` needs 4 <= min_body_size <= max_body_size <= 24")
    if pdf.columns not in (1, 2, 3):
        raise StyleError(f"{file}: `pdf.columns` must be 1, 2 or 3")
    if pdf.engine not in ("reportlab", "typst"):
        raise StyleError(f"{file}: `pdf.engine` must be reportlab or typst, not {pdf.engine!r}")
    locale = style.text.date_locale
    if locale and not is_language_tag(locale):
        raise StyleError(f"{file}: `text.date_locale` must be a language tag like en-GB, not {locale!r}")
    _check_lists(style.lists, file)
    if style.docx.reference:
        _check_reference(style.docx.reference, file)
    for key, value in style.labels.overrides().items():
        problem = label_problem(key, value)
        if problem:
            raise StyleError(f"{file}: {problem}")


MAX_LIST_LEVELS = 9
"""Word numbers nine levels; a style may name a format for each."""


def _check_lists(lists: ListOptions, file: Path) -> None:
    ordered = lists.ordered
    if not 1 <= len(ordered) <= MAX_LIST_LEVELS:
        raise StyleError(f"{file}: `lists.ordered` must name 1 to {MAX_LIST_LEVELS} formats, one per level")
    for level, name in enumerate(ordered):
        if name not in NUMBER_FORMATS:
            known = ", ".join(NUMBER_FORMATS)
            raise StyleError(f"{file}: `lists.ordered[{level}]` is {name!r}; use one of: {known}")


def load_style_file(file: Path) -> Style:
    """Load, merge (``inherit``) and validate one style file."""
    file = file.resolve()
    raw = _resolve_raw(file, ())
    raw.setdefault("name", file.stem)
    raw.setdefault("description", "")
    if "page" not in raw:
        raise StyleError(f"{file}: missing table `page`")
    raw["page"] = _page(raw["page"], file)
    raw["path"] = str(file)
    try:
        style = msgspec.convert(raw, Style, strict=True)
    except msgspec.ValidationError as exc:
        raise StyleError(f"{file}: {_explain(exc)}") from None
    style = _custom_fonts(style, file)
    _check(style, file)
    return _logo(style, file)


def _explain(exc: msgspec.ValidationError) -> str:
    text = str(exc)
    m = re.match(r"Object contains unknown field `([^`]*)`(?: - at `\$\.?([^`]*)`)?", text)
    if m:
        where = f"{m.group(2)}.{m.group(1)}" if m.group(2) else m.group(1)
        return f"unknown key `{where}`"
    m = re.match(r"Object missing required field `([^`]*)`(?: - at `\$\.?([^`]*)`)?", text)
    if m:
        where = f"{m.group(2)}.{m.group(1)}" if m.group(2) else m.group(1)
        return f"missing key `{where}`"
    return text.replace("`$.", "`")


def _packaged_dirs() -> Iterator[Path]:
    packaged = resources.files("exporter") / "_styles"
    if packaged.is_dir():
        yield Path(str(packaged))
    # An editable install or a source checkout keeps styles/ beside the package.
    checkout = Path(__file__).resolve().parent.parent / "styles"
    if checkout.is_dir():
        yield checkout


def style_dirs(cwd: Path | None = None) -> list[Path]:
    """Folders searched for style names, in order: ./styles, then the packaged styles."""
    local = (cwd or Path.cwd()) / "styles"
    dirs = [local] if local.is_dir() else []
    for d in _packaged_dirs():
        if all(d.resolve() != x.resolve() for x in dirs):
            dirs.append(d)
    return dirs


def find_style_file(name: str, *, relative_to: Path | None = None, cwd: Path | None = None) -> Path:
    """Find a style by path or by name; raises ``StyleError`` when there is none."""
    candidate = Path(name)
    if name.endswith(".toml") or "/" in name or "\\" in name:
        for base in ([relative_to] if relative_to else []) + [cwd or Path.cwd()]:
            path = candidate if candidate.is_absolute() else base / candidate
            if path.is_file():
                return path
        raise StyleError(f"style file not found: {name}")
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise StyleError(f"not a style name: {name!r}")
    dirs = ([relative_to] if relative_to else []) + style_dirs(cwd)
    for d in dirs:
        path = d / f"{name}.toml"
        if path.is_file():
            return path
    known = ", ".join(sorted(available_styles(cwd))) or "none"
    raise StyleError(f"unknown style {name!r} (available: {known})")


def available_styles(cwd: Path | None = None) -> dict[str, Path]:
    """Every style name that ``-s NAME`` finds, with its file (earlier folders win)."""
    found: dict[str, Path] = {}
    for d in style_dirs(cwd):
        for path in sorted(d.glob("*.toml")):
            found.setdefault(path.stem, path)
    return found


def load_style(name_or_path: str = "default", *, cwd: Path | None = None) -> Style:
    """Load a style by name (``./styles`` first, then packaged) or by file path."""
    return load_style_file(find_style_file(name_or_path, cwd=cwd))

"""SVG made safe and rasterised to PNG with resvg (Rust, no system libraries): nothing in it is fetched or run.

resvg itself reads any file an ``<image>`` names, absolute or relative (tried: it embeds ``/tmp/x.png``
and ``../x.png``), so every SVG is checked and cleaned with lxml before resvg sees it:

* An XML entity declaration refuses the SVG (entity expansion, "billion laughs"); so does a DOCTYPE
  internal subset holding one. The DOCTYPE is not passed on.
* Inert active content is removed, since a raster can never run it: ``<script>``, ``<foreignObject>``,
  animation elements, ``on…`` event handlers, link targets of ``<a>``, ``xml:base``, comments, processing
  instructions, and elements and attributes of other namespaces (editor data, RDF metadata).
* A reference to anything outside the file refuses the SVG with the reference named: an ``href`` (``<image>``,
  ``<use>``, ``<feImage>`` …) may only be a ``#fragment`` or a ``data:`` PNG, JPEG, GIF or WebP that passes
  the pixel limit; a ``url()`` may only be a ``#fragment``; ``@import`` and ``@font-face`` are refused.
* Size: the declared width × height (CSS pixels; units converted; the viewBox when missing) must be within
  the pixel limit, and references may not loop or fan out past ``max_svg_nodes`` elements when every
  ``<use>`` and ``url(#…)`` is counted as a copy of its target. The raster is ``svg_scale`` times the
  declared size, shrunk to stay within the pixel limit and ``max_svg_side``.
* Text is set with the bundled Liberation families and DejaVu Sans only (system fonts are never loaded), so
  the raster is the same on every machine for a given resvg-py.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote

from .limits import Limits, amount, check_pixels
from .picture import Picture
from .refusal import ImageRefused, shown
from .sniff import GIF, JPEG, PNG, SVG, WEBP, header_size, sniff

if TYPE_CHECKING:
    from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_XML_KEPT = frozenset({f"{{{_XML_NS}}}space", f"{{{_XML_NS}}}lang"})
_REMOVED = frozenset(
    {"script", "foreignObject", "animate", "animateMotion", "animateTransform", "animateColor", "set", "discard"}
    | {"handler", "listener", "metadata"}
)
_URL = re.compile(r"url\(\s*(?:\"([^\"]*)\"|'([^']*)'|([^)'\"]*?))\s*\)", re.IGNORECASE)
_URL_START = re.compile(r"url\(", re.IGNORECASE)
_STYLE_FILTER = re.compile(r"(?:^|;)\s*filter\s*:\s*([^;]*)", re.IGNORECASE)
_FILTER_FUNCTION = re.compile(r"[a-z-]+\(", re.IGNORECASE)
_MAX_SCALE_GUESS = 2.0  # a filter's radius grows with the raster scale, which is at most this by default
_AT_RULE = re.compile(r"@(import|font-face)\b", re.IGNORECASE)
_LENGTH = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|pt|pc|mm|cm|in|em|ex|%)?\s*")
_PX_PER_UNIT = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}
_PX_PER_UNIT |= {"em": 16.0, "ex": 8.0}
_DEFAULT_SIZE = 100.0  # what resvg takes for an SVG with neither size nor viewBox
_EMBEDDABLE = frozenset({PNG, JPEG, GIF, WEBP})
_SANS = ("LiberationSans-Regular", "LiberationSans-Bold", "LiberationSans-Italic", "LiberationSans-BoldItalic")
_SERIF = ("LiberationSerif-Regular", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic")
_FONT_FILES = (*_SANS, *_SERIF, "LiberationMono-Regular", "LiberationMono-Bold", "DejaVuSans-Fallback")


def process_svg(data: bytes, limits: Limits) -> Picture:
    """An SVG checked, cleaned and rasterised to PNG; refuse one that is hostile, too large or broken."""
    root = sanitise(data, limits)
    width, height = intrinsic_size(root)
    check_pixels(math.ceil(width), math.ceil(height), limits, "the SVG declares ")
    steps = _check_fan_out(root, limits)
    scale = min(
        limits.svg_scale, math.sqrt(limits.max_pixels / (width * height)), limits.max_svg_side / max(width, height)
    )
    megapixels = width * height / 1e6
    if steps * megapixels * scale**2 > limits.max_svg_filter_work:
        # Filters cost a pass over their region each (0.3 to 0.6 s per megapixel here): a smaller raster, or none.
        scale = math.sqrt(limits.max_svg_filter_work / (steps * megapixels))
        if scale < 1:
            raise ImageRefused(
                f"the SVG's filters ({steps:,.0f} passes) would take too long to render at its size"
                f" ({width:,.0f} × {height:,.0f})"
            )
    png = _rasterise(root, max(1, math.floor(width * scale)), max(1, math.floor(height * scale)))
    size = header_size(png, PNG)
    if size is None:
        raise ImageRefused("the SVG could not be rendered (no raster came out)")
    check_pixels(*size, limits, "the SVG's raster has ")
    return Picture.of(png, PNG, size[0], size[1], scale=size[0] / width)


def sanitise(data: bytes, limits: Limits) -> etree._Element:
    """The SVG's root element with inert active content removed; refuse entities and outside references."""
    if b"<!ENTITY" in data or "<!ENTITY".encode("utf-16-le") in data or "<!ENTITY".encode("utf-16-be") in data:
        raise ImageRefused("the SVG declares XML entities (refused: entity expansion can blow up)")
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise ImageRefused(f"the SVG is not well-formed XML ({str(exc).splitlines()[0][:200]})") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ImageRefused("the SVG declares XML entities (refused: entity expansion can blow up)")
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ImageRefused("the root element is not an SVG <svg> element in the SVG namespace")
    pending = [root]
    while pending:  # depth first; a removed element's subtree is not looked into
        element = pending.pop()
        if not isinstance(element.tag, str):  # an entity reference left unexpanded
            raise ImageRefused("the SVG uses XML entities (refused: entity expansion can blow up)")
        namespace, _, local = element.tag[1:].partition("}") if element.tag.startswith("{") else ("", "", element.tag)
        if element is not root and (namespace != SVG_NS or local in _REMOVED):
            _remove(element)
            continue
        _clean_attributes(element, local, limits)
        if local == "style" and element.text:
            _check_css(element.text, sheet=True)
        pending.extend(reversed(element))
    return root


def _remove(element: etree._Element) -> None:
    """Remove an element and its subtree, keeping the text that follows it (lxml would drop that tail)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        before = element.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _clean_attributes(element: etree._Element, local: str, limits: Limits) -> None:
    for name in list(element.attrib):
        namespace, _, attr = name[1:].partition("}") if name.startswith("{") else ("", "", name)
        value = element.attrib[name]
        if (namespace not in ("", XLINK_NS) and name not in _XML_KEPT) or attr.lower().startswith("on"):
            del element.attrib[name]  # xml:base, editor namespaces, event handlers
        elif attr == "href":
            if local == "a" or not value.strip():
                del element.attrib[name]  # a link target is never followed when rasterising
            else:
                _check_href(value.strip(), limits)
        elif attr == "style":
            _check_css(value)
        elif "url(" in value.lower():
            _check_urls(value)


def _check_href(value: str, limits: Limits) -> None:
    if value.startswith("#"):
        return
    if value[:5].lower() == "data:":
        _check_embedded(value, limits)
        return
    raise ImageRefused(
        f"the SVG refers to an outside resource ({shown(value)}); only #fragments and embedded data: images are allowed"
    )


def _check_embedded(uri: str, limits: Limits) -> None:
    """Refuse a data: image in an SVG unless it is a PNG, JPEG, GIF or WebP within the pixel limit."""
    header, _, payload = uri.partition(",")
    try:
        if header.lower().endswith(";base64"):
            raw = base64.b64decode(re.sub(r"\s+", "", unquote(payload)), validate=True)
        else:
            raw = unquote(payload).encode("utf-8", "surrogateescape")
    except (binascii.Error, ValueError, UnicodeError):
        raise ImageRefused("the SVG embeds a data: image that is not valid base64") from None
    kind = sniff(raw)
    if kind not in _EMBEDDABLE:
        what = "an SVG" if kind == SVG else "data that is not a PNG, JPEG, GIF or WebP image"
        raise ImageRefused(f"the SVG embeds {what} in a data: URI (refused)")
    size = header_size(raw, kind)
    if size is None:
        raise ImageRefused("the SVG embeds a corrupt image (its header has no size)")
    check_pixels(*size, limits, "the SVG embeds an image of ")


def _check_css(text: str, *, sheet: bool = False) -> None:
    if "\\" in text:
        raise ImageRefused("the SVG's CSS has escapes (refused: they can hide a url())")
    if sheet and re.search(r"\bfilter\s*:", text, re.IGNORECASE):
        raise ImageRefused("the SVG's style sheet sets filters (refused: only a filter on an element is counted)")
    rule = _AT_RULE.search(text)
    if rule:
        raise ImageRefused(f"the SVG's CSS has @{rule.group(1).lower()} (refused: it would load an outside file)")
    _check_urls(text)


def _check_urls(text: str) -> None:
    """Refuse every ``url()`` in ``text`` that is not a ``#fragment`` (and any that does not parse)."""
    found = 0
    for match in _URL.finditer(text):
        found += 1
        target = next(g for g in match.groups() if g is not None).strip()
        if not target.startswith("#"):
            raise ImageRefused(
                f"the SVG refers to an outside resource (url({shown(target)})); only url(#fragment) is allowed"
            )
    if len(_URL_START.findall(text)) != found:
        raise ImageRefused("the SVG has a url() that does not parse (refused)")


def intrinsic_size(root: etree._Element) -> tuple[float, float]:
    """The SVG's declared (width, height) in CSS pixels, as resvg sizes it; refuse one with no usable size."""
    box = _view_box(root.get("viewBox"))
    width = _length(root.get("width"))
    height = _length(root.get("height"))
    if width is None and height is None:
        width, height = box or (_DEFAULT_SIZE, _DEFAULT_SIZE)
    elif width is None:
        assert height is not None
        width = height * box[0] / box[1] if box else _DEFAULT_SIZE
    elif height is None:
        height = width * box[1] / box[0] if box else _DEFAULT_SIZE
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        raise ImageRefused("the SVG has no usable width and height")
    return width, height


def _length(value: str | None) -> float | None:
    """A length in CSS pixels; None when missing or a percentage (the viewBox decides then)."""
    if value is None:
        return None
    match = _LENGTH.fullmatch(value)
    if match is None:
        raise ImageRefused(f"the SVG's width or height {shown(value)} is not a length")
    unit = match.group(2) or ""
    if unit == "%":
        return None
    return float(match.group(1)) * _PX_PER_UNIT[unit]


def _view_box(value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    parts = re.split(r"[\s,]+", value.strip())
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return None
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers) or numbers[2] <= 0 or numbers[3] <= 0:
        return None
    return numbers[2], numbers[3]


def _references(element: etree._Element) -> list[str]:
    """The ids an element refers to: its ``href="#id"`` and every ``url(#id)`` in its attributes."""
    found: list[str] = []
    for name, value in element.attrib.items():
        if name.endswith("href") and value.strip().startswith("#"):
            found.append(value.strip()[1:])
        elif "url(" in value.lower():
            found.extend(target[1:] for target in _url_targets(value) if target.startswith("#"))
    return found


def _url_targets(text: str) -> list[str]:
    return [next(g for g in match.groups() if g is not None).strip() for match in _URL.finditer(text)]


def _filter_value(element: etree._Element) -> str | None:
    """The element's ``filter``, from its attribute or its ``style`` attribute."""
    value = element.get("filter")
    match = _STYLE_FILTER.search(element.get("style") or "")
    return match.group(1) if match else value


def _primitive_steps(primitive: etree._Element) -> float:
    """How many full passes over the raster a filter primitive costs, roughly (measured with resvg 0.48)."""
    local = _local(primitive.tag)
    try:
        if local == "feMorphology":
            radius = max(
                (float(v) for v in re.split(r"[\s,]+", (primitive.get("radius") or "0").strip()) if v), default=0
            )
            return max(1.0, (2 * radius * _MAX_SCALE_GUESS + 1) ** 2 / 100)
        if local == "feConvolveMatrix":
            order = _numbers(primitive.get("order") or "3")
            return max(1.0, order[0] * order[-1] / 25)
        if local == "feTurbulence":
            return 1 + max(0.0, float(primitive.get("numOctaves") or "1")) / 4
    except (ValueError, IndexError):
        return 1.0
    return 1.0


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.split(r"[\s,]+", text.strip()) if v]


def _local(tag: object) -> str:
    """The local name of an element tag (``rect`` for ``{…svg}rect``)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _check_fan_out(root: etree._Element, limits: Limits) -> float:
    """Refuse reference loops and ``<use>`` fan-out ("billion laughs" made of elements); return the filter steps.

    Every element counts once, plus a copy of each element it refers to (``<use>``, ``url(#…)``), so a
    ``<use>`` of a group of ten ``<use>`` … is counted as the tree it would expand to. Filter steps are
    counted the same way: each application of a filter adds the cost of its primitives.
    """
    ids = {element.get("id"): element for element in root.iter() if element.get("id")}
    memo: dict[etree._Element, tuple[int, float]] = {}
    visiting: set[etree._Element] = set()
    limit = limits.max_svg_nodes

    def filter_steps(element: etree._Element) -> float:
        value = _filter_value(element)
        if not value or value.strip() == "none":
            return 0.0
        steps = 0.0
        for target in _url_targets(value):
            applied = ids.get(target[1:]) if target.startswith("#") else None
            if applied is not None and _local(applied.tag) == "filter":
                steps += sum(_primitive_steps(p) for p in applied if _local(p.tag).startswith("fe"))
        # CSS filter functions (blur(), drop-shadow() …) are one step each.
        return steps + len(_FILTER_FUNCTION.findall(_URL.sub("", value)))

    def cost(element: etree._Element) -> tuple[int, float]:
        if element in memo:
            return memo[element]
        if element in visiting:
            raise ImageRefused("the SVG's references form a loop (an element refers to itself or an ancestor)")
        visiting.add(element)
        nodes, steps = 1, filter_steps(element)
        for inner in [*element, *(t for ref in _references(element) if (t := ids.get(ref)) is not None)]:
            more, more_steps = cost(inner)
            nodes += more
            steps += more_steps
            if nodes > limit:
                raise ImageRefused(f"the SVG expands to over {limit:,} elements once its references are followed")
        visiting.discard(element)
        memo[element] = nodes, steps
        return nodes, steps

    try:
        return cost(root)[1]
    except RecursionError:
        raise ImageRefused("the SVG's references nest too deeply") from None


def _font_files() -> list[str]:
    from ..typefaces import FONT_DIR

    return [str(FONT_DIR / f"{name}.ttf") for name in _FONT_FILES]


RASTER_TIMEOUT = 30.0
"""Seconds the rasteriser may run before it is stopped and the SVG refused."""
RASTER_MEMORY = 3 * 1024**3
"""Bytes of address space the rasteriser's process may take (``RLIMIT_AS``); past it the SVG is refused."""

# The child: cap its own address space first, then render what stdin holds and write the PNG to stdout.
_CHILD = """
import json, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
except (ImportError, ValueError, OSError):
    pass
import resvg_py
try:
    png = resvg_py.svg_to_bytes(**json.loads(sys.stdin.buffer.read()))
except MemoryError:
    sys.exit(4)
except Exception as exc:
    sys.stderr.write(str(exc).strip()[:200] or type(exc).__name__)
    sys.exit(3)
sys.stdout.buffer.write(bytes(png))
"""


def _rasterise(root: etree._Element, width: int, height: int) -> bytes:
    """Render the cleaned SVG to a PNG fitting width × height, with the bundled fonts only.

    resvg runs in a child process with a time and memory limit: a hostile SVG that slipped past the
    checks above costs at most ``RASTER_TIMEOUT`` seconds and ``RASTER_MEMORY`` bytes, never the export.
    """
    import json
    import subprocess
    import sys

    from lxml import etree

    text = etree.tostring(root, encoding="unicode")
    has_text = any(el.tag in (f"{{{SVG_NS}}}text", f"{{{SVG_NS}}}textPath") for el in root.iter())
    params = {
        "svg_string": text,
        "width": width,
        "height": height,
        "skip_system_fonts": True,
        "font_files": _font_files() if has_text else None,
        "font_family": "Liberation Sans",
        "sans_serif_family": "Liberation Sans",
        "serif_family": "Liberation Serif",
        "monospace_family": "Liberation Mono",
        "cursive_family": "Liberation Serif",
        "fantasy_family": "Liberation Sans",
        "languages": ["en"],
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(RASTER_MEMORY)],
            input=json.dumps(params).encode("utf-8"),
            capture_output=True,
            timeout=RASTER_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ImageRefused(f"the SVG took longer than {RASTER_TIMEOUT:g} s to render (stopped)") from None
    except OSError as exc:
        raise ImageRefused(f"the SVG rasteriser could not be started ({exc.strerror or exc})") from None
    if done.returncode == 3:
        detail = done.stderr.decode("utf-8", "replace").strip()[:200]
        raise ImageRefused(f"the SVG could not be rendered ({detail or 'resvg failed'})")
    if done.returncode != 0 or not done.stdout:
        # 4, or killed by a signal: the allocator failed under the address-space limit.
        raise ImageRefused(f"the SVG could not be rendered within {amount(RASTER_MEMORY)} of memory")
    return done.stdout

"""Shared fixtures: the sample sources, a Japanese article, rich and hostile documents, styles.

Hypothesis profiles, chosen with ``HYPOTHESIS_PROFILE``: ``dev`` (the local default: 25 examples per property),
``ci`` (the default under ``CI=true``: 200 examples, derandomized so CI is repeatable) and ``long`` (5,000
random examples, for a soak run: ``HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py``). None
keeps an example database, so a run writes nothing into the checkout.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from pathlib import Path

import helpers
import pytest
from helpers import HOSTILE_STRINGS, JAPANESE_TXT, RICH_MD, ROOT, SAMPLE_MD, SAMPLE_TXT, ImageTree
from hypothesis import HealthCheck, settings

from exporter import Document, Style, load_style, read_source
from exporter.model import (
    BulletList,
    Checkbox,
    Code,
    CodeBlock,
    Definition,
    DefinitionList,
    Emph,
    Link,
    Meta,
    Note,
    OrderedList,
    Paragraph,
    Part,
    Quote,
    Rule,
    Section,
    Source,
    Strike,
    Strong,
    SubHeading,
    Table,
    Text,
)

settings.register_profile(
    "dev", max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=200, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=5000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev"))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Remember the test being set up (before its fixtures, session-scoped ones included)."""
    helpers.CURRENT_TEST = item


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sources without a date get a fixed one, so outputs do not depend on the day."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1738972800")  # 2025-02-08


@pytest.fixture(scope="session")
def sample_txt_doc() -> Document:
    """The sample article read from its plain-text layout."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1738972800")
    return read_source(SAMPLE_TXT).document


@pytest.fixture(scope="session")
def sample_md_doc() -> Document:
    """The sample article read from Markdown with front matter."""
    return read_source(SAMPLE_MD).document


@pytest.fixture(scope="session")
def japanese_doc() -> Document:
    """A Japanese article in the plain-text layout."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1738972800")
    return read_source(JAPANESE_TXT).document


@pytest.fixture(scope="session")
def rich_doc() -> Document:
    """A table- and list-heavy Markdown document using every node type."""
    return read_source(RICH_MD).document


def _p(*inlines: object) -> Paragraph:
    return Paragraph(inlines=tuple(Text(text=i) if isinstance(i, str) else i for i in inlines))  # type: ignore[misc]


@pytest.fixture(scope="session")
def hostile_doc() -> Document:
    """Markup-like text everywhere a string can go; renderers must show it literally."""
    joined = " ".join(HOSTILE_STRINGS)
    return Document(
        meta=Meta(
            title=f"Title {joined}",
            date=datetime.date(2025, 2, 8),
            kicker="<i>Kicker</i> & co",
            language="en",
            authors=("A & B <x@y>",),
            source=Source(name="Wire <b>&amp;</b>", url="https://example.org/?a=1&b=<2>"),
            tags=("<tag>", "R&D"),
            summary=f"Summary {joined}",
            marking="<INTERNAL & SECRET>",
            identifier="urn:test:hostile",
        ),
        key_points=(_p(f"Key point {joined}"),),
        sections=(
            Section(
                heading=f"Heading {joined}",
                blocks=(
                    _p(
                        joined,
                        Emph(children=(Text(text="<em>"),)),
                        Strong(children=(Text(text="&lt;"),)),
                        Code(text="<code>&"),
                    ),
                    _p(Link(url="javascript:alert(1)", children=(Text(text="js link <x>"),))),
                    _p(Link(url="https://example.org/<a>&b", children=(Text(text="web & link"),))),
                    BulletList(items=((_p("<li>item & one"),), (_p("]]> two"),))),
                    OrderedList(items=((_p("<ol> three"),),), start=3),
                    Quote(blocks=(_p("<blockquote> & quote"),)),
                    Table(
                        header=((Text(text="<th>"),), (Text(text="A&B"),)),
                        rows=(((Text(text="<td>"),), (Text(text="]]>"),)),),
                    ),
                    CodeBlock(text="<script>\n  x = 1 && 2;\n</script>", language="html"),
                    SubHeading(level=1, inlines=(Text(text="<h3> sub & heading"),)),
                ),
            ),
        ),
        commentary=Part(
            title="Commentary <b>", sections=(Section(heading="Our <view>", blocks=(_p(f"Commentary {joined}"),)),)
        ),
    )


@pytest.fixture(scope="session")
def nodes_doc() -> Document:
    """Every schema-2 construct: notes (in a key point, a table cell, a heading, a link, a note), strikethrough,
    task items, a rule, a definition list, heading ids (a repeat, one the EPUB uses itself, one too long for
    Word) with internal links across sections and into the commentary, column alignment, start 0 and ")" lists.
    """
    long_id = "a-very-long-heading-identifier-that-word-cannot-keep-whole"
    return Document.of(
        title="Schema 2 constructs",
        date=datetime.date(2025, 2, 8),
        language="en",
        key_points=[Paragraph.of("Key point with a note", Note.of("Note one, on a key point."))],
        sections=[
            Section.of(
                "Background",
                Paragraph.of("Plain, ", Strike.of("struck out"), ", a note", Note.of("Note two, in the text."), "."),
                Paragraph.of(
                    "Links: ",
                    Link.of("#next-steps", "to next steps"),
                    ", ",
                    Link.of("#view", "to our view"),
                    ", ",
                    Link.of(f"#{long_id}", "to the long one"),
                    ", ",
                    Link.of("#missing", "to nothing"),
                    ", ",
                    Link.of("#fn-1", "to a clashing id"),
                    ", ",
                    Link.of("https://example.org/", "out", Note.of("Note three, inside a link.")),
                    ".",
                ),
                BulletList.of(
                    Paragraph.of(Checkbox(checked=True), "Done task"),
                    Paragraph.of(Checkbox(checked=False), " Open task"),
                ),
                Rule(),
                DefinitionList(
                    items=(
                        Definition(term=(Text(text="API"),), definitions=((Paragraph.of("A contract."),),)),
                        Definition(
                            term=(Text(text="SDK"),),
                            definitions=((Paragraph.of("A kit."),), (Paragraph.of("Or a set:"), BulletList.of("a"))),
                        ),
                        Definition(term=(Text(text="Orphan term"),)),
                    )
                ),
                Table.of(
                    ["Left", "Centre", "Right", "Default"],
                    ["a", "b", ("1.5", Note.of("Note four, in a cell.")), "d"],
                    align=["left", "center", "right"],
                ),
                OrderedList.of("zero", "one", start=0),
                OrderedList.of("three", ("four", OrderedList.of("nested")), start=3, delimiter=")"),
                SubHeading.of(
                    "Heading with a note",
                    Note.of(Paragraph.of("Note five, in a heading, ", Link.of("https://example.org/five", "linked"))),
                    id="fn-1",
                ),
                id="background",
            ),
            Section.of(
                "Next steps",
                Paragraph.of(
                    "Back to ",
                    Link.of("#background", "the background"),
                    Note.of(Paragraph.of("Note six, ", Strong.of("bold"), Note.of("Note inside six.")), "More six."),
                ),
                SubHeading.of("Repeated id", id="background"),
                SubHeading.of("Long id", id=long_id),
                id="next-steps",
            ),
        ],
        commentary=Part.of(
            "Commentary",
            Section.of("Our view", Paragraph.of("See ", Link.of("#background", "the background"), "."), id="view"),
        ),
    )


@pytest.fixture(scope="session")
def default_style() -> Style:
    """The shipped default style (US Letter)."""
    return load_style(str(ROOT / "styles" / "default.toml"))


@pytest.fixture(scope="session")
def a4_style() -> Style:
    """The shipped A4 house style."""
    return load_style(str(ROOT / "styles" / "a4-ministry.toml"))


@pytest.fixture(params=["default", "a4-ministry"])
def any_style(request: pytest.FixtureRequest) -> Style:
    """Each shipped style in turn."""
    return load_style(str(ROOT / "styles" / f"{request.param}.toml"))


@pytest.fixture
def fake_plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Entry points for the renderers ``boom`` (raises) and ``echo`` and the reader of ``.boom`` files (raises)."""
    from importlib.metadata import EntryPoint

    import plugins as module

    from exporter import registry

    def fake_entry_points(group: str) -> list[EntryPoint]:
        if group == "exporter.renderers":
            return [
                EntryPoint("boom", "plugins:BoomRenderer", group),
                EntryPoint("echo", "plugins:EchoRenderer", group),
            ]
        if group == "exporter.readers":
            return [EntryPoint("boomsrc", "plugins:BoomReader", group)]
        return []

    caches = (registry.reader_targets, registry.renderer_targets, registry.get_reader, registry.get_renderer)
    for cache in caches:
        cache.cache_clear()
    monkeypatch.setattr(registry, "entry_points", fake_entry_points)
    module.BoomRenderer.seen.clear()
    module.EchoRenderer.seen.clear()
    yield
    for cache in caches:
        cache.cache_clear()


@pytest.fixture
def image_tree(tmp_path: Path) -> ImageTree:
    """A source folder with good and hostile images, a --resource-path folder, and secrets outside both."""
    outside = tmp_path / "outside"
    source = tmp_path / "doc"
    resources = tmp_path / "res"
    for folder in (outside, source / "sub", resources):
        folder.mkdir(parents=True)
    secret = helpers.chart_png()  # a valid image: only where it lies may refuse it
    (outside / "secret.png").write_bytes(secret)
    (outside / "hostname").write_text("outside-canary\n")
    files = {
        "chart.png": helpers.chart_png(),
        "photo.jpg": helpers.photo_jpeg(),
        "diagram.svg": helpers.DIAGRAM_SVG,
        "pic.webp": helpers.webp_image(lossless=True),
        "anim.gif": helpers.animated_gif(),
        "x.png": b"just some text, named like a PNG\n",
        "big.png": helpers.crafted_png(20_000, 20_000),
        "truncated.jpg": helpers.noisy_jpeg()[:600],
        "hostile.svg": helpers.HOSTILE_SVG,
        "sub/inner.png": helpers.chart_png(),
    }
    for name, data in files.items():
        (source / name).write_bytes(data)
    (resources / "extra.png").write_bytes(helpers.chart_png())
    (source / "link-out.png").symlink_to(outside / "secret.png")
    (source / "link-in.png").symlink_to("chart.png")
    (source / "link-res.png").symlink_to(resources / "extra.png")
    (source / "link-dir").symlink_to(outside, target_is_directory=True)
    os.mkfifo(source / "fifo.png")
    with open(source / "huge.png", "wb") as fh:  # sparse: 11 MiB on paper, nothing written
        fh.write(helpers.crafted_png(10, 10))
        fh.truncate(11 * 1024 * 1024)
    return ImageTree(source=source, resources=resources, outside=outside)

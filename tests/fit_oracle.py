"""The fit loop's test oracle (an exhaustive scan of the size grid) and a seeded generator of varied articles."""

from __future__ import annotations

import random
from dataclasses import dataclass

from exporter.model import Document
from exporter.pipeline import parse
from exporter.present.view import present
from exporter.renderers.pdf.figures import shrink_figures
from exporter.renderers.pdf.fit import FitLoop, Sheet
from exporter.renderers.pdf.layout import Context
from exporter.renderers.pdf.page import Decor, make_geometry
from exporter.renderers.pdf.render import _info
from exporter.style import Style

_VOCABULARY = (
    "the summit talks trade security alliance minister tariff agreement economy region defence cooperation "
    "statement officials treaty semiconductor supply chain investment energy climate partnership dialogue "
    "framework a of in on to and for with by is was will were has have been under after before between "
    "internationalisation responsibilities counter-intelligence state-of-the-art 2025 12.5% US$400bn"
)
WORDS = tuple(_VOCABULARY.split(" "))


@dataclass(frozen=True)
class Scan:
    """The oracle's answer for one document: the largest fitting grid size (None: none fits) and the grid step."""

    size: float | None
    step: float


def exhaustive_size(doc: Document, style: Style) -> Scan:
    """The largest body size on the 0.25 pt grid at which ``doc`` fits one page, trying every size from the top.

    The figure scale is chosen as the renderer chooses it; each size is laid out on its own (no prediction).
    """
    view = present(doc, style)
    ctx = Context(view)
    decor = Decor(ctx)
    info = _info(view)
    info["initialFontName"] = ctx.pairs["body"].primary.regular
    sheet = Sheet(ctx, decor, make_geometry(ctx, decor), info)
    pdf = style.pdf
    loop = shrink_figures(
        sheet, lambda: FitLoop(sheet, pdf.min_body_size, pdf.max_body_size), pictures=bool(view.figures.embedded)
    )
    scan = FitLoop(sheet, pdf.min_body_size, pdf.max_body_size)
    for i in range(loop.n, -1, -1):
        if scan.trial(i).fits:
            return Scan(scan.size(i), 0.25)
    return Scan(None, 0.25)


def generated_markdown(seed: int) -> str:
    """A Markdown article of seeded random length and shape: sections, paragraphs, lists, a table, code, notes."""
    rng = random.Random(seed)

    def sentence() -> str:
        words = [rng.choice(WORDS) for _ in range(rng.randint(5, 28))]
        if rng.random() < 0.15:
            i = rng.randrange(len(words))
            words[i] = f"**{words[i]}**" if rng.random() < 0.5 else f"*{words[i]}*"
        return " ".join(words).capitalize() + "."

    def paragraph() -> str:
        return " ".join(sentence() for _ in range(rng.randint(1, 6)))

    lines = ["---", f'title: "Generated briefing {seed}: {sentence()[:60]}"', "date: 2025-02-08", "---", ""]
    if rng.random() < 0.7:
        lines += ["## Key points", ""] + [f"- {sentence()}" for _ in range(rng.randint(1, 4))] + [""]
    budget = rng.choice((2, 5, 8, 10, 12, 14, 16, 18, 20, 24))
    for s in range(rng.randint(1, 4)):
        lines += [f"## Section {s + 1}: {sentence()[:40]}", ""]
        for _ in range(max(1, budget // 3 + rng.randint(-1, 2))):
            kind = rng.random()
            if kind < 0.08:
                lines += [f"- {sentence()}" for _ in range(rng.randint(2, 5))] + [""]
            elif kind < 0.12:
                lines += ["| Item | Value |", "|---|---:|"] + [
                    f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} |" for _ in range(3)
                ]
                lines += [""]
            elif kind < 0.14:
                lines += ["```", "def f(x):", "    return x * 2  # " + sentence()[:50], "```", ""]
            else:
                lines += [paragraph(), ""]
    if rng.random() < 0.5:
        lines += ["## Commentary", "", paragraph(), ""]
    return "\n".join(lines)


def generated_document(seed: int) -> Document:
    """The Markdown article of ``seed`` read into the model."""
    return parse(generated_markdown(seed), name=f"generated-{seed}.md").document

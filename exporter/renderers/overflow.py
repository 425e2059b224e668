"""What both PDF engines say when the one-pager does not fit: the overflow errors and the truncation warning."""

from __future__ import annotations

from ..errors import OverflowError_
from ..style import PdfOptions


def too_long(pages_needed: float, pdf: PdfOptions) -> OverflowError_:
    """The error for ``--overflow error``: how many pages the document needs at the smallest body size."""
    return OverflowError_(
        f"the one-pager needs about {pages_needed:.1f} pages at the minimum "
        f"{pdf.min_body_size:g} pt body size; use --overflow truncate or --overflow pages"
    )


def untruncatable(pdf: PdfOptions) -> OverflowError_:
    """The error for ``--overflow truncate`` when the page overflows even without the article's paragraphs."""
    return OverflowError_(
        f"even without the article text the one-pager does not fit at the minimum "
        f"{pdf.min_body_size:g} pt body size; use --overflow pages"
    )


def truncated(dropped: int) -> str:
    """The warning for paragraphs ``--overflow truncate`` left out."""
    return f"{dropped} article paragraph(s) left out to fit one page"

"""Fixed labels printed by renderers, keyed by document language."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_EN: Mapping[str, str] = MappingProxyType(
    {
        "memorandum": "MEMORANDUM",
        "to": "TO",
        "from": "FROM",
        "cc": "CC",
        "date": "DATE",
        "subject": "SUBJECT",
        "key_points": "Key points",
        "commentary": "Commentary",
        "article": "Article",
        "contents": "Contents",
        "title_page": "Title page",
        "source": "Source",
        "by": "By",
        "page_x_of_y": "Page {page} of {pages}",
        "truncated": (
            "{count} paragraph(s) of the article were left out to fit one page; "
            "the full text is in the memo and the briefing."
        ),
        "continued": "continued",
        "keywords": "Keywords",
        "landmarks": "Landmarks",
        "topics": "Topics",
        "date_long": "{day} {month_name} {year}",
        "a11y_summary": (
            "A text-only briefing with no images, audio or video. A title page, the key points, the article "
            "and the commentary each start with a heading; a table of contents and landmarks lead to every "
            "part, and the reading order follows the source."
        ),
    }
)

_JA: Mapping[str, str] = MappingProxyType(
    {
        "memorandum": "覚書",
        "to": "宛先",
        "from": "差出人",
        "cc": "写し",
        "date": "日付",
        "subject": "件名",
        "key_points": "要点",
        "commentary": "論評",
        "article": "記事",
        "contents": "目次",
        "title_page": "表紙",
        "source": "出典",
        "by": "筆者",
        "page_x_of_y": "{page} / {pages} ページ",
        "truncated": ("1ページに収めるため、本文の段落を{count}件省略しました。全文は覚書とブリーフィングにあります。"),
        "continued": "続き",
        "keywords": "キーワード",
        "landmarks": "ランドマーク",
        "topics": "トピック",
        "date_long": "{year}年{month}月{day}日",
        "a11y_summary": (
            "画像・音声・動画を含まないテキストのみのブリーフィングです。表紙、要点、記事、論評はそれぞれ見出しで始まり、"
            "目次とランドマークから各部分へ移動できます。読み上げ順序は原文の順序に従います。"
        ),
    }
)

LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType({"en": _EN, "ja": _JA})
"""Every label table, by primary language subtag."""


def labels_for(language: str) -> Mapping[str, str]:
    """Return the label table for a BCP 47 tag, falling back to English."""
    primary = language.split("-")[0].split("_")[0].lower()
    return LABELS.get(primary, _EN)

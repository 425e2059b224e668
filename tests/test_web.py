"""``exporter serve`` without a browser: the API, the form posts, the guard (limits, headers, log) and the pool."""

from __future__ import annotations

import asyncio
import io
import logging
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT, docx_text, pdf_text

pytest.importorskip("starlette")
from lxml import html as lxml_html
from starlette.testclient import TestClient

from exporter.style import find_style_file
from exporter.web.app import CSP, Config, create_app
from exporter.web.pool import Busy, Pool
from exporter.web.work import Job

SAMPLE = ROOT / "sources" / "japan-us-summit.txt"
LIMIT = 2 * 1024 * 1024


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """One app with one worker for the module (starting the fork server takes a moment)."""
    with TestClient(create_app(Config(workers=1, queue=2, timeout=60, max_input_bytes=LIMIT))) as test_client:
        yield test_client


def _export(client: TestClient, to: str, **fields: str) -> tuple[int, dict[str, str], bytes]:
    data = {"to": to, **fields}
    files = {"text": ("a.txt", SAMPLE.read_bytes(), "text/plain")} if "text" not in fields else None
    if files is None:
        response = client.post("/api/export", data=data, files={"_": ("", b"")})
    else:
        response = client.post("/api/export", data={**data, "name": "a.txt"}, files=files)
    return response.status_code, dict(response.headers), response.content


def test_health_and_security_headers(client: TestClient) -> None:
    """/healthz answers ok; every answer carries the CSP and nosniff."""
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")
    for path in ("/healthz", "/", "/static/app.css", "/nowhere"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CSP
        assert headers["x-content-type-options"] == "nosniff"
        assert "x-exporter-code" not in headers
    assert CSP == (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def test_every_control_has_a_label(client: TestClient) -> None:
    """Each input, select and textarea of the page is named by a <label for> (or is hidden)."""
    tree = lxml_html.fromstring(client.get("/").text)
    labels = {label.get("for") for label in tree.iter("label")}
    controls = [c for c in tree.iter("input", "select", "textarea") if c.get("type") != "hidden"]
    assert len(controls) >= 10
    assert [c.get("id") for c in controls if c.get("id") not in labels] == []
    assert tree.find(".//script").get("src") == "/static/app.js"  # no inline script: the CSP forbids it
    assert all(not e.get("style") for e in tree.iter())


def test_api_pdf_is_one_page(client: TestClient) -> None:
    """The README's curl: text from a file plus a name gives the one-page PDF as an attachment."""
    status, headers, body = _export(client, "pdf")
    assert status == 200
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"].startswith("attachment; filename=")
    import pypdf

    assert len(pypdf.PdfReader(io.BytesIO(body)).pages) == 1
    assert "Ishiba" in pdf_text(body)


def test_api_docx_epub_and_zip(client: TestClient) -> None:
    """DOCX reads back with its memo field, the EPUB is an EPUB, the zip holds all three."""
    status, headers, body = _export(client, "docx", memo_from="Cabinet Office desk")
    assert status == 200
    assert headers["content-type"].endswith("wordprocessingml.document")
    assert "Cabinet Office desk" in docx_text(body)
    status, headers, body = _export(client, "epub")
    assert (status, headers["content-type"]) == (200, "application/epub+zip")
    assert zipfile.ZipFile(io.BytesIO(body)).read("mimetype") == b"application/epub+zip"
    status, headers, body = _export(client, "zip")
    assert (status, headers["content-type"]) == (200, "application/zip")
    names = sorted(zipfile.ZipFile(io.BytesIO(body)).namelist())
    assert [Path(n).suffix for n in names] == [".docx", ".epub", ".pdf"]


def test_non_ascii_titles_get_an_rfc5987_name(client: TestClient) -> None:
    """A title in Japanese: an ASCII fallback name and the real one as filename*=UTF-8''…"""
    response = client.post(
        "/api/export",
        data={"text": "# 日米首脳会談 «résumé»\n\nBody.", "name": "a.md", "to": "pdf"},
        files={"_": ("", b"")},
    )
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition.isascii()
    assert "filename*=UTF-8''%E6%97%A5%E7%B1%B3" in disposition
    assert re.search(r'filename="[ -~]+\.pdf"', disposition)


@pytest.mark.parametrize(
    ("fields", "files", "status", "code"),
    [
        ({"text": "   ", "name": "a.txt", "to": "pdf"}, None, 400, "input"),
        ({"to": "pdf"}, {"source": ("x.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/plain")}, 422, "encoding"),
        ({"to": "pdf"}, {"source": ("x.exe", b"MZ\x90\x00", "application/octet-stream")}, 422, "input"),
        ({"text": "Hi", "name": "a.txt", "to": "pdf", "style": "../styles/default.toml"}, None, 400, "usage"),
        ({"text": "Hi", "name": "a.txt", "to": "pdf", "style": "nonesuch"}, None, 400, "usage"),
        ({"text": "Hi", "name": "a.txt", "to": "odt"}, None, 400, "usage"),
        ({"text": "Hi", "name": "a.txt", "to": "pdf", "overflow": "shrink"}, None, 400, "usage"),
        ({"text": '{"meta": 3}', "name": "a.json", "to": "pdf"}, None, 422, "metadata"),
    ],
)
def test_api_errors_are_json_with_a_code(
    client: TestClient, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None, status: int, code: str
) -> None:
    """Bad input is a 4xx with {"error", "code"} using the exporter's error codes; no traceback."""
    response = client.post("/api/export", data=fields, files=files or {"_": ("", b"", "text/plain")})
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "code"}
    assert body["code"] in (code, "parse") if code == "metadata" else body["code"] == code
    assert "Traceback" not in body["error"] and "\n" not in body["error"]


def test_an_oversized_body_is_413_before_it_is_read(client: TestClient) -> None:
    """A body past --max-input-bytes is refused with 413 and a JSON code."""
    response = client.post("/api/export", data={"to": "pdf"}, files={"source": ("a.txt", b"a" * (LIMIT + 100_000))})
    assert response.status_code == 413
    assert response.json()["code"] == "input"
    page = client.post("/", files={"source": ("a.txt", b"a" * (LIMIT + 100_000))})
    assert page.status_code == 413
    assert "larger than the limit" in page.text and "<form" in page.text


def test_large_uploads_leave_no_temporary_file(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload past the parser's 1 MiB spool goes to $TMPDIR and is gone once the response is sent."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    text = ("A line of the article, long enough to count.\n" * 30_000).encode()  # 1.4 MB
    response = client.post("/api/export", data={"to": "epub"}, files={"source": ("big.txt", b"# Big\n\n" + text)})
    assert response.status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_the_page_escapes_what_the_user_sent(client: TestClient) -> None:
    """Markup in the text and the memo fields comes back as text, never as markup."""
    hostile = '<script>alert("x")</script>'
    response = client.post(
        "/",
        data={"text": f"# Title {hostile}\n\nBody {hostile}.", "kind": "md", "memo_to": hostile},
        files={"_": ("", b"")},
    )
    assert response.status_code == 200
    assert hostile not in response.text
    assert "&lt;script&gt;" in response.text
    tree = lxml_html.fromstring(response.text)
    assert [s.get("src") for s in tree.iter("script")] == ["/static/app.js"]


def test_the_result_page_has_preview_warnings_and_downloads(client: TestClient) -> None:
    """Without JavaScript: an inline PNG, the warnings section, one button per download re-posting the source."""
    response = client.post("/", data={"text": SAMPLE.read_text(), "kind": "txt"}, files={"_": ("", b"")})
    tree = lxml_html.fromstring(response.text)
    images = [img.get("src") for img in tree.iter("img")]
    assert len(images) == 1 and images[0].startswith("data:image/png;base64,iVBOR")
    download = tree.find(".//form[@action='/download']")
    assert [b.get("value") for b in download.iter("button")] == ["docx", "pdf", "epub", "zip"]
    fields = {i.get("name"): i.get("value") for i in download.iter("input")}
    assert fields["text"] == SAMPLE.read_text()
    posted = {k: v for k, v in fields.items() if k and v is not None}
    again = client.post("/download", data={**posted, "to": "pdf"}, files={"_": ("", b"")})
    assert again.status_code == 200 and again.headers["content-type"] == "application/pdf"
    fragment = client.post("/preview", data={"text": "", "kind": "txt"}, files={"_": ("", b"")})
    assert fragment.status_code == 400
    assert 'role="alert"' in fragment.text and "<html" not in fragment.text


def test_an_uploaded_docx_is_carried_along(client: TestClient) -> None:
    """A file that is not text goes back in a hidden base64 field, so a download needs no server state."""
    from exporter.api import read_source, render

    docx = render(read_source(SAMPLE).document, "docx").data
    response = client.post("/", files={"source": ("memo.docx", docx)})
    assert response.status_code == 200, response.text
    tree = lxml_html.fromstring(response.text)
    download = tree.find(".//form[@action='/download']")
    fields = {i.get("name"): i.get("value") for i in download.iter("input")}
    assert fields["name"] == "memo.docx" and "text" not in fields
    again = client.post("/download", data={**fields, "to": "epub"}, files={"_": ("", b"")})
    assert again.status_code == 200 and again.headers["content-type"] == "application/epub+zip"


def test_the_access_log_has_status_code_and_time_but_no_text(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """One line per request: method, path, status, error code, milliseconds; never the document."""
    with caplog.at_level(logging.INFO, logger="exporter.web"):
        client.post(
            "/api/export", data={"text": "Secret budget line", "name": "a.txt", "to": "odt"}, files={"_": ("", b"")}
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "exporter.web"]
    assert len(lines) == 1
    assert re.fullmatch(r"POST /api/export 400 usage \d+ms", lines[0])
    assert "Secret" not in caplog.text


def test_a_conversion_past_the_time_limit_is_504_and_the_worker_is_replaced() -> None:
    """The worker is killed and a fresh one serves the next request; the server lives on."""
    with TestClient(create_app(Config(workers=1, queue=1, timeout=0.2))) as slow:
        pool = slow.app.web.pool  # type: ignore[attr-defined]
        before = pool.pids()
        long_text = "# Long\n\n" + "\n\n".join(f"Paragraph {n}. " + "Words and more words. " * 40 for n in range(400))
        response = slow.post(
            "/api/export",
            data={"text": long_text, "name": "a.md", "to": "zip", "overflow": "pages"},
            files={"_": ("", b"")},
        )
        assert response.status_code == 504
        assert response.json()["code"] == "timeout"
        after = pool.pids()
        assert len(after) == 1 and after != before
        assert slow.get("/healthz").text == "ok"


def test_a_full_queue_is_busy() -> None:
    """With every worker busy and the queue full, a job is refused at once (the API says 503)."""
    style = str(find_style_file("default"))
    job = Job(SAMPLE.read_bytes(), "a.txt", style, "zip")

    async def main() -> list[object]:
        pool = Pool(workers=1, queue=1, timeout=60)
        await pool.start()
        try:
            return await asyncio.gather(*(pool.run(job) for _ in range(4)), return_exceptions=True)
        finally:
            await pool.close()

    results = asyncio.run(main())
    assert [isinstance(r, Busy) for r in results] == [False, False, True, True]
    assert all(getattr(r, "code", "x") == "" for r in results[:2])

"""The Starlette application: the page, the form posts, the HTTP API, and the guard every request passes."""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import time
import unicodedata
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import ExporterError, InputError, StyleError, UsageError
from ..readers.base import DEFAULT_MAX_INPUT_BYTES
from ..registry import get_reader, reader_targets
from ..style import available_styles, load_style
from . import pages
from .pool import Busy, Pool, TimedOut, WorkerLost
from .work import FILE_FORMATS, Job, Outcome

log = logging.getLogger("exporter.web")

CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
FORM_OVERHEAD = 64 * 1024
"""Room in a request for the form's other fields and multipart boundaries, beyond the source itself."""
DRAIN_LIMIT = 256 * 1024 * 1024
"""Most of an oversized upload read (and dropped) before answering 413; past it the connection just closes."""
CODE_HEADER = b"x-exporter-code"
"""Carries a failure's code from a route to the access log; the guard removes it from the response."""
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True)
class Config:
    """How the server runs: workers, queue, time limit and size limit."""

    workers: int = 2
    queue: int = 4
    timeout: float = 30.0
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES


class Failure(Exception):
    """A request that fails with an HTTP status, an error code and a message in plain words."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class TooLarge(Exception):
    """The request body is larger than the limit."""


def _status(exc: ExporterError) -> int:
    if isinstance(exc, UsageError | StyleError):
        return 400
    return 422


class Guard:
    """Every request: the size limit (413), the security headers, and one access log line (never content)."""

    def __init__(self, app: Starlette, web: Web) -> None:
        self.app, self.web = app, web
        self.limit = web.config.max_input_bytes + FORM_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app for one request behind the guard."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        sent: dict[str, Any] = {"status": 0, "code": "-"}
        seen = 0
        ended = False

        async def guarded_receive() -> Message:
            nonlocal seen, ended
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                ended = not message.get("more_body", False)
                if seen > self.limit:
                    raise TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                for key, value in headers:
                    if key.lower() == CODE_HEADER:
                        sent["code"] = value.decode("latin-1")
                headers = [(k, v) for k, v in headers if k.lower() != CODE_HEADER] + SECURITY_HEADERS
                message = {**message, "headers": headers}
                sent["status"] = message["status"]
            await send(message)

        try:
            length = int(dict(scope.get("headers", [])).get(b"content-length", b"0") or 0)
        except ValueError:
            length = 0
        try:
            if length > self.limit:
                raise TooLarge
            await self.app(scope, guarded_receive, guarded_send)
        except TooLarge:
            if not sent["status"]:
                # Read what the client is still sending (and drop it): a browser shows a reset connection,
                # not the 413 page, when the server answers while the upload goes on.
                while not ended and seen < DRAIN_LIMIT:
                    message = await receive()
                    seen += len(message.get("body", b""))
                    ended = message["type"] != "http.request" or not message.get("more_body", False)
                limit = self.web.config.max_input_bytes
                failure = Failure(413, "input", f"the source is larger than the limit of {_size(limit)}")
                await error_response(scope["path"], failure, self.web)(scope, receive, guarded_send)
        except Exception:
            log.exception("%s %s failed", scope["method"], scope["path"])
            if not sent["status"]:
                failure = Failure(500, "internal", "the server failed: the log has the details")
                await error_response("/api/", failure, None)(scope, receive, guarded_send)
        finally:
            ms = (time.perf_counter() - started) * 1000
            log.info("%s %s %s %s %.0fms", scope["method"], scope["path"], sent["status"] or "-", sent["code"], ms)


def _size(limit: int) -> str:
    return f"{limit / (1024 * 1024):.3g} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"


def _failure_headers(failure: Failure) -> dict[str, str]:
    headers = {CODE_HEADER.decode(): failure.code}
    if failure.status == 503:
        headers["Retry-After"] = "5"
    return headers


def error_response(path: str, failure: Failure, web: Web | None) -> Response:
    """The error as JSON for the API, as the result section for /preview, else as the page with the form."""
    headers = _failure_headers(failure)
    if web is None or path.startswith("/api/"):
        return JSONResponse({"error": failure.message, "code": failure.code}, failure.status, headers=headers)
    section = pages.failure(failure.message, failure.code)
    if path == "/preview":
        return HTMLResponse(section, failure.status, headers=headers)
    return HTMLResponse(web.page(pages.FormValues(), section, "Error"), failure.status, headers=headers)


class Web:
    """The routes and the state they share: the configuration, the worker pool, what the server offers."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.pool = Pool(config.workers, config.queue, config.timeout)
        self.styles = available_styles()
        described = []
        for name, path in sorted(self.styles.items()):
            try:
                described.append((name, load_style(str(path)).description))
            except ExporterError:
                continue  # a broken style file is not offered
        extensions: list[str] = []
        kinds: list[str] = []
        for name in reader_targets():
            try:
                reader = get_reader(name)
            except ExporterError:
                continue
            extensions.extend(reader.extensions)
            if name in pages.PASTE_KINDS:
                kinds.append(name)
        kinds.sort(key=list(pages.PASTE_KINDS).index)
        self.choices = pages.Choices(described, kinds, extensions, config.max_input_bytes)

    def page(self, values: pages.FormValues, section: str = "", heading: str = "") -> str:
        """The whole page with ``values`` in the form and ``section`` as the result."""
        return pages.page(self.choices, values, section, heading=heading)

    # -- reading a request ------------------------------------------------------------------------------------

    async def _form(self, request: Request) -> FormData:
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            raise Failure(415, "usage", "send the form as multipart/form-data")
        try:
            return await request.form(max_files=2, max_fields=32, max_part_size=self.config.max_input_bytes + 1024)
        except MultiPartException as exc:
            raise Failure(400, "usage", f"the form cannot be read: {exc.message}") from None

    async def _source(self, form: FormData, *, page: bool) -> tuple[bytes, str, pages.FormValues]:
        """The source bytes and name of a form, and the values to show again: a file, else text, else a carry."""
        limit = self.config.max_input_bytes
        text = _field(form, "text")
        pasted = form.get("text")
        if isinstance(pasted, UploadFile):  # curl -F text=@file.txt sends the text as a file part
            try:
                text = (await pasted.read(limit + 1)).decode("utf-8")
            except UnicodeDecodeError:
                raise Failure(422, "encoding", "the text is not UTF-8 (send the file as source instead)") from None
        kind = _field(form, "kind") or "txt"
        upload = form.get("source")
        values = pages.FormValues(
            text=text,
            kind=kind if kind in pages.PASTE_KINDS else "txt",
            style=_field(form, "style") or "default",
            overflow=_field(form, "overflow") or "error",
            memo={name: _field(form, name) for name, _, _, _ in pages.MEMO_FIELDS},
        )
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(limit + 1)
            name = PurePath(upload.filename.replace("\\", "/")).name or "upload"
            if page:
                values = _shown(values, data, name)
        elif text.strip():
            data = text.encode("utf-8", "surrogatepass")
            name = _field(form, "name") or f"pasted.{values.kind}"
            if page and _field(form, "name"):  # pasted text keeps its kind through the API's name
                values = _shown(values, data, name)
        elif _field(form, "source_b64"):
            try:
                data = base64.b64decode(_field(form, "source_b64"), validate=True)
            except (binascii.Error, ValueError):
                raise Failure(400, "usage", "the file sent along with the form is damaged: send it again") from None
            name = PurePath(_field(form, "name").replace("\\", "/")).name or "upload"
            if page:
                values = _shown(values, data, name)
        else:
            raise Failure(400, "input", "there is no article: paste its text or choose a file")
        if len(data) > limit:
            raise Failure(413, "input", f"the source is larger than the limit of {_size(limit)}")
        if not data.strip():
            raise Failure(400, "input", "the article is empty")
        return data, name, values

    def _job(self, data: bytes, name: str, values: pages.FormValues, want: str) -> Job:
        style = values.style
        if "/" in style or "\\" in style or style.endswith(".toml") or style not in self.styles:
            known = ", ".join(sorted(self.styles))
            raise Failure(400, "usage", f"style is a name from `exporter styles` ({known}), not {style!r}")
        if values.overflow not in ("error", "truncate", "pages"):
            raise Failure(400, "usage", "overflow is error, truncate or pages")
        keys = {name: key for name, key, _, _ in pages.MEMO_FIELDS}
        memo = {keys[name]: value.strip() for name, value in values.memo.items() if value.strip()}
        return Job(data, name, str(self.styles[style]), want, memo, values.overflow, self.config.max_input_bytes)

    async def _run(self, job: Job) -> Outcome:
        try:
            outcome = await self.pool.run(job)
        except Busy:
            raise Failure(503, "busy", "the server is busy: try again in a few seconds") from None
        except TimedOut:
            raise Failure(504, "timeout", f"the conversion took longer than {self.config.timeout:g} s") from None
        except WorkerLost:
            raise Failure(500, "worker", "the conversion stopped unexpectedly: try again") from None
        if outcome.code:
            exc = _rebuilt(outcome.code)
            raise Failure(_status(exc), outcome.code, outcome.error)
        return outcome

    # -- routes -----------------------------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        """GET /: the empty form."""
        return HTMLResponse(self.page(pages.FormValues()))

    async def healthz(self, request: Request) -> Response:
        """GET /healthz: ``ok`` while the server answers."""
        return PlainTextResponse("ok")

    async def submit(self, request: Request) -> Response:
        """POST / (the form without JavaScript): the whole page with the preview or the error."""
        return await self._preview(request, whole=True)

    async def preview(self, request: Request) -> Response:
        """POST /preview (the form's JavaScript): the result section alone."""
        return await self._preview(request, whole=False)

    async def _preview(self, request: Request, *, whole: bool) -> Response:
        values = pages.FormValues()
        try:
            form = await self._form(request)
            try:
                data, name, values = await self._source(form, page=True)
                job = self._job(data, name, values, "preview")
            finally:
                await form.close()  # spooled uploads are deleted here, before the conversion
            outcome = await self._run(job)
        except Failure as failure:
            response = error_response("/preview", failure, self)
            if whole:
                section = pages.failure(failure.message, failure.code)
                response = HTMLResponse(
                    self.page(values, section, "Error"), failure.status, headers=_failure_headers(failure)
                )
            return response
        section = pages.result(outcome.title, outcome.pages, outcome.warnings, values)
        return HTMLResponse(self.page(values, section, outcome.title) if whole else section)

    async def download(self, request: Request) -> Response:
        """POST /download (a result page's buttons): the file as an attachment, or the page with the error."""
        return await self._export(request, api=False)

    async def api_export(self, request: Request) -> Response:
        """POST /api/export: the file's bytes, or a JSON error with its code."""
        return await self._export(request, api=True)

    async def _export(self, request: Request, *, api: bool) -> Response:
        values = pages.FormValues()
        try:
            form = await self._form(request)
            try:
                want = _field(form, "to").lower()
                if want not in (*FILE_FORMATS, "zip"):
                    raise Failure(400, "usage", "to is docx, pdf, epub or zip")
                data, name, values = await self._source(form, page=not api)
                job = self._job(data, name, values, want)
            finally:
                await form.close()
            outcome = await self._run(job)
        except Failure as failure:
            if api:
                return error_response("/api/", failure, self)
            section = pages.failure(failure.message, failure.code)
            return HTMLResponse(self.page(values, section, "Error"), failure.status, headers=_failure_headers(failure))
        return Response(
            outcome.data,
            media_type=outcome.media_type,
            headers={"Content-Disposition": content_disposition(outcome.filename), "Cache-Control": "no-store"},
        )


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _shown(values: pages.FormValues, data: bytes, name: str) -> pages.FormValues:
    """The form values showing a sent file again: as text in the box when it is text of a pasted kind."""
    from dataclasses import replace

    kind = PurePath(name).suffix.lower().lstrip(".")
    kind = {"markdown": "md", "text": "txt", "htm": "html"}.get(kind, kind)
    if kind in pages.PASTE_KINDS:
        try:
            return replace(values, text=data.decode("utf-8"), kind=kind, upload_b64="", upload_name="")
        except UnicodeDecodeError:
            pass
    return replace(values, text="", upload_b64=base64.b64encode(data).decode("ascii"), upload_name=name)


def _rebuilt(code: str) -> ExporterError:
    """An error of the class that has ``code``, to map a worker's code to an HTTP status."""
    for kind in (UsageError, StyleError, InputError):
        if kind.code == code:
            return kind("")
    return ExporterError("")


def content_disposition(filename: str) -> str:
    """An attachment header: an ASCII fallback name, and the real name as RFC 5987 UTF-8."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", filename) if not unicodedata.combining(c))
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in " .-_") else "_" for c in plain).strip() or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def create_app(config: Config | None = None) -> Guard:
    """The web application behind its guard; its worker pool starts and stops with the app's lifespan."""
    web = Web(config or Config())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await web.pool.start()
        try:
            yield
        finally:
            await web.pool.close()

    routes = [
        Route("/", web.home, methods=["GET"]),
        Route("/", web.submit, methods=["POST"]),
        Route("/preview", web.preview, methods=["POST"]),
        Route("/download", web.download, methods=["POST"]),
        Route("/api/export", web.api_export, methods=["POST"]),
        Route("/healthz", web.healthz, methods=["GET"]),
        Mount("/static", StaticFiles(packages=[("exporter.web", "static")]), name="static"),
    ]
    return Guard(Starlette(routes=routes, lifespan=lifespan), web)

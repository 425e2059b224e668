"""The ``exporter`` command line (click commands only; the work happens in the API and batch)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click
import msgspec

from . import __version__
from .api import read_source
from .batch import Settings, default_jobs, export
from .console import Console
from .errors import ExporterError, UsageError, printable
from .fsio import write_atomic
from .model import Document, json_schema, to_json
from .pipeline import render_options
from .readers.base import DEFAULT_MAX_INPUT_BYTES, ReadOptions
from .reference_doc import REFERENCE_SUFFIXES, reference_bytes
from .registry import format_for_output, get_reader, get_renderer, reader_targets, renderer_targets
from .style import available_styles, load_style

DEFAULT_FORMATS = ("docx", "pdf", "epub")


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"exporter: error: {message}", err=True)
    raise SystemExit(code)


def _parse_sets(values: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set takes KEY=VALUE, not {item!r}")
        out[key.strip()] = value
    return out


def _destination(output: str, to: str | None) -> tuple[list[str], dict[str, Any]]:
    """The formats and the export() target that ``-o`` and ``-t`` ask for (pandoc's rules)."""
    if output == "-":
        formats = _parse_formats(to) if to is not None else list(DEFAULT_FORMATS)
        if len(formats) != 1:
            raise UsageError(f"-o - writes to stdout and takes exactly one format (-t FORMAT), not {','.join(formats)}")
        return formats, {"stdout": sys.stdout.buffer}
    fmt = format_for_output(output)
    if fmt is None:
        return (_parse_formats(to) if to is not None else list(DEFAULT_FORMATS)), {"output_dir": Path(output)}
    if to is not None and _parse_formats(to) != [fmt]:
        raise UsageError(f"-o {output} is a {fmt} file name, so -t can only be {fmt}, not {to}")
    return [fmt], {"output_file": Path(output)}


def _parse_formats(value: str) -> list[str]:
    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    if not formats:
        raise UsageError("--to needs at least one format")
    for fmt in formats:
        get_renderer(fmt)
    return list(dict.fromkeys(formats))


_read_options = [
    click.option("--lang", metavar="TAG", help="Document language (BCP 47), overriding metadata and detection."),
    click.option(
        "--set",
        "sets",
        metavar="KEY=VALUE",
        multiple=True,
        help="Set a metadata field (to, from, cc, date, author, marking, title …); repeatable.",
    ),
    click.option(
        "--strict",
        is_flag=True,
        help="Unknown fields in front matter or JSON, and refused images, are errors, not warnings.",
    ),
    click.option(
        "--resource-path",
        "resource_paths",
        metavar="DIR",
        multiple=True,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Also look for images here (after the source's folder) and allow reading them; repeatable.",
    ),
    click.option(
        "--smart/--no-smart",
        default=None,
        help="Typographic quotes and dashes in the document language (Markdown, plain text)  "
        "[default: the style's [text] smart, else off]",
    ),
    click.option(
        "--max-input-bytes",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_INPUT_BYTES,
        show_default=True,
        help="Refuse sources larger than this.",
    ),
]


def _with_read_options(func: Any) -> Any:
    for option in reversed(_read_options):
        func = option(func)
    return func


class _Group(click.Group):
    """The top-level group: errors become one line and an exit code, never a traceback."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        """Run the command line; exit (standalone) or return the exit code."""
        code = _guarded(
            lambda: super(_Group, self).main(
                args=args, prog_name=prog_name or "exporter", complete_var=complete_var, standalone_mode=False, **extra
            )
        )
        if standalone_mode:
            sys.exit(code)
        return code


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exporter")
def cli() -> None:
    """Export an article and its commentary as a DOCX memo, a PDF one-pager and an EPUB briefing."""


@cli.command("export")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-t",
    "--to",
    "to",
    default=None,
    metavar="FORMATS",
    help=f"Comma-separated output formats  [default: {','.join(DEFAULT_FORMATS)}, or the one -o FILE names]",
)
@click.option(
    "-o",
    "--output",
    "--output-dir",
    "output",
    default="output",
    show_default=True,
    metavar="DIR|FILE|-",
    help="A directory for <name>.<ext> outputs; a file name ending in .docx, .pdf, .epub or .json "
    "(one source, that format); or - for stdout (one source, one -t format).",
)
@click.option(
    "-s",
    "--style",
    "style_name",
    default="default",
    show_default=True,
    help="Style name (./styles, then packaged) or path to a .toml file.",
)
@click.option(
    "--overflow",
    type=click.Choice(["error", "truncate", "pages"]),
    default="error",
    show_default=True,
    help="When the one-pager does not fit one page.",
)
@click.option(
    "--pdf-engine",
    "pdf_engine",
    type=click.Choice(["reportlab", "typst"]),
    default=None,
    help="What lays out the one-pager: reportlab, or typst (tagged PDF/UA-1; pip install 'exporter[typst]')  "
    "[default: the style's [pdf] engine, else reportlab]",
)
@click.option(
    "--reference-doc",
    "reference_doc",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="A .docx or .dotx whose page setup, headers, footers and styles the memo takes  "
    "[default: the style's [docx] reference]",
)
@_with_read_options
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes  [default: number of CPUs]"
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Run conversions in a local process pool or on a Dask cluster.",
)
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler (tcp://HOST:PORT); without it a local cluster.")
@click.option("--report", "report_path", type=click.Path(path_type=Path), help="Write a JSON report to this file.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first failed source.")
@click.option(
    "--durable", is_flag=True, help="Flush each output to disk before its rename (and its folder after): slower."
)
@click.option(
    "--incremental",
    is_flag=True,
    help="Skip sources whose outputs are up to date (per DIR/.exporter-manifest.json); needs -o DIR.",
)
@click.option("--force", is_flag=True, help="With --incremental: rebuild every source and record them anew.")
@click.option("-v", "--verbose", is_flag=True, help="Print every output with its size and format facts.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def export_command(
    sources: tuple[Path, ...],
    to: str | None,
    output: str,
    style_name: str,
    overflow: str,
    pdf_engine: str | None,
    reference_doc: Path | None,
    lang: str | None,
    sets: tuple[str, ...],
    strict: bool,
    resource_paths: tuple[Path, ...],
    smart: bool | None,
    max_input_bytes: int,
    jobs: int | None,
    executor: str,
    scheduler: str | None,
    report_path: Path | None,
    fail_fast: bool,
    durable: bool,
    incremental: bool,
    force: bool,
    verbose: bool,
    quiet: bool,
) -> None:
    """Export SOURCE files or directories to DIR/<name>.<ext>, or one source to FILE or stdout."""
    formats, destination = _destination(output, to)
    if scheduler and executor != "dask":
        raise UsageError("--scheduler goes with --executor dask")
    style = load_style(style_name)
    values: dict[str, Any] = {"overflow": overflow, "engine": pdf_engine}
    if "docx" in formats:
        values["reference"] = reference_bytes(style, reference_doc)
    settings = Settings(
        style=style,
        read_options=ReadOptions(
            lang=lang,
            strict=strict,
            overrides=_parse_sets(sets),
            smart=smart,
            resource_paths=tuple(str(p) for p in resource_paths),
        ),
        # Each format's record takes the options named like its fields (--overflow reaches PdfRenderOptions).
        render_options={fmt: render_options(fmt, values) for fmt in formats},
        max_input_bytes=max_input_bytes,
    )
    console = Console(verbose=verbose, quiet=quiet)
    try:
        report = export(
            list(sources),
            formats=formats,
            **destination,
            settings=settings,
            jobs=jobs or default_jobs(),
            executor=executor,  # type: ignore[arg-type]
            scheduler=scheduler,
            on_start=console.start,
            on_done=console.done,
            fail_fast=fail_fast,
            durable=durable,
            incremental=incremental,
            force=force,
        )
    finally:
        console.finish()
    console.summary(report)
    if report_path is not None:
        data = json.dumps(report.to_dict(), indent=2, ensure_ascii=False).encode() + b"\n"
        write_atomic(report_path, data, durable=durable)
    raise SystemExit(0 if report.ok else 1)


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@_with_read_options
@click.option(
    "--check",
    is_flag=True,
    help="Instead of the model, list per output format the characters it cannot render (exit 1 if any).",
)
@click.option(
    "-s", "--style", "style_name", default="default", show_default=True, help="Style for --check and [text] smart."
)
def inspect(
    source: Path,
    lang: str | None,
    sets: tuple[str, ...],
    strict: bool,
    resource_paths: tuple[Path, ...],
    smart: bool | None,
    max_input_bytes: int,
    check: bool = False,
    style_name: str = "default",
) -> None:
    """Print the canonical model of SOURCE as JSON (or, with --check, what each format cannot render)."""
    if smart is None:  # the model export would make: the style's [text] smart decides
        smart = load_style(style_name).text.smart
    try:
        result = read_source(
            source,
            lang=lang,
            strict=strict,
            overrides=_parse_sets(sets),
            max_input_bytes=max_input_bytes,
            smart=smart,
            resource_paths=resource_paths,
        )
    except ExporterError as exc:
        if isinstance(exc, UsageError):
            raise
        _fail(f"{printable(str(source))}: {exc.message}", exc.exit_code)
    for warning in result.warnings:
        click.echo(f"exporter: warning: {printable(str(source))}: {printable(warning)}", err=True)
    if check:
        raise SystemExit(_check(result.document, style_name))
    sys.stdout.buffer.write(to_json(result.document))


def _check(document: Document, style_name: str) -> int:
    """Print the preflight of ``document``: one line per format and problem; 1 when a format cannot render it."""
    from .present.preflight import preflight  # the font cmaps are read only when asked

    checks = preflight(document, load_style(style_name))
    for name, result in checks.items():
        for message in result.messages() or ("ok",):
            click.echo(f"{name}: {printable(message)}")
    return 0 if all(result.ok for result in checks.values()) else 1


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "output",
    default="page.png",
    show_default=True,
    type=click.Path(path_type=Path),
    metavar="FILE.png",
    help="Where to write the picture; with several pages FILE-1.png, FILE-2.png …",
)
@click.option("--dpi", type=click.IntRange(30, 600), default=110, show_default=True, help="Pixels per inch.")
@click.option(
    "-s", "--style", "style_name", default="default", show_default=True, help="Style name or path to a .toml file."
)
@click.option(
    "--overflow",
    type=click.Choice(["error", "truncate", "pages"]),
    default="error",
    show_default=True,
    help="When the one-pager does not fit one page.",
)
@_with_read_options
def preview(
    source: Path,
    output: Path,
    dpi: int,
    style_name: str,
    overflow: str,
    lang: str | None,
    sets: tuple[str, ...],
    strict: bool,
    resource_paths: tuple[Path, ...],
    smart: bool | None,
    max_input_bytes: int,
) -> None:
    """Write a PNG of SOURCE's PDF one-pager (one per page with --overflow pages)."""
    from .preview import preview as draw

    if output.suffix.lower() != ".png":
        raise UsageError(f"-o {printable(str(output))}: a preview is a .png file")
    style = load_style(style_name)
    try:
        result = read_source(
            source,
            lang=lang,
            strict=strict,
            overrides=_parse_sets(sets),
            max_input_bytes=max_input_bytes,
            smart=style.text.smart if smart is None else smart,
            resource_paths=resource_paths,
        )
        pictures = draw(result.document, style, overflow=overflow, dpi=dpi)  # type: ignore[arg-type]
    except ExporterError as exc:
        if isinstance(exc, UsageError):
            raise
        _fail(f"{printable(str(source))}: {exc.message}", exc.exit_code)
    for warning in (*result.warnings, *pictures.warnings):
        click.echo(f"exporter: warning: {printable(str(source))}: {printable(warning)}", err=True)
    pages = pictures.pages
    names = (
        [output] if len(pages) == 1 else [output.with_name(f"{output.stem}-{n}.png") for n in range(1, len(pages) + 1)]
    )
    for name, png in zip(names, pages, strict=True):
        write_atomic(name, png)
        click.echo(f"exporter: wrote {printable(str(name))}", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every one).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=None, help="Conversion processes  [default: number of CPUs]"
)
@click.option(
    "--queue",
    type=click.IntRange(min=0),
    default=None,
    help="Requests that may wait for a worker; more get 503  [default: 2 x workers]",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds a conversion may take; then 504 and the worker is replaced.",
)
@click.option(
    "--max-input-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_INPUT_BYTES,
    show_default=True,
    help="Refuse sources larger than this (413).",
)
def serve(host: str, port: int, workers: int | None, queue: int | None, timeout: float, max_input_bytes: int) -> None:
    """Serve the web page and the HTTP API (needs the web extra: pip install 'exporter[web]')."""
    try:
        from .web.server import default_workers
        from .web.server import serve as run_server
    except ImportError as exc:
        raise UsageError(
            f"exporter serve needs the web extra: pip install 'exporter[web]' ({exc.name} is missing)"
        ) from None
    from .web.app import Config

    count = workers or default_workers()
    config = Config(
        workers=count, queue=2 * count if queue is None else queue, timeout=timeout, max_input_bytes=max_input_bytes
    )
    run_server(host, port, config)


@cli.command()
def formats() -> None:
    """List the installed formats: which are read (sources), which are written (outputs)."""
    names = sorted(set(reader_targets()) | set(renderer_targets()))
    for name in names:
        roles, details = [], []
        if name in reader_targets():
            roles.append("read")
            try:
                details.append("in: " + " ".join(get_reader(name).extensions))
            except ExporterError as exc:
                details.append(f"in: (unavailable: {exc.message})")
        if name in renderer_targets():
            roles.append("write")
            try:
                renderer = get_renderer(name)
                details.append(f"out: {renderer.extension} {renderer.media_type}")
            except ExporterError as exc:
                details.append(f"out: (unavailable: {exc.message})")
        click.echo(f"{name:6} {', '.join(roles):12} {'  '.join(details)}")


@cli.command()
def styles() -> None:
    """List the styles that -s NAME finds."""
    for name, path in sorted(available_styles().items()):
        try:
            description = load_style(str(path)).description
        except ExporterError as exc:
            description = f"(invalid: {exc.message})"
        click.echo(f"{name:16} {description}  [{path}]")


@cli.command("reference-doc")
@click.option(
    "-o",
    "--output",
    "output",
    default="reference.docx",
    show_default=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Where to write it (.docx, or .dotx for a Word template).",
)
@click.option(
    "-s", "--style", "style_name", default="default", show_default=True, help="Style whose memo look it holds."
)
def reference_doc_command(output: Path, style_name: str) -> None:
    """Write the memo's own reference document: restyle it in Word, then give it back as --reference-doc."""
    from .renderers.docx.refdoc import default_reference

    if output.suffix.lower() not in REFERENCE_SUFFIXES:
        raise UsageError(f"-o {printable(str(output))}: a reference document is a .docx or .dotx file")
    style = load_style(style_name)
    if style.docx.reference:
        style = msgspec.structs.replace(style, docx=msgspec.structs.replace(style.docx, reference=""))
    write_atomic(output, default_reference(style, template=output.suffix.lower() == ".dotx"))
    click.echo(f"exporter: wrote {printable(str(output))}", err=True)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the document model."""
    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


def _guarded(call: Callable[[], Any]) -> int:
    """Run ``call``; map every failure to one stderr line and a documented exit code."""
    try:
        result = call()
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("exporter: interrupted", err=True)
        return 130
    except click.exceptions.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "exporter"
        click.echo(f"exporter: usage error: {exc.format_message()} (see '{command} --help')", err=True)
        return 2
    except click.exceptions.ClickException as exc:
        click.echo(f"exporter: error: {exc.format_message()}", err=True)
        return exc.exit_code
    except ExporterError as exc:
        kind = "usage error" if isinstance(exc, UsageError) else "error"
        click.echo(f"exporter: {kind}: {exc.message}", err=True)
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except BrokenPipeError:
        return 1
    return result if isinstance(result, int) else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI on ``argv`` and return the exit code."""
    code: int = cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    return code


def run() -> NoReturn:
    """Console-script entry point."""
    sys.exit(main())

"""What the CLI prints while exporting: per-source lines, a progress bar on a terminal, a summary."""

from __future__ import annotations

import sys
from typing import Any

import click

from .batch import Report, SourceRecord
from .errors import printable


class Console:
    """Prints errors as they happen, warnings and details unless quiet, and a bar on a terminal."""

    def __init__(self, *, verbose: bool, quiet: bool) -> None:
        self.verbose = verbose
        self.quiet = quiet
        self.bar: Any = None
        self.total = 0

    def start(self, total: int) -> None:
        """Called once the sources are known; shows a bar for several sources on a terminal."""
        self.total = total
        if not self.quiet and total > 1 and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label="exporting", file=sys.stderr, show_pos=True)
            self.bar.__enter__()

    def _echo(self, line: str) -> None:
        if self.bar is not None:
            # Clear the bar's line first so messages do not run into it.
            click.echo("\r\x1b[2K", err=True, nl=False)
        click.echo(line, err=True)  # stdout may carry an output (-o -)

    def _traceback(self, text: str) -> None:
        # Only with -v: without it every failure stays one line.
        if self.verbose and text:
            if self.bar is not None:
                click.echo("\r\x1b[2K", err=True, nl=False)
            click.echo("\n".join(printable(line) for line in text.splitlines()), err=True)

    def done(self, record: SourceRecord) -> None:
        """Report one finished source; file names are escaped so every message stays one line."""
        source = printable(record.source)
        if record.error:
            self._echo(f"exporter: error: {source}: {printable(record.error)}")
            self._traceback(record.traceback)
        if not self.quiet:
            for warning in record.warnings:
                self._echo(f"exporter: warning: {source}: {printable(warning)}")
        for output in record.outputs:
            path = printable(output.path)
            if output.status != "ok":
                self._echo(f"exporter: error: {source} -> {output.format}: {printable(output.error)}")
                self._traceback(output.traceback)
                continue
            if not self.quiet:
                for warning in output.warnings:
                    self._echo(f"exporter: warning: {path}: {printable(warning)}")
            # One line per file written, so a run shows what it did (stdout is no file: only with -v).
            if self.verbose:
                facts = " ".join(f"{k}={v}" for k, v in output.facts.items() if not isinstance(v, list))
                where = "stdout" if output.path == "-" else path
                self._echo(f"exporter: wrote {where} ({output.bytes} bytes){' ' + facts if facts else ''}")
                self._images(output.facts)
            elif not self.quiet and output.path != "-":
                self._echo(f"exporter: wrote {path}")
        if self.bar is not None:
            self.bar.update(1)

    def _images(self, facts: dict[str, Any]) -> None:
        """With -v, the images an output embeds and those it leaves as alt text, one line each."""
        for key, what in (("images", "images embedded"), ("images_as_alt_text", "images left as alt text")):
            names = facts.get(key)
            if names:
                self._echo(f"  {what}: {', '.join(printable(str(n)) for n in names)}")

    def finish(self) -> None:
        """Close the bar, if one is shown."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def summary(self, report: Report) -> None:
        """One line: done, failed, up to date, skipped, time and rate (for batches, or with --verbose).

        Outputs an incremental run found recorded for sources that are gone follow, one line each.
        """
        t = report.totals()
        if self.quiet or not (self.total > 1 or self.verbose or t["up_to_date"] or report.orphans):
            return
        fresh = f", {t['up_to_date']} up to date" if t["up_to_date"] else ""
        skipped = f", {t['skipped']} skipped" if t["skipped"] else ""
        gone = f", {len(report.orphans)} output(s) whose source is gone" if report.orphans else ""
        click.echo(
            f"{t['sources']} source(s): {t['converted']} converted, {t['failed']} failed{fresh}{skipped}{gone}; "
            f"{t['outputs_written']} file(s) written in {t['seconds']:.2f} s "
            f"({t['articles_per_second']:.1f} articles/s)",
            err=True,
        )
        for path in report.orphans:
            click.echo(f"exporter: output whose source is gone: {printable(path)}", err=True)

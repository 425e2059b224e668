"""The one link policy: which link targets become clickable, in what form, and which stay text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlsplit, urlunsplit

MAX_URL = 2000
"""Longest target made clickable; longer ones (often pasted data) stay text."""

REPORTED = 5
"""How many refused targets the warning names."""

_LABEL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")
_PORT = re.compile(r"^[0-9]{1,5}$")
_LOCAL_PART = re.compile(r"^[^\s@<>\"()\[\]\\,;:]+$")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# RFC 3986 sub-delims plus ":" and "@" are allowed in a path; "?" and "/" too in a query and fragment.
_PATH_SAFE = "/!$&'()*+,;=:@-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"

Kind = Literal["external", "internal", "text"]
"""What a link becomes: a link out of the document, a link inside it, or its words only."""


@dataclass(frozen=True)
class LinkTarget:
    """What a link becomes: an external URI, an internal ``#id``, or text only."""

    kind: Kind
    href: str = ""
    """The URI (percent-encoded) for an external link, the id for an internal one, "" for text."""

    @property
    def clickable(self) -> bool:
        """Whether the link is a link at all."""
        return self.kind != "text"


TEXT = LinkTarget("text")
"""The decision for a target that stays text."""


def _encode(component: str, safe: str) -> str:
    # Keep existing %XX escapes; a stray "%" and everything outside the URI syntax are percent-encoded.
    return quote(_STRAY_PERCENT.sub("%25", component), safe=safe)


def _host(netloc: str) -> str | None:
    """The lower-cased ``host[:port]`` when every label is valid and the port is 1-65535, else None."""
    host, sep, port = netloc.rpartition(":") if ":" in netloc else (netloc, "", "")
    if sep and not (_PORT.match(port) and 1 <= int(port) <= 65535):
        return None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        return None
    return host.lower() + (f":{int(port)}" if sep else "")


def _web(scheme: str, netloc: str, path: str, query: str, fragment: str) -> str | None:
    host = _host(netloc)
    if host is None:
        return None
    return urlunsplit(
        (scheme, host, _encode(path or "/", _PATH_SAFE), _encode(query, _QUERY_SAFE), _encode(fragment, _QUERY_SAFE))
    )


def _mailto(path: str, query: str) -> str | None:
    local, at, domain = path.rpartition("@")
    host = _host(domain) if at and ":" not in domain else None
    if host is None or not _LOCAL_PART.match(local):
        return None
    return urlunsplit(("mailto", "", f"{_encode(local, _PATH_SAFE)}@{host}", _encode(query, _QUERY_SAFE), ""))


@dataclass(frozen=True)
class LinkPolicy:
    """Decides what every link target becomes, the same for every output.

    http, https and mailto with a valid host are external links; ``#id`` is internal when the id exists;
    everything else (ftp, javascript:, data:, file:, relative paths) stays text.
    """

    known_ids: frozenset[str] = frozenset()
    """Ids a ``#id`` target may point at: the document's heading ids."""

    def decide(self, url: str) -> LinkTarget:
        """The decision for one raw link target."""
        url = url.strip()
        if not url or len(url) > MAX_URL or _CONTROL.search(url):
            return TEXT
        if url.startswith("#"):
            return LinkTarget("internal", url[1:]) if url[1:] in self.known_ids else TEXT
        try:
            parts = urlsplit(url)
        except ValueError:
            return TEXT
        scheme = parts.scheme.lower()
        if scheme in ("http", "https"):
            # "https:example.org" has no authority: browsers read it as a relative path, not a host.
            if not url[len(scheme) + 1 :].startswith("//"):
                return TEXT
            href = _web(scheme, parts.netloc, parts.path, parts.query, parts.fragment)
        elif scheme == "mailto":
            href = _mailto(parts.path, parts.query)
        else:
            href = None
        return TEXT if href is None else LinkTarget("external", href)


def refused_warning(targets: Iterable[str]) -> str:
    """The one warning naming up to five targets kept as text ("" when there are none)."""
    refused = list(dict.fromkeys(t for t in targets))
    if not refused:
        return ""
    shown = ", ".join(repr(t[:60]) for t in refused[:REPORTED])
    more = ", …" if len(refused) > REPORTED else ""
    return f"{len(refused)} link target(s) kept as text: {shown}{more}"

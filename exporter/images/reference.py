"""What an image reference may name: a relative path inside the allowed folders, or embedded data: bytes.

References are URL-style, as Markdown writes them: percent-escapes are decoded (``my%20chart.png`` names
``my chart.png``, as pandoc does) and a backslash separates folders like a slash. Remote URLs (http:,
https:, ftp: …) are never fetched and ``file:`` URLs are refused: a document renders the same wherever it
is exported, and a source cannot make the exporter read what it was not given. ``data:`` URIs are
accepted: their bytes are in the source already; the media type they declare is ignored, the content
decides, and the same limits apply.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import PurePosixPath
from urllib.parse import unquote, unquote_to_bytes

from .limits import Limits, check_bytes
from .refusal import ImageRefused

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_REMOTE = frozenset({"http", "https", "ftp", "ftps", "sftp", "ws", "wss", "ssh", "smb", "nfs", "gopher"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"[A-Za-z]:")

RELATIVE_HINT = "give a path relative to the source's folder, or add the image's folder with --resource-path"


def is_data_uri(reference: str) -> bool:
    """Whether ``reference`` is a ``data:`` URI."""
    return reference.lstrip()[:5].lower() == "data:"


def local_path(reference: str) -> PurePosixPath:
    """The relative path a reference names; refuse URLs, absolute paths and any ``..`` component."""
    text = reference.strip()
    if not text:
        raise ImageRefused("the image reference is empty")
    scheme = _SCHEME.match(text)
    if scheme:
        name = scheme.group(1).lower()
        if len(name) == 1:  # C:\… or C:/…, a Windows drive
            raise ImageRefused(f"absolute paths are refused; {RELATIVE_HINT}")
        if name in _REMOTE:
            raise ImageRefused(f"remote images are never fetched ({name}: URL); download it and give its path")
        if name == "file":
            raise ImageRefused(f"file: URLs are refused; {RELATIVE_HINT}")
        if name == "data":
            raise ImageRefused("a data: URI is not a file name")
        raise ImageRefused(f"{name}: URLs are not supported; {RELATIVE_HINT}")
    try:
        path = unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise ImageRefused("its percent-escapes are not UTF-8") from None
    if _CONTROL.search(path):
        raise ImageRefused("the path has control characters")
    path = path.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path):
        raise ImageRefused(f"absolute paths are refused; {RELATIVE_HINT}")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ImageRefused("`..` is refused: image paths may not climb out of the source's folder")
    if not parts:
        raise ImageRefused("the reference names a folder, not a file")
    return PurePosixPath(*parts)


def data_uri_bytes(reference: str, limits: Limits) -> bytes:
    """The bytes of a ``data:`` URI (base64 or percent-encoded); refuse one that is malformed or too large."""
    header, comma, payload = reference.strip().partition(",")
    if not comma:
        raise ImageRefused("the data: URI has no comma before its data")
    # Checked on the encoded text first, so a huge URI is refused before it is decoded.
    if len(payload) > 4 * limits.max_image_bytes + 65_536:
        raise ImageRefused(f"the data: URI's {len(payload):,} characters are over the limit per image")
    if header.lower().endswith(";base64"):
        try:
            data = base64.b64decode(re.sub(r"\s+", "", unquote(payload)), validate=True)
        except (binascii.Error, ValueError):
            raise ImageRefused("the data: URI is not valid base64") from None
    else:
        data = unquote_to_bytes(payload)
    check_bytes(len(data), limits)
    return data

"""Content images: which types an edition may embed, how large, and the
file as a ``data:`` URI.

In: an image path relative to the content folder. Out: a data URI, or None
for what is refused (another type, over ``IMAGE_MAX``, a pixel bomb, a path
out of the folder). The loader checks images with it, the renderer inlines
them, the PDF stage's URL fetcher allows the same types.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from generator import safeio


# An image path content may use: relative, plain segments of letters, digits,
# '_', '-', '.', none starting with '.' -- so no scheme, no '//' or '\\' host,
# no '..', no %-escapes or control characters a browser would reinterpret.
_SAFE_IMG_SRC = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*")


IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".webp": "image/webp", ".svg": "image/svg+xml"}
IMAGE_MAX = 2 * 1024 * 1024


def inline_image(url: str, root: Path) -> str | None:
    """A content image as a data: URI, so the HTML edition stays one
    self-contained file and the PDF reads the same bytes. Only regular files
    inside ``root`` (resolved: no symlink or '..' escape) of a known image
    type and a sane size; anything else is None."""

    base = root.resolve()
    path = base / url
    if path.suffix.lower() not in IMAGE_TYPES:
        return None
    try:
        data = safeio.read_bytes(path, base, "image")
    except safeio.Refused:
        return None
    if len(data) > IMAGE_MAX or safeio.image_problem(data, path.suffix):
        return None
    return f"data:{IMAGE_TYPES[path.suffix.lower()]};base64,{base64.b64encode(data).decode('ascii')}"

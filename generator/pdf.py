"""HTML -> PDF with WeasyPrint, reading nothing it has no business with.

Every URL the renderer asks for goes through :class:`SafeFetcher`: ``data:``
URIs and files inside the allowed roots (content and template directories,
resolved, so no symlink or ``..`` escape) are served; anything else --
http(s), file:// elsewhere, other schemes -- stops the build with a message
naming the reference.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

FONT_PACKAGE = "fonts-noto-cjk"
REQUIRED_FONTS = {
    "zh-Hans": ("Noto Sans CJK SC", "Noto Serif CJK SC"),
    "zh-Hant": ("Noto Sans CJK TC", "Noto Serif CJK TC"),
    "zh-Hant-HK": ("Noto Sans CJK HK", "Noto Serif CJK HK"),
}


class ResourceError(Exception):
    def __init__(self, url: str, reason: str):
        super().__init__(f"refused to load '{url}': {reason}")
        self.url, self.reason = url, reason


def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        def __init__(self, roots: list[Path], **kw):
            super().__init__(allowed_protocols=("data", "file"), **kw)
            self.roots = [Path(r).resolve() for r in roots]
            self.refused: list[ResourceError] = []

        def fetch(self, url, headers=None):
            scheme = urlparse(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlparse(url).path)).resolve()
                if any(path == r or r in path.parents for r in self.roots) and path.is_file():
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _mime(path)})
                err = ResourceError(url, "only files inside the content and template directories may be used")
            else:
                err = ResourceError(url, f"'{scheme or '?'}' resources are not allowed (no network access)")
            self.refused.append(err)
            raise FatalURLFetchingError(str(err))

    return SafeFetcher


def _mime(path: Path) -> str:
    return {
        ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml",
        ".css": "text/css", ".gif": "image/gif", ".webp": "image/webp",
    }.get(path.suffix.lower(), "application/octet-stream")


def missing_fonts(variant: str) -> list[str]:
    """Families the edition needs that fontconfig cannot find."""
    import subprocess

    try:
        listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return list(REQUIRED_FONTS[variant])
    families = {f.strip() for line in listed.splitlines() for f in line.split(",")}
    return [f for f in REQUIRED_FONTS[variant] if f not in families]


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(record.getMessage())


def render_pdf(html: str, base_dir: Path, roots: list[Path], pdf_variant: str | None = None) -> tuple[bytes, list[str]]:
    """Render ``html`` to PDF bytes. Returns (pdf, renderer warnings).

    The PDF identifier is derived from the HTML, so the same input always
    gives the same bytes (no clock, no random id)."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    fetcher = _fetcher_class()(roots)
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        doc = HTML(string=html, base_url=str(base_dir.resolve()) + "/", url_fetcher=fetcher)
        ident = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
        options = {"pdf_identifier": ident, "uncompressed_pdf": False}
        if pdf_variant:
            options["pdf_variant"] = pdf_variant
        pdf = doc.write_pdf(**options)
    except FatalURLFetchingError:
        raise fetcher.refused[-1] if fetcher.refused else ResourceError("?", "refused")
    finally:
        logger.removeHandler(handler)
    if fetcher.refused:
        raise fetcher.refused[0]
    return pdf, handler.records

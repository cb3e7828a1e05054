"""Stage 4, PDF: an edition's print HTML laid out and written by WeasyPrint.

In: the print HTML of an edition (generator.render.editions.print_html) and
the folders it may read. Out: a :class:`RenderedPdf` (its bytes, its page
count, the renderer's warnings). Around WeasyPrint: compact CJK fonts
(fonts), a lighter structure tree (tags), pseudo-element styles only where
they apply (styles), the file written compactly (finisher); the editions side
by side with their font and glyph checks (editions).

It reads nothing it has no business with.

Every URL the renderer asks for goes through :class:`SafeFetcher`: ``data:``
URIs and files inside the allowed roots (content and template directories,
resolved, so no symlink or ``..`` escape) are served; anything else --
http(s), file:// elsewhere, other schemes -- stops the build with a message
naming the reference.

WeasyPrint and its libraries (pydyf, tinycss2, deflate) are imported inside
the functions that use them: importing WeasyPrint takes 0.5 s (``python -X
importtime``), which ``check``, an HTML-only build and ``--help`` never pay.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from generator import safeio
from generator.images import IMAGE_TYPES
from generator.pdf import finisher as pdfwrite, fonts as pdffonts, styles as pdfstyles, tags as pdftags
from generator.shipped import FONT_PACKAGE, REQUIRED_FONTS  # noqa: F401 (FONT_PACKAGE: importable from here as before)


_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2", ".pfb", ".pfa")


class ResourceError(Exception):
    def __init__(self, url: str, reason: str, hint: str = ""):
        super().__init__(f"refused to load '{url}': {reason}")
        self.url, self.reason, self.hint = url, reason, hint


def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        def __init__(self, roots: list[Path], **kw):
            super().__init__(allowed_protocols=("data", "file"), **kw)
            self.roots = [Path(r).resolve() for r in roots]
            self.refused: list[ResourceError] = []

        def fetch(self, url, headers=None):
            try:
                scheme = urlparse(url).scheme.lower()
            except ValueError:  # e.g. 'http://[' -- refuse rather than guess
                scheme = ""
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path, reason = self._allowed_file(url)
                if path is not None:
                    try:
                        data = safeio.read_bytes(path, None, "image")
                        reason = safeio.image_problem(data, path.suffix) if path.suffix.lower() in IMAGE_TYPES else ""
                    except safeio.Refused as exc:
                        reason = exc.reason
                    if not reason:
                        # The response names the resolved file: WeasyPrint re-reads
                        # local images by this path when it writes the PDF.
                        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": _mime(path)})
                err = ResourceError(url, reason)
                if Path(urlparse(url).path).suffix.lower() in _FONT_SUFFIXES:
                    err.hint = "use an installed font by its family name (font-family), not @font-face src"
            else:
                err = ResourceError(url, f"'{scheme}' resources are not allowed (no network access)" if scheme
                                    else "not a valid URL")
            self.refused.append(err)
            raise FatalURLFetchingError(str(err))

        def _allowed_file(self, url: str) -> tuple[Path | None, str]:
            """(real path, "") of a ``file:`` URL naming a regular file inside
            a root after resolving symlinks and ``..``, else (None, why not)."""
            outside = "only files inside the content and template directories may be used"
            parsed = urlparse(url)
            if parsed.netloc not in ("", "localhost"):
                return None, f"file URLs on another host ('{parsed.netloc}') are not allowed"
            try:
                path = Path(unquote(parsed.path)).resolve()
            except (OSError, RuntimeError, ValueError):
                return None, outside
            if not any(path == r or r in path.parents for r in self.roots):
                literal = Path(os.path.normpath(unquote(parsed.path)))
                if any(r in literal.parents for r in self.roots):
                    return None, f"it is a symbolic link to {path}, outside the content and template directories"
                return None, outside
            if not path.is_file():
                return None, "not a regular file" if path.exists() else "no such file"
            return path, ""

    return SafeFetcher


def _mime(path: Path) -> str:
    return {**IMAGE_TYPES, ".css": "text/css"}.get(path.suffix.lower(), "application/octet-stream")


# Where a document names a resource: HTML attributes, CSS url()/@import,
# Markdown images and links.
_REFERENCE_RE = re.compile(
    r"""\b(?:src|href|xlink:href|data|poster|background)\s*=\s*["']([^"']*)["']"""
    r"""|url\(\s*["']?([^"')\s]*)"""
    r"""|@import\s+["']([^"']*)["']"""
    r"""|\]\(\s*<?([^)\s>]*)""",
    re.I,
)
_TEXT_SUFFIXES = (".md", ".yaml", ".yml", ".j2", ".html", ".htm", ".css", ".svg", ".xml", ".txt")


def _same_url(a: str, b: str) -> bool:
    def norm(u: str) -> str:
        try:
            p = urlparse(u)
        except ValueError:
            return u
        path = unquote(p.path)
        if p.scheme.lower() == "file" and path:
            path = os.path.normpath(path)
        return f"{p.scheme.lower()}://{p.netloc.lower()}{path}"

    return a == b or norm(a) == norm(b)


def locate_reference(url: str, base_dir: Path, search: list[Path]) -> tuple[Path, int, str] | None:
    """The content or template file (and line) whose reference made the
    renderer ask for ``url``: a reference that resolves to it against the
    document's base or the file's own directory, else the first line that
    names it literally (or by file name, for references a template builds).
    """
    name = Path(unquote(urlparse(url).path)).name if "://" in url or url.startswith("file:") else ""
    literal: tuple[Path, int, str] | None = None
    by_name: tuple[Path, int, str] | None = None
    local_font: tuple[Path, int, str] | None = None  # @font-face src: local(…) names a family, not the file
    font = Path(name).suffix.lower() in _FONT_SUFFIXES

    for root in search:
        for f, text in safeio.texts([root], tuple(_TEXT_SUFFIXES)):
            for n, line in enumerate(text.splitlines(), 1):
                for m in _REFERENCE_RE.finditer(line):
                    ref = next(g for g in m.groups() if g is not None).strip()
                    if not ref:
                        continue
                    for base in (Path(base_dir), f.parent):
                        try:
                            joined = urljoin(base.resolve().as_uri() + "/", ref)
                        except ValueError:
                            continue
                        if _same_url(joined, url):
                            return f, n, ref
                if literal is None and url in line:
                    literal = (f, n, url)
                if by_name is None and name and name in line:
                    by_name = (f, n, name)
                if local_font is None and font and (m := re.search(r"local\(\s*[^)]*\)", line)):
                    local_font = (f, n, m.group(0))
    return literal or by_name or local_font


def missing_fonts(variant: str) -> list[str]:
    """Families the edition needs that fontconfig cannot find."""
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


# Tagged PDF (structure tree, alt texts, reading order) for screen readers.
# Checked: pdftotext extracts the same Chinese text, character for character,
# as from the untagged file; it costs ~15% in size and is still deterministic.
TAGGED = "pdf/ua-1"


@dataclass(frozen=True)
class RenderedPdf:
    """One rendered PDF: its bytes, the renderer's warnings, and its page
    count as WeasyPrint's document laid it out."""

    pdf: bytes
    warnings: list[str]
    pages: int


def render_pdf(html: str, base_dir: Path, roots: list[Path], pdf_variant: str | None = TAGGED) -> RenderedPdf:
    """Render ``html`` to PDF bytes, with the renderer's warnings and the page count.

    The PDF identifier is derived from the HTML, so the same input always
    gives the same bytes (no clock, no random id). CJK fonts are embedded
    at the size of the glyphs used (:mod:`generator.pdf.fonts`)."""
    from weasyprint import DEFAULT_OPTIONS, HTML
    from weasyprint.urls import FatalURLFetchingError

    install_hooks()

    fetcher = _fetcher_class()(roots)
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    # The render allocates about a million objects (computed styles, boxes)
    # and keeps nearly all of them to the end: the cyclic collector's full
    # passes over them cost ~12% of the render and reclaimed ~4 MB of the
    # sample's 190. It is off for the render; whatever cycles the render
    # left go with the next collection after it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        doc = HTML(string=html, base_url=str(base_dir.resolve()) + "/", url_fetcher=fetcher)
        ident = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
        options = {**DEFAULT_OPTIONS, "pdf_identifier": ident, "uncompressed_pdf": False}
        if pdf_variant:
            options["pdf_variant"] = pdf_variant
        # HTML.write_pdf's two steps, so that the laid-out document tells its pages
        document = doc.render(**options)
        pdf = document.write_pdf(finisher=pdfwrite.finisher if pdfwrite.active() else None, **options)
    except FatalURLFetchingError:
        raise fetcher.refused[-1] if fetcher.refused else ResourceError("?", "refused")
    finally:
        logger.removeHandler(handler)
        if collecting:
            gc.enable()
    if fetcher.refused:
        raise fetcher.refused[0]
    return RenderedPdf(pdf, _subset_warning(handler.records), len(document.pages))


def install_hooks() -> None:
    """WeasyPrint's changes of ours (each once per process, each only on
    the WeasyPrint it was written for): compact fonts (:mod:`generator.pdf.fonts`),
    a lighter structure tree (:mod:`generator.pdf.tags`), pseudo-element
    styles only where they apply (:mod:`generator.pdf.styles`), page
    streams joined once drawn. The build calls it before
    it forks its PDF workers, which then share what it prepared."""

    pdffonts.install()
    pdftags.install()
    pdfstyles.install()
    compact_page_streams()


_COMPACTING: list[bool] = []


def compact_page_streams() -> bool:
    """Each page's content stream held as one bytes object once the page is
    drawn, instead of WeasyPrint's list of one item per operator (some
    10,000 a page) kept until the whole PDF is written: pydyf writes a
    stream as its items joined by newlines, so joining them right after
    the page is painted writes the same bytes -- and holds ~5 MB and ~0.1 s
    less in a 46-page briefing. On WeasyPrint 70 only (the version whose
    ``Page.paint`` and pydyf's ``Stream.data`` this follows); whether it is
    active."""
    if _COMPACTING:
        return _COMPACTING[0]
    import pydyf
    import weasyprint
    from weasyprint import document

    active = weasyprint.__version__.startswith("70.") and hasattr(pydyf, "_to_bytes")
    if active:
        paint = document.Page.paint

        def painted(page, stream, *args, **kwargs):
            result = paint(page, stream, *args, **kwargs)
            stream.stream = [JOIN.join(pydyf._to_bytes(item) for item in stream.stream)]
            return result

        document.Page.paint = painted
    _COMPACTING.append(active)
    return active


JOIN = b"\n"  # pydyf.Stream.data's separator


# WeasyPrint 70 (weasyprint/pdf/fonts.py, Font.subset) subsets with HarfBuzz
# when it could load libharfbuzz-subset (weasyprint.text.ffi.harfbuzz_subset)
# and HarfBuzz is >= 4.1; otherwise it logs this, once per font, and falls
# back to fontTools.
FONTTOOLS_FALLBACK = "Using fontTools instead of HarfBuzz-Subset"
SLOW_SUBSET = ("fonts were subset with fontTools, not HarfBuzz: libharfbuzz-subset is missing (or HarfBuzz is "
               "older than 4.1), which makes every PDF about ten times slower to build and not reproducible "
               "byte for byte (install the Debian package libharfbuzz-subset0; make setup does it)")


def harfbuzz_subsetter() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (its own test)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def _subset_warning(records: list[str]) -> list[str]:
    """One plain warning instead of WeasyPrint's one per font."""
    kept = [r for r in records if not r.startswith(FONTTOOLS_FALLBACK)]
    return [SLOW_SUBSET, *kept] if len(kept) < len(records) else kept

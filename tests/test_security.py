"""Security: what the PDF renderer may read, and what content may put into
the editions (README "Security").

The fetcher is tested directly against real WeasyPrint with small documents
(every bypass we could think of); a few end-to-end builds then check that a
refused reference stops the build at the content or template line that made
it, and that script, event handlers, javascript: links and remote images
written in content survive in neither edition.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import zlib
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

import pytest

from generator.build import build
from generator.diagnostics import BuildError
from generator.render.markup import sanitize
from generator.pdf import ResourceError, render_pdf

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
MARK = "PWN9"  # in every hostile payload; may appear as text, never as markup


def _png() -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """root/ (what the renderer may read) next to outside/ (what it may not)."""
    base = tmp_path_factory.mktemp("fetch")
    root, outside = base / "root", base / "outside"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    (root / "ok.png").write_bytes(_png())
    (root / "sub" / "ok.png").write_bytes(_png())
    (root / "ok.css").write_text("p { color: #123456 }\n")
    (outside / "secret.png").write_bytes(_png())
    (outside / "secret.css").write_text("p { color: red }\n")
    (root / "link.png").symlink_to(outside / "secret.png")
    (root / "linkdir").symlink_to(outside, target_is_directory=True)
    (root / "imports-outside.css").write_text(f'@import url("{(outside / "secret.css").as_uri()}");\n')
    # an SVG inside the root whose own image is outside: WeasyPrint draws SVG
    # images late and swallows every exception there, the fetcher must still stop it
    (root / "inside.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f'<image href="{(outside / "secret.png").as_uri()}" width="10" height="10"/></svg>\n')
    (root / "fifo").mkdir()
    os.mkfifo(root / "fifo" / "pipe")
    return base


def _render(tree: Path, body: str) -> bytes:
    root = tree / "root"
    pdf = render_pdf(f"<!DOCTYPE html><html><head></head><body>{body}</body></html>", root, [root]).pdf
    return pdf


SECRET = "outside/secret"
REFUSED = {
    "symlink to a file outside": ('<img src="link.png">', "link.png"),
    "symlinked directory": ('<img src="linkdir/secret.png">', "linkdir/secret.png"),
    "dot-dot": ('<img src="../outside/secret.png">', SECRET),
    "percent-encoded dot-dot": ('<img src="%2e%2e/outside/secret.png">', "%2e%2e/outside"),
    "absolute path": ('<img src="{outside}/secret.png">', SECRET),
    "file:// elsewhere": ('<img src="file://{outside}/secret.png">', SECRET),
    "file://localhost elsewhere": ('<img src="file://localhost{outside}/secret.png">', SECRET),
    "file:// on another host": ('<img src="file://example.com/x.png">', "example.com"),
    "FILE: upper case": ('<img src="FILE://{outside}/secret.png">', SECRET),
    "/etc/passwd": ('<img src="/etc/passwd">', "/etc/passwd"),
    "a device": ('<img src="/dev/zero">', "/dev/zero"),
    "/proc": ('<style>@import "/proc/self/environ";</style>', "/proc/self/environ"),
    "a fifo inside the root": ('<img src="fifo/pipe">', "fifo/pipe"),
    "http": ('<img src="http://127.0.0.1:9/x.png">', "http://127.0.0.1:9/x.png"),
    "https": ('<img src="https://example.com/x.png">', "https://example.com/x.png"),
    "protocol-relative": ('<img src="//example.com/x.png">', "example.com"),
    "ftp": ('<img src="ftp://example.com/x.png">', "ftp://example.com/x.png"),
    "<base href> to a host": ('<base href="http://example.com/"><img src="x.png">', "http://example.com/x.png"),
    "stylesheet link": ('<link rel="stylesheet" href="https://example.com/x.css">', "https://example.com/x.css"),
    "CSS @import": ('<style>@import url("{outside}/secret.css");</style>', SECRET),
    "CSS @import chained": ('<link rel="stylesheet" href="imports-outside.css">', SECRET),
    "CSS url() background": ("<style>body {{ background: url({outside}/secret.png) }}</style>", SECRET),
    "CSS content: url()": ('<style>p::before {{ content: url("https://example.com/x.png") }}</style><p>x</p>',
                           "https://example.com/x.png"),
    "CSS list-style-image": ("<style>li {{ list-style-image: url(http://example.com/a.png) }}</style><ul><li>x</li></ul>",
                             "http://example.com/a.png"),
    "@font-face src url()": ("<style>@font-face {{ font-family: X; src: url(file:///usr/share/fonts/x.ttf) }}"
                             " p {{ font-family: X }}</style><p>x</p>", "/usr/share/fonts/x.ttf"),
    "@color-profile": ("<style>@color-profile --p {{ src: url(https://example.com/p.icc) }}</style>",
                       "https://example.com/p.icc"),
    "<link rel=attachment>": ('<link rel="attachment" href="/etc/passwd">', "/etc/passwd"),
    "<a rel=attachment>": ('<a rel="attachment" href="/etc/hostname">x</a>', "/etc/hostname"),
    "<object>": ('<object data="/etc/passwd" type="image/png"></object>', "/etc/passwd"),
    "<embed>": ('<embed src="{outside}/secret.png">', SECRET),
    "SVG <image>": ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                    '<image href="{outside}/secret.png" width="10" height="10"/></svg>', SECRET),
    "SVG file inside with an image outside": ('<img src="inside.svg">', SECRET),
    "data: CSS importing a host": ('<style>@import url("data:text/css,@import url(https://example.com/a.css);");</style>',
                                   "https://example.com/a.css"),
    "data: SVG with a file image": ('<img src="data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22 '
                                    'width=%2210%22 height=%2210%22><image href=%22file://{outside}/secret.png%22 '
                                    'width=%2210%22 height=%2210%22/></svg>">', SECRET),
    "a malformed URL": ('<img src="http://[::1">', "http://[::1"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_renderer_refuses(tree, name):
    body, expected = REFUSED[name]
    with pytest.raises(ResourceError) as refused:
        _render(tree, body.format(outside=tree / "outside"))
    assert expected in refused.value.url


def test_symlink_escape_is_named_as_such(tree):
    with pytest.raises(ResourceError, match="symbolic link to .*outside/secret.png"):
        _render(tree, '<img src="link.png">')


def test_refused_font_file_says_what_to_do_instead(tree):
    with pytest.raises(ResourceError) as refused:
        _render(tree, '<style>@font-face { font-family: X; src: local("Noto Sans CJK SC Bold") }'
                      " p { font-family: X }</style><p>中文</p>")
    assert "/usr/share/fonts" in refused.value.url and "font-family" in refused.value.hint


ALLOWED = {
    "a file inside": '<img src="ok.png">',
    "a file in a subdirectory": '<img src="sub/ok.png">',
    "a stylesheet inside": '<link rel="stylesheet" href="ok.css"><p>x</p>',
    "a data: URI": '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk'
                   '+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==">',
}


@pytest.mark.parametrize("name", ALLOWED)
def test_renderer_reads_what_it_may(tree, name):
    pdf = _render(tree, ALLOWED[name])
    assert pdf.startswith(b"%PDF")
    if "img" in ALLOWED[name]:
        assert re.search(rb"/Subtype\s*/Image", pdf), "the allowed image is in the PDF"


def test_weasyprint_is_70_or_later(repo_root):
    """70.0 fixed the custom-fetcher bypass; the pin keeps it."""
    assert int(version("weasyprint").split(".")[0]) >= 70
    assert int(re.search(r'"weasyprint>=(\d+)', (repo_root / "pyproject.toml").read_text()).group(1)) >= 70


# ---------------------------------------------------------------------------
# the build: a refused reference stops it at the line that made it


def _template_dir(tmp_path: Path, block: str, markup: str) -> Path:
    t = tmp_path / "mytemplates"
    t.mkdir()
    (t / "briefing.html.j2").write_text(
        '{% extends "base:briefing.html.j2" %}\n'
        f"{{% block {block} %}}{{{{ super() }}}}\n{markup}\n{{% endblock %}}\n", encoding="utf-8")
    return t


@pytest.mark.parametrize("markup, ref", [
    ('<link rel="stylesheet" href="https://example.com/track.css">', "https://example.com/track.css"),
    ('<style>@import url("/etc/passwd");</style>', "/etc/passwd"),
    ('<style>@font-face { font-family: X; src: local("Noto Sans CJK SC Bold") } p { font-family: X }</style>',
     'local("Noto Sans CJK SC Bold")'),
])
def test_template_reference_is_reported_at_its_line(tmp_path, cli, markup, ref):
    templates = _template_dir(tmp_path, "head", markup)
    out = tmp_path / "out"
    result = cli(["build", "--content", MINIMAL, "--templates", templates, "--out", out,
                  "--variant", "zh-Hans", "--format", "pdf"])
    assert result.exit_code == 1
    assert re.search(rf"briefing\.html\.j2:3: error: zh-Hans PDF: refused to load '{re.escape(ref)}'", result.stderr)
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_content_image_escaping_by_symlink_is_reported_at_its_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    (tmp_path / "private.png").write_bytes(_png())
    (content / "figure.png").symlink_to(tmp_path / "private.png")
    theme = content / "themes" / "01-compute.md"
    lines = theme.read_text(encoding="utf-8").split("\n")
    at = lines.index("---", 1) + 2  # the first body line
    lines.insert(at - 1, "![示意图](figure.png)\n")
    theme.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        build(content, tmp_path / "out", variants=["zh-Hans"], formats=["pdf"])
    [problem] = [p for p in failed.value.diagnostics.errors if p.code == "resource"]
    assert problem.location.path.endswith("themes/01-compute.md") and problem.location.line == at
    assert "'figure.png'" in problem.message and "symbolic link" in problem.message
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------
# content cannot inject script or remote resources


PAYLOADS = {
    # Markdown that content.py lets through (it is not a raw HTML tag): the
    # renderer must neutralise it.
    "body": [
        f"[{MARK}链接一](javascript:alert('{MARK}'))",
        f"[{MARK}链接二](JaVaScRiPt:alert('{MARK}'))",
        f"[{MARK}链接三](data:text/html,{MARK})",
        f"[{MARK}链接四][ref]\n\n[ref]: javascript:alert('{MARK}')",
        f"[{MARK}链接五](#)",
        f"<javascript:alert('{MARK}')>",
    ],
    # Images: a theme body refuses them at check time (content.py, a located
    # error); YAML prose is not body-checked, so the renderer's own
    # sanitising is exercised there.
    "prose": [
        f"![{MARK}远程图](https://example.com/{MARK}.png)",
        f"![{MARK}协议相对图](//example.com/{MARK}.png)",
        f"![{MARK}反斜杠图](\\\\\\\\example.com/{MARK}.png)",
        f"![{MARK}上级图](../../{MARK}.png)",
        f"![{MARK}文件图](file:///etc/{MARK})",
        f'![{MARK}" onerror="alert(1)](figure.png)',
    ],
    # Raw HTML in YAML prose is escaped and shown as text.
    "summary": [
        f"<script>alert('{MARK}')</script>",
        f"<img src=https://example.com/{MARK}.png onerror=alert('{MARK}')>",
        f"<a href=\"javascript:alert('{MARK}')\">{MARK}</a>",
        f"<svg/onload=alert('{MARK}')>",
        f"<iframe src=\"https://example.com/{MARK}\"></iframe>",
        f'<style>@import "https://example.com/{MARK}.css";</style>',
    ],
}


class _Markup(HTMLParser):
    """Where the marker occurs: in markup (a tag, an attribute, a script or
    style body) or in text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_markup: list[str] = []
        self.text: list[str] = []
        self.raw_block = ""
        self.images: list[str] = []  # src of the images content made (alt carries the marker)
        self.hrefs: list[str] = []  # href of the links content made (text carries the marker)
        self._href: str | None = None
        self.link_texts = 0  # <a> without href whose text carries the marker
        self.meta_texts: list[str] = []  # description and link-preview texts that carry the marker

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.in_markup.append(f"<{tag} {name}=...> event handler")
            elif name not in ("alt", "title") and (MARK in name or MARK in (value or "")) and not (
                    tag == "meta" and name == "content"):  # a description / link-preview text: text, escaped
                self.in_markup.append(f"<{tag} {name}={value!r}>")
        if MARK in tag:
            self.in_markup.append(f"<{tag}>")
        if tag == "meta" and MARK in (d.get("content") or ""):
            self.meta_texts.append(d["content"])
        if tag == "img" and MARK in (d.get("alt") or ""):
            self.images.append(d.get("src") or "")
        if tag == "a":
            self._href = d.get("href") or ""
        if tag in ("script", "style"):
            self.raw_block = tag

    def handle_endtag(self, tag):
        if tag == self.raw_block:
            self.raw_block = ""
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        if self.raw_block:
            if MARK in data:
                self.in_markup.append(f"<{self.raw_block}> body")
            return
        self.text.append(data)
        if self._href is not None and MARK in data:
            if self._href:
                self.hrefs.append(self._href)
            else:
                self.link_texts += 1


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    """The minimal content with every payload added; built (zh-Hans HTML+PDF, zh-Hant HTML)."""
    base = tmp_path_factory.mktemp("hostile")
    content = base / "content"
    shutil.copytree(MINIMAL, content)
    theme = content / "themes" / "01-compute.md"
    text = theme.read_text(encoding="utf-8")
    cut = text.index("\n:::")
    (content / "figure.png").write_bytes(_png())
    extra = "".join(f"\n\n{p}" if "[ref]:" in p else f"\n\n{p}[@alpha]" for p in PAYLOADS["body"])
    theme.write_text(text[:cut] + extra + "\n" + text[cut:], encoding="utf-8")
    summary = content / "summary.yaml"
    s = summary.read_text(encoding="utf-8")
    first = s.index("bottom_line:\n") + len("bottom_line:\n")
    item = s[first:s.index("\n", first)]  # the first sentence, in place: 3-5 sentences are allowed
    hostile_item = "  - " + _yaml_quote(" ".join(PAYLOADS["summary"] + PAYLOADS["prose"]) + " "
                                        + item.removeprefix("  - "))
    summary.write_text(s[:first] + hostile_item + s[first + len(item):], encoding="utf-8")
    out = base / "out"
    report = build(content, out, variants=["zh-Hans"], formats=["html", "pdf"])
    build(content, out, variants=["zh-Hant"], formats=["html"])
    assert report.written
    return {"zh-Hans.html": out / "briefing.zh-Hans.html", "zh-Hant.html": out / "briefing.zh-Hant.html",
            "zh-Hans.pdf": out / "briefing.zh-Hans.pdf"}


def _yaml_quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


@pytest.mark.parametrize("edition", ["zh-Hans.html", "zh-Hant.html"])
def test_hostile_content_is_text_never_markup(hostile, edition):
    p = _Markup()
    p.feed(hostile[edition].read_text(encoding="utf-8"))
    assert p.in_markup == []
    assert p.meta_texts and all(f"<script>alert('{MARK}')</script>" in t for t in p.meta_texts)  # text, not dropped
    text = "".join(p.text)
    # the payloads are still there, visibly, as text -- escaped, not dropped
    assert f"<script>alert('{MARK}')</script>" in text
    assert f"onerror=alert('{MARK}')" in text
    assert text.count(MARK) >= 19  # 8 in the summary sentence, 5 link texts, 5 alt texts, 1 autolink
    # the one plain relative image, embedded (the HTML is self-contained); the unsafe ones became their alt text
    import base64

    assert p.images == ["data:image/png;base64," + base64.b64encode(_png()).decode("ascii")]
    assert p.hrefs == [] and p.link_texts == 0  # javascript:/data:/# links became plain text, no <a> left


def test_hostile_content_leaves_no_script_or_remote_link_in_the_pdf(hostile):
    from pypdf import PdfReader

    reader = PdfReader(hostile["zh-Hans.pdf"])
    catalog = reader.trailer["/Root"]
    assert "/OpenAction" not in catalog and "/AA" not in catalog
    assert "/JavaScript" not in (catalog.get("/Names") or {})
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action:
                assert action.get("/S") in ("/URI", "/GoTo"), action
                if "/URI" in action:
                    uris.append(str(action["/URI"]))
    assert all(u.startswith(("http://", "https://", "mailto:")) for u in uris), uris
    assert not any(MARK in u for u in uris)
    text = "".join(page.extract_text() for page in reader.pages)
    assert re.search(rf"{MARK}\s*远\s*程\s*图", text)  # shown as text, never fetched (the fetcher would have refused)


def test_raw_html_in_a_theme_body_is_an_error(content_copy, cli):
    theme = sorted((content_copy / "themes").glob("*.md"))[0]
    lines = theme.read_text(encoding="utf-8").split("\n")
    at = lines.index("---", 1) + 2
    lines.insert(at - 1, f"<script>alert('{MARK}')</script>")
    theme.write_text("\n".join(lines), encoding="utf-8")
    result = cli(["check", "--content", content_copy])
    assert result.exit_code == 1
    assert f"{theme.name}:{at}: error: raw HTML is not allowed in content" in result.stderr


@pytest.mark.parametrize("line", [
    'brand = "red; } body { background: url(https://example.com/x.png) } x {"',
    'brand = "#fff</style><script>alert(1)</script>"',
    "page_size = \"A4; @import 'https://example.com/x.css'\"",
])
def test_configured_style_cannot_inject_css(tmp_path, line):
    """Style reaches the CSS only from briefing.toml, whose values are validated."""
    config = tmp_path / "briefing.toml"
    config.write_text(f"[style]\n{line}\n", encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        build(MINIMAL, tmp_path / "out", formats=["html"], config=config)
    assert any("style." in e.message and e.location.path.endswith("briefing.toml")
               for e in failed.value.diagnostics.errors)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "//example.com"])
def test_source_url_must_be_http(tmp_path, url):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    sources = content / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("\n  file:", f"\n  url: {_yaml_quote(url)}\n  file:", 1), encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        build(content, tmp_path / "out", formats=["html"], write=False)
    assert any("'url' must be an http(s) address" in e.message for e in failed.value.diagnostics.errors)


@pytest.mark.parametrize("fragment, kept", [
    ('<a href="javascript:alert(1)">x</a>', "x"),
    ('<a href=" JAVASCRIPT:alert(1)" title="t">x <b>y</b></a>', "x <b>y</b>"),
    ('<a href="&#106;avascript:alert(1)">x</a>', "x"),
    ('<a href="#">x</a>', "x"),
    ('<a href="data:text/html,x">x</a> <a href="#src-a">s</a>', 'x <a href="#src-a">s</a>'),
    ('<a href="#src-longform">x</a>', '<a href="#src-longform">x</a>'),
    ('<a href="https://example.com/">x</a>', '<a href="https://example.com/">x</a>'),
    ('<img alt="a" src="\\\\example.com/x.png">', "a"),
    ('<img alt="a" src="\x01//example.com/x.png">', "a"),
    ('<img alt="a" src="%2e%2e/x.png">', "a"),
    ('<img alt="a" src="pics/x.png">', '<img alt="a" src="pics/x.png">'),
])
def test_sanitize(fragment, kept):
    assert sanitize(fragment) == kept

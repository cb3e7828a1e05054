"""Shared fixtures. The shipped briefing is built once per test session
(real WeasyPrint, real fonts, real OpenCC) and reused by every test that only
reads outputs; tests that change inputs copy the content into tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"
SOURCES = ROOT.parent / "shared" / "sources"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    if not SOURCES.is_dir():
        pytest.skip("the source articles (../shared/sources) are not available here")
    return SOURCES


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """Every default edition of the shipped content, HTML and PDF:
    {'zh-Hans.html': Path, 'zh-Hans.pdf': Path, 'zh-Hant.html': ..., ...}."""
    from generator.build import build

    out = tmp_path_factory.mktemp("built")
    report = build(CONTENT, out)
    return {f"{w.variant}.{w.format}": w.path for w in report.written}


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the shipped content, for tests that break it."""
    dst = tmp_path / "content"
    shutil.copytree(CONTENT, dst)
    return dst


MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
FIXTURE_SOURCES = ROOT / "tests" / "fixtures" / "sources"


@pytest.fixture
def minimal(tmp_path) -> Path:
    """A writable copy of tests/fixtures/minimal (two themes, valid under
    --strict with tests/fixtures/sources) at tmp_path/'content'."""
    dst = tmp_path / "content"
    shutil.copytree(MINIMAL, dst)
    return dst


@pytest.fixture
def fixture_sources() -> Path:
    """Small made-up source texts that tests/fixtures/minimal cites."""
    return FIXTURE_SOURCES


@pytest.fixture
def edit():
    """edit(file, old, new) replaces the one occurrence of ``old`` in ``file``
    and returns the 1-based line on which ``new`` starts, so a test can assert
    that an error points exactly at the line it broke."""

    def run(path: Path, old: str, new: str) -> int:
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} must occur exactly once in {path}"
        start = text.index(old)
        path.write_text(text.replace(old, new), encoding="utf-8")
        return text.count("\n", 0, start) + 1

    return run


@pytest.fixture(scope="session")
def foreign_spans():
    """foreign_spans(html, lang) -> the texts of the elements that are marked
    with another language than ``lang`` (a glossary's other-script column, a
    [萬億]{lang=zh-Hant-HK} literal, English names): those are meant to
    be in another script, so script checks leave them out."""
    from html.parser import HTMLParser

    void = {"br", "img", "meta", "link", "hr", "input", "wbr", "source", "col", "area", "base", "embed"}

    class Collect(HTMLParser):
        def __init__(self, lang: str):
            super().__init__(convert_charrefs=True)
            self.lang, self.stack, self.spans = lang, [], []

        def handle_starttag(self, tag, attrs):
            if tag in void:
                return
            own = dict(attrs).get("lang")
            outer = self.stack[-1][1] if self.stack else self.lang
            foreign = own is not None and own != self.lang and outer == self.lang
            if foreign:
                self.spans.append("")
            self.stack.append((tag, own or outer, foreign))

        def handle_endtag(self, tag):
            while self.stack:
                if self.stack.pop()[0] == tag:
                    break

        def handle_data(self, data):
            if self.stack and self.stack[-1][1] != self.lang:
                self.spans[-1] += data

    def run(document: str, lang: str) -> list[str]:
        parser = Collect(lang)
        parser.feed(document)
        return parser.spans

    return run


@pytest.fixture
def cli():
    """Run the CLI in-process: cli(['build', ...]) -> click Result (stderr separate)."""
    from click.testing import CliRunner

    from generator.cli import main

    def run(args, **kw):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kw)

    return run

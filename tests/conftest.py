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


@pytest.fixture
def cli():
    """Run the CLI in-process: cli(['build', ...]) -> click Result (stderr separate)."""
    from click.testing import CliRunner

    from generator.cli import main

    def run(args, **kw):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kw)

    return run

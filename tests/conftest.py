"""Shared fixtures. The shipped briefing is built once per test session
(real WeasyPrint, real fonts, real OpenCC) and reused by every test that only
reads outputs; tests that change inputs copy the content into tmp_path."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
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


def clean_env() -> dict[str, str]:
    """The environment without anything that would put the checkout (or the
    test run's own virtualenv) on an installed program's import path."""
    return {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONSAFEPATH")}


@pytest.fixture(scope="session")
def installed_briefing(tmp_path_factory) -> Path:
    """The bin directory of a fresh virtualenv, outside the checkout, into
    which the wheel of the checkout was installed with its dependencies, as
    a user would: ``pip install briefing-*.whl``.

    The wheel is built from a copy of the checkout (so setuptools' build/
    directory can neither leave stale files in it nor litter the checkout).
    The venv is created without its own pip and the test run's pip installs
    into it (``pip --python``): the same resolution and the same files,
    without the seconds ensurepip takes. Every dependency is installed too,
    from the package index as configured, so a missing one fails here.
    Measured on the development machine (local index, pip's cache): ~7 s in
    all -- ~3 s for the wheel, ~5 s for venv + install (~7 s with ensurepip)."""
    base = tmp_path_factory.mktemp("installed")
    assert not base.resolve().is_relative_to(ROOT), "the venv must live outside the checkout"
    env = clean_env()
    started = time.monotonic()
    src = base / "src"
    shutil.copytree(ROOT, src, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", "output"))
    wheels = base / "wheels"

    def run(*args):
        done = subprocess.run([str(a) for a in args], cwd=base, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"

    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheels, src)
    (wheel,) = wheels.glob("briefing-*.whl")
    venv = base / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q", wheel)
    print(f"installed_briefing: wheel built and installed in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return venv / "bin"


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


def reading_text(html: str) -> str:
    """What a reader sees of an HTML edition: no <style> or <script>, no tags."""
    import re

    html = re.sub(r"<style\b.*?</style>", "", html, flags=re.S)
    html = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", html)


def assert_strict_check_passes(fixture: Path) -> None:
    """A fixture briefing (FIXTURE/content + FIXTURE/sources) passes
    `briefing check --sources --strict` with no warning."""
    from click.testing import CliRunner

    from generator.cli import main

    res = CliRunner().invoke(main, ["check", "--content", str(fixture / "content"), "--sources",
                                    str(fixture / "sources"), "--strict"])
    assert res.exit_code == 0, res.output
    assert "0 warning(s)" in res.output


def once_per_run(tmp_path_factory, name: str, make) -> tuple[Path, dict]:
    """``make(folder)`` run once per test run, even with pytest-xdist (the
    workers share the parent of their base temp; a lock file orders them):
    the builds are the slow part. -> (folder, what make returned)"""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / name
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = base / f"{name}.json"
        if done.exists():
            return folder, json.loads(done.read_text(encoding="utf-8"))
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        info = make(folder)
        done.write_text(json.dumps(info), encoding="utf-8")
        return folder, info


_RENDER_PDF = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
import generator.pdf, generator.pdf.styles, generator.pdf.tags, generator.pdf.finisher
for name in sys.argv[4:]:  # hooks switched off: module.function -> lambda: False
    module, _, attr = name.rpartition(".")
    setattr(sys.modules[module], attr, lambda: False)
pdf = generator.pdf.render_pdf(Path(sys.argv[1]).read_text(encoding="utf-8"), Path(sys.argv[2]), [Path(sys.argv[2])]).pdf
Path(sys.argv[3]).write_bytes(pdf)
print(generator.pdf._COMPACTING)
"""


def render_pdf_fresh(html: Path, out: Path, off: tuple[str, ...] = ()) -> str:
    """``html`` (its folder the base) rendered by generator.pdf.render_pdf
    into ``out``, in a fresh process -- each PDF hook installs itself once
    per process -- with the hooks named in ``off`` (``generator.pdf.finisher.
    active``...) switched off. -> what the process printed (whether the page
    streams were joined)."""
    done = subprocess.run([sys.executable, "-c", _RENDER_PDF.format(root=str(ROOT)), str(html), str(html.parent),
                           str(out), *off], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()

"""Performance work, tested for what it must not change (no timings here:
`make bench` measures those).

- editions rendered side by side in forked workers give exactly what one
  after the other gives: the same HTML bytes and the same problems, each
  reported once;
- the glyph check's fast path (fontconfig's cached charsets) covers exactly
  the code points of the fonts' own cmaps;
- YAML composed by libyaml gives the same values and lines as the reference
  loader, and syntax errors keep the reference wording;
- a missing HarfBuzz subsetter is said loudly, by the setup and by the build;
- `briefing --help` imports none of the heavy libraries;
- the benchmark's synthetic 10x content is valid content (and 120 themes
  are numbered 一百二十);
- compiled templates kept in the user's cache are used again only for the
  same source, never from a folder others could write to.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import yamlsrc
from generator.lanes import render_outputs
from generator.load.config import Config
from generator.load.content import load_content
from generator.diagnostics import BuildError, Diagnostics

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench  # noqa: E402


def _render(content_dir: Path, jobs: int, templates: Path | None = None, strict: bool = False):
    diag = Diagnostics(root=content_dir.parent)
    content = load_content(content_dir, diag)
    htmls, pdfs = render_outputs(content, list(content.manifest.variants), templates, diag, Config(), None, None,
                                 [], strict, jobs=jobs)
    return htmls, sorted(map(str, diag.problems)), len(diag.problems)


# --------------------------------------------------------------------------
# editions in parallel


def test_parallel_editions_render_what_sequential_ones_do(content_copy, edit):
    # a lint finding (mainland text with 「」) so that problems flow back from the workers
    edit(content_copy / "themes" / "01-code-red.md", "### 背景：攻守易位", "### 背景：「攻守」易位")
    one = _render(content_copy, jobs=1)
    two = _render(content_copy, jobs=2)
    assert list(one[0]) == list(two[0]) == ["zh-Hans", "zh-Hant"]
    assert one[0] == two[0]  # byte for byte
    assert one[1] == two[1] and one[2] == two[2]
    assert one[2] > 0, "the edit was meant to produce at least one problem"


def test_a_broken_override_is_reported_once_not_once_per_worker(content_copy, tmp_path):
    mine = tmp_path / "my-templates"
    mine.mkdir()
    (mine / "briefing.html.j2").write_text('{% extends "base:no-such.html.j2" %}\n', encoding="utf-8")
    one, two = _render(content_copy, 1, mine), _render(content_copy, 2, mine)
    assert one[0] == two[0] == {}
    assert one[1] == two[1] and one[2] == two[2] == 1
    assert "no-such.html.j2" in two[1][0]


def test_errors_in_the_workers_stop_the_build_and_nothing_is_written(content_copy, tmp_path):
    from generator.build import build

    mine = tmp_path / "my-templates"
    mine.mkdir()
    (mine / "briefing.html.j2").write_text(
        '{% extends "base:briefing.html.j2" %}\n{% block cover %}{{ edition.titel }}{% endblock %}\n', encoding="utf-8")
    one, two = _render(content_copy, 1, mine), _render(content_copy, 2, mine)
    assert one[1] == two[1] and one[2] == two[2] == 2  # one per edition, as one after the other
    assert all("titel" in p for p in two[1])
    out = tmp_path / "out"
    with pytest.raises(BuildError) as err:
        build(content_copy, out, templates=mine)
    assert len(err.value.diagnostics.errors) == 2
    assert not out.exists() or not any(out.iterdir())


def test_the_last_pdf_rendered_in_the_builds_own_process_is_the_same(tmp_path, monkeypatch):
    # the command line's build renders the PDF that starts last in its own process (one process
    # fewer at the peak): the same bytes and problems as one edition after the other
    from generator import lanes as b

    content = ROOT / "tests" / "fixtures" / "minimal"

    def render(jobs: int, here: bool):
        diag = Diagnostics(root=content.parent)
        loaded = load_content(content, diag)
        variants = list(loaded.manifest.variants)
        return render_outputs(loaded, variants, None, diag, Config(), None, None, variants, jobs=jobs,
                              last_pdf_here=here), sorted(map(str, diag.problems))

    forked = []
    start = b._Lanes.start
    monkeypatch.setattr(b._Lanes, "start", lambda self, stage, variant, *a: (forked.append((stage.__name__, variant)),
                                                                            start(self, stage, variant, *a))[1])
    (htmls, pdfs), problems = render(2, True)
    assert sorted(stage for stage, _ in forked) == ["_html_stage", "_html_stage", "_pdf_stage"]
    here = {v for v in pdfs} - {v for stage, v in forked if stage == "_pdf_stage"}
    assert len(here) == 1
    (htmls_1, pdfs_1), problems_1 = render(1, False)
    assert list(pdfs) != [] and sorted(pdfs) == sorted(pdfs_1) and sorted(htmls) == sorted(htmls_1)
    assert all(pdfs[v] == pdfs_1[v] for v in pdfs) and all(htmls[v] == htmls_1[v] for v in htmls)
    assert problems == problems_1


def test_jobs_1_builds_the_same_files(tmp_path, cli):
    content = ROOT / "content"
    default = cli(["build", "--content", content, "--out", tmp_path / "a", "--format", "html"])
    serial = cli(["build", "--jobs", "1", "--content", content, "--out", tmp_path / "b", "--format", "html"])
    assert default.exit_code == serial.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "a").glob("briefing.*"))
    assert names == ["briefing.zh-Hans.html", "briefing.zh-Hant.html"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert cli(["build", "--jobs", "0", "--content", content, "--out", tmp_path / "c"]).exit_code == 2


# --------------------------------------------------------------------------
# glyph check: fontconfig's charsets are the cmaps


def test_fontconfig_charsets_are_the_cmaps_of_the_edition_fonts(built):
    from generator.render.editions import print_html
    from generator.check.glyphs import Coverage, _match, cmap, edition_text, font_families

    families: set[str] = set()
    for name, path in built.items():
        if name.endswith(".html"):
            families.update(font_families(edition_text(print_html(path.read_text(encoding="utf-8")))[1]))
    checked = 0
    for family in sorted(families):
        found = _match(family)
        if found is None or not found[2]:
            continue
        fast, ref = Coverage(found[2]), cmap(found[0], found[1])
        assert len(fast) == len(ref), family
        assert all(cp in fast for cp in ref), family
        checked += 1
    assert checked >= 2, f"no CJK face checked among {sorted(families)}"


def test_coverage_ranges():
    from generator.check.glyphs import Coverage

    c = Coverage([(0x4E00, 0x4E10), (0x20, 0x7E), (0x4E11, 0x4E20), (0x41, 0x42)])
    assert 0x20 in c and 0x7E in c and 0x4E15 in c and 0x4E20 in c
    assert 0x1F not in c and 0x7F not in c and 0x4E21 not in c and 0 not in c
    assert len(c) == (0x7E - 0x20 + 1) + (0x4E20 - 0x4E00 + 1)


# --------------------------------------------------------------------------
# YAML


def _reference(text: str, path: Path):
    saved, yamlsrc._FastLoader = yamlsrc._FastLoader, None
    try:
        return yamlsrc.parse(text, path)
    except yamlsrc.YamlSyntaxError as exc:
        return ("error", exc.line, exc.message)
    finally:
        yamlsrc._FastLoader = saved


def _fast(text: str, path: Path):
    try:
        return yamlsrc.parse(text, path)
    except yamlsrc.YamlSyntaxError as exc:
        return ("error", exc.line, exc.message)


def _same(a, b) -> None:
    assert type(a) is type(b) and a == b
    if isinstance(a, yamlsrc.Map):
        assert (a.line, a.key_lines) == (b.line, b.key_lines)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, yamlsrc.Seq):
        assert (a.line, a.item_lines) == (b.line, b.item_lines)
        for x, y in zip(a, b):
            _same(x, y)


def test_libyaml_gives_the_reference_values_and_lines():
    assert yamlsrc._FastLoader is not None, "PyYAML was built without libyaml"
    files = sorted((ROOT / "content").rglob("*.yaml")) + sorted((ROOT / "templates").rglob("*.yaml"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        _same(_fast(text, path), _reference(text, path))


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",                # duplicate key: our error
    "a: [1, 2\nb: 3\n",            # unclosed flow sequence
    "a: b: c\n",                   # mapping values not allowed here
    "- a\nb: 1\n",                 # block structure
    "a: 'x\n",                     # unterminated quote
    "a: \x07\n",                   # control character
    "a: 2025-13-01\n",             # impossible date: kept as text
])
def test_errors_keep_the_reference_wording(text):
    path = Path("x.yaml")
    _same(_fast(text, path), _reference(text, path))


# --------------------------------------------------------------------------
# the HarfBuzz subsetter


FALLBACK = r"""
import weasyprint.pdf.fonts, weasyprint.text.ffi
weasyprint.text.ffi.harfbuzz_subset = weasyprint.pdf.fonts.harfbuzz_subset = None  # as if not installed
from pathlib import Path
from generator.pdf import harfbuzz_subsetter, render_pdf
page = '<html lang="en"><body style="font-family: DejaVu Sans"><p>Plain <b>bold</b> <i>italic</i></p></body></html>'
rendered = render_pdf(page, Path("."), [Path(".")])
pdf, warnings = rendered.pdf, rendered.warnings
print(harfbuzz_subsetter(), pdf[:5])
for w in warnings:
    print("WARNING", w)
"""


def test_a_fonttools_fallback_is_one_plain_warning(tmp_path):
    run = subprocess.run([sys.executable, "-W", "ignore", "-c", FALLBACK], capture_output=True, text=True,
                         cwd=tmp_path, check=True)
    lines = run.stdout.splitlines()
    assert lines[0] == "False b'%PDF-'"
    warnings = [line for line in lines if line.startswith("WARNING")]
    slow = [w for w in warnings if "libharfbuzz-subset0" in w]
    assert len(slow) == 1 and "ten times slower" in slow[0]
    assert not any("Using fontTools" in w for w in warnings)  # WeasyPrint's one-per-font lines replaced


def test_this_machine_subsets_with_harfbuzz():
    from generator.pdf import harfbuzz_subsetter

    assert harfbuzz_subsetter(), "install libharfbuzz-subset0 (tools/setup-system.sh does)"


def _fake(bin_dir: Path, name: str, script: str) -> None:
    p = bin_dir / name
    p.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    p.chmod(0o755)


def test_setup_says_loudly_when_the_library_is_missing(tmp_path):
    setup = ROOT / "tools" / "setup-system.sh"
    quiet = subprocess.run(["bash", str(setup)], capture_output=True, text=True)
    assert quiet.returncode == 0 and "MISSING" not in quiet.stderr

    fake = tmp_path / "bin"
    fake.mkdir()
    _fake(fake, "ldconfig", "exit 0\n")  # a library cache without libharfbuzz-subset.so.0
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}
    loud = subprocess.run(["bash", str(setup)], capture_output=True, text=True, env=env)
    assert loud.returncode == 0
    assert "libharfbuzz-subset (Debian package libharfbuzz-subset0) is MISSING" in loud.stderr
    assert "ten times slower" in loud.stderr

    # not installed at all: said before installing, and again if it is still not there after
    _fake(fake, "dpkg-query", 'case "$*" in *libharfbuzz-subset0*) exit 1;; esac\n'
                              "printf 'install ok installed'\n")
    _fake(fake, "apt-get", "exit 0\n")
    _fake(fake, "id", 'echo 0\n')
    loud = subprocess.run(["bash", str(setup)], capture_output=True, text=True, env=env)
    assert loud.returncode == 0, loud.stderr
    assert loud.stderr.count("is MISSING") == 2
    assert "Installing it now" in loud.stderr and "still not loadable" in loud.stderr


# --------------------------------------------------------------------------
# the command line starts light


def test_help_imports_no_heavy_library():
    code = ("import sys\nfrom generator.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = ('weasyprint', 'jinja2', 'opencc', 'yaml', 'markdown', 'fontTools', 'babel',\n"
            "         'generator.build', 'generator.load.content', 'generator.render.html')\n"
            "print('imported:', [m for m in heavy if m in sys.modules])\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "imported: []" in run.stdout


# --------------------------------------------------------------------------
# the benchmark's synthetic content


def test_the_10x_content_is_valid_and_counts_its_themes_in_chinese(tmp_path):
    n = bench.scale_content(ROOT / "content", tmp_path / "content", 10)
    assert n == 120 and len(list((tmp_path / "content" / "themes").glob("*.md"))) == 120
    theme = sorted((tmp_path / "content" / "themes").glob("*.md"))[0]
    bench.edit_theme(theme, 1)
    bench.edit_theme(theme, 2)
    assert theme.read_text(encoding="utf-8").count("（基准") == 1  # the edit replaces, never piles up
    diag = Diagnostics(root=tmp_path)
    content = load_content(tmp_path / "content", diag)
    assert not diag.errors, [str(p) for p in diag.errors]
    htmls, _pdfs = render_outputs(content, ["zh-Hans"], None, diag, Config(), None, None, [])
    assert not diag.errors, [str(p) for p in diag.errors]
    assert "一百二十、" in re.sub(r"<[^>]+>", "", htmls["zh-Hans"])


def test_chinese_numerals_of_theme_numbers():
    from generator.render.html import chinese_numeral

    assert [chinese_numeral(n) for n in (1, 10, 11, 20, 99, 100, 101, 110, 115, 120, 999)] == [
        "一", "十", "十一", "二十", "九十九", "一百", "一百零一", "一百一十", "一百一十五", "一百二十", "九百九十九"]


# --------------------------------------------------------------------------
# compiled templates in the user's cache


def _compiles(monkeypatch) -> list[str]:
    import jinja2

    seen: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        seen.append(name)
        return compile_(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return seen


def test_templates_are_compiled_once_then_read_from_the_cache(tmp_path, monkeypatch):
    from generator.render.html import template_env

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "page.html.j2").write_text("{% for i in range(3) %}{{ i }}{% endfor %}|{{ who }}\n", encoding="utf-8")
    seen = _compiles(monkeypatch)
    first = template_env(mine).get_template("page.html.j2").render(who="甲")
    assert seen == ["page.html.j2"]
    folder = tmp_path / "cache" / "briefing" / "templates"
    assert len(list(folder.glob("*.jinja"))) == 1 and (folder.stat().st_mode & 0o777) == 0o700
    again = template_env(mine).get_template("page.html.j2").render(who="甲")  # a new environment: a new build
    assert again == first == "012|甲\n" and seen == ["page.html.j2"]
    # an edited template is compiled again, never served from the cache as it was
    (mine / "page.html.j2").write_text("{{ who }}!\n", encoding="utf-8")
    assert template_env(mine).get_template("page.html.j2").render(who="乙") == "乙!\n"
    assert seen == ["page.html.j2", "page.html.j2"]
    # a damaged cache file is compiled again, never run: cut short, or one name in its code changed
    (cached,) = folder.glob("*.jinja")
    good = cached.read_bytes()
    for bad in (good[:40], good.replace(b"markup_join", b"markup_joim") if b"markup_join" in good else good[:-1]):
        cached.write_bytes(bad)
        assert template_env(mine).get_template("page.html.j2").render(who="丙") == "丙!\n"
        assert cached.read_bytes() == good  # and written anew


@pytest.mark.parametrize("how", ["group-writable", "a link", "not writable"])
def test_no_cache_where_others_could_write_code_or_none_can_be_written(tmp_path, monkeypatch, how):
    from generator.render.html import template_env

    cache = tmp_path / "cache"
    folder = cache / "briefing" / "templates"
    if how == "group-writable":
        folder.mkdir(parents=True)
        folder.chmod(0o770)
    elif how == "a link":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        folder.parent.mkdir(parents=True)
        folder.symlink_to(tmp_path / "elsewhere")
    else:
        cache.write_text("a file where the cache would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    env = template_env(None)
    assert env.bytecode_cache is None
    assert env.get_template("briefing.html.j2") is not None  # the shipped templates still compile
    if how == "a link":
        assert not list((tmp_path / "elsewhere").iterdir())


_PLANT = """
import os
class Plant:
    def __reduce__(self):
        return (os.system, ("echo planted > {marker}",))
"""


def _planted(marker: Path) -> bytes:
    """A cache file as a hostile writer would make it: right key, right
    digest, and a pickle that runs a command when Jinja reads its checksum."""
    import hashlib
    import pickle

    from jinja2.bccache import bc_magic

    scope: dict = {}
    exec(_PLANT.format(marker=marker), scope)
    written = bc_magic + pickle.dumps(scope["Plant"](), 2)
    return hashlib.sha256(written).digest() + written


@pytest.mark.parametrize("how", ["folder renamed and replaced", "others may write the file", "a link"])
def test_a_planted_cache_file_is_never_read(tmp_path, monkeypatch, how):
    from generator.render.html import template_env

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    mine = tmp_path / "mine"
    mine.mkdir()
    page = mine / "page.html.j2"
    page.write_text("{{ who }}\n", encoding="utf-8")
    folder = tmp_path / "cache" / "briefing" / "templates"
    env = template_env(mine)  # the folder is checked, and opened, here
    name = env.bytecode_cache.get_cache_key("page.html.j2", str(page)) + ".jinja"
    marker = tmp_path / "planted"
    plant = _planted(marker)
    if how == "folder renamed and replaced":  # (by someone who may write the folder above it)
        folder.rename(tmp_path / "away")
        folder.mkdir(mode=0o700)
        (folder / name).write_bytes(plant)
    elif how == "others may write the file":
        (folder / name).write_bytes(plant)
        (folder / name).chmod(0o666)
    else:
        (tmp_path / "elsewhere").write_bytes(plant)
        (folder / name).symlink_to(tmp_path / "elsewhere")
    assert env.get_template("page.html.j2").render(who="甲") == "甲\n"
    assert not marker.exists()


def test_a_killed_writers_temporary_files_are_swept(tmp_path, monkeypatch):
    from generator.render.html import _CompiledTemplates, template_env

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "briefing" / "templates"
    folder.mkdir(parents=True, mode=0o700)
    old, fresh = folder / ".old.1.tmp", folder / ".fresh.2.tmp"
    old.write_bytes(b"x")
    fresh.write_bytes(b"x")
    os.utime(old, (0, 0))
    (folder / "not-a-file.jinja").mkdir()  # a directory where a file would be: left alone, no error
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "a.html.j2").write_text("a\n", encoding="utf-8")
    assert template_env(mine).get_template("a.html.j2").render() == "a\n"
    assert not old.exists() and fresh.exists() and (folder / "not-a-file.jinja").is_dir()
    assert len(list(folder.glob("*.jinja"))) == 2
    assert _CompiledTemplates.KEPT >= 8

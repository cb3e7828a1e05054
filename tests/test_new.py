"""`briefing new`: a briefing of one's own that builds at once, with nothing
of the shipped sample in it; and the product text (templates, strings,
scaffold, generic docs) free of the sample's names."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# What only the shipped sample talks about: none of it may reach a new
# briefing or the product's own text.
SAMPLE_WORDS = ("Altman", "奥特曼", "奧特曼", "阿尔特曼", "Big Technology", "Podcast", "播客", "五篇", "十二个",
                "十二個", "OpenAI", "longform", "siliconstar", "code-red", "硅星人")


def run(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    res = subprocess.run([str(BIN / "briefing"), *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    if check:
        assert res.returncode == 0, res.stdout + res.stderr
    return res


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> Path:
    """A new briefing, checked with its sources and built (all in a fresh folder)."""
    where = tmp_path_factory.mktemp("newdesk")
    run("new", "desk", "--title", "储能周报：电网侧项目进展", "--unit", "能源研究组", cwd=where)
    return where / "desk"


@pytest.fixture(scope="module")
def desk_built(desk) -> dict[str, subprocess.CompletedProcess]:
    return {
        "check": run("check", "--sources", "--strict", cwd=desk),
        "build": run("build", "--strict", cwd=desk),
    }


def test_new_briefing_checks_against_its_sources_and_builds_four_files_without_warnings(desk, desk_built):
    check, build = desk_built["check"], desk_built["build"]
    assert "warning" not in check.stderr + build.stderr, check.stderr + build.stderr
    assert re.search(r"ok: content is valid; \d+ cited fragment\(s\), \d+ quotation\(s\) and \d+ key-number figure\(s\) verified "
                     r"against the sources; 0 warning",
                     check.stdout), check.stdout
    written = sorted(p.name for p in (desk / "output").iterdir() if p.suffix in (".html", ".pdf"))
    assert written == ["briefing.zh-Hans.html", "briefing.zh-Hans.pdf", "briefing.zh-Hant.html",
                       "briefing.zh-Hant.pdf"]
    assert "built 4 file(s)" in build.stdout


def test_the_scaffold_has_every_piece_a_desk_needs(desk):
    for rel in ("briefing.toml", "README.md", ".gitignore", "requirements.txt", ".github/workflows/briefing.yml",
                "content/briefing.yaml", "content/summary.yaml", "content/numbers.yaml", "content/questions.yaml",
                "content/sources.yaml", "content/glossary.yaml", "content/methodology.md", "content/disclaimer.md",
                "sources/example-source.txt", "tools/fetch-published.py"):
        assert (desk / rel).is_file(), rel
    assert len(list((desk / "content" / "themes").glob("*.md"))) == 1
    toml = (desk / "briefing.toml").read_text(encoding="utf-8")
    # every key briefing.toml can hold is there, set or commented with its default
    from generator.load.config import _SCHEMA

    for table, keys in _SCHEMA.items():
        for key in keys:
            if table == "fonts" and key.startswith("zh-"):
                assert f"[fonts.{key}]" in toml or f"# [fonts.{key}]" in toml or "[fonts.zh-Hans]" in toml
                continue
            assert re.search(rf"^#? ?{key} = ", toml, re.M), f"{table}.{key} missing from briefing.toml"
    assert re.search(r'^sources = "sources"', toml, re.M)
    glossary = yaml.safe_load((desk / "content" / "glossary.yaml").read_text(encoding="utf-8"))
    assert len(glossary["terms"]) == 1
    assert (desk / "briefing.toml").stat().st_mode & 0o044, "files must be readable like any other"


def test_nothing_of_the_sample_reaches_the_scaffold_or_the_new_briefings_editions(desk, desk_built):
    texts = {p: p.read_text(encoding="utf-8") for p in desk.rglob("*")
             if p.is_file() and p.suffix in (".toml", ".md", ".yaml", ".yml", ".txt", ".html")}
    for path, text in texts.items():
        for word in SAMPLE_WORDS:
            assert word not in text, f"{word!r} in {path}"
    title = (desk / "content" / "briefing.yaml").read_text(encoding="utf-8")
    assert "储能周报：电网侧项目进展" in title and "能源研究组" in title


def test_product_text_names_nothing_of_the_sample():
    """templates/, the strings, the scaffold and the generic docs."""
    places = [ROOT / "templates", ROOT / "generator" / "scaffold", ROOT / "generator" / "scaffold-zh-Hant",
              ROOT / "generator" / "scaffold-zh-Hant-HK",
              ROOT / "generator" / "chinese",
              ROOT / "docs" / "content-model.md", ROOT / "docs" / "tutorial.md", ROOT / "docs" / "templates.md"]
    files = [p for d in places for p in ([d] if d.is_file() else d.rglob("*"))
             if p.is_file() and p.suffix in (".j2", ".yaml", ".yml", ".md", ".toml", ".txt")]
    assert files
    for p in files:
        text = p.read_text(encoding="utf-8")
        for word in SAMPLE_WORDS:
            if p.name == "script_chars.txt":
                continue
            assert word not in text, f"{word!r} in {p.relative_to(ROOT)}"


def test_new_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path):
    (tmp_path / "desk").mkdir()
    (tmp_path / "desk" / "notes.txt").write_text("mine", encoding="utf-8")
    res = CliRunner().invoke(main, ["new", str(tmp_path / "desk")])
    assert res.exit_code == 1
    assert "is not empty" in res.output and "nothing was written" in res.output
    assert sorted(p.name for p in (tmp_path / "desk").iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk"], "no temporary folder left behind"


def test_new_writes_into_an_empty_folder_and_refuses_a_file(tmp_path):
    (tmp_path / "empty").mkdir()
    assert CliRunner().invoke(main, ["-q", "new", str(tmp_path / "empty")]).exit_code == 0
    assert (tmp_path / "empty" / "content" / "briefing.yaml").is_file()
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    res = CliRunner().invoke(main, ["new", str(tmp_path / "afile")])
    assert res.exit_code == 1 and "not a folder" in res.output


@pytest.mark.parametrize("args, message", [
    (["--title", "  "], "must not be empty"),
    (["--title", "标题: 副标题"], "without YAML punctuation"),
    (["--cron", "every day"], "five-field cron"),
])
def test_new_rejects_values_it_cannot_write(tmp_path, args, message):
    res = CliRunner().invoke(main, ["new", str(tmp_path / "d"), *args])
    assert res.exit_code == 1 and message in res.output
    assert not (tmp_path / "d").exists()


def test_scaffold_workflow_passes_actionlint_and_pins_the_same_actions_as_the_project(desk):
    from test_workflow import _actionlint

    wf = desk / ".github" / "workflows" / "briefing.yml"
    res = _actionlint(wf, desk)
    assert res.returncode == 0, res.stdout + res.stderr
    pins = re.compile(r"uses: (\S+@[0-9a-f]{40})")
    project = set(pins.findall((ROOT / ".github" / "workflows" / "briefing.yml").read_text(encoding="utf-8")))
    mine = set(pins.findall(wf.read_text(encoding="utf-8")))
    assert mine and mine <= project, mine - project
    text = wf.read_text(encoding="utf-8")
    assert 'cron: "17 5 * * 1-5"' in text
    assert "briefing check --strict --sources" in text and "briefing build --check" in text


def test_scaffold_workflow_fetches_and_assembles_the_site_as_the_project_does(desk):
    """The same fetch and site steps as the project's workflow (tests/test_workflow.py
    runs those), with the installed `briefing`, and the project's own
    tools/fetch-published.py, written into the new briefing as a plain file."""
    def steps(path: Path) -> dict[str, dict]:
        jobs = yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"]
        return {s["name"]: s for s in jobs["build"]["steps"] if "name" in s}

    mine = steps(desk / ".github" / "workflows" / "briefing.yml")
    project = steps(ROOT / ".github" / "workflows" / "briefing.yml")
    for name in ("Fetch the published site and edition", "Assemble the site", "Upload the site"):
        theirs = {**project[name], "run": project[name].get("run", "").replace(".venv/bin/briefing", "briefing")}
        assert {**mine[name], "run": mine[name].get("run", "")} == theirs, name
    assert "briefing site --from output --out site" in mine["Assemble the site"]["run"]
    assert "--site published" in mine["Fetch the published site and edition"]["run"]
    tool = desk / "tools" / "fetch-published.py"
    assert not tool.is_symlink()
    assert tool.read_bytes() == (ROOT / "tools" / "fetch-published.py").read_bytes()
    ignored = (desk / ".gitignore").read_text(encoding="utf-8").split()
    assert "/published/" in ignored and "/site/" in ignored


def test_new_cron_goes_into_the_workflow(tmp_path):
    assert CliRunner().invoke(main, ["-q", "new", str(tmp_path / "d"), "--cron", "0 22 * * 0"]).exit_code == 0
    assert 'cron: "0 22 * * 0"' in (tmp_path / "d" / ".github" / "workflows" / "briefing.yml").read_text("utf-8")


def test_check_sources_alone_uses_paths_sources_and_says_when_there_is_none(desk, tmp_path):
    moved = tmp_path / "desk"
    shutil.copytree(desk, moved, ignore=shutil.ignore_patterns("output"))
    (moved / "sources" / "example-source.txt").write_text("别的内容", encoding="utf-8")
    res = run("check", "--sources", cwd=moved, check=False)
    assert res.returncode == 1
    assert re.search(r"content/numbers\.yaml:\d+: error: cited fragment \"[^\"]+\" does not occur in source 'example'",
                     res.stderr), res.stderr
    (moved / "briefing.toml").unlink()
    res = run("check", "--content", "content", "--sources", cwd=moved, check=False)
    assert res.returncode == 2 and "paths.sources" in res.stderr


def test_convert_in_a_briefing_gives_what_its_build_gives(desk, desk_built):
    """The glossary of the briefing (on top of the house layer) in both."""
    theme = next((desk / "content" / "themes").glob("*.md")).read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", theme, re.M).group(1)
    res = subprocess.run([str(BIN / "briefing"), "convert", "--to", "zh-Hant"], cwd=desk, input=title + "\n",
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    html = (desk / "output" / "briefing.zh-Hant.html").read_text(encoding="utf-8")
    assert res.stdout.strip() in re.sub(r"<[^>]+>", "", html)
    # the briefing's own glossary entry (到馆读者 -> 到館讀者) is used by convert here ...
    res = subprocess.run([str(BIN / "briefing"), "convert", "--to", "zh-Hant"], cwd=desk, input="到馆读者\n",
                         capture_output=True, text=True, timeout=60)
    assert res.stdout.strip() == "到館讀者"


def test_convert_in_the_checkout_gives_what_the_samples_build_gives(built):
    """The shipped content's glossary, from the repository root (./content)."""
    from generator.load.content import load_content

    content = load_content(ROOT / "content")
    html = re.sub(r"<[^>]+>", "", built["zh-Hant.html"].read_text(encoding="utf-8"))
    titles = [str(t.title) for t in content.themes]
    res = subprocess.run([str(BIN / "briefing"), "convert", "--to", "zh-Hant"], cwd=ROOT,
                         input="\n".join(titles) + "\n", capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    from generator.chinese.typography import plain_typeset

    for line in res.stdout.splitlines():
        assert plain_typeset(line) in html or line in html, line


def test_convert_outside_a_briefing_uses_the_house_glossary_alone(tmp_path):
    res = subprocess.run([str(BIN / "briefing"), "convert", "--to", "zh-Hant"], cwd=tmp_path,
                         input="首席执行官说支持这个软件\n", capture_output=True, text=True, timeout=60)
    assert res.returncode == 0
    assert res.stdout.strip() == "執行長說支持這個軟體"
    assert "house glossary" in res.stderr


def test_the_briefings_glossary_wins_over_the_house_layer(tmp_path):
    from generator.chinese.convert import Converter
    from generator.load.glossary import load_glossary
    from generator.diagnostics import Diagnostics

    own = tmp_path / "glossary.yaml"
    own.write_text("terms:\n  - {zh-Hans: 首席执行官, zh-Hant: 首席執行官, show: true}\n", encoding="utf-8")
    diag = Diagnostics()
    layered = load_glossary(diag, own)
    assert not diag.problems
    assert Converter("zh-Hant", layered).convert("首席执行官") == "首席執行官"
    assert Converter("zh-Hant", load_glossary(diag, None)).convert("首席执行官") == "執行長"
    shown = [t.forms["zh-Hans"] for t in layered.terms if t.show]
    assert shown == ["首席执行官"], "house terms are never listed in the printed glossary"


def test_source_kinds_come_from_the_briefing(content_copy):
    from generator.build import build

    manifest = content_copy / "briefing.yaml"
    text = manifest.read_text(encoding="utf-8")
    text = re.sub(r"source_kinds:\n(  .*\n)+", "source_kinds:\n  different-interview: 另一场较早访谈\n"
                  "  commentary: 节目评论\n  field-notes: 实地调查笔记\n", text)
    manifest.write_text(text, encoding="utf-8")
    sources = content_copy / "sources.yaml"
    stext = sources.read_text(encoding="utf-8")
    sources.write_text(stext.replace("kind: analysis", "kind: field-notes", 1), encoding="utf-8")
    out = content_copy.parent / "out"
    build(content_copy, out, None, ["zh-Hant"], ["html"])
    html = (out / "briefing.zh-Hant.html").read_text(encoding="utf-8")
    assert "類型：實地調查筆記" in html


def test_an_undeclared_source_kind_is_a_located_error(content_copy):
    sources = content_copy / "sources.yaml"
    stext = sources.read_text(encoding="utf-8")
    sources.write_text(stext.replace("kind: analysis", "kind: analisys", 1), encoding="utf-8")
    res = CliRunner().invoke(main, ["check", "--content", str(content_copy)])
    assert res.exit_code == 1
    line = next(i for i, l in enumerate(stext.splitlines(), 1) if l.startswith("- id:") and i > 0
                and "kind: analysis" in "\n".join(stext.splitlines()[i - 1:i + 10]))
    assert f"sources.yaml:{line}: error: source" in res.output and "unknown kind 'analisys'" in res.output
    assert "did you mean 'analysis'?" in res.output and "source_kinds" in res.output


def test_product_code_names_no_one_of_the_sample():
    """The people the sample briefing is about -- its own glossary's persons
    (not the house layer's world names) and the speakers its sources.yaml
    declares -- appear nowhere in the package's code, templates or scaffold:
    a desk's briefing would show them in a message or an example. Computed
    from content/, so a new sample person is covered without editing this."""
    from generator.load.content import load_content

    sample = load_content(ROOT / "content")
    house = {f for t in sample.glossary.terms if t.house for f in (*t.forms.values(), t.en) if f}
    names = {f for t in sample.glossary.terms if not t.house and t.category == "person"
             for f in (*t.forms.values(), t.en) if f and f not in house}
    names |= {n for s in sample.sources for label, given in s.speakers for n in (label, *given)
              if n not in house and n not in ("主持人", "观众", "观众提问")}  # roles, not people
    assert "Sam Altman" in names and "坎特罗维茨" in names  # the computation finds the sample's people
    latin = [n for n in names if n.isascii()]
    pattern = re.compile("|".join([rf"\b{re.escape(n)}\b" for n in latin] +
                                  [re.escape(n) for n in names if not n.isascii() and len(n) >= 2]))
    places = [ROOT / "generator", ROOT / "templates"]
    files = [p for d in places for p in d.rglob("*") if p.is_file() and p.name != "house-glossary.yaml"
             and p.suffix in (".py", ".j2", ".yaml", ".yml", ".md", ".toml", ".css", ".txt")]
    found = [(str(p.relative_to(ROOT)), m.group(0)) for p in files
             for m in pattern.finditer(p.read_text(encoding="utf-8"))]
    assert found == []

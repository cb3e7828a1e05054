"""Incremental builds: output/manifest.json, skipping what did not change,
--force, and `briefing build --check` (writes nothing, exit 1 when stale).

Real builds of a content copy, HTML only (the PDF path shares the logic and
is exercised by the session build)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import generator.build as build_module
import generator.lanes as lanes_module
from generator.build import build
from generator.diagnostics import BuildError
from generator.write.incremental import plan_build
from generator.model import MANIFEST

HTML = ["briefing.zh-Hans.html", "briefing.zh-Hant.html"]


def state(out: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of ``out`` with its modification time and bytes."""
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(out.iterdir())}


@pytest.fixture
def built_once(content_copy, tmp_path):
    out = tmp_path / "out"
    report = build(content_copy, out, formats=["html"])
    assert sorted(w.path.name for w in report.written) == HTML
    return content_copy, out


def test_manifest_records_each_outputs_inputs_and_bytes(built_once):
    _, out = built_once
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["outputs"]) == HTML
    entry = manifest["outputs"]["briefing.zh-Hant.html"]
    data = (out / "briefing.zh-Hant.html").read_bytes()
    assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    inputs = entry["inputs"]
    assert {"content/briefing.yaml", "content/numbers.yaml", "templates/briefing.html.j2",
            "templates/strings/zh-Hant.yaml", "config", "editions", "generator", "opencc",
            "version:briefing", "version:opencc", "baseline"} <= set(inputs)
    assert inputs["content/numbers.yaml"] == hashlib.sha256((out.parent / "content" / "numbers.yaml").read_bytes()) \
        .hexdigest()
    assert "templates/strings/zh-Hans.yaml" not in inputs  # another edition's labels
    assert inputs["editions"] == "zh-Hans,zh-Hant" and inputs["baseline"] == "none"
    assert inputs["opencc"].startswith(inputs["version:opencc"] + " ")
    assert manifest["content"]["edition"] == manifest["edition"]


def test_a_noop_rebuild_renders_and_writes_nothing(built_once, monkeypatch):
    content, out = built_once
    before = state(out)

    def must_not_run(*args, **kwargs):
        raise AssertionError("a no-op build loaded or rendered something")

    monkeypatch.setattr(build_module, "load_content", must_not_run)
    monkeypatch.setattr(lanes_module, "render_editions", must_not_run)
    report = build(content, out, formats=["html"])
    assert report.written == [] and sorted(report.skipped) == HTML
    assert state(out) == before


def test_the_noop_command_never_imports_the_renderer(built_once):
    """In a fresh interpreter, as a user runs it: a no-op build says so, and
    neither WeasyPrint, Jinja, OpenCC nor the content loader is imported."""
    content, out = built_once
    code = (
        "import sys\n"
        "from generator.cli import main\n"
        "try:\n"
        f"    main(['build', '--content', {str(content)!r}, '--out', {str(out)!r}, '--format', 'html'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "heavy = ('weasyprint', 'jinja2', 'opencc', 'generator.build', 'generator.load.content', 'generator.render.html')\n"
        "print('imported:', [m for m in heavy if m in sys.modules])\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=out.parent, check=True)
    assert "imported: []" in run.stdout
    assert "skipped (inputs unchanged since the last build; --force rebuilds): zh-Hans (html), zh-Hant (html)" \
        in run.stdout
    assert "built 0 file(s)" in run.stdout


def test_check_writes_nothing_and_exits_1_when_an_input_changed(built_once, cli):
    content, out = built_once
    args = ["build", "--content", content, "--out", out, "--format", "html", "--check"]
    ok = cli(args)
    assert ok.exit_code == 0 and "up to date: 2 output(s)" in ok.output

    with open(content / "numbers.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n# an editor's note\n")
    before = state(out)
    stale = cli(args)
    assert stale.exit_code == 1
    for name in HTML:
        assert f"{out / name}: stale: inputs changed: content/numbers.yaml" in stale.stderr
    assert state(out) == before

    rebuilt = cli(["build", "--content", content, "--out", out, "--format", "html"])
    assert rebuilt.exit_code == 0 and rebuilt.output.count("wrote ") == 2
    assert cli(args).exit_code == 0


def test_check_reports_missing_and_altered_outputs(built_once, tmp_path, cli):
    content, out = built_once
    empty = tmp_path / "empty"
    res = cli(["build", "--content", content, "--out", empty, "--format", "html", "--check"])
    assert res.exit_code == 1 and res.stderr.count("stale: not built yet") == 2
    assert not empty.exists()  # --check creates nothing

    (out / "briefing.zh-Hant.html").unlink()
    with open(out / "briefing.zh-Hans.html", "ab") as fh:
        fh.write(b"<!-- edited by hand -->")
    res = cli(["build", "--content", content, "--out", out, "--format", "html", "--check"])
    assert res.exit_code == 1
    assert f"{out / 'briefing.zh-Hant.html'}: stale: missing" in res.stderr
    assert f"{out / 'briefing.zh-Hans.html'}: stale: the file was changed or replaced after the build" in res.stderr
    assert "2 output(s) stale or missing" in res.stderr


def test_force_rebuilds_to_the_same_bytes(built_once, cli):
    content, out = built_once
    before = {n: (out / n).read_bytes() for n in HTML + [MANIFEST]}
    res = cli(["build", "--content", content, "--out", out, "--format", "html", "--force"])
    assert res.exit_code == 0 and res.output.count("wrote ") == 2
    assert {n: (out / n).read_bytes() for n in HTML + [MANIFEST]} == before


def test_editing_one_editions_labels_rebuilds_only_that_edition(content_copy, tmp_path):
    mine = tmp_path / "my-templates"
    (mine / "strings").mkdir(parents=True)
    labels = mine / "strings" / "zh-Hant.yaml"
    labels.write_text("changes: 本版更新\n", encoding="utf-8")
    out = tmp_path / "out"
    build(content_copy, out, templates=mine, formats=["html"])
    labels.write_text("changes: 本期更新\n", encoding="utf-8")
    plan = plan_build(content_copy, out, mine, None, ["html"])
    assert plan.stale == {"briefing.zh-Hant.html": "inputs changed: user-templates/strings/zh-Hant.yaml"}
    report = build(content_copy, out, templates=mine, formats=["html"])
    assert [w.path.name for w in report.written] == ["briefing.zh-Hant.html"]
    assert report.skipped == ["briefing.zh-Hans.html"]
    assert "本期更新" in (out / "briefing.zh-Hant.html").read_text(encoding="utf-8")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["outputs"]) == HTML  # the skipped edition's record is kept


def test_the_sites_templates_are_no_input_of_an_edition(content_copy, tmp_path):
    """briefing site's templates (site/) change the site, not the editions."""
    mine = tmp_path / "my-templates"
    (mine / "site").mkdir(parents=True)
    page = mine / "site" / "archive.html.j2"
    page.write_text('{% extends "base:site/archive.html.j2" %}\n', encoding="utf-8")
    out = tmp_path / "out"
    build(content_copy, out, templates=mine, formats=["html"])
    inputs = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["outputs"]["briefing.zh-Hans.html"]["inputs"]
    assert not [k for k in inputs if "/site/" in k] and "templates/briefing.html.j2" in inputs
    page.write_text('{% extends "base:site/archive.html.j2" %}{# edited #}\n', encoding="utf-8")
    assert plan_build(content_copy, out, mine, None, ["html"]).stale == {}


def test_building_a_different_set_of_editions_rebuilds_their_links(built_once):
    content, out = built_once
    plan = plan_build(content, out, None, ["zh-Hans"], ["html"])
    assert plan.stale == {"briefing.zh-Hans.html": "inputs changed: editions"}


def test_strict_rebuilds_what_was_built_with_warnings(content_copy, tmp_path):
    takeaway = next((content_copy / "themes").glob("*.md"))
    text = takeaway.read_text(encoding="utf-8")
    takeaway.write_text(text.replace("takeaway: ", "takeaway: 標", 1), encoding="utf-8")  # Traditional-only
    out = tmp_path / "out"
    report = build(content_copy, out, formats=["html"])
    assert any("'標'" in p.message for p in report.diagnostics.warnings)
    assert plan_build(content_copy, out, None, None, ["html"]).up_to_date
    strict = plan_build(content_copy, out, None, None, ["html"], strict=True)
    assert not strict.up_to_date and "warning(s); --strict rebuilds" in strict.stale["briefing.zh-Hans.html"]
    with pytest.raises(BuildError):
        build(content_copy, out, formats=["html"], strict=True)


def test_an_unreadable_manifest_means_rebuild(built_once):
    content, out = built_once
    (out / MANIFEST).write_text("{not json", encoding="utf-8")
    plan = plan_build(content, out, None, None, ["html"])
    assert set(plan.stale.values()) == {f"{out / MANIFEST} is unreadable"}
    report = build(content, out, formats=["html"])
    assert len(report.written) == 2
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["format"] == 1


def test_a_broken_manifest_yaml_is_reported_by_the_build_not_skipped(built_once, cli):
    content, out = built_once
    (content / "briefing.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    assert not plan_build(content, out, None, None, ["html"]).up_to_date
    res = cli(["build", "--content", content, "--out", out, "--format", "html"])
    assert res.exit_code == 1 and "briefing.yaml:" in res.stderr and "nothing was written" in res.stderr

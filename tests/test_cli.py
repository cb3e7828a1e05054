"""The ``briefing`` command: exit codes, what goes to stdout and stderr,
--version, --help with an example everywhere, -q/-v, the one-line summary
per written file, and atomic writes (a failed build leaves the previous
outputs untouched and no partial file). HTML only, except where a PDF is
the point."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from generator import __version__
from generator.cli import main

HTML_ONLY = ["--format", "html"]


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file in the output directory (hidden ones included) and its bytes."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def commands(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from commands(cmd, (*prefix, name))


# -- --version, --help ----------------------------------------------------------------

def test_version(cli):
    result = cli(["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"briefing, version {__version__}\n"


@pytest.mark.parametrize("path", [()] + [p for p, _ in commands(main)], ids=lambda p: " ".join(p) or "briefing")
def test_help_has_an_example(cli, path):
    result = cli([*path, "--help"])
    assert result.exit_code == 0
    assert re.search(r"^\s*Examples?:\s*$", result.stdout, re.M), result.stdout
    # the example actually uses the command it documents
    assert re.search(rf"^\s+.*\bbriefing {' '.join(path)}", result.stdout, re.M), result.stdout


def test_help_is_instant():
    """--help must not import the renderer or the converter."""
    code = ("import sys; from click.testing import CliRunner; from generator.cli import main;"
            "[CliRunner().invoke(main, a) for a in (['--help'], ['build', '--help'], ['convert', '--help'])];"
            "print(sorted(m for m in ('weasyprint', 'opencc', 'jinja2', 'markdown') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_readme_documents_every_command():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for name in ("build", "check", "convert"):
        assert f"briefing {name}" in readme


# -- build ------------------------------------------------------------------------------

def test_build_writes_and_summarises_each_file(cli, minimal, tmp_path):
    out = tmp_path / "out"
    result = cli(["build", "--content", minimal, "--out", out, *HTML_ONLY])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    written = [out.resolve() / "briefing.zh-Hans.html", out.resolve() / "briefing.zh-Hant.html"]
    for path in written:
        kb = round(path.stat().st_size / 1024)
        assert f"wrote {path} ({kb} KB)" in lines
    assert re.fullmatch(r"built 2 file\(s\) in \d+\.\d s", lines[-1])
    assert len(lines) == 3
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".json")) == sorted(p.name for p in written)


def test_build_pdf_summary_counts_pages(cli, minimal, tmp_path):
    out = tmp_path / "out"
    result = cli(["build", "--content", minimal, "--out", out, "--variant", "zh-Hant", "--format", "pdf"])
    assert result.exit_code == 0, result.stderr
    pdf = out.resolve() / "briefing.zh-Hant.pdf"
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert f"wrote {pdf} ({round(pdf.stat().st_size / 1024)} KB, {pages} pages)" in result.stdout.splitlines()
    assert not (out / "briefing.zh-Hant.html").exists()
    assert not (out / "briefing.zh-Hans.pdf").exists()


def test_quiet_build_prints_nothing(cli, minimal, tmp_path):
    result = cli(["-q", "build", "--content", minimal, "--out", tmp_path / "out", *HTML_ONLY])
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""
    assert (tmp_path / "out" / "briefing.zh-Hans.html").is_file()


def test_quiet_still_reports_errors(cli, minimal, edit, tmp_path, monkeypatch):
    line = edit(minimal / "briefing.yaml", "edition: 1", "editon: 1")
    monkeypatch.chdir(tmp_path)
    result = cli(["-q", "build", "--content", "content", "--out", "out", *HTML_ONLY])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"content/briefing.yaml:{line}: error: unknown key 'editon' in briefing.yaml (did you mean 'edition'?)" \
        in result.stderr.splitlines()


def test_verbose_is_accepted_and_says_at_least_as_much(cli, minimal, tmp_path):
    plain = cli(["build", "--content", minimal, "--out", tmp_path / "a", *HTML_ONLY])
    verbose = cli(["-v", "build", "--content", minimal, "--out", tmp_path / "b", *HTML_ONLY])
    assert verbose.exit_code == 0
    assert len(verbose.stdout.splitlines()) >= len(plain.stdout.splitlines())


def test_build_error_exit_code_and_stderr(cli, minimal, edit, tmp_path, monkeypatch):
    line = edit(minimal / "numbers.yaml", "  theme: customers", "  theme: customer")
    monkeypatch.chdir(tmp_path)
    result = cli(["build", "--content", "content", "--out", "out", *HTML_ONLY])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"content/numbers.yaml:{line}: error: key number 'enterprise-customers' refers to unknown theme 'customer' "
        "(did you mean 'customers'?)",
        "briefing: stopped with 1 error(s); nothing was written.",
    ]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_missing_content_directory(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(["build", "--content", "nowhere", *HTML_ONLY])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == \
        "nowhere: error: content directory not found (pass --content DIR pointing at your content/)"
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [
    ["build", "--format", "docx"],
    ["build", "--variant", "zh-TW"],
    ["build", "--no-such-option"],
    ["check", "--strict", "extra-argument"],
    ["convert"],  # --to is required
    ["frobnicate"],
])
def test_usage_errors_exit_2(cli, args):
    result = cli(args, prog_name="briefing")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Usage: briefing" in result.stderr and "Error:" in result.stderr


# -- check ------------------------------------------------------------------------------

def test_check_ok(cli, minimal, tmp_path):
    result = cli(["check", "--content", minimal])
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == "ok: content is valid; 0 warning(s)\n"


def test_check_with_sources_counts_verified_fragments(cli, minimal, fixture_sources):
    result = cli(["check", "--strict", "--content", minimal, "--sources", fixture_sources])
    assert result.exit_code == 0, result.stderr
    n = len(re.findall(r'locator: "|\[@\w+ "|; @\w+ "', "".join(
        p.read_text(encoding="utf-8") for p in sorted(minimal.rglob("*.*")) if p.suffix in (".md", ".yaml"))))
    assert result.stdout == (f"ok: content is valid; {n} cited fragment(s), 1 quotation(s) and 4 key-number figure(s) "
                             "verified against the sources; 0 warning(s)\n")


def test_check_writes_nothing(cli, minimal, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = sorted(p for p in tmp_path.rglob("*"))
    assert cli(["check", "--content", "content"]).exit_code == 0
    assert sorted(p for p in tmp_path.rglob("*")) == before


def test_warning_is_fatal_only_under_strict(cli, minimal, edit, tmp_path, monkeypatch):
    line = edit(minimal / "themes/02-customers.md", "::: assessment\n", "付费客户很多。\n\n::: assessment\n")
    monkeypatch.chdir(tmp_path)
    warning = (f"content/themes/02-customers.md:{line}: warning: claim without a source: "
               "add a citation like [@alpha \"verbatim fragment\"]")
    lenient = cli(["check", "--content", "content"])
    assert lenient.exit_code == 0
    assert lenient.stderr.splitlines() == [warning]
    assert lenient.stdout == "ok: content is valid; 1 warning(s)\n"
    strict = cli(["check", "--strict", "--content", "content"])
    assert strict.exit_code == 1
    assert strict.stdout == ""
    assert strict.stderr.splitlines() == [
        warning, "briefing: stopped with 0 error(s), 1 warning(s) (--strict makes warnings fatal); nothing was written."]
    built = cli(["build", "--strict", "--content", "content", "--out", "out", *HTML_ONLY])
    assert built.exit_code == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_check_does_not_render_a_pdf(cli, minimal, monkeypatch):
    import generator.pdf
    import generator.pdf.editions

    def boom(*a, **k):
        raise AssertionError("check rendered a PDF")

    monkeypatch.setattr(generator.pdf, "render_pdf", boom)
    monkeypatch.setattr(generator.pdf.editions, "render_pdf", boom)
    assert cli(["check", "--content", minimal]).exit_code == 0


# -- atomic writes ------------------------------------------------------------------------

def test_failed_build_leaves_previous_outputs_untouched(cli, minimal, edit, tmp_path):
    out = tmp_path / "out"
    assert cli(["build", "--content", minimal, "--out", out, *HTML_ONLY]).exit_code == 0
    before = snapshot(out)
    edit(minimal / "themes/01-compute.md", "::: so-what", "::: sowhat")
    result = cli(["build", "--content", minimal, "--out", out, *HTML_ONLY])
    assert result.exit_code == 1
    assert result.stderr.rstrip().endswith("nothing was written.")
    assert snapshot(out) == before  # same files, same bytes, no temporaries


def test_failure_while_writing_rolls_back(cli, minimal, edit, tmp_path):
    """The second of two outputs cannot be replaced (a directory is in its
    way): the first, already rendered, must not be replaced either."""
    out = tmp_path / "out"
    assert cli(["build", "--content", minimal, "--out", out, "--variant", "zh-Hans", *HTML_ONLY]).exit_code == 0
    before = snapshot(out)
    (out / "briefing.zh-Hant.html").mkdir()
    (out / "briefing.zh-Hant.html" / "keep").write_text("x")
    edit(minimal / "briefing.yaml", "title: 示例科技访谈简报", "title: 示例科技访谈简报（修订）")
    result = cli(["build", "--content", minimal, "--out", out, *HTML_ONLY])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    after = snapshot(out)
    assert after.pop("briefing.zh-Hant.html/keep") == b"x"
    assert after == before


def test_output_outside_the_directory_is_refused(tmp_path):
    from generator.write.output import OutputError, write_all

    with pytest.raises(OutputError):
        write_all(tmp_path / "out", {"../escape.html": b"x"})
    assert not (tmp_path / "escape.html").exists()
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]

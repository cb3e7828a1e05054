"""The package as a user gets it: the wheel installed into a fresh virtualenv
outside the checkout (the ``installed_briefing`` fixture), run from a
directory that is not the checkout, with nothing of the checkout on the
import path. And `briefing templates` failing loudly when there is nothing
shipped to list or copy."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"


def clean_env() -> dict[str, str]:
    """As in conftest: nothing that would put the checkout on the import path."""
    return {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONSAFEPATH")}


def _files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (dotfiles too), by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture
def run(installed_briefing, tmp_path):
    """run('briefing', 'build', ...) -> CompletedProcess: a program of the
    installed venv, run in an empty directory outside the checkout."""
    work = tmp_path / "work"
    work.mkdir()
    assert not work.resolve().is_relative_to(ROOT)

    def go(program: str, *args, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([str(installed_briefing / program), *map(str, args)], cwd=work, env=clean_env(),
                              capture_output=True, text=True, timeout=300)
        if check:
            assert done.returncode == 0, f"{program} {' '.join(map(str, args))}:\n{done.stdout}\n{done.stderr}"
        return done

    go.work = work
    return go


@pytest.mark.slow
def test_installed_package_is_imported_from_the_venv_not_the_checkout(run, installed_briefing):
    venv = installed_briefing.parent.resolve()
    done = run("python", "-c", "import generator, generator.shipped as s; "
                               "print(generator.__file__); print(s.TEMPLATES); print(s.SCAFFOLD)")
    module, templates, scaffold = (Path(line).resolve() for line in done.stdout.splitlines())
    for path in (module, templates, scaffold):
        assert path.is_relative_to(venv) and not path.is_relative_to(ROOT), path


@pytest.mark.slow
def test_wheel_ships_templates_scaffold_house_glossary_and_vocabulary(run):
    done = run("python", "-c", "import generator.shipped as s; print(s.TEMPLATES); print(s.SCAFFOLD); "
                               "print(s.HOUSE_GLOSSARY); print(s.VOCABULARY)")
    templates, scaffold, glossary, vocabulary = (Path(line) for line in done.stdout.splitlines())
    assert _files(templates) == _files(TEMPLATES), "the wheel's templates differ from templates/"
    checkout = ROOT / "generator"
    if (checkout / "scaffold").is_dir():
        assert _files(scaffold) == _files(checkout / "scaffold"), "files of generator/scaffold/ missing from the wheel"
    if (checkout / "chinese" / "house-glossary.yaml").is_file():
        assert glossary.read_bytes() == (checkout / "chinese" / "house-glossary.yaml").read_bytes()
    if (checkout / "chinese" / "vocabulary.tsv").is_file():
        assert vocabulary.read_bytes() == (checkout / "chinese" / "vocabulary.tsv").read_bytes()


@pytest.mark.slow
def test_installed_briefing_builds_and_checks_the_content(run):
    shutil.copytree(CONTENT, run.work / "content")
    run("briefing", "build", "--content", "content", "--out", "out", "--format", "html", "--variant", "zh-Hans")
    page = (run.work / "out" / "briefing.zh-Hans.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style" in page  # the shipped templates and CSS were found
    run("briefing", "check", "--content", "content")


@pytest.mark.slow
def test_installed_templates_list_and_eject(run):
    listed = run("briefing", "templates", "list")
    assert "briefing.html.j2" in listed.stdout and "css/briefing.css.j2" in listed.stdout
    run("briefing", "templates", "eject", "mine")
    assert _files(run.work / "mine") == _files(TEMPLATES)
    run("briefing", "templates", "eject", "--block", "cover", "override")
    assert '{% extends "base:briefing.html.j2" %}' in (run.work / "override" / "briefing.html.j2").read_text("utf-8")


@pytest.mark.slow
def test_installed_help(run):
    done = run("briefing", "--help")
    assert "Usage: briefing" in done.stdout and "templates" in done.stdout


# --------------------------------------------------------------------------
# nothing shipped, nothing matched: an error, never a silent success


@pytest.fixture
def nothing_shipped(monkeypatch, tmp_path):
    import generator.render.overrides

    monkeypatch.setattr(generator.render.overrides, "SHIPPED_TEMPLATES", tmp_path / "not-installed")


@pytest.mark.parametrize("args", [["templates", "list"],
                                  ["templates", "eject", "DEST"],
                                  ["templates", "eject", "briefing.html.j2", "DEST"],
                                  ["templates", "eject", "--block", "cover", "DEST"]])
def test_templates_fail_when_the_shipped_templates_are_missing(cli, nothing_shipped, tmp_path, args):
    dest = tmp_path / "dest"
    result = cli([dest if a == "DEST" else a for a in args])
    assert result.exit_code != 0
    assert "the shipped templates are missing" in result.stderr and "reinstall" in result.stderr
    assert result.stdout == "" and not dest.exists()


def test_eject_of_a_name_that_matches_nothing_fails(cli, tmp_path):
    result = cli(["templates", "eject", "nothing-like-this.j2", tmp_path / "dest"])
    assert result.exit_code != 0
    assert "no shipped template 'nothing-like-this.j2'" in result.stderr
    assert not (tmp_path / "dest").exists()

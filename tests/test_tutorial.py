"""docs/tutorial.md, executed as written: every ```sh block, in order, in one
shell, in an empty folder outside the checkout, with the `briefing` of a
wheel installed into a fresh virtualenv (the `installed_briefing` fixture).
A block preceded by ``<!-- not run by the test: WHY -->`` is skipped; the
fixture does the install those blocks describe."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from conftest import ROOT, clean_env

TUTORIAL = ROOT / "docs" / "tutorial.md"
BLOCK = re.compile(r"(<!-- not run by the test: ([^>]*)-->\n)?```sh\n(.*?)```", re.S)


def blocks() -> list[tuple[str | None, str]]:
    return [(why.strip() if skip else None, code) for skip, why, code in BLOCK.findall(TUTORIAL.read_text("utf-8"))]


def test_every_skipped_block_says_why_and_most_blocks_run():
    found = blocks()
    assert len(found) >= 8
    assert all(why for why, _ in found if why is not None)
    assert sum(why is None for why, _ in found) >= len(found) - 4


@pytest.mark.slow
def test_the_tutorial_runs_as_written(installed_briefing, tmp_path):
    where = tmp_path / "tutorial"
    where.mkdir()
    assert not where.resolve().is_relative_to(ROOT)
    script = "set -euo pipefail\n" + "\n".join(code for why, code in blocks() if why is None)
    env = clean_env()
    env["PATH"] = f"{installed_briefing}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(tmp_path)
    res = subprocess.run(["bash", "-c", script], cwd=where, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, f"stdout:\n{res.stdout}\nstderr:\n{res.stderr}"
    assert "warning" not in res.stderr, res.stderr
    desk = where / "desk-weekly"
    out = sorted(p.name for p in (desk / "output").iterdir() if p.suffix in (".html", ".pdf"))
    assert out == ["briefing.zh-Hans.html", "briefing.zh-Hans.pdf", "briefing.zh-Hant.html", "briefing.zh-Hant.pdf"]
    hans = (desk / "output" / "briefing.zh-Hans.html").read_text(encoding="utf-8")
    assert "城市公共服务周报" in hans
    assert "与第1期" in hans, "the second edition's 本版更新 compares with the first"
    assert "〔晚报〕" in hans, "the source added in the tutorial is cited"
    assert (desk / "templates" / "briefing.html.j2").is_file()
    assert "到館讀者可以在網路上預約座位" in res.stdout  # what `briefing convert` printed

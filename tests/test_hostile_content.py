"""Issue 15, the content policy (generator/safeio.py): what an attacker or a
careless author puts in a content folder is refused before it is read, with
a located message -- never published, never a hang, never a traceback.

Each test names the finding it guards; the ones that used to hang run the
CLI in a subprocess with a timeout, so a regression fails instead of hanging.
"""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import reading_text

SECRET = "SECRET-MARKER-7f3a"
ESC = "\x1b"


def _run(args: list[str], cwd: Path, timeout: int = 90) -> subprocess.CompletedProcess:
    """The CLI in a subprocess: a hang is a failed test, not a stuck suite."""
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def _errors(result) -> str:
    return result.stderr + result.stdout


# --------------------------------------------------------------------------
# 1. files outside the briefing are never read


def _outside_copy(tmp_path: Path, content: Path, rel: str) -> Path:
    """A copy of content/REL outside the content folder, with SECRET in its text."""
    text = (content / rel).read_text(encoding="utf-8") if (content / rel).exists() else "方法说明。\n"
    if rel.endswith(".md"):
        text += f"\n{SECRET}\n"
    else:
        text = text.replace("公司明年会继续扩大算力投入。", f"公司明年会继续扩大算力投入。{SECRET}", 1)
        assert SECRET in text
    secret = tmp_path / "elsewhere" / Path(rel).name
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(text, encoding="utf-8")
    return secret


@pytest.mark.parametrize("rel", ["methodology.md", "disclaimer.md", "themes/02-customers.md", "summary.yaml"])
def test_symlink_out_of_the_briefing_is_refused_and_not_published(minimal, tmp_path, cli, rel):
    secret = _outside_copy(tmp_path, minimal, rel)
    (minimal / rel).unlink(missing_ok=True)
    (minimal / rel).symlink_to(secret)
    out = tmp_path / "out"
    result = cli(["build", "--content", minimal, "--out", out, "--format", "html"])
    assert result.exit_code != 0
    assert f"content/{rel}" in result.stderr
    assert "symbolic link to a file outside the briefing" in result.stderr
    published = "".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file()) \
        if out.exists() else ""
    assert SECRET not in published


def test_link_to_the_process_environment_is_refused(minimal, tmp_path, cli):
    (minimal / "methodology.md").symlink_to("/proc/self/environ")
    result = cli(["check", "--content", minimal])
    assert result.exit_code == 1
    assert "content/methodology.md: error: is a symbolic link to a file outside the briefing" in result.stderr


def test_symlink_to_a_folder_outside_is_refused(minimal, tmp_path, cli):
    (tmp_path / "elsewhere").mkdir()
    (minimal / "img").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    result = cli(["check", "--content", minimal])
    assert result.exit_code == 1
    assert "content/img: error: is a symbolic link to a folder outside the briefing" in result.stderr


@pytest.mark.parametrize("kind, rel", [
    ("fifo", "themes/03-pipe.md"), ("fifo", "notes.txt"), ("fifo", "methodology.md"),
    ("zero", "methodology.md"), ("zero", "numbers.yaml"), ("zero", "themes/02-customers.md"),
])
def test_fifo_or_device_in_the_content_folder_is_refused_without_hanging(minimal, tmp_path, kind, rel):
    target = minimal / rel
    target.unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    result = _run(["check", "--content", str(minimal)], tmp_path)
    assert result.returncode == 1
    what = "is a FIFO (named pipe), not a regular file" if kind == "fifo" else "is a symbolic link to a file outside"
    assert f"content/{rel}: error: {what}" in _errors(result)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(minimal, cli):
    p = minimal / "questions.yaml"
    with open(p, "a", encoding="utf-8") as f:
        f.write("#" + "x" * (3 * 1024 * 1024) + "\n")
    result = cli(["check", "--content", minimal])
    assert result.exit_code == 1
    assert re.search(r"content/questions\.yaml: error: is 3\.\d MB, over the 2\.0 MB limit for a text file", result.stderr)


# --------------------------------------------------------------------------
# 4. YAML alias bomb


def test_yaml_alias_bomb_is_a_located_error(minimal, tmp_path):
    bomb = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        bomb.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    (minimal / "questions.yaml").write_text("\n".join(bomb) + "\n", encoding="utf-8")
    assert len((minimal / "questions.yaml").read_bytes()) < 1024
    result = _run(["check", "--content", str(minimal)], tmp_path, timeout=60)
    assert result.returncode == 1
    assert re.search(r"content/questions\.yaml:\d+: error: more than 200,000 values once aliases", _errors(result))
    assert "Traceback" not in _errors(result) and "MemoryError" not in _errors(result)


# --------------------------------------------------------------------------
# 5. image decompression bombs


def _png_bomb() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buf, "PNG", optimize=True)  # 144 million pixels in a few KB
    return buf.getvalue()


def test_png_decompression_bomb_in_a_theme_is_refused(minimal, cli, edit):
    (minimal / "img").mkdir()
    (minimal / "img" / "chart.png").write_bytes(_png_bomb())
    line = edit(minimal / "themes/01-compute.md", "### 投入规模\n", "### 投入规模\n\n![图](img/chart.png)\n")
    result = cli(["check", "--content", minimal])
    assert result.exit_code == 1
    assert (f"content/themes/01-compute.md:{line + 2}: error: image 'img/chart.png' decodes to 12000 x 12000 pixels, "
            "over the 40 million pixel limit") in result.stderr


def test_png_decompression_bomb_as_the_logo_is_refused(minimal, tmp_path, cli):
    (tmp_path / "logo.png").write_bytes(_png_bomb())
    (tmp_path / "briefing.toml").write_text('[paths]\ncontent = "content"\n\n[style]\nlogo = "logo.png"\n',
                                            encoding="utf-8")
    result = cli(["check", "--config", tmp_path / "briefing.toml"])
    assert result.exit_code != 0
    assert "briefing.toml:5: error: logo file 'logo.png' decodes to 12000 x 12000 pixels" in result.stderr


def test_logo_that_is_a_device_is_named_as_such(minimal, tmp_path, cli):
    (tmp_path / "logo.png").symlink_to("/dev/zero")
    (tmp_path / "briefing.toml").write_text('[paths]\ncontent = "content"\n\n[style]\nlogo = "logo.png"\n',
                                            encoding="utf-8")
    result = cli(["check", "--config", tmp_path / "briefing.toml"])
    assert result.exit_code != 0
    assert "logo file 'logo.png' is a symbolic link to a file outside the briefing" in result.stderr
    assert "not found" not in result.stderr


# --------------------------------------------------------------------------
# 8. invisible characters; ids


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\u200d", "\x00", ESC, "\x07", "\ufeff"])
def test_invisible_characters_are_removed_with_a_located_warning(minimal, tmp_path, cli, edit, char):
    line = edit(minimal / "themes/01-compute.md", "其中一半用于推理[", f"其中一半{char}用于推理[")
    yline = edit(minimal / "summary.yaml", "公司明年会继续扩大算力投入。", f"公司明年{char}会继续扩大算力投入。")
    result = cli(["check", "--content", minimal, "--strict"])
    assert result.exit_code == 1
    name = re.escape(f"U+{ord(char):04X}")
    assert re.search(rf"content/themes/01-compute\.md:{line}: warning: removed 1 invisible character\(s\) \({name} ", result.stderr)
    assert re.search(rf"content/summary\.yaml:{yline}: warning: removed 1 invisible character\(s\) \({name} ", result.stderr)
    out = tmp_path / "out"
    built = cli(["build", "--content", minimal, "--out", out, "--format", "html"])
    assert built.exit_code == 0, built.stderr
    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert char not in text
        assert re.search("其中一半用[于於]推理", reading_text(text))


def test_an_id_with_a_trailing_newline_is_refused(minimal, cli, edit):
    line = edit(minimal / "themes/01-compute.md", "id: compute\n", 'id: "compute\\n"\n')
    result = cli(["check", "--content", minimal])
    assert result.exit_code == 1
    assert f"content/themes/01-compute.md:{line}: error: 'id' must be an ASCII id" in result.stderr


# --------------------------------------------------------------------------
# 12. terminal escape sequences and huge values in messages


def test_terminal_escape_sequences_in_content_are_not_echoed(minimal, cli, edit):
    edit(minimal / "themes/01-compute.md", "id: compute\n", 'id: compute\n"\\e]0;pwned\\a\\e[2Jcolour": x\n')
    result = cli(["check", "--content", minimal])
    assert result.exit_code == 1
    assert ESC not in result.stderr and "\x07" not in result.stderr
    assert "unknown key" in result.stderr and "colour" in result.stderr


def test_a_huge_value_in_a_message_is_cut(minimal, cli, edit):
    uri = "data:image/png;base64," + base64.b64encode(os.urandom(110_000)).decode()
    edit(minimal / "themes/01-compute.md", "### 投入规模\n", f"### 投入规模\n\n![图]({uri})\n")
    result = cli(["check", "--content", minimal])
    assert result.exit_code == 1
    assert "error: image 'data:image/png;base64," in result.stderr and "more characters)" in result.stderr
    assert max(len(line) for line in result.stderr.splitlines()) < 1200


# --------------------------------------------------------------------------
# unclear messages


def test_a_theme_with_a_byte_order_mark_is_read(minimal, cli):
    p = minimal / "themes/01-compute.md"
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    result = cli(["check", "--content", minimal])
    assert result.exit_code == 0, result.stderr


def test_duplicate_key_in_front_matter_names_the_right_lines(minimal, cli, edit):
    line = edit(minimal / "themes/01-compute.md", "sources: [alpha, beta]\n", "sources: [alpha, beta]\ntitle: 又一个\n")
    result = cli(["check", "--content", minimal])
    assert result.exit_code == 1
    assert f"content/themes/01-compute.md:{line + 1}: error: duplicate key 'title' (first defined on line 3)" in result.stderr


# --------------------------------------------------------------------------
# 14. the content loader's passes are linear (each of these took minutes)


@pytest.mark.parametrize("run", ["[[num:" * 60_000, "![" * 150_000, "<a:" * 100_000, "<" + " " * 300_000 + "x",
                                 "::: conflict " + " " * 300_000 + "x", "[a](" * 80_000, "[@alpha]" * 40_000,
                                 "a" + " \n" * 200_000 + "b"])
def test_the_loader_reads_pathological_runs_in_linear_time(minimal, tmp_path, run):
    """A body and a YAML field each holding a 300 KB run that made a regex
    reread the rest of the text from every position; the check must end
    (with whatever errors the run deserves), not run for minutes."""
    theme = minimal / "themes/01-compute.md"
    theme.write_text(theme.read_text(encoding="utf-8") + "\n" + run + "\n", encoding="utf-8")
    summary = minimal / "summary.yaml"
    summary.write_text(summary.read_text(encoding="utf-8").replace(
        "公司明年会继续扩大算力投入。", '"' + run.replace("\\", "").replace('"', "").replace("\n", " ") + '"', 1),
        encoding="utf-8")
    result = _run(["check", "--content", str(minimal)], tmp_path, timeout=120)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert "Traceback" not in _errors(result)

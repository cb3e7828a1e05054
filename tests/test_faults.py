"""Faults while writing: an unwritable output directory, a write error in the
middle of the commit, a build killed mid-way (SIGKILL, at every stage of the
write). Each leaves the previous outputs and manifest.json intact and
consistent, and the next build recovers without anyone cleaning up.

Edition 甲 is built first; the faulty build is of edition 乙 (another title),
so "intact" means: byte for byte edition 甲.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from generator.build import build
from generator.diagnostics import BuildError
from generator.write.output import JOURNAL, clean_stale_temporaries

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
TITLE = "示例科技访谈简报"


def _edition(base: Path, name: str) -> Path:
    """A copy of the minimal content whose title ends with ``name``."""
    content = base / f"content-{name}"
    shutil.copytree(MINIMAL, content)
    manifest = content / "briefing.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(TITLE, f"{TITLE}{name}", 1), encoding="utf-8")
    return content


def _files(out: Path) -> dict[str, bytes]:
    """Every file in the output directory, hidden ones included."""
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def _visible(out: Path) -> dict[str, bytes]:
    return {n: b for n, b in _files(out).items() if not n.startswith(".")}


def _assert_consistent(out: Path, title_suffix: str) -> None:
    """Every edition is of the same build, and manifest.json (when the build
    writes one) describes exactly the files on disk."""
    files = _visible(out)
    editions = {n: b for n, b in files.items() if n.endswith(".html")}
    assert editions, files.keys()
    for name, data in editions.items():
        assert f"{title_suffix}</title>".encode() in data, f"{name} is not of edition {title_suffix}"
    if "manifest.json" in files:
        manifest = json.loads(files["manifest.json"])
        for name, entry in manifest["outputs"].items():
            assert hashlib.sha256(files[name]).hexdigest() == entry["sha256"], f"{name} does not match manifest.json"
        assert set(manifest["outputs"]) == set(files) - {"manifest.json"}


def _no_leftovers(out: Path) -> None:
    assert [n for n in _files(out) if n.startswith(".")] == [], "temporaries, backups or a journal were left"


@pytest.fixture
def edition_a(tmp_path) -> tuple[Path, dict[str, bytes]]:
    """An output directory holding edition 甲 (HTML of both variants)."""
    out = tmp_path / "out"
    build(_edition(tmp_path, "甲"), out, formats=["html"])
    _assert_consistent(out, "甲")
    return out, _files(out)


def _build_b(tmp_path: Path, out: Path, **kw):
    content = tmp_path / "content-乙"
    if not content.exists():
        _edition(tmp_path, "乙")
    return build(content, out, formats=kw.pop("formats", ["html"]), **kw)


def _recovers(tmp_path: Path, out: Path) -> None:
    """The next build, with nobody cleaning up first, succeeds and leaves edition 乙 only."""
    report = _build_b(tmp_path, out)
    assert report.written
    _assert_consistent(out, "乙")
    _no_leftovers(out)


# ---------------------------------------------------------------------------
# an output directory that cannot be written


def _build_as_nobody(args: list[str]) -> tuple[int, str]:
    """Run the CLI in a forked child that has dropped root (which ignores
    permissions) for 'nobody'; every module it needs is imported already, so
    nothing under root's home has to be readable. Returns (exit code, stderr)."""
    # ... and so is the locale data the editions' dates and numbers need (Babel
    # loads it, and the time-zone modules, on first use): whether an earlier
    # test of this process happened to load it must not decide this one
    from babel import Locale
    from babel.dates import format_date  # noqa: F401

    from generator.chinese.numbers import NumberFormatter  # noqa: F401
    for name in ("zh_Hans_CN", "zh_Hant_TW", "zh_Hant_HK", "zh_Hans", "zh_Hant", "zh", "en"):
        Locale.parse(name).number_symbols  # noqa: B018
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 99
        try:
            os.close(read)
            sys.stderr = open(write, "w", encoding="utf-8", closefd=False)  # pytest captures sys.stderr
            os.setgid(65534)
            os.setuid(65534)
            from generator.cli import main

            main(args, prog_name="briefing")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(write)
    with os.fdopen(read, encoding="utf-8", errors="replace") as fh:
        stderr = fh.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), stderr


def test_unwritable_output_directory(edition_a, tmp_path, cli):
    out, before = edition_a
    public = Path(tempfile.mkdtemp(prefix="briefing-faults-", dir="/tmp"))
    try:
        os.chmod(public, 0o755)
        shutil.copytree(out, public / "out")
        shutil.copytree(_edition(tmp_path, "乙"), public / "content")
        os.chmod(public / "out", 0o555)
        args = ["build", "--content", str(public / "content"), "--out", str(public / "out"), "--format", "html"]
        if os.geteuid() == 0:
            code, stderr = _build_as_nobody(args)
        else:
            result = cli(args)
            code, stderr = result.exit_code, result.stderr
        assert code == 1, stderr
        assert "output directory is not writable" in stderr
        assert "Traceback" not in stderr
        assert _files(public / "out") == before
        os.chmod(public / "out", 0o755)  # made writable again: the next build just works
        assert cli(args).exit_code == 0
        _assert_consistent(public / "out", "乙")
        _no_leftovers(public / "out")
    finally:
        os.chmod(public / "out", 0o755)
        shutil.rmtree(public)


@pytest.mark.parametrize("kind", ["a file", "inside a file"])
def test_output_path_that_is_not_a_directory(tmp_path, cli, kind):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    out = blocker if kind == "a file" else blocker / "out"
    result = cli(["build", "--content", MINIMAL, "--out", out, "--format", "html"])
    assert result.exit_code == 1
    assert ("is a file, not a directory" if kind == "a file" else "cannot create output directory") in result.stderr
    assert blocker.read_text() == "not a directory"


# ---------------------------------------------------------------------------
# a write error in the middle of the commit (simulated)


def _staged_temporary(fd: int, out: Path) -> bool:
    try:
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        return False
    return path.parent == out.resolve() and path.name.endswith(".tmp") and path.name != JOURNAL + ".tmp"


def test_disk_full_while_staging(edition_a, tmp_path, monkeypatch):
    out, before = edition_a
    real_fsync, calls = os.fsync, []

    def fsync(fd):
        if _staged_temporary(fd, out):
            calls.append(fd)
            if len(calls) == 2:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(BuildError) as failed:
        _build_b(tmp_path, out)
    assert any("write failed (No space left on device)" in e.message for e in failed.value.diagnostics.errors)
    assert _files(out) == before
    monkeypatch.undo()
    _recovers(tmp_path, out)


@pytest.mark.parametrize("fail_at", [1, 2, "last"])
def test_error_while_replacing_rolls_back(edition_a, tmp_path, monkeypatch, fail_at):
    """os.replace fails after some outputs are already in place: those are put back."""
    out, before = edition_a
    real_replace, done = os.replace, []
    total = len(_visible(out)) if fail_at == "last" else None

    def replace(src, dst, **dir_fds):  # (as os.replace: the user cache passes src_dir_fd, dst_dir_fd)
        target = Path(dst)
        if not dir_fds and target.parent == out.resolve() and not target.name.startswith("."):
            done.append(target.name)
            if len(done) == (total or fail_at):
                raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(src, dst, **dir_fds)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(BuildError) as failed:
        _build_b(tmp_path, out)
    assert any("write failed" in e.message for e in failed.value.diagnostics.errors)
    monkeypatch.undo()
    assert _files(out) == before, "the previous set is back, with nothing left over"
    _recovers(tmp_path, out)


# ---------------------------------------------------------------------------
# a build killed mid-way (SIGKILL: no cleanup code runs)

# Runs the real CLI in a child process that kills itself with SIGKILL at one
# point of the build: while rendering, after staging some files, or after
# replacing some outputs (the commit half done).
_KILLER = r"""
import os, signal, sys
from pathlib import Path
point, out = sys.argv[1], Path(sys.argv[2]).resolve()
main_pid = os.getpid()
def die():  # the whole build: this process and any forked workers
    os.killpg(0, signal.SIGKILL)
if point in ("render", "worker"):
    import generator.render.html
    def render_html(*a, **k):
        if point == "render":
            die()
        if os.getpid() != main_pid:  # only an edition worker dies, as under the OOM killer
            os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("editions are rendered in workers")
    generator.render.html.render_html = render_html
real_fsync, real_replace, seen = os.fsync, os.replace, []
def fsync(fd):
    real_fsync(fd)
    try:
        p = Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        return
    if point == "staging" and p.parent == out and p.name.endswith(".tmp"):
        seen.append(p)
        if len(seen) == 2:
            die()
def replace(src, dst, **dir_fds):  # (as os.replace: the user cache passes src_dir_fd, dst_dir_fd)
    real_replace(src, dst, **dir_fds)
    if not dir_fds and point.startswith("commit") and Path(dst).parent.resolve() == out and not Path(dst).name.startswith("."):
        seen.append(dst)
        if point == "commit-first" or len(seen) == int(point.rpartition("-")[2]):
            die()
os.fsync, os.replace = fsync, replace
from generator.cli import main
main(sys.argv[3:], prog_name="briefing")
"""


def _killed_build(tmp_path: Path, out: Path, point: str, *args: str) -> subprocess.CompletedProcess:
    content = tmp_path / "content-乙"
    if not content.exists():
        _edition(tmp_path, "乙")
    return subprocess.run([sys.executable, "-c", _KILLER, point, str(out), "build", "--content", str(content),
                           "--out", str(out), *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          start_new_session=True)


@pytest.mark.parametrize("point", ["render", "staging", "commit-first", "commit-2"])
def test_killed_build_leaves_previous_outputs(edition_a, tmp_path, point):
    out, before = edition_a
    result = _killed_build(tmp_path, out, point, "--format", "html")
    assert result.returncode == -signal.SIGKILL, result.stderr
    if point in ("render", "staging"):
        assert _visible(out) == _visible_of(before), "nothing was replaced"
    else:
        assert _visible(out) != _visible_of(before), "the kill came in the middle of the commit"
        assert (out / JOURNAL).is_file()
    clean_stale_temporaries(out)  # what the next build does first
    assert _files(out) == before
    _recovers(tmp_path, out)


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="editions are rendered in workers only with 2+ cores")
def test_killed_rendering_worker_is_a_clean_error(edition_a, tmp_path):
    """An edition's worker process killed (the OOM killer, say) while the
    build itself survives: an error, exit 1, no traceback, nothing written."""
    out, before = edition_a
    result = _killed_build(tmp_path, out, "worker", "--format", "html")
    assert result.returncode == 1, result.stderr
    assert "a rendering process died before it finished" in result.stderr
    assert "Traceback" not in result.stderr
    assert _files(out) == before
    _recovers(tmp_path, out)


def _visible_of(files: dict[str, bytes]) -> dict[str, bytes]:
    return {n: b for n, b in files.items() if not n.startswith(".")}


@pytest.mark.slow
def test_build_killed_from_outside_at_any_moment(tmp_path):
    """A real PDF build killed by another process after a while: afterwards
    the outputs are one whole edition (甲, or 乙 if it had finished), and the
    next build recovers."""
    out = tmp_path / "out"
    build(_edition(tmp_path, "甲"), out, variants=["zh-Hans"])
    before = _files(out)
    _edition(tmp_path, "乙")
    for delay in (1.2,):  # mid-render on this machine; any moment must do
        proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--content", str(tmp_path / "content-乙"),
                                 "--out", str(out), "--variant", "zh-Hans"], cwd=ROOT, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        clean_stale_temporaries(out)
        after = _files(out)
        assert after == before or (_assert_consistent(out, "乙") is None), "a mix of editions"
    report = _build_b(tmp_path, out, variants=["zh-Hans"], formats=["html", "pdf"])
    _assert_consistent(out, "乙")
    _no_leftovers(out)
    assert {w.format for w in report.written} <= {"html", "pdf"}
    assert (out / "briefing.zh-Hans.pdf").read_bytes() != before["briefing.zh-Hans.pdf"]


def test_corrupt_journal_does_not_stop_the_next_build(edition_a, tmp_path):
    out, before = edition_a
    (out / JOURNAL).write_text("{not json")
    (out / ".briefing.zh-Hans.html.x.tmp").write_text("partial")
    clean_stale_temporaries(out)
    # the unreadable journal is dropped; a file it cannot vouch for is not ours to delete
    assert _files(out) == {**before, ".briefing.zh-Hans.html.x.tmp": b"partial"}
    (out / ".briefing.zh-Hans.html.x.tmp").unlink()  # (its owner's business)
    _recovers(tmp_path, out)


def test_journal_cannot_point_outside_the_output_directory(edition_a, tmp_path):
    """A tampered journal must not make recovery move or delete files elsewhere."""
    out, before = edition_a
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (out / JOURNAL).write_text(json.dumps({"previous": {"../victim.txt": None, "briefing.zh-Hans.html": "../victim.txt"}}))
    clean_stale_temporaries(out)
    assert victim.read_text() == "keep me"
    assert _files(out) == before

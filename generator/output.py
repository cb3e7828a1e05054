"""Writing outputs: all or nothing, only inside the output directory.

Every file is first written to a temporary file in the output directory and
fsynced; only when all of them are on disk are they moved into place with
``os.replace`` (atomic per file), under a journal that lets an interrupted
commit be rolled back. On any failure the previous outputs stay (or are put
back) as a consistent set; see :func:`write_all`.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class OutputError(Exception):
    def __init__(self, path: Path, reason: str, hint: str = ""):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.hint = path, reason, hint


def ensure_writable(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(out_dir, "the output path is a file, not a directory",
                          "choose another --out directory, or move the file away")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(out_dir, f"cannot create output directory ({exc.strerror})",
                          "choose another --out directory or fix its permissions") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise OutputError(out_dir, "output directory is not writable",
                          "choose another --out directory or fix its permissions")


JOURNAL = ".briefing-commit.json"


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """One writer at a time per output directory (a build and ``serve``, or
    two scheduled builds): an exclusive lock on the directory itself."""
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _fsync_dir(out_dir: Path) -> None:
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``{name: bytes}`` into ``out_dir`` atomically as a set.

    1. stage: each file to a temporary in ``out_dir``, fsynced;
    2. keep the previous set: a hard link to each file about to be replaced,
       and a journal naming them (fsynced);
    3. commit: ``os.replace`` each temporary over its target;
    4. forget: remove the journal and the links.

    An error in 1-3 restores the previous set before raising; a build killed
    in 3 leaves the journal, and the next write (or
    :func:`clean_stale_temporaries`) rolls back to the previous set first.
    """
    ensure_writable(out_dir)
    out_dir = out_dir.resolve()
    for name in files:
        if (out_dir / name).resolve().parent != out_dir or name.startswith("."):
            raise OutputError(out_dir / name, "refusing to write outside the output directory")
    try:
        with _locked(out_dir):
            _recover(out_dir)
            return _write_set(out_dir, files)
    except OSError as exc:
        raise OutputError(out_dir, f"write failed ({exc.strerror or exc})", "check disk space and permissions") from None


def _write_set(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    staged: list[tuple[str, Path]] = []
    previous: dict[str, str | None] = {}  # name -> hard link to the old file, None if there was none
    replaced: list[str] = []
    journal = out_dir / JOURNAL
    try:
        for name, data in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            staged.append((name, Path(tmp)))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
        for name, _ in staged:
            target = out_dir / name
            previous[name] = None
            if target.is_file():
                keep = out_dir / f".{name}.{os.getpid()}.bak"
                keep.unlink(missing_ok=True)
                try:
                    os.link(target, keep)
                except OSError:  # a file system without hard links: a copy does too
                    shutil.copy2(target, keep)
                previous[name] = keep.name
        _write_journal(journal, previous)
        for name, tmp in staged:
            os.replace(tmp, out_dir / name)
            replaced.append(name)
        staged = []
        _fsync_dir(out_dir)
        journal.unlink()
        _forget(out_dir, previous)
        return [out_dir / name for name in files]
    except OSError:
        _rollback(out_dir, {n: previous.get(n) for n in replaced})
        _forget(out_dir, previous)
        journal.unlink(missing_ok=True)
        raise
    finally:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)


def _write_journal(journal: Path, previous: dict[str, str | None]) -> None:
    tmp = journal.with_name(journal.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({"previous": previous}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, journal)
    _fsync_dir(journal.parent)


def _rollback(out_dir: Path, previous: dict[str, str | None]) -> None:
    """Put back the previous file of each name (or remove a file that is new)."""
    for name, keep in previous.items():
        try:
            if keep and (out_dir / keep).is_file():
                os.replace(out_dir / keep, out_dir / name)
            elif keep is None:
                (out_dir / name).unlink(missing_ok=True)
        except OSError:
            pass
    _fsync_dir(out_dir)


def _forget(out_dir: Path, previous: dict[str, str | None]) -> None:
    for keep in previous.values():
        if keep:
            (out_dir / keep).unlink(missing_ok=True)


def _recover(out_dir: Path) -> None:
    """Undo a commit a killed build left half done, and remove its leftovers."""
    journal = out_dir / JOURNAL
    if journal.is_file():
        try:
            previous = json.loads(journal.read_text(encoding="utf-8"))["previous"]
            if not isinstance(previous, dict):
                raise ValueError
        except (OSError, ValueError, KeyError, TypeError):
            previous = {}
        safe = {n: k for n, k in previous.items()
                if isinstance(n, str) and "/" not in n and not n.startswith(".")
                and (k is None or (isinstance(k, str) and "/" not in k and k.startswith(".")))}
        _rollback(out_dir, safe)
        journal.unlink(missing_ok=True)
    for p in (*out_dir.glob(".*.tmp"), *out_dir.glob(".*.bak")):
        p.unlink(missing_ok=True)


def clean_stale_temporaries(out_dir: Path) -> None:
    """Recover from a build that was killed mid-way: roll back a half-done
    commit to the previous set of outputs and remove leftover temporaries."""
    if out_dir.is_dir():
        try:
            with _locked(out_dir):
                _recover(out_dir)
        except OSError:
            pass  # write_all recovers again, and reports what it cannot do

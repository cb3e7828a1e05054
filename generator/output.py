"""Writing outputs: all or nothing, only inside the output directory.

Every file is first written to a temporary file in the output directory and
fsynced; only when all of them are on disk are they moved into place with
``os.replace`` (atomic per file). On any failure the temporaries are
removed and the previous outputs stay untouched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputError(Exception):
    def __init__(self, path: Path, reason: str, hint: str = ""):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.hint = path, reason, hint


def ensure_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(out_dir, f"cannot create output directory ({exc.strerror})",
                          "choose another --out directory or fix its permissions") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise OutputError(out_dir, "output directory is not writable",
                          "choose another --out directory or fix its permissions")


def write_all(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``{name: bytes}`` into ``out_dir`` atomically as a set."""
    ensure_writable(out_dir)
    out_dir = out_dir.resolve()
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            target = (out_dir / name).resolve()
            if target.parent != out_dir:
                raise OutputError(target, "refusing to write outside the output directory")
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=out_dir)
            staged.append((name, Path(tmp)))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
        written = []
        for name, tmp in staged:
            os.replace(tmp, out_dir / name)
            written.append(out_dir / name)
        staged = []
        return written
    except OSError as exc:
        raise OutputError(out_dir, f"write failed ({exc.strerror or exc})", "check disk space and permissions") from None
    finally:
        for _, tmp in staged:
            try:
                tmp.unlink()
            except OSError:
                pass


def clean_stale_temporaries(out_dir: Path) -> None:
    """Remove temporaries left by a build that was killed mid-way."""
    if out_dir.is_dir():
        for p in out_dir.glob(".*.tmp"):
            try:
                p.unlink()
            except OSError:
                pass

"""The user's cache: what a build can compute again, kept for the next one.

In: bytes to keep under a name (the segmentation lexicon, the house
glossary parsed, a converter's preparation, compiled templates). Out: the
same bytes on a later build, or None -- and the caller computes them again,
with the same result.

Where: ``$XDG_CACHE_HOME/briefing`` (``~/.cache/briefing``), and folders
under it. What is kept is read back as data (marshal, which is not made to
resist crafted input) or run as code (compiled templates), so nobody else
may put a file there:

- a folder is used only if it is this user's and nobody else may write to
  it; it is opened once, without following a link, and every file is then
  opened through that handle (renaming the folder's path away afterwards
  changes nothing), again without following a link;
- a file is read only if it is a regular file of this user's that nobody
  else may write, under :data:`LIMIT` bytes, and only if it begins with the
  SHA-256 of the rest (a damaged file is computed again, never used);
- a file is written to a temporary name and renamed; at most ``keep``
  files of a family are kept, the newest; a temporary file a killed build
  left is removed after :data:`STALE` seconds.

Where no folder can be used (no home, a read-only disk, a folder others may
write to), nothing is kept and nothing fails.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

LIMIT = 256 * 1024 * 1024  # bytes of one file (the lexicon is ~11 MB)
STALE = 600  # seconds after which a temporary file is a killed writer's
DIGEST = 32  # bytes of SHA-256 before the contents


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/briefing`` (``~/.cache/briefing``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing"


def _private(st: os.stat_result) -> bool:
    return st.st_uid == os.geteuid() and not st.st_mode & 0o022


class Folder:
    """A folder of the user's cache, opened once (see the module's docstring)."""

    def __init__(self, fd: int):
        self.fd = fd

    @classmethod
    def open(cls, sub: str = "") -> "Folder | None":
        """The cache folder (``sub``: a folder under it), made if need be; None
        if it cannot be made or opened, or others may write to it."""
        directory = cache_dir() / sub if sub else cache_dir()
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except (OSError, AttributeError):  # (no O_NOFOLLOW or O_DIRECTORY: not POSIX, no cache)
            return None
        if not _private(os.fstat(fd)):
            os.close(fd)
            return None
        return cls(fd)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> "Folder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except (OSError, AttributeError):
            pass

    def read(self, name: str) -> bytes | None:
        """What :meth:`write` kept under ``name``, or None (absent, a link,
        not this user's alone, too large, damaged)."""
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=self.fd)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or not _private(st) or st.st_size > LIMIT + DIGEST:
                return None
            with os.fdopen(os.dup(fd), "rb") as f:
                data = f.read(LIMIT + DIGEST + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        digest, contents = data[:DIGEST], data[DIGEST:]
        return contents if len(digest) == DIGEST and hashlib.sha256(contents).digest() == digest else None

    def write(self, name: str, contents: bytes, family: tuple[str, str] | None = None, keep: int = 0) -> None:
        """Keep ``contents`` under ``name``, atomically; then at most ``keep``
        files whose names begin and end as ``family`` (prefix, suffix) says,
        the newest, and no stale temporary file. Silently nothing if it
        cannot be written."""
        tmp = f".{name}.{os.getpid()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                         dir_fd=self.fd)
            with os.fdopen(fd, "wb") as f:
                f.write(hashlib.sha256(contents).digest() + contents)
            os.replace(tmp, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except OSError:
            try:
                os.unlink(tmp, dir_fd=self.fd)
            except OSError:
                pass
            return
        if family is not None:
            self._prune(family, keep)

    def _prune(self, family: tuple[str, str], keep: int) -> None:
        prefix, suffix = family
        kept, gone, now = [], [], time.time()
        try:
            with os.scandir(self.fd) as entries:
                for e in entries:
                    st = e.stat(follow_symlinks=False)
                    if e.name.startswith(prefix) and e.name.endswith(suffix) and stat.S_ISREG(st.st_mode):
                        kept.append((st.st_mtime_ns, e.name))
                    elif e.name.startswith(".") and e.name.endswith(".tmp") and now - st.st_mtime > STALE:
                        gone.append(e.name)
        except OSError:
            return
        gone += [name for _, name in sorted(kept, reverse=True)[keep:]]
        for name in gone:
            try:
                os.unlink(name, dir_fd=self.fd)
            except OSError:  # (a directory of that name, say: left as it is)
                pass

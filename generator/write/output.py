"""Writing outputs: all or nothing, only inside the output directory.

Every file is first written to a temporary file in the output directory and
fsynced; only when all of them are on disk are they moved into place with
``os.replace`` (atomic per file), under a journal that lets an interrupted
commit be rolled back. On any failure the previous outputs stay (or are put
back) as a consistent set; see :func:`write_all`.

The journal records, before anything is written, every name the commit
will create and the sha256 of what it will hold. Recovery touches only
those names, and only while they still hold exactly those bytes: a file
someone put in the output directory, a hand-edited or stale journal, never
makes it delete or move anything else (:func:`_recover`).

The build writes only into a directory it owns (:func:`check_out_dir`): not
``/``, the home directory, the briefing's project root, nor a directory that
holds or lies inside the content or template directories; and a directory
that already holds other files only if a ``manifest.json`` of an earlier
build is there too (the marker), or with ``--force``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from generator.model import MANIFEST
from generator.safeio import plain_name


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
# Files that say what a directory is for; they do not make it someone else's.
HOUSEKEEPING = re.compile(r"^(?:readme(?:\.[a-z]+)?|\.gitignore|\.gitkeep|\.keep|\.ds_store)$", re.I)


def check_out_dir(out_dir: Path, content_dir: Path | None = None, templates: Path | None = None,
                  config_path: Path | None = None, names: tuple[str, ...] | list[str] = (),
                  force: bool = False, project_templates: tuple[Path, ...] = ()) -> None:
    """Refuse an output directory the build does not own (raises :class:`OutputError`).

    Never: ``/``, the home directory, the content directory or one that
    holds it or lies inside it, one inside a template directory, the
    directory of briefing.toml, the current directory when it is the
    briefing's project root. An existing directory that holds files other
    than ``names`` (the outputs the build writes), the build's own hidden
    files and a README needs a ``manifest.json`` written by an earlier build
    (the marker that it is ours), or ``force``. A new or empty one is fine."""
    out = _resolved(out_dir)
    shown = out_dir
    again = "choose a directory of its own for the editions: --out DIR, or paths.out in briefing.toml"
    if out == Path(out.anchor):
        raise OutputError(shown, "refusing to write the editions into the root of the file system", again)
    home = os.environ.get("HOME") or os.path.expanduser("~")
    if home and home != "/" and out == _resolved(Path(home)):
        raise OutputError(shown, "refusing to write the editions into your home directory", again)
    if content_dir is not None:
        content = _resolved(content_dir)
        if out == content:
            raise OutputError(shown, "the output directory is the content directory: the editions would be "
                                     "written among the content", again)
        if content.is_relative_to(out):
            raise OutputError(shown, f"the output directory contains the content directory ({content_dir}): the "
                                     "editions would be written among the briefing's own files", again)
        if out.is_relative_to(content):
            raise OutputError(shown, f"the output directory lies inside the content directory ({content_dir}): the "
                                     "editions would become part of the content", again)
    for t in (templates, *project_templates):
        if t is not None and out.is_relative_to(_resolved(t)):
            raise OutputError(shown, f"the output directory lies inside the template directory ({t})", again)
    roots = set()
    if config_path is not None:
        roots.add(_resolved(Path(config_path)).parent)
    cwd = _resolved(Path.cwd())
    if (cwd / "briefing.toml").is_file() or (cwd / "content" / "briefing.yaml").is_file():
        roots.add(cwd)
    if out in roots:
        raise OutputError(shown, "the output directory is the briefing's project root (where briefing.toml "
                                 "and content/ are)", again)
    if force or not out.is_dir():
        return
    try:
        entries = sorted(os.listdir(out))
    except OSError:
        return  # ensure_writable reports what is wrong with it
    if MANIFEST in entries and _is_build_manifest(out / MANIFEST):
        return
    others = [n for n in entries if not _ours(n, names) and not HOUSEKEEPING.match(n)]
    if others:
        listed = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        raise OutputError(shown, f"the output directory already holds files the build did not write ({listed}) "
                                 f"and no {MANIFEST} of an earlier build",
                          "choose a new or empty directory, or pass --force to write the editions into it anyway")


def _resolved(p: Path) -> Path:
    """``p`` as the file system sees it: absolute, links followed."""
    try:
        return Path(os.path.realpath(p))
    except (OSError, ValueError):
        return Path(os.path.abspath(p))


def _ours(name: str, names) -> bool:
    """A name the build writes: an output, the manifest, the journal, a temporary or backup of one of them."""
    if name in names or name in (MANIFEST, JOURNAL, JOURNAL + ".tmp"):
        return True
    return name.startswith(".") and any(name.startswith(f".{n}.") for n in (*names, MANIFEST)) \
        and name.endswith((".tmp", ".bak"))


def _is_build_manifest(path: Path) -> bool:
    """A manifest.json written by this build (not, say, a web app's manifest)."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 64 * 1024 * 1024:
            return False
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and isinstance(data.get("generator"), str) \
        and data["generator"].startswith("briefing ") and "outputs" in data


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


def write_all(out_dir: Path, files: dict[str, bytes],
              update: Callable[[Path], dict[str, bytes]] | None = None) -> list[Path]:
    """Write ``{name: bytes}`` into ``out_dir`` atomically as a set.

    1. journal: every name about to be created (the temporaries, the backups
       of the files to be replaced) with the sha256 of what it will hold,
       fsynced, before anything else is written;
    2. stage: each file to its temporary in ``out_dir``, fsynced;
    3. keep the previous set: a hard link to each file about to be replaced;
    4. commit: ``os.replace`` each temporary over its target;
    5. forget: remove the journal and the links.

    An error (or an interruption) in 2-4 restores the previous set before
    raising; a build killed in 2-4 leaves the journal, and the next write
    (or :func:`clean_stale_temporaries`) rolls back to the previous set
    first, touching only what the journal names and still holds what it
    recorded.

    ``update``, if given, is called with ``out_dir`` under the directory's
    lock, after recovery, and returns more files for the same commit: the
    build merges its manifest with the one on disk there, so that two builds
    of one directory (HTML and PDF at once, say) keep each other's entries.
    """
    ensure_writable(out_dir)
    out_dir = out_dir.resolve()
    _check_names(out_dir, files)
    try:
        with _locked(out_dir):
            _recover(out_dir)
            if update is not None:
                extra = update(out_dir)
                _check_names(out_dir, extra)
                files = {**files, **extra}
            return _write_set(out_dir, files)
    except OSError as exc:
        raise OutputError(out_dir, f"write failed ({exc.strerror or exc})", "check disk space and permissions") from None


def _check_names(out_dir: Path, files: dict[str, bytes]) -> None:
    for name in files:
        if not plain_name(name) or (out_dir / name).resolve().parent != out_dir:
            raise OutputError(out_dir / name, "refusing to write outside the output directory")


def _digest(path: Path) -> str | None:
    """sha256 of what ``path`` holds (a symbolic link: of where it points); None if there is nothing."""
    try:
        if path.is_symlink():
            return hashlib.sha256(b"symlink:" + os.fsencode(os.readlink(path))).hexdigest()
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        return "unreadable"


def _write_set(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    token = secrets.token_hex(6)
    journal = out_dir / JOURNAL
    entries: dict[str, dict] = {}
    for name, data in files.items():
        target = out_dir / name
        previous = _digest(target) if target.is_file() or target.is_symlink() else None
        entries[name] = {"sha256": hashlib.sha256(data).hexdigest(), "tmp": f".{name}.{token}.tmp",
                         "previous": previous, "keep": f".{name}.{token}.bak" if previous else None}
    staged: list[Path] = []
    try:
        _write_journal(journal, entries)
        for name, data in files.items():
            tmp = out_dir / entries[name]["tmp"]
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
            staged.append(tmp)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
        for name, e in entries.items():
            if e["keep"]:
                target, keep = out_dir / name, out_dir / e["keep"]
                try:
                    os.link(target, keep, follow_symlinks=False)
                except OSError:  # a file system without hard links: a copy does too
                    shutil.copy2(target, keep, follow_symlinks=False)
        for name, e in entries.items():
            os.replace(out_dir / e["tmp"], out_dir / name)
        staged = []
        _fsync_dir(out_dir)
        journal.unlink()
        for e in entries.values():
            if e["keep"]:
                (out_dir / e["keep"]).unlink(missing_ok=True)
        return [out_dir / name for name in files]
    except BaseException:  # an error, or the build stopped by a signal: the previous set, as it was
        _undo(out_dir, entries)
        for tmp in staged:  # written by this process just now, complete or not
            tmp.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        raise


def _write_journal(journal: Path, entries: dict[str, dict]) -> None:
    tmp = journal.with_name(journal.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({"format": JOURNAL_FORMAT, "files": entries}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, journal)
    _fsync_dir(journal.parent)


JOURNAL_FORMAT = 2  # earlier versions recorded names without checksums: such a journal is not acted on
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _valid_entry(name, e) -> bool:
    """A journal entry names only what the build itself would create there."""
    if not plain_name(name) or not isinstance(e, dict):
        return False
    tmp, keep, new, old = e.get("tmp"), e.get("keep"), e.get("sha256"), e.get("previous")
    m = re.fullmatch(r"\.(.+)\.([0-9a-f]{12})\.tmp", tmp) if isinstance(tmp, str) else None
    if not m or m.group(1) != name or not isinstance(new, str) or not _HEX64.match(new):
        return False
    if keep is None:
        return old is None
    return keep == f".{name}.{m.group(2)}.bak" and isinstance(old, str) and bool(_HEX64.match(old))


Leftover = tuple[Path, str, str]  # (path, message, hint): what recovery left alone, and why
_LEFT = "delete it yourself if you do not need it"


def _undo(out_dir: Path, entries: dict[str, dict]) -> list[Leftover]:
    """Put back the previous file of each journal entry (or remove one the
    commit created), and remove its temporary -- each only while it holds
    the bytes the journal recorded for it. Anything else is left alone and
    reported."""
    warnings: list[Leftover] = []
    for name, e in entries.items():
        target = out_dir / name
        try:
            current = _digest(target)
            if e["keep"]:
                keep = out_dir / e["keep"]
                kept = _digest(keep)
                if kept == e["previous"]:
                    if current in (None, e["sha256"], e["previous"]):
                        os.replace(keep, target)
                        if os.path.lexists(keep) and os.path.samefile(keep, target):
                            keep.unlink()  # it was a link to the target itself: already back
                    else:
                        keep.unlink()
                        warnings.append((target, "changed since the interrupted build; left as it is", ""))
                elif kept is not None:
                    warnings.append((keep, "does not hold the file the interrupted build kept there; left alone",
                                     _LEFT))
                elif current == e["sha256"] != e["previous"]:
                    warnings.append((target, "the previous version could not be put back (its backup is gone)",
                                     "run the build again"))
            elif current == e["sha256"]:
                target.unlink()  # new in the interrupted commit
            elif current is not None:
                warnings.append((target, "is not the file the interrupted build wrote there; left alone", _LEFT))
            tmp = out_dir / e["tmp"]
            if os.path.lexists(tmp):
                if _digest(tmp) == e["sha256"]:
                    tmp.unlink()
                else:
                    warnings.append((tmp, "does not hold what the interrupted build wrote there (cut short, or "
                                          "not the build's); left alone", _LEFT))
        except OSError as exc:
            warnings.append((target, f"could not be put back ({exc.strerror or exc})", "check its permissions"))
    try:
        _fsync_dir(out_dir)
    except OSError:
        pass
    return warnings


def _recover(out_dir: Path) -> list[Leftover]:
    """Undo a commit a killed build left half done, as its journal records
    it. Only names the journal lists with a checksum, that are names the
    build writes, and that still hold the recorded bytes are moved or
    removed; everything else stays, with a warning."""
    journal = out_dir / JOURNAL
    warnings: list[Leftover] = []
    leftover = out_dir / (JOURNAL + ".tmp")  # a journal cut short while written: nothing was staged yet
    if leftover.is_file() and not leftover.is_symlink():
        leftover.unlink(missing_ok=True)
    if not (journal.is_file() and not journal.is_symlink()):
        return warnings
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        entries = data["files"] if isinstance(data, dict) and data.get("format") == JOURNAL_FORMAT else None
        if not isinstance(entries, dict):
            raise ValueError
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        warnings.append((journal, "a commit journal this version did not write (unreadable, edited, or from an "
                                  "older version): removed, and nothing it names was touched",
                         "check that the outputs are complete, or run the build with --force"))
        journal.unlink(missing_ok=True)
        return warnings
    valid = {}
    for name, e in entries.items():
        if _valid_entry(name, e):
            valid[name] = e
        else:
            warnings.append((journal, f"entry {str(name)[:80]!r} does not name a file the build writes; "
                                      "nothing was done with it", ""))
    warnings += _undo(out_dir, valid)
    journal.unlink(missing_ok=True)
    return warnings


def clean_stale_temporaries(out_dir: Path) -> list[Leftover]:
    """Recover from a build that was killed mid-way: roll back a half-done
    commit to the previous set of outputs and remove its temporaries.
    Returns (path, message, hint) for what was left alone."""
    if out_dir.is_dir():
        try:
            with _locked(out_dir):
                return _recover(out_dir.resolve())
        except OSError:
            pass  # write_all recovers again, and reports what it cannot do
    return []

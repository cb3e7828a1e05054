"""What the build may read: the content policy, in one place.

A desk's repository takes pull requests and CI builds them, so a content
folder is input an attacker may write. Every file the build reads goes
through :func:`read_bytes` / :func:`read_text`, which refuse -- before
reading a byte -- anything that is not a regular file inside the folder it
belongs to:

- a symbolic link that resolves outside its folder (``methodology.md ->
  /etc/passwd``, ``/proc/self/environ``);
- a device, FIFO or socket (``-> /dev/zero``, ``mkfifo``), which would hang
  the build; the file is opened non-blocking and checked again once open;
- a file larger than its kind's limit (:data:`LIMITS`), read at most to the
  limit, so a file that grows while read cannot exhaust memory either.

Text is UTF-8 (a byte-order mark is dropped); a decoding error names its line.
:func:`invisible` finds control, bidirectional and zero-width characters,
which change how a text displays without showing themselves
(:func:`strip_invisible` removes them with one located warning per line).
:func:`walk` lists a folder's files under the same rules, without following
links into other folders. Images are checked for their decoded size
(:func:`image_problem`): a small PNG can decode to gigabytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import unicodedata
from pathlib import Path


# bytes; generous for what each kind holds (the sample's largest text is 20 KB)
LIMITS = {
    "text": 2 * 1024 * 1024,     # a theme, a YAML file, a Markdown page
    "source": 16 * 1024 * 1024,  # a source article (check --sources)
    "template": 2 * 1024 * 1024,
    "image": 2 * 1024 * 1024,
    "data": 64 * 1024 * 1024,    # the build's own records (manifest, state)
    "edition": 256 * 1024 * 1024,  # a built edition or a file of a published site (briefing site)
}
MAX_FILES = 20_000          # files under one content folder
MAX_IMAGE_PIXELS = 40_000_000  # decoded size of a content image or logo (e.g. 8000 x 5000)


class Refused(Exception):
    """A file the policy will not read; ``line`` is 0 unless it points inside."""

    def __init__(self, path: Path | str, reason: str, hint: str = "", line: int = 0):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.hint, self.line = Path(path), reason, hint, line


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def check(path: Path | str, root: Path | str | None = None) -> os.stat_result:
    """The stat of ``path`` if the policy allows reading it, else :class:`Refused`."""
    path = Path(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise Refused(path, "not found") from None
    except OSError as exc:
        raise Refused(path, f"cannot be read ({exc.strerror})") from None
    if stat.S_ISLNK(st.st_mode):
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise Refused(path, "is a symbolic link to nothing (or a loop)", "replace the link with the file itself") from None
        if root is not None and not _inside(target, Path(root).resolve()):
            raise Refused(path, "is a symbolic link to a file outside the briefing",
                          "copy the file into the briefing instead; the build reads nothing outside it")
        st = os.stat(target)
    elif root is not None and not _inside(path.resolve(), Path(root).resolve()):
        raise Refused(path, "is outside the briefing", "the build reads nothing outside the briefing's folders")
    if stat.S_ISDIR(st.st_mode):
        raise Refused(path, "is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                else "a device")
        raise Refused(path, f"is {kind}, not a regular file", "only ordinary files are read; remove it")
    return st


def read_bytes(path: Path | str, root: Path | str | None = None, kind: str = "text") -> bytes:
    limit = LIMITS[kind]
    st = check(path, root)
    if st.st_size > limit:
        raise Refused(path, f"is {_size(st.st_size)}, over the {_size(limit)} limit for a {kind} file",
                      "split it, or remove what does not belong in it")
    with open_regular(path) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise Refused(path, f"is over the {_size(limit)} limit for a {kind} file", "split it")
    return data


def sha256(path: Path | str, root: Path | str | None = None, limit: int | None = None) -> str:
    """sha256 of a file under the policy, read in blocks (never held whole);
    :class:`Refused` as :func:`read_bytes` would refuse it (``limit``: bytes)."""
    st = check(path, root)
    if limit is not None and st.st_size > limit:
        raise Refused(path, f"is {_size(st.st_size)}, over the {_size(limit)} limit", "remove what does not belong")
    h = hashlib.sha256()
    with open_regular(path) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def open_regular(path: Path | str):
    """``path`` opened for reading in binary, never blocking on a FIFO, and
    still a regular file once open (call :func:`check` first)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise Refused(path, f"cannot be read ({exc.strerror})") from None
    fh = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between the check and the open
        fh.close()
        raise Refused(path, "is not a regular file", "only ordinary files are read; remove it")
    return fh


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 text (a leading byte-order mark dropped); :class:`Refused` at the line of a bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise Refused(path, f"not UTF-8 text: byte 0x{data[exc.start]:02X} at column {column} ({exc.reason})",
                      "save the file as UTF-8", line=line) from None


def read_text(path: Path | str, root: Path | str | None = None, kind: str = "text") -> str:
    return decode(read_bytes(path, root, kind), path)


def walk(root: Path | str) -> tuple[list[Path], list[Refused]]:
    """Regular files under ``root`` (sorted, dot-files included), and what
    was refused. Symbolic links to folders are not entered; a linked file
    is checked like any other."""
    root = Path(root)
    files: list[Path] = []
    refused: list[Refused] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        here = Path(dirpath)
        for name in dirnames:
            if (here / name).is_symlink() and not _inside((here / name).resolve(), Path(root).resolve()):
                refused.append(Refused(here / name, "is a symbolic link to a folder outside the briefing",
                                       "copy the folder into the briefing instead"))
        for name in sorted(filenames):
            p = here / name
            try:
                check(p, root)
            except Refused as exc:
                refused.append(exc)
                continue
            files.append(p)
            if len(files) > MAX_FILES:
                refused.append(Refused(root, f"holds more than {MAX_FILES} files", "keep only the briefing's files in it"))
                return sorted(files), refused
    return sorted(files), refused


def texts(roots, suffixes: tuple[str, ...]):
    """(path, text) of every readable UTF-8 file ending in ``suffixes`` under
    each of ``roots`` (a folder, or a single file) -- for locating a line in a
    message; what the policy refuses is skipped (the loaders report it)."""
    for root in roots:
        root = Path(root)
        if os.path.isdir(root):
            paths, base = walk(root)[0], root
        else:
            paths, base = [root], root.parent
        for p in paths:
            if p.suffix.lower() not in suffixes:
                continue
            try:
                yield p, read_text(p, base)
            except Refused:
                continue


# --------------------------------------------------------------------------
# invisible characters

# C0 controls but tab and newline (a CR is a line ending), DEL, C1 controls;
# bidirectional marks, embeddings, overrides and isolates; zero-width
# characters and a byte-order mark inside the text; line/paragraph separators.
_SPECIAL = "\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
_INVISIBLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_SPECIAL}\ufff9-\ufffb]")


def invisible(text: str) -> list[tuple[int, int, str]]:
    """(line, column, character) of every invisible character, in order; one pass."""
    out = []
    line, start = 1, 0
    last = 0
    for m in _INVISIBLE.finditer(text):
        line += text.count("\n", last, m.start())
        nl = text.rfind("\n", last, m.start())
        if nl >= 0:
            start = nl + 1
        last = m.start()
        out.append((line, m.start() - start + 1, m.group()))
    return out


def describe(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}"


def strip_invisible(text: str, path: Path | str, diag, first_line: int = 1) -> str:
    """``text`` without invisible characters; a warning per line that had any."""
    found = invisible(text)
    if not found:
        return text
    by_line: dict[int, list[tuple[int, str]]] = {}
    for line, col, ch in found:
        by_line.setdefault(line, []).append((col, ch))
    for line, items in by_line.items():
        names = ", ".join(dict.fromkeys(describe(ch) for _, ch in items))
        diag.warning(path, line + first_line - 1,
                     f"removed {len(items)} invisible character(s) ({names}) from column {items[0][0]}",
                     "delete them: control, bidirectional and zero-width characters change how text reads or displays",
                     code="invisible")
    return _INVISIBLE.sub("", text)


# --------------------------------------------------------------------------
# images


def image_problem(data: bytes, suffix: str) -> str | None:
    """Why an image may not be embedded (its decoded size, or not an image of
    its kind), or None. SVG is text and has no pixel bomb."""
    suffix = suffix.lower()
    if suffix == ".svg":
        return None
    try:
        from PIL import Image  # (here: 15 ms to import, and only an image needs it; every command imports this module)
        with Image.open(io.BytesIO(data)) as im:
            width, height = im.size
            frames = getattr(im, "n_frames", 1)
    except Exception:  # noqa: BLE001 -- Pillow raises many kinds for a damaged file
        return f"is not a readable {suffix[1:].upper()} image"
    if width * height * max(frames, 1) > MAX_IMAGE_PIXELS:
        return (f"decodes to {width} x {height} pixels{f' x {frames} frames' if frames > 1 else ''}, over the "
                f"{MAX_IMAGE_PIXELS // 1_000_000} million pixel limit")
    return None


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB" if n >= 1024 else f"{n} bytes"


# --------------------------------------------------------------------------
# messages

_MESSAGE_UNSAFE = re.compile(f"[\x00-\x1f{_SPECIAL}]")  # (tab, newline and CR too, in a message)
MESSAGE_MAX = 400


def printable(text: str, limit: int = MESSAGE_MAX) -> str:
    """One line safe for a terminal: control characters (an ESC starts a
    terminal escape sequence) shown as escapes, long values cut."""
    text = _MESSAGE_UNSAFE.sub(lambda m: "\\n" if m.group() == "\n" else f"\\u{ord(m.group()):04x}"
                               if ord(m.group()) > 0xff else f"\\x{ord(m.group()):02x}", text)
    if len(text) > limit:
        text = text[: limit - 30] + f"… ({len(text) - limit + 30} more characters)"
    return text


def plain_name(name) -> bool:
    """A plain, visible file name: no directory, no control character, not hidden."""
    return isinstance(name, str) and 0 < len(name.encode("utf-8", "surrogatepass")) <= 200 \
        and not name.startswith(".") and "/" not in name and "\\" not in name \
        and not any(ord(c) < 32 or ord(c) == 127 for c in name)

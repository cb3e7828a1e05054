"""Fingerprints of what an output is made from: file trees, this package's
code, installed distributions, OpenCC's data, the installed fonts.

In: paths and distribution names. Out: hex digests and version strings,
each computed once per process (``_CACHE``). The incremental build
(generator.write.incremental) records them per output; the converter's and
the segmenter's user cache (generator.chinese) key their files on them.
Reading them never imports the libraries they describe.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import sys
from pathlib import Path

from generator import safeio
from generator.model import VARIANTS
from generator.shipped import PACKAGE as PACKAGE_DIR


FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")
_SKIP_DIRS = {"__pycache__", ".git", ".pytest_cache", ".hypothesis"}

SITE_TEMPLATES = "site"  # the published site's templates (briefing site): not an input of an edition


def _tree(prefix: str, root: Path, variant: str | None = None, suffixes: tuple[str, ...] = ()) -> dict[str, str]:
    """``prefix + relative path`` -> sha256 of every regular file under ``root``
    (only those ending in ``suffixes``, if given). With ``variant``, a template
    folder: the other variants' strings and the site's templates left out."""
    out: dict[str, str] = {}
    if not root.is_dir():
        return out
    other_strings = {f"{v}.yaml" for v in VARIANTS if v != variant} if variant else set()
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")
                             and not (variant and rel_dir == Path(".") and d == SITE_TEMPLATES))
        for f in sorted(filenames):
            if f.startswith(".") or f.endswith(".pyc") or (suffixes and not f.endswith(suffixes)):
                continue
            if rel_dir.name == "strings" and f in other_strings:
                continue
            rel = (rel_dir / f).as_posix()
            out[prefix + rel] = _file_digest(Path(dirpath) / f)
    return out


def _file_digest(path: Path) -> str:
    """sha256 of a regular file; what the content policy refuses (a FIFO
    would block here, a device never end) is never opened: its digest says
    so, and the build that follows reports it at its path."""
    try:
        return safeio.sha256(path)
    except safeio.Refused as exc:
        return f"unreadable: {exc.reason}"


def _digest_json(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _digest_tree(root: Path) -> str:
    return _digest_json(_tree("", root))


_CACHE: dict = {}


def _package_digest() -> str:
    if "generator" not in _CACHE:
        _CACHE["generator"] = _digest_tree(PACKAGE_DIR)
    return _CACHE["generator"]


def _opencc_digest() -> str:
    """OpenCC's version and its conversion data (dictionaries *.ocd2 and
    conversion configurations *.json, wherever the package keeps them)."""
    if "opencc" not in _CACHE:
        spec = importlib.util.find_spec("opencc")
        locations = list(spec.submodule_search_locations or []) if spec else []
        data = _tree("", Path(locations[0]), suffixes=(".ocd2", ".ocd", ".txt", ".json")) if locations else {}
        _CACHE["opencc"] = _version("opencc") + " " + _digest_json(data) if locations else "absent"
    return _CACHE["opencc"]


def _version(dist: str) -> str:
    """Installed version of a distribution, from its ``*.dist-info`` directory
    name (importlib.metadata would cost more than the rest of a no-op build)."""
    if "versions" not in _CACHE:
        found: dict[str, str] = {}
        for entry in sys.path:
            try:
                names = os.listdir(entry or ".")
            except OSError:
                continue
            for n in names:
                m = _DIST_INFO.match(n)
                if m:
                    found.setdefault(_normalize(m.group(1)), m.group(2))
        _CACHE["versions"] = found  # type: ignore[assignment]
    return _CACHE["versions"].get(_normalize(dist), "absent")  # type: ignore[union-attr]


_DIST_INFO = re.compile(r"^(.+?)-([^-]+)\.dist-info$")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _fonts_digest() -> str:
    """Name, size and modification time of every installed font file (a
    package upgrade changes them; reading the fonts would cost too much)."""
    listing: list[tuple[str, int, int]] = []
    for d in FONT_DIRS:
        base = Path(d).expanduser()
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for f in sorted(filenames):
                p = Path(dirpath) / f
                try:
                    st = p.stat()
                except OSError:
                    continue
                listing.append((p.as_posix(), st.st_size, st.st_mtime_ns))
    return _digest_json(listing)

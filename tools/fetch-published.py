#!/usr/bin/env python3
"""Fetch the published editions into an output directory.

    tools/fetch-published.py SITE_URL OUT_DIR [--site SITE_DIR]

Downloads SITE_URL/manifest.json and every output it lists. The scheduled
workflow runs this before building, so that the build

- finds the manifest of what is published: an edition whose inputs did not
  change is skipped, and `briefing build --check` says there is nothing to
  publish;
- compares the content with the published edition for 本版更新.

Nothing published yet (manifest.json answers 404) is a first edition: exit 0,
nothing fetched. So is a published manifest.json that is not a build
manifest at all (not JSON, JSON of another shape, nested too deeply to
read): a warning names it, nothing is fetched, and the build publishes a
whole new set with a good manifest. Any other failure exits 1, because
building after a failed fetch would republish everything and call it a
first edition. A listed file that is missing or does not match the digest
the manifest records is left out (the build then rebuilds it). Only plain
file names are accepted.

With --site SITE_DIR it first fetches the whole published site, every
edition `briefing site` keeps, so that the next `briefing site --previous
SITE_DIR` carries them forward. SITE_URL/site.json lists every file of the
site with its sha256; each is downloaded and checked into a temporary
folder beside SITE_DIR, which becomes SITE_DIR (new or empty beforehand)
only when all of them are there and match. No site.json (404) means the
site has no archive yet -- nothing published, or published before the site
kept its editions: SITE_DIR is not created and `briefing site` starts a
first site. Anything else that goes wrong (site.json unreadable or of
another shape, a path other than plain names, a file missing, different or
not downloadable, the network) exits 1 before OUT_DIR is touched: publishing
without the site's history would drop its earlier editions.

Standard library only: it runs before the project is installed.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TIMEOUT = 60
SITE_JSON = "site.json"
SITE_FORMAT = 1
SITE_DEPTH = 3  # editions/2026-12-03-12/briefing.zh-Hans.html
HEX64 = re.compile(r"^[0-9a-f]{64}$")
NETWORK_ERRORS = (urllib.error.URLError, OSError, http.client.HTTPException, ValueError)


def _get(url: str) -> bytes | None:
    """The body at ``url``; None on 404; raises on anything else."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def _manifest(raw: bytes) -> tuple[dict | None, dict | str]:
    """(manifest, its outputs), or (None, what is wrong with it)."""
    try:
        manifest = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # not JSON / not UTF-8; nested too deeply
        return None, "not JSON" if isinstance(exc, ValueError) else "nested too deeply"
    outputs = manifest.get("outputs") if isinstance(manifest, dict) else None
    if not isinstance(outputs, dict):
        return None, "no table of outputs"
    return manifest, outputs


def _base(site: str) -> str | None:
    """The site's address ending in /, or None (said why) when it is not http(s)."""
    if urlparse(site).scheme not in ("http", "https"):
        print(f"fetch-published: {site}: not an http(s) URL (pass the site's address, e.g. "
              "https://OWNER.github.io/REPO/)", file=sys.stderr)
        return None
    return site.rstrip("/") + "/"


def fetch(site: str, out_dir: Path) -> int:
    base = _base(site)
    if base is None:
        return 1
    try:
        raw = _get(base + "manifest.json")
    except NETWORK_ERRORS as exc:
        print(f"fetch-published: {base}manifest.json: {exc} (is the site up? set BRIEFING_SITE_URL if it "
              "lives elsewhere)", file=sys.stderr)
        return 1
    if raw is None:
        print(f"fetch-published: nothing published at {base} yet; this build is a first edition")
        return 0
    manifest, outputs = _manifest(raw)
    if manifest is None:
        print(f"fetch-published: warning: {base}manifest.json is not a briefing build manifest ({outputs}); "
              "treating it as absent: nothing fetched, this build is a first edition", file=sys.stderr)
        return 0
    files: dict[str, bytes] = {}
    for name, entry in sorted(outputs.items()):
        if not PLAIN_NAME.fullmatch(name) or name == "manifest.json" or not isinstance(entry, dict):
            print(f"fetch-published: ignoring unexpected entry {name!r}", file=sys.stderr)
            continue
        try:
            data = _get(base + name)
        except NETWORK_ERRORS as exc:
            print(f"fetch-published: {base}{name}: {exc}", file=sys.stderr)
            return 1
        if data is None or hashlib.sha256(data).hexdigest() != str(entry.get("sha256")):
            print(f"fetch-published: {name}: {'missing' if data is None else 'differs from the manifest'}; "
                  "the build will make it again")
            continue
        files[name] = data
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (out_dir / name).write_bytes(data)
        (out_dir / "manifest.json").write_bytes(raw)  # last: it vouches for the files above
    except OSError as exc:
        print(f"fetch-published: {out_dir}: cannot write there ({exc.strerror or exc}); choose another "
              "directory or fix its permissions", file=sys.stderr)
        return 1
    print(f"fetch-published: edition {str(manifest.get('edition'))[:20]}, {len(files)} file(s) from {base} "
          f"into {out_dir}")
    return 0


# --------------------------------------------------------------------------
# --site: the whole published site, every edition `briefing site` keeps


class _Lost(Exception):
    """The site's history cannot be fetched; the message says why."""


def _shown(path: object) -> str:
    return repr(path) if len(repr(path)) <= 80 else repr(path)[:77] + "..."


def _site_files(record: object) -> dict[str, str]:
    """site.json's table of files (relative path -> sha256); raises _Lost if it is not a site's."""
    fmt = record.get("format") if isinstance(record, dict) else None
    if type(fmt) is not int or fmt != SITE_FORMAT or not isinstance(record.get("editions"), list):
        raise _Lost(f"{SITE_JSON} is not a site of format {SITE_FORMAT} with a list of editions")
    files = record.get("files")
    if not isinstance(files, dict) or not files:
        raise _Lost(f"{SITE_JSON} has no table of files")
    folders: set[str] = set()
    for path, sha in files.items():
        parts = path.split("/")
        if len(parts) > SITE_DEPTH or not all(PLAIN_NAME.fullmatch(p) for p in parts) or path.lower() == SITE_JSON:
            raise _Lost(f"{SITE_JSON} lists the path {_shown(path)}, which is not a plain relative path "
                        f"(at most {SITE_DEPTH} names of letters, digits, '.', '_' and '-')")
        if not isinstance(sha, str) or not HEX64.fullmatch(sha):
            raise _Lost(f"{SITE_JSON} gives {path} a sha256 that is not 64 hex digits")
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
    both = sorted(folders & set(files))
    if both:
        raise _Lost(f"{SITE_JSON} lists {both[0]} both as a file and as a folder")
    if len({p.lower() for p in files}) != len(files):
        raise _Lost(f"{SITE_JSON} lists paths that differ only in case")
    return files


def _download_site(base: str, files: dict[str, str], into: Path) -> None:
    """Every file, checked against its sha256, into ``into``; _Lost (network, missing,
    different) or OSError (writing) otherwise."""
    for path in sorted(files):
        try:
            data = _get(base + path)
        except NETWORK_ERRORS as exc:
            raise _Lost(f"{path}: {exc}") from None
        if data is None:
            raise _Lost(f"{path}, listed in {SITE_JSON}, is not there (404)")
        if hashlib.sha256(data).hexdigest() != files[path]:
            raise _Lost(f"{path} differs from the sha256 {SITE_JSON} records for it")
        target = into.joinpath(*path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _history_lost(base: str, why: str) -> int:
    print(f"fetch-published: the published site's history could not be fetched from {base}: {why}. "
          "Publishing now would drop its earlier editions, so this run stops here: run it again (a network "
          "hiccup or a deploy under way passes), or check BRIEFING_SITE_URL if the site lives elsewhere",
          file=sys.stderr)
    return 1


def fetch_site(site: str, site_dir: Path) -> int:
    """The published site into ``site_dir`` (new or empty), every file verified; see the docstring."""
    base = _base(site)
    if base is None:
        return 1
    try:
        occupied = site_dir.is_symlink() or (site_dir.exists() and (not site_dir.is_dir() or any(site_dir.iterdir())))
        problem = "exists and is not an empty folder" if occupied else None
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror or exc})"
    if problem:
        print(f"fetch-published: {site_dir}: {problem}; --site fetches the whole site into a new or empty folder",
              file=sys.stderr)
        return 1
    try:
        raw = _get(base + SITE_JSON)
    except NETWORK_ERRORS as exc:
        return _history_lost(base, f"{SITE_JSON}: {exc}")
    if raw is None:
        print(f"fetch-published: {base} has no {SITE_JSON}: the site has no archive yet (nothing published, "
              "or published before it kept every edition); `briefing site` starts a first site")
        return 0
    try:
        record = json.loads(raw)
    except (ValueError, RecursionError):
        return _history_lost(base, f"{SITE_JSON} is not JSON")
    try:
        files = _site_files(record)
    except _Lost as exc:
        return _history_lost(base, str(exc))
    parent = site_dir.absolute().parent
    tmp = parent / f".{site_dir.name}.fetch-{os.getpid()}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        _download_site(base, files, tmp)
        (tmp / SITE_JSON).write_bytes(raw)  # last: it vouches for the files above
        if site_dir.is_dir():
            site_dir.rmdir()  # empty (checked above); the whole site takes its place
        tmp.rename(site_dir)
    except _Lost as exc:
        return _history_lost(base, str(exc))
    except OSError as exc:
        print(f"fetch-published: {site_dir}: cannot write the site there ({exc.strerror or exc}); choose "
              "another folder or fix its permissions", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone already when it became site_dir
    print(f"fetch-published: site of {len(record['editions'])} edition(s), {len(files)} file(s) from {base} "
          f"into {site_dir}")
    return 0


def main(argv: list[str]) -> int:
    args, site_dir = list(argv[1:]), None
    for i, arg in enumerate(args):
        if arg == "--site" or arg.startswith("--site="):
            site_dir = arg[len("--site="):] if "=" in arg else (args[i + 1] if i + 1 < len(args) else "")
            del args[i:i + (1 if "=" in arg else 2)]
            break
    if len(args) != 2 or site_dir == "":
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    if site_dir is not None:
        site_path, out = Path(site_dir).absolute(), Path(args[1]).absolute()
        if site_path == out or site_path.is_relative_to(out) or out.is_relative_to(site_path):
            print(f"fetch-published: --site {site_dir} and {args[1]} overlap; give the site a folder of its own",
                  file=sys.stderr)
            return 2
        status = fetch_site(args[0], Path(site_dir))
        if status:
            return status
    return fetch(args[0], Path(args[1]))


if __name__ == "__main__":
    sys.exit(main(sys.argv))

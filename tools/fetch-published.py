#!/usr/bin/env python3
"""Fetch the published editions into an output directory.

    tools/fetch-published.py SITE_URL OUT_DIR

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

Standard library only: it runs before the project is installed.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TIMEOUT = 60


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


def fetch(site: str, out_dir: Path) -> int:
    if urlparse(site).scheme not in ("http", "https"):
        print(f"fetch-published: {site}: not an http(s) URL (pass the site's address, e.g. "
              "https://OWNER.github.io/REPO/)", file=sys.stderr)
        return 1
    base = site.rstrip("/") + "/"
    try:
        raw = _get(base + "manifest.json")
    except (urllib.error.URLError, OSError) as exc:
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
        except (urllib.error.URLError, OSError) as exc:
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


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    return fetch(argv[1], Path(argv[2]))


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Reproducible builds: the same inputs give the same bytes.

The session build (this process, PDFs in forked workers) is compared byte
for byte with a second build in a separate process that differs in
everything that must not matter: the clock (faketime: another year), the
time zone, the locale, the hash seed, the working directory and where the
content lives. HTML, PDF and the build manifest must all be identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

CONTENT = Path(__file__).resolve().parent.parent / "content"


def test_two_builds_in_separate_processes_are_byte_identical(built, tmp_path):
    elsewhere = tmp_path / "somewhere" / "else"
    shutil.copytree(CONTENT, elsewhere / "content")
    out = tmp_path / "out"
    env = dict(os.environ, TZ="America/Los_Angeles", PYTHONHASHSEED="4242", LC_ALL="C.UTF-8", LANG="C.UTF-8")
    env.pop("SOURCE_DATE_EPOCH", None)
    command = [sys.executable, "-m", "generator", "-q", "build", "--content", str(elsewhere / "content"),
               "--out", str(out)]
    if shutil.which("faketime"):  # tools/setup-system.sh --test installs it
        command = ["faketime", "-f", "@2031-03-04 05:06:07"] + command
    subprocess.run(command, cwd=elsewhere, env=env, check=True, capture_output=True, timeout=600)

    first_dir = next(iter(built.values())).parent
    names = sorted(p.name for p in first_dir.iterdir() if not p.name.startswith("."))
    assert names == sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert {"briefing.zh-Hans.html", "briefing.zh-Hant.pdf", "manifest.json"} <= set(names)
    different = [n for n in names if (first_dir / n).read_bytes() != (out / n).read_bytes()]
    assert different == [], f"not byte-identical across processes: {different}; {_manifest_diff(first_dir, out)}"


def _manifest_diff(a: Path, b: Path) -> str:
    """Which recorded inputs differ (e.g. code edited while the suite ran)."""
    ma, mb = (json.loads((d / "manifest.json").read_text(encoding="utf-8")) for d in (a, b))
    keys = {k for name, entry in ma["outputs"].items() for k, v in entry["inputs"].items()
            if mb["outputs"].get(name, {}).get("inputs", {}).get(k) != v}
    return f"manifest inputs that differ: {sorted(keys)}"


def test_the_pdf_dates_and_identifier_come_from_the_content(built):
    from pypdf import PdfReader

    from generator.render.editions import print_html
    from generator.load.content import load_content

    issue = load_content(CONTENT).manifest.issue_date
    for variant in ("zh-Hans", "zh-Hant"):
        pdf = PdfReader(built[f"{variant}.pdf"])
        assert pdf.metadata["/CreationDate"] == "D:" + issue.strftime("%Y%m%d")  # the issue date
        assert "/ModDate" not in pdf.metadata  # no "now"
        html = built[f"{variant}.html"].read_text(encoding="utf-8")
        # the identifier is a digest of the HTML the PDF was made from, not a random id
        assert pdf.trailer["/ID"][0] == hashlib.sha256(print_html(html).encode("utf-8")).hexdigest()[:32]

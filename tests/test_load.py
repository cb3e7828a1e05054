"""Load: the preview server's rebuild loop does not grow in memory, and ten
times the shipped content (120 themes) builds without error."""

from __future__ import annotations

import gc
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from generator.build import build

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads the resident size from /proc")
def test_serve_rebuilds_50_times_without_memory_growth(tmp_path):
    """What `briefing serve` does on every change, 50 times in one process:
    the content is edited before each rebuild (every tenth edit breaks it,
    so the failure path is exercised too). One edition, so that all the
    work happens in this process rather than in forked workers. After a
    warm-up, neither the resident size nor the number of Python objects
    and memory blocks may keep growing."""
    from generator.serve import Preview

    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    manifest = content / "briefing.yaml"
    original = manifest.read_text(encoding="utf-8")
    preview = Preview(content=content, variants=["zh-Hans"], log=lambda line: None)
    samples = {}
    for i in range(50):
        broken = i % 10 == 9
        manifest.write_text(original.replace("title:", "title: [", 1) if broken else
                            original.replace("\nsubtitle: ", f"\nsubtitle: 第{i}次修改", 1), encoding="utf-8")
        state = preview.rebuild()
        assert state.ok is not broken, state.problems[:3]
        if not broken:
            assert f"第{i}次修改".encode() in state.pages["briefing.zh-Hans.html"]
        if i in (14, 49):
            gc.collect()
            samples[i] = (_rss_mb(), len(gc.get_objects()), sys.getallocatedblocks())
    (rss0, objects0, blocks0), (rss1, objects1, blocks1) = samples[14], samples[49]
    # One leaked Python object per rebuild (a kept page, a kept state) is 35
    # objects over these 35 rebuilds; the resident size catches leaks outside
    # Python's objects (the C libraries), a few megabytes being noise.
    assert rss1 - rss0 < 3.0, f"resident size grew {rss1 - rss0:.1f} MB over 35 rebuilds"
    assert objects1 - objects0 < 35, f"{objects1 - objects0} more Python objects after 35 rebuilds"
    assert blocks1 - blocks0 < 2000, f"{blocks1 - blocks0} more memory blocks after 35 rebuilds"


def synthesize(src: Path, dst: Path, factor: int = 10) -> list[str]:
    """``factor`` times the content of ``src`` in ``dst``: each theme also as
    copies ``<id>-x2`` … (own id, title marked 副本N, no related numbers or
    questions -- those belong to the original), all in the manifest's theme
    order. Returns the theme ids."""
    shutil.copytree(src, dst)
    manifest = dst / "briefing.yaml"
    text = manifest.read_text(encoding="utf-8")
    themes = re.search(r"^themes:[ \t]*(\[[^\]]*\]|(?:\n[ \t]+-[^\n]*)+)", text, re.M)
    ids = re.findall(r"[a-z0-9][a-z0-9-]*", themes.group(1))
    for path in sorted((dst / "themes").glob("*.md")):
        body = path.read_text(encoding="utf-8")
        tid = re.search(r"^id:\s*(\S+)", body, re.M).group(1)
        for k in range(2, factor + 1):
            copy = re.sub(r"^id:\s*\S+", f"id: {tid}-x{k}", body, count=1, flags=re.M)
            copy = re.sub(r"^title:\s*(.*)$", lambda m: f"title: {m.group(1)}（副本{k}）", copy, count=1, flags=re.M)
            copy = re.sub(r"^(numbers|questions):.*$", r"\1: []", copy, flags=re.M)
            (path.parent / f"{path.stem}-x{k}.md").write_text(copy, encoding="utf-8")
            ids.append(f"{tid}-x{k}")
    manifest.write_text(text[:themes.start()] + "themes: [" + ", ".join(ids) + "]" + text[themes.end():],
                        encoding="utf-8")
    return ids


@pytest.fixture(scope="module")
def tenfold(tmp_path_factory) -> tuple[Path, list[str]]:
    base = tmp_path_factory.mktemp("tenfold")
    return base / "content", synthesize(CONTENT, base / "content", 10)


@pytest.mark.slow
def test_ten_times_the_content_builds(tenfold, tmp_path):
    content, ids = tenfold
    assert len(ids) == 120 and len(set(ids)) == 120
    out = tmp_path / "out"
    report = build(content, out, formats=["html"])
    assert {w.variant for w in report.written} == {"zh-Hans", "zh-Hant"}
    page = (out / "briefing.zh-Hant.html").read_text(encoding="utf-8")
    assert all(f'id="{i}"' in page for i in ids), "every theme is in the edition"


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("BRIEFING_LOAD") != "full",
                    reason="the 260-page PDF takes minutes on two cores; BRIEFING_LOAD=full runs it")
def test_ten_times_the_content_builds_as_pdf(tenfold, tmp_path):
    content, _ = tenfold
    report = build(content, tmp_path / "out", variants=["zh-Hans"], formats=["pdf"])
    [pdf] = report.written
    assert pdf.format == "pdf" and pdf.pages > 200

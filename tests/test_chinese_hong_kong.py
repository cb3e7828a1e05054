"""The Hong Kong edition (zh-Hant-HK): OpenCC s2hk, 萬億, 行政總裁, Hong
Kong vocabulary and labels; switched on by listing it in the manifest's
variants. The default build stays zh-Hans + zh-Hant (Taiwan)."""

from __future__ import annotations

import re

import pytest

from generator.build import build


def test_the_default_build_is_simplified_and_taiwan(built):
    assert {k.split(".")[0] for k in built} == {"zh-Hans", "zh-Hant"}


@pytest.fixture(scope="module")
def hong_kong(tmp_path_factory) -> str:
    """The shipped content with zh-Hant-HK added to the manifest's variants."""
    import shutil
    from pathlib import Path

    content = tmp_path_factory.mktemp("hk") / "content"
    shutil.copytree(Path(__file__).resolve().parent.parent / "content", content)
    manifest = content / "briefing.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert "variants: [zh-Hans, zh-Hant]" in text
    manifest.write_text(text.replace("variants: [zh-Hans, zh-Hant]", "variants: [zh-Hans, zh-Hant, zh-Hant-HK]"),
                        encoding="utf-8")
    out = content.parent / "out"
    report = build(content, out, formats=["html"], strict=True)
    assert sorted(w.path.name for w in report.written) == [
        "briefing.zh-Hans.html", "briefing.zh-Hant-HK.html", "briefing.zh-Hant.html"]
    return (out / "briefing.zh-Hant-HK.html").read_text(encoding="utf-8")


def test_the_manifest_switches_the_hong_kong_edition_on(hong_kong):
    assert re.search(r'<html[^>]*\blang="zh-Hant-HK"', hong_kong)


def test_hong_kong_numbers_titles_and_vocabulary(hong_kong):
    assert 'href="#num-infra-commitment">約1.4萬億美元' in hong_kong
    assert "行政總裁" in hong_kong and "執行長" not in hong_kong
    assert "首次公開招股" in hong_kong
    text = re.sub(r"<[^>]+>", "", hong_kong)
    assert not re.search(r"[0-9.]兆", text)


def test_hong_kong_labels(hong_kong):
    assert "報道要點" in hong_kong      # Hong Kong writes 報道, Taiwan 報導
    assert "繁體（香港）" in hong_kong   # the glossary column says which Traditional
    assert "「" in hong_kong and "“" not in re.sub(r"<(style|script)\b.*?</\1>", "", hong_kong, flags=re.S)

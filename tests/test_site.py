"""`briefing site` (issue #18): the published site, assembled for real from
real builds (WeasyPrint PDFs, covers rendered from them), run after run as
the scheduled workflow does it.

The history every test reads (built once, see ``history``): the small
fixture briefing (tests/fixtures/minimal, zh-Hans and zh-Hant) copied and
published five times into one output folder --

    run 1  edition 1 (2025-12-20)                          -> site1
    run 2  a key number changed, edition 2 (2025-12-27)    -> site2
    run 3  nothing changed: the build skips, no new edition -> site3 (= site2)
    run 4  a theme's takeaway changed, edition 3 (2026-01-03) -> site4
    run 5  edition 3 corrected (same number): a revision   -> site5

each `briefing site --from out --previous site<n-1> --out site<n> --url URL`.
Tests that damage or prune something work on copies in their own tmp_path.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
import traceback
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from conftest import once_per_run
from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
URL = "https://desk.example.org/b/"
VARIANTS = ("zh-Hans", "zh-Hant")
FOLDERS = {1: "editions/2025-12-20-1", 2: "editions/2025-12-27-2", 3: "editions/2026-01-03-3"}
DATES = {1: "2025-12-20", 2: "2025-12-27", 3: "2026-01-03"}
TITLE = {"zh-Hans": "示例科技访谈简报", "zh-Hant": "示例科技訪談簡報"}
# the first sentence of the bottom line, without its [@alpha "…"] citation
DESCRIPTION = "李明把公司的前途押在算力上。"
# what each new edition's 本版更新 says, in each script
CHANGED = {
    2: {"zh-Hans": "关键数字变动：未来五年的基础设施投入，约1.4万亿美元 → 约1.6万亿美元",
        "zh-Hant": "關鍵數字變動：未來五年的基礎設施投入，約1.4兆美元 → 約1.6兆美元"},
    3: {"zh-Hans": "主题内容有更新：算力就是收入",
        "zh-Hant": "主題內容有更新：算力就是收入"},
}
# and what the correction of edition 3 (run 5) adds to it
REVISED = {"zh-Hans": "主题内容有更新：企业客户增长快于预期",
           "zh-Hant": "主題內容有更新：企業客戶增長快於預期"}
FIRST = {"zh-Hans": "本期为首期，无前一版可比较。", "zh-Hant": "本期為首期，無前一版可比較。"}
EDITION_FILES = {f"briefing.{v}.{f}" for v in VARIANTS for f in ("html", "pdf")}
FOLDER_FILES = EDITION_FILES | {"manifest.json", "index.html"} | {f"cover.{v}.png" for v in VARIANTS}


# --------------------------------------------------------------------------
# helpers


def label(variant: str, key: str, **kw) -> str:
    from generator.labels import Strings, load_strings

    return Strings(load_strings(variant, None))(key, **kw)


def cli(*args):
    """`briefing ARGS` in-process; a crash (a traceback, not a message) fails the test."""
    res = CliRunner().invoke(main, [str(a) for a in args])
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise AssertionError(f"briefing {' '.join(map(str, args))} crashed instead of refusing:\n"
                             + "".join(traceback.format_exception(res.exception)))
    return res


def site(*args):
    return cli("site", *args)


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root (relative POSIX path -> bytes)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def set_field(path: Path, key: str, value: str) -> None:
    text, n = re.subn(rf"^{key}:.*$", f"{key}: {value}", path.read_text(encoding="utf-8"), count=1, flags=re.M)
    assert n == 1, (path, key)
    path.write_text(text, encoding="utf-8")


# A tiny DOM: enough to find elements by tag, id, class and read their text.

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[Node]:
        return [n for n in self.iter() if (tag is None or n.tag == tag)
                and (cls is None or cls in n.attrs.get("class", "").split())
                and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}> in <{self.tag} {self.attrs}>"
        return found[0]

    @property
    def text(self) -> str:
        return " ".join("".join(c if isinstance(c, str) else c.text for c in self.children).split())


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def dom(path: Path) -> Node:
    b = _Builder()
    b.feed(path.read_text(encoding="utf-8"))
    b.close()
    return b.root


def metas(doc: Node) -> dict[str, str]:
    """<meta name|property=… content=…> of a page (first of each)."""
    out: dict[str, str] = {}
    for m in doc.find_all("meta"):
        key = m.attrs.get("property") or m.attrs.get("name")
        if key and "content" in m.attrs:
            out.setdefault(key, m.attrs["content"])
    return out


def archive_entries(page: Path) -> list[dict]:
    """The editions an archive page lists, in its order."""
    doc = dom(page)
    ol = doc.find("ol", cls="archive")
    entries = []
    for li in [c for c in ol.children if isinstance(c, Node) and c.tag == "li"]:
        changes = li.find("section", cls="changes")
        since = changes.find_all("p", cls="since")
        entries.append({
            "id": li.attrs.get("id"), "lang": li.attrs.get("lang"), "heading": li.find("h2").text,
            "href": li.find("h2").find("a").attrs["href"], "date": li.find("time").attrs.get("datetime"),
            "meta": li.find("p", cls="meta").text, "since": since[0].text if since else "",
            "changes": [x.text for x in changes.find_all("li") if "more-changes" not in x.attrs.get("class", "")]})
    return entries


def site_json(site_dir: Path) -> dict:
    return json.loads((site_dir / "site.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------
# the history: five scheduled runs


def _make_history(root: Path) -> dict:
    from generator.build import build

    content, out = root / "content", root / "out"
    shutil.copytree(MINIMAL, content)
    info: dict = {"root": str(root), "messages": {}, "built": {}, "seconds": {}}

    def run(n: int, previous: int | None) -> None:
        started = time.monotonic()
        report = build(content, out)
        assert not report.diagnostics.errors
        info["built"][n] = sorted(w.path.name for w in report.written)
        shutil.copytree(out, root / f"out{n}")  # what this run built, for tests to assemble again
        args = ["--from", out, "--out", root / f"site{n}", "--url", URL]
        if previous:
            args += ["--previous", root / f"site{previous}"]
        res = site(*args)
        assert res.exit_code == 0, res.output
        info["messages"][n] = res.stdout + res.stderr
        info["seconds"][n] = round(time.monotonic() - started, 1)

    run(1, None)
    set_field(content / "briefing.yaml", "edition", "2")
    set_field(content / "briefing.yaml", "issue_date", DATES[2])
    numbers = content / "numbers.yaml"
    text = numbers.read_text(encoding="utf-8")
    assert text.count("  value: 1.4\n  scale: trillion\n  currency: USD") == 1
    numbers.write_text(text.replace("  value: 1.4\n  scale: trillion\n  currency: USD",
                                    "  value: 1.6\n  scale: trillion\n  currency: USD"), encoding="utf-8")
    run(2, 1)
    run(3, 2)  # unchanged
    set_field(content / "briefing.yaml", "edition", "3")
    set_field(content / "briefing.yaml", "issue_date", DATES[3])
    set_field(content / "themes" / "01-compute.md", "takeaway", "公司把未来几年的增长全部押在算力投入上。")
    run(4, 3)
    set_field(content / "themes" / "02-customers.md", "takeaway", "企业客户已经过百万，付费比例仍未公布。")
    run(5, 4)  # edition 3 again: a correction
    return info


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> dict:
    _, info = once_per_run(tmp_path_factory, "site-history", _make_history)
    root = Path(info["root"])
    return {**info, "root": root, "site": {n: root / f"site{n}" for n in range(1, 6)},
            "out": {n: root / f"out{n}" for n in range(1, 6)},
            "messages": {int(k): v for k, v in info["messages"].items()},
            "built": {int(k): v for k, v in info["built"].items()}}


@pytest.fixture(scope="module")
def site4(history) -> Path:
    return history["site"][4]


@pytest.fixture(scope="module")
def no_url(history, tmp_path_factory) -> Path:
    """The three editions assembled without --url."""
    def make(folder: Path) -> dict:
        res = site("--from", history["out"][4], "--previous", history["site"][3], "--out", folder / "site")
        assert res.exit_code == 0, res.output
        return {}

    folder, _ = once_per_run(tmp_path_factory, "site-no-url", make)
    return folder / "site"


# --------------------------------------------------------------------------
# 1. scheduled runs


def test_each_run_says_what_it_did(history):
    m = history["messages"]
    assert "site: 1 edition(s)" in m[1] and "added edition 1" in m[1]
    assert "site: 2 edition(s)" in m[2] and "added edition 2" in m[2]
    assert "site: 2 edition(s)" in m[3] and "no new edition" in m[3] and "added" not in m[3]
    assert "site: 3 edition(s)" in m[4] and "added edition 3" in m[4]
    assert "site: 3 edition(s)" in m[5] and "revised edition 3" in m[5] and "added" not in m[5]
    assert history["built"][3] == []  # run 3 really had nothing to build
    assert len(history["built"][2]) == len(history["built"][4]) == len(history["built"][5]) == 4


def test_the_archive_holds_exactly_the_published_editions(site4):
    record = site_json(site4)
    assert [(e["edition"], e["date"], e["folder"], e["revision"]) for e in record["editions"]] == \
        [(n, DATES[n], FOLDERS[n], 1) for n in (3, 2, 1)]
    assert {p.relative_to(site4).as_posix() for p in (site4 / "editions").iterdir()} == set(FOLDERS.values())
    for folder in FOLDERS.values():
        assert {p.name for p in (site4 / folder).iterdir()} == FOLDER_FILES, folder
    top = {p.name for p in site4.iterdir()}
    assert top == EDITION_FILES | {"index.html", "manifest.json", "site.json", "site.css", "site.js", "sitemap.xml",
                                   "editions", *VARIANTS}
    for v in VARIANTS:
        assert {p.name for p in (site4 / v).iterdir()} == {"index.html", "feed.xml"}


def test_each_edition_folder_holds_the_files_as_built(history, site4):
    for n, run in ((1, 1), (2, 2), (3, 4)):
        built = history["out"][run]
        for name in EDITION_FILES | {"manifest.json"}:
            assert (site4 / FOLDERS[n] / name).read_bytes() == (built / name).read_bytes(), (n, name)
    # the latest edition again at the addresses the site always had
    for name in EDITION_FILES | {"manifest.json"}:
        assert (site4 / name).read_bytes() == (history["out"][4] / name).read_bytes(), name


def test_an_edition_folder_never_changes_once_published(history):
    sites = history["site"]
    first = {k: v for k, v in tree(sites[1]).items() if k.startswith(FOLDERS[1] + "/") and not k.endswith("index.html")}
    assert len(first) == len(FOLDER_FILES) - 1
    for n in (2, 3, 4, 5):
        later = tree(sites[n])
        assert {k: later.get(k) for k in first} == first, n
    second = {k: v for k, v in tree(sites[2]).items() if k.startswith(FOLDERS[2] + "/") and not k.endswith("index.html")}
    fourth = tree(sites[4])
    assert len(second) == len(FOLDER_FILES) - 1 and {k: fourth.get(k) for k in second} == second


def test_site_json_records_every_file_and_its_digest(history):
    for n in (1, 4, 5):
        files = tree(history["site"][n])
        record = site_json(history["site"][n])
        assert record["url"] == URL
        assert set(record["files"]) == set(files) - {"site.json"}
        assert all(record["files"][k] == sha(files[k]) for k in record["files"])


def test_a_run_without_changes_publishes_the_same_site(history):
    assert tree(history["site"][3]) == tree(history["site"][2])


def test_assembling_twice_on_unchanged_editions_yields_one_edition(history, tmp_path):
    """The issue's "Done when": the second run (--previous = the first's result) adds nothing."""
    first, second = tmp_path / "first", tmp_path / "second"
    res = site("--from", history["out"][1], "--out", first, "--url", URL)
    assert res.exit_code == 0, res.output
    res = site("--from", history["out"][1], "--previous", first, "--out", second, "--url", URL)
    assert res.exit_code == 0, res.output
    assert "site: 1 edition(s)" in res.stdout and "no new edition" in res.stdout
    assert [e["edition"] for e in site_json(second)["editions"]] == [1]
    assert [p.name for p in (second / "editions").iterdir()] == ["2025-12-20-1"]
    assert tree(second) == tree(first)
    for v in VARIANTS:
        assert len(archive_entries(second / v / "index.html")) == 1


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_archive_lists_every_edition_newest_first_with_its_changes(site4, variant):
    entries = archive_entries(site4 / variant / "index.html")
    assert [e["id"] for e in entries] == ["e3", "e2", "e1"]
    assert [e["date"] for e in entries] == [DATES[3], DATES[2], DATES[1]]
    for e, n in zip(entries, (3, 2, 1)):
        assert e["heading"] == f"{label(variant, 'edition.number', n=n)} · {TITLE[variant]}"
        assert e["href"] == f"../{FOLDERS[n]}/briefing.{variant}.html"
        assert label(variant, "site.revised") not in e["meta"]
        assert e["lang"].startswith(variant)
    assert entries[0]["changes"] == [CHANGED[3][variant]]
    assert entries[1]["changes"] == [CHANGED[2][variant]]
    assert entries[2]["changes"] == [] and entries[2]["since"] == FIRST[variant]
    first_date = "2025年12月20日"
    assert entries[1]["since"].startswith(("与第1期（" if variant == "zh-Hans" else "與第1期（") + first_date)


def test_the_traditional_archive_is_in_traditional(site4):
    page = (site4 / "zh-Hant" / "index.html").read_text(encoding="utf-8")
    for simplified in ("关键数字", "变动", "未来五年", "基础设施", "约1.4", "万亿", "主题内容", "访谈简报", "往期一览",
                       "本期为首期"):
        assert simplified not in page, simplified
    assert CHANGED[2]["zh-Hant"] in page and label("zh-Hant", "site.archive") in page
    page = (site4 / "zh-Hans" / "index.html").read_text(encoding="utf-8")
    for traditional in ("關鍵數字", "變動", "主題內容", "訪談簡報", "本期為首期"):
        assert traditional not in page, traditional


def test_the_landing_page_shows_the_latest_edition_in_each_variant(site4):
    doc = dom(site4 / "index.html")
    panels = doc.find_all("section", cls="panel")
    assert [p.attrs["data-variant"] for p in panels] == list(VARIANTS)
    for p, v in zip(panels, VARIANTS):
        assert p.attrs["id"] == f"v-{v}"
        assert p.find("h1").text == TITLE[v]
        assert p.find("h1").find("a").attrs["href"] == f"{FOLDERS[3]}/briefing.{v}.html"
        assert label(v, "edition.number", n=3) in p.find("p", cls="meta").text
        assert p.find("time").attrs["datetime"] == DATES[3]
        assert [x.text for x in p.find("section", cls="changes").find_all("li")] == [CHANGED[3][v]]
        hrefs = [a.attrs["href"] for a in p.find_all("a")]
        assert f"{FOLDERS[3]}/briefing.{v}.pdf" in hrefs and f"{v}/index.html" in hrefs and f"{v}/feed.xml" in hrefs
        assert f"{FOLDERS[3]}/index.html" in hrefs
    switch = doc.find("nav", cls="switch")
    assert [a.attrs["data-variant"] for a in switch.find_all("a")] == list(VARIANTS)


def test_each_edition_page_shows_that_edition_and_its_neighbours(site4):
    for n in (1, 2, 3):
        doc = dom(site4 / FOLDERS[n] / "index.html")
        for v in VARIANTS:
            panel = doc.find("section", id=f"v-{v}")
            href = panel.find("h1").find("a").attrs["href"]
            assert (site4 / FOLDERS[n] / href).resolve() == (site4 / FOLDERS[n] / f"briefing.{v}.html").resolve()
            assert panel.find("time").attrs["datetime"] == DATES[n]
        nav = doc.find("nav", cls="neighbours")
        rels = {a.attrs.get("rel"): a.attrs["href"] for a in nav.find_all("a") if a.attrs.get("rel")}
        assert rels == {**({"next": f"../../{FOLDERS[n + 1]}/index.html"} if n < 3 else {}),
                        **({"prev": f"../../{FOLDERS[n - 1]}/index.html"} if n > 1 else {})}


# --------------------------------------------------------------------------
# 2. Atom feeds

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z")


def rfc4287_problems(data: bytes) -> list[str]:
    """What RFC 4287 requires of a feed document and its entries (section 4.1)."""
    problems = []
    feed = ET.fromstring(data)
    if feed.tag != ATOM + "feed":
        return [f"root is {feed.tag}"]

    def one(el, name, where):
        found = el.findall(ATOM + name)
        if len(found) != 1:
            problems.append(f"{where}: {len(found)} atom:{name}")
            return None
        return found[0]

    for name in ("id", "title", "updated"):
        one(feed, name, "feed")
    ids = []
    for el in [feed] + feed.findall(ATOM + "entry"):
        where = "feed" if el is feed else f"entry {len(ids)}"
        ident, updated, title = (el.find(ATOM + n) for n in ("id", "updated", "title"))
        if ident is not None:
            if not re.match(r"[a-z][a-z0-9+.-]*:", ident.text or ""):
                problems.append(f"{where}: id {ident.text!r} is not an absolute IRI")
            ids.append(ident.text)
        if updated is not None and not RFC3339.match(updated.text or ""):
            problems.append(f"{where}: updated {updated.text!r} is not an RFC 3339 date-time")
        if title is not None and not (title.text or "").strip():
            problems.append(f"{where}: empty title")
        pairs = [(link.get("type"), link.get("hreflang")) for link in el.findall(ATOM + "link")
                 if link.get("rel", "alternate") == "alternate"]
        if len(pairs) != len(set(pairs)):
            problems.append(f"{where}: two alternate links with the same type and hreflang")
        for link in el.findall(ATOM + "link"):
            if not link.get("href"):
                problems.append(f"{where}: a link without href")
    if not [link for link in feed.findall(ATOM + "link") if link.get("rel") == "self"]:
        problems.append("feed: no link rel=self")
    entries = feed.findall(ATOM + "entry")
    author = feed.find(ATOM + "author")
    if author is None or not (author.findtext(ATOM + "name") or "").strip():
        if not all(e.find(ATOM + "author") is not None for e in entries):
            problems.append("feed: no author, and not every entry has one")
    for i, e in enumerate(entries):
        for name in ("id", "title", "updated"):
            one(e, name, f"entry {i}")
        if e.find(ATOM + "content") is None and not [
                link for link in e.findall(ATOM + "link") if link.get("rel", "alternate") == "alternate"]:
            problems.append(f"entry {i}: neither content nor an alternate link")
    if len(ids) != len(set(ids)):
        problems.append("ids are not unique")
    return problems


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_feed_reads_as_a_feed_reader_reads_it(site4, variant):
    import feedparser

    data = (site4 / variant / "feed.xml").read_bytes()
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title and TITLE[variant] in parsed.feed.title
    assert parsed.feed.id == URL + f"{variant}/feed.xml"
    assert parsed.feed.get("language") == variant
    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == [URL + f"{variant}/feed.xml"]
    assert [link.href for link in parsed.feed.links if link.rel == "alternate"] == [URL + f"{variant}/"]
    assert len(parsed.entries) == 3
    updated = [e.updated_parsed for e in parsed.entries]
    assert updated == sorted(updated, reverse=True) and len(set(updated)) == 3
    assert parsed.feed.updated_parsed == updated[0]
    for e, n in zip(parsed.entries, (3, 2, 1)):
        assert e.id == f"{URL}{FOLDERS[n]}/{variant}"
        assert e.title == f"{label(variant, 'edition.number', n=n)} · {TITLE[variant]}"
        assert e.updated.startswith(DATES[n])
        html = [link.href for link in e.links if link.get("type") == "text/html"]
        pdf = [link.href for link in e.links if link.get("type") == "application/pdf"]
        assert html == [f"{URL}{FOLDERS[n]}/briefing.{variant}.html"]
        assert pdf == [f"{URL}{FOLDERS[n]}/briefing.{variant}.pdf"]
        assert e.link == html[0]  # the entry's link is the HTML
        for href in html + pdf:
            assert (site4 / href[len(URL):]).is_file(), href
        assert e.summary
    assert CHANGED[3][variant] in parsed.entries[0].summary
    assert CHANGED[2][variant] in parsed.entries[1].summary
    assert FIRST[variant] in parsed.entries[2].summary


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_feed_has_what_rfc_4287_requires(site4, no_url, variant):
    assert rfc4287_problems((site4 / variant / "feed.xml").read_bytes()) == []
    assert rfc4287_problems((no_url / variant / "feed.xml").read_bytes()) == []


def test_the_rfc_4287_check_can_fail():
    bad = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><updated>2025-01-01</updated>'
           b'<entry><id>x</id><title>a</title></entry></feed>')
    problems = rfc4287_problems(bad)
    assert any("atom:id" in p for p in problems) and any("not an RFC 3339" in p for p in problems)
    assert any("rel=self" in p for p in problems) and any("author" in p for p in problems)
    assert any("entry 0: 0 atom:updated" in p for p in problems) and any("absolute IRI" in p for p in problems)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_feed_without_url_has_relative_links_and_urn_ids(no_url, variant):
    import feedparser

    path = no_url / variant / "feed.xml"
    data = path.read_bytes()
    assert b"desk.example.org" not in data
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", parsed.feed.id)
    assert len(parsed.entries) == 3
    ids = [e.id for e in parsed.entries]
    assert all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", i) for i in ids) and len(set(ids + [parsed.feed.id])) == 4
    root = ET.fromstring(data)
    hrefs = [link.get("href") for link in root.iter(ATOM + "link")]
    assert len(hrefs) == 2 + 3 * 2
    for href in hrefs:
        assert not urlsplit(href).scheme and not href.startswith("/"), href
        target = (path.parent / href)
        target = target / "index.html" if href.endswith("/") or target.is_dir() else target
        assert target.resolve().is_file() and target.resolve().is_relative_to(no_url.resolve()), href


def test_feed_ids_stay_when_editions_are_added(history, no_url, tmp_path):
    """A feed reader knows an entry by its id: a later run must not change it."""
    import feedparser

    earlier = tmp_path / "earlier"
    res = site("--from", history["out"][2], "--out", earlier)
    assert res.exit_code == 0, res.output
    for v in VARIANTS:
        before = [e.id for e in feedparser.parse((earlier / v / "feed.xml").read_bytes()).entries]
        after = [e.id for e in feedparser.parse((no_url / v / "feed.xml").read_bytes()).entries]
        assert len(before) == 1 and before == after[1:2]
        before = [e.id for e in feedparser.parse((history["site"][2] / v / "feed.xml").read_bytes()).entries]
        after = [e.id for e in feedparser.parse((history["site"][4] / v / "feed.xml").read_bytes()).entries]
        assert len(before) == 2 and before == after[1:]


def test_feed_ids_are_distinct_per_variant(no_url):
    import feedparser

    ids = [e.id for v in VARIANTS for e in feedparser.parse((no_url / v / "feed.xml").read_bytes()).entries]
    assert len(ids) == 6 and len(set(ids)) == 6


# --------------------------------------------------------------------------
# 3. sitemap

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_the_sitemap_lists_every_page_at_its_absolute_address(site4):
    root = ET.parse(site4 / "sitemap.xml").getroot()
    assert root.tag == SITEMAP + "urlset"
    urls = root.findall(SITEMAP + "url")
    assert urls and all(child.tag == SITEMAP + "url" for child in root)
    locs = []
    for u in urls:
        loc = u.findtext(SITEMAP + "loc")
        assert loc and loc.startswith(URL), loc
        lastmod = u.findtext(SITEMAP + "lastmod")
        assert lastmod is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod)
        path = loc[len(URL):]
        target = site4 / path
        target = target / "index.html" if path == "" or path.endswith("/") else target
        assert target.is_file(), loc
        locs.append(path)
    assert len(locs) == len(set(locs))
    expected = {"", *(f"{v}/" for v in VARIANTS), *(f"{f}/" for f in FOLDERS.values()),
                *(f"{f}/briefing.{v}.html" for f in FOLDERS.values() for v in VARIANTS)}
    assert set(locs) == expected
    assert not (site4 / "sitemap.xml").read_bytes().startswith(b"\xef\xbb\xbf")


def test_no_sitemap_without_url(no_url):
    assert not (no_url / "sitemap.xml").exists()
    assert "sitemap.xml" not in site_json(no_url)["files"]
    assert site_json(no_url)["url"] is None


# --------------------------------------------------------------------------
# 4. links


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id" and v:
                self.ids.add(v)
            if k == "name" and tag == "a" and v:
                self.ids.add(v)


def page_ids(path: Path, cache: dict) -> set[str]:
    if path not in cache:
        p = _Ids()
        p.feed(path.read_text(encoding="utf-8"))
        cache[path] = p.ids
    return cache[path]


def link_problems(site_dir: Path, url: str | None) -> tuple[list[str], int]:
    """Every href/src of every page of the site: relative, to a file of the site, to an id there."""
    problems, checked, cache = [], 0, {}
    site_root = site_dir.resolve()
    pages = sorted(site_dir.rglob("*.html"))
    for page in pages:
        rel = page.relative_to(site_dir).as_posix()
        generated = page.name == "index.html"  # the site's own pages; briefing.*.html are the editions as built
        doc = dom(page)
        for el in doc.iter():
            for attr in ("href", "src", "srcset", "action", "poster", "data"):
                value = el.attrs.get(attr)
                if value is None or (attr == "data" and el.tag != "object"):
                    continue
                if el.tag == "link" and el.attrs.get("rel") == "canonical":
                    if url is None:
                        problems.append(f"{rel}: a canonical link without --url")
                    elif value != url + (rel[:-len("index.html")]):
                        problems.append(f"{rel}: canonical {value}")
                    continue
                parts = urlsplit(value)
                if parts.scheme in ("data", "mailto"):
                    continue
                if parts.scheme or value.startswith("//") or value.startswith("/"):
                    if generated or (url and value.startswith(url)) or value.startswith("/"):
                        problems.append(f"{rel}: <{el.tag} {attr}={value!r}> is not relative")
                    continue
                if not parts.path:
                    target = page
                else:
                    target = page.parent / unquote(parts.path)
                    if parts.path.endswith("/") or target.is_dir():
                        target = target / "index.html"
                resolved = target.resolve()
                checked += 1
                if not resolved.is_relative_to(site_root):
                    problems.append(f"{rel}: {value} leads out of the site")
                elif not resolved.is_file():
                    problems.append(f"{rel}: {value} -> {resolved.relative_to(site_root)} does not exist")
                elif parts.fragment and resolved.suffix == ".html" \
                        and unquote(parts.fragment) not in page_ids(resolved, cache):
                    problems.append(f"{rel}: {value}: no id {parts.fragment!r} there")
        for m in doc.find_all("meta"):
            content = m.attrs.get("content", "")
            if url and content.startswith(url) and not (m.attrs.get("property", "").startswith("og:")
                                                        or m.attrs.get("name", "").startswith("twitter:")):
                problems.append(f"{rel}: meta {m.attrs} carries the site's address")
    return problems, checked


def test_every_link_of_the_site_is_relative_and_resolves(site4):
    problems, checked = link_problems(site4, URL)
    assert problems == []
    assert checked > 150  # every page was read: landing, 3 edition pages, 2 archives, 8 editions' HTML


def test_every_link_of_a_site_without_url_resolves(no_url):
    problems, checked = link_problems(no_url, None)
    assert problems == []
    assert checked > 150
    for path in no_url.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            assert b"desk.example.org" not in path.read_bytes(), path


def test_the_link_check_can_fail(tmp_path, site4):
    copy = tmp_path / "site"
    shutil.copytree(site4, copy)
    page = copy / "zh-Hans" / "index.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</main>", f'<a href="../nowhere.html">x</a><a href="../index.html#v-xx">y</a>'
                                            f'<a href="{URL}zh-Hant/">z</a><a href="../../outside">w</a></main>'),
                    encoding="utf-8")
    problems, _ = link_problems(copy, URL)
    assert len(problems) == 4, problems


# --------------------------------------------------------------------------
# 5. the same inputs, the same bytes


def test_assembling_twice_gives_the_same_bytes(history, tmp_path):
    a, b = tmp_path / "a", tmp_path / "elsewhere" / "b"
    for out in (a, b):
        res = site("--from", history["out"][4], "--previous", history["site"][3], "--out", out, "--url", URL)
        assert res.exit_code == 0, res.output
    ta, tb = tree(a), tree(b)
    assert sorted(ta) == sorted(tb)
    assert [k for k in ta if ta[k] != tb[k]] == []
    # and the same as the scheduled run 4, assembled from the live output folder
    t4 = tree(history["site"][4])
    assert sorted(t4) == sorted(ta) and [k for k in ta if ta[k] != t4[k]] == []


# --------------------------------------------------------------------------
# 6. --prune


def test_prune_keeps_the_newest_and_forgets_the_rest(history, tmp_path):
    out = tmp_path / "pruned"
    res = site("--from", history["out"][4], "--previous", history["site"][4], "--out", out, "--url", URL,
               "--prune", "2")
    assert res.exit_code == 0, res.output
    assert "pruned edition(s) 1" in res.stdout and "site: 2 edition(s)" in res.stdout
    assert [e["edition"] for e in site_json(out)["editions"]] == [3, 2]
    assert sorted(p.name for p in (out / "editions").iterdir()) == ["2025-12-27-2", "2026-01-03-3"]
    gone = FOLDERS[1].split("/")[1]
    for path, data in tree(out).items():
        assert gone.encode() not in data, path
    for v in VARIANTS:
        assert [e["id"] for e in archive_entries(out / v / "index.html")] == ["e3", "e2"]
        import feedparser

        assert [e.id for e in feedparser.parse((out / v / "feed.xml").read_bytes()).entries] == \
            [f"{URL}{FOLDERS[3]}/{v}", f"{URL}{FOLDERS[2]}/{v}"]
        assert label(v, "site.archive_count", n=2) in (out / v / "index.html").read_text(encoding="utf-8")
    assert set(site_json(out)["files"]) == set(tree(out)) - {"site.json"}
    problems, _ = link_problems(out, URL)
    assert problems == []  # edition 2's page no longer links to edition 1

    # the next run without --prune keeps what is there: nothing comes back, nothing more goes
    again = tmp_path / "again"
    res = site("--from", history["out"][4], "--previous", out, "--out", again, "--url", URL)
    assert res.exit_code == 0, res.output
    assert tree(again) == tree(out)

    one = tmp_path / "one"
    res = site("--from", history["out"][4], "--previous", history["site"][4], "--out", one, "--url", URL,
               "--prune", "1")
    assert res.exit_code == 0, res.output
    assert [e["edition"] for e in site_json(one)["editions"]] == [3]
    assert [p.name for p in (one / "editions").iterdir()] == ["2026-01-03-3"]


def test_prune_above_the_count_and_no_prune_drop_nothing(history, tmp_path):
    out = tmp_path / "all"
    res = site("--from", history["out"][4], "--previous", history["site"][4], "--out", out, "--url", URL,
               "--prune", "5")
    assert res.exit_code == 0, res.output
    assert "pruned" not in res.stdout
    assert tree(out) == tree(history["site"][4])
    assert [e["edition"] for e in site_json(history["site"][5])["editions"]] == [3, 2, 1]


def test_prune_must_keep_one(history, tmp_path):
    res = site("--from", history["out"][4], "--previous", history["site"][4], "--out", tmp_path / "x",
               "--prune", "0")
    assert res.exit_code == 2 and "--prune" in res.output
    assert not (tmp_path / "x").exists()


# --------------------------------------------------------------------------
# 7. refusals: exit 1, the file and what to do, nothing written


def assert_refused(args: list, out_parent: Path, names: str, hint: str, existing: Path) -> str:
    """The site command with ``args`` + --out: refused with a message naming
    ``names`` and a hint containing ``hint``, whether --out is new (it stays
    absent, no temporary folder left) or a site written before (untouched)."""
    new = out_parent / "new-site"
    res = site(*args, "--out", new)
    assert res.exit_code == 1, res.output
    err = res.stderr
    assert f"{names}: error: " in err, err
    assert "hint: " in err and hint in err.split("hint: ", 1)[1], err
    assert "no site was written" in err
    assert res.stdout == ""
    assert not new.exists()
    assert [p.name for p in out_parent.iterdir() if p.name.startswith(".")] == []
    before = tree(existing)
    res = site(*args, "--out", existing)
    assert res.exit_code == 1 and f"{names}: error: " in res.stderr, res.output
    assert tree(existing) == before
    assert [p.name for p in existing.parent.iterdir() if p.name.startswith(".")] == []
    return err


@pytest.fixture
def published(history, tmp_path) -> Path:
    """A copy of site 2 (editions 1 and 2) to damage, and one of site 1 as --out."""
    shutil.copytree(history["site"][2], tmp_path / "published")
    shutil.copytree(history["site"][1], tmp_path / "outs" / "existing")
    return tmp_path / "published"


def test_refused_from_without_a_manifest(tmp_path, published):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_refused(["--from", empty], tmp_path / "outs", str(empty / "manifest.json"), "briefing build",
                   tmp_path / "outs" / "existing")
    res = site("--from", tmp_path / "missing", "--out", tmp_path / "outs" / "n")
    assert res.exit_code == 1 and str(tmp_path / "missing") in res.stderr and "briefing build" in res.stderr


def test_refused_an_output_edited_after_the_build(history, tmp_path, published):
    out = tmp_path / "out"
    shutil.copytree(history["out"][4], out)
    page = out / "briefing.zh-Hant.html"
    page.write_bytes(page.read_bytes().replace("示例科技訪談簡報".encode(), "已改動的標題".encode(), 1))
    err = assert_refused(["--from", out, "--previous", published], tmp_path / "outs", str(page), "--force",
                         tmp_path / "outs" / "existing")
    assert "manifest.json" in err


def test_refused_a_previous_site_without_site_json(history, tmp_path, published):
    (published / "site.json").unlink()
    assert_refused(["--from", history["out"][4], "--previous", published], tmp_path / "outs",
                   str(published / "site.json"), "--previous", tmp_path / "outs" / "existing")
    # an output folder is not a site either
    res = site("--from", history["out"][4], "--previous", history["out"][1], "--out", tmp_path / "outs" / "n")
    assert res.exit_code == 1 and str(history["out"][1] / "site.json") in res.stderr


@pytest.mark.parametrize("damage, name", [
    ("missing", f"{FOLDERS[1]}/briefing.zh-Hans.pdf"),
    ("missing", f"{FOLDERS[1]}/briefing.zh-Hant.html"),
    ("missing", f"{FOLDERS[1]}/manifest.json"),
    ("missing", f"{FOLDERS[1]}/cover.zh-Hant.png"),
    ("altered", f"{FOLDERS[1]}/briefing.zh-Hant.pdf"),
    ("altered", f"{FOLDERS[2]}/briefing.zh-Hans.html"),
    ("altered", f"{FOLDERS[1]}/manifest.json"),
    ("altered", f"{FOLDERS[1]}/cover.zh-Hans.png"),
])
def test_refused_a_damaged_previous_site(history, tmp_path, published, damage, name):
    """Damaged history is never silently dropped (nor silently published)."""
    path = published / name
    if damage == "missing":
        path.unlink()
    else:
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    err = assert_refused(["--from", history["out"][4], "--previous", published], tmp_path / "outs", str(path),
                         "fetch the published site again", tmp_path / "outs" / "existing")
    assert ("incomplete" if damage == "missing" else "damaged") in err


def test_refused_an_out_folder_that_is_not_a_site(history, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    res = site("--from", history["out"][1], "--out", out)
    assert res.exit_code == 1
    assert f"{out}: error: " in res.stderr and "not empty" in res.stderr and "hint: " in res.stderr
    assert tree(out) == {"notes.txt": b"keep me"}
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]


def test_refused_an_edition_older_than_the_sites_latest(history, tmp_path):
    only2 = tmp_path / "only2"
    res = site("--from", history["out"][2], "--out", only2, "--url", URL)
    assert res.exit_code == 0, res.output
    (tmp_path / "outs").mkdir()
    shutil.copytree(only2, tmp_path / "outs" / "existing")
    err = assert_refused(["--from", history["out"][1], "--previous", only2], tmp_path / "outs",
                         str(history["out"][1] / "manifest.json"), "build the current content",
                         tmp_path / "outs" / "existing")
    assert "第1期" in err and "第2期" in err


@pytest.mark.parametrize("url", ["ftp://desk.example.org/b/", "https://desk example.org/b/",
                                 "https://desk.example.org/b c/", "desk.example.org/b/", "https:///b/",
                                 "https://desk.example.org/b/?x=1", "javascript:alert(1)//"])
def test_refused_a_bad_url(history, tmp_path, published, url):
    assert_refused(["--from", history["out"][4], "--previous", published, "--url", url], tmp_path / "outs",
                   "--url", "https://", tmp_path / "outs" / "existing")


def _hostile(record: dict, how: str) -> dict:
    e1 = record["editions"][-1]
    v = e1["variants"]["zh-Hant"]
    if how == "file-dotdot":
        e1["files"]["../../secret.txt"] = "0" * 64
    elif how == "file-absolute":
        e1["files"]["/etc/passwd"] = "0" * 64
    elif how == "html-dotdot":
        v["html"] = "../../site.json"
    elif how == "cover-absolute":
        v["cover"] = "/etc/passwd"
    elif how == "cover-dotdot":
        v["cover"] = "../../../outside.png"
    elif how == "variant-dotdot":
        e1["variants"]["../../x"] = e1["variants"].pop("zh-Hant")
    elif how == "folder-dotdot":
        e1["folder"] = "../../elsewhere"
    elif how == "variant-site.css":
        e1["variants"]["site.css"] = e1["variants"].pop("zh-Hant")
    elif how == "variant-manifest.json":
        e1["variants"]["manifest.json"] = e1["variants"].pop("zh-Hant")
    elif how == "edition-negative":
        e1["edition"] = -1
    elif how == "date-path":
        e1["date"] = "2025/12/20"
    return record


@pytest.mark.parametrize("how", ["file-dotdot", "file-absolute", "html-dotdot", "cover-absolute", "cover-dotdot",
                                 "variant-dotdot", "folder-dotdot", "variant-site.css", "variant-manifest.json",
                                 "edition-negative", "date-path"])
def test_refused_a_hostile_site_json(history, tmp_path, published, how):
    (tmp_path / "outside.png").write_bytes((published / FOLDERS[1] / "cover.zh-Hant.png").read_bytes())
    record = _hostile(site_json(published), how)
    (published / "site.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert_refused(["--from", history["out"][4], "--previous", published], tmp_path / "outs",
                   str(published / "site.json"), "", tmp_path / "outs" / "existing")


@pytest.mark.parametrize("shape", ["list", "dict", "inside"])
def test_refused_a_deeply_nested_site_json(history, tmp_path, published, shape):
    depth = 200_000
    if shape == "list":
        text = "[" * depth + "]" * depth
    elif shape == "dict":
        text = '{"a":' * depth + "1" + "}" * depth
    else:
        record = json.dumps(site_json(published), ensure_ascii=False)
        text = record.replace('"changes": []', '"changes": ' + "[" * depth + "]" * depth, 1)
        assert text != record
    (published / "site.json").write_text(text, encoding="utf-8")
    err = assert_refused(["--from", history["out"][4], "--previous", published], tmp_path / "outs",
                         str(published / "site.json"), "", tmp_path / "outs" / "existing")
    assert "not a site briefing wrote" in err


@pytest.mark.parametrize("what", ["file", "folder", "site.json"])
def test_refused_a_symlink_out_of_the_previous_site(history, tmp_path, published, what):
    """A link to a copy outside, with the very bytes site.json records: still refused."""
    elsewhere = tmp_path / "elsewhere"
    if what == "file":
        path = published / FOLDERS[1] / "briefing.zh-Hans.pdf"
        elsewhere.mkdir()
        shutil.copy2(path, elsewhere / path.name)
        path.unlink()
        path.symlink_to(elsewhere / path.name)
    elif what == "folder":
        path = published / FOLDERS[1]
        shutil.move(path, elsewhere)
        path.symlink_to(elsewhere, target_is_directory=True)
        path = path / "briefing.zh-Hans.html"  # (the first file read from it)
    else:
        path = published / "site.json"
        elsewhere.mkdir()
        shutil.move(path, elsewhere / "site.json")
        path.symlink_to(elsewhere / "site.json")
    err = assert_refused(["--from", history["out"][4], "--previous", published], tmp_path / "outs",
                         str(path), "", tmp_path / "outs" / "existing")
    assert "outside" in err


def test_an_in_site_damage_check_sees_a_swapped_symlink_target(history, tmp_path, published):
    """A link inside the site to another file of it (allowed) is still checked by its bytes."""
    path = published / FOLDERS[1] / "briefing.zh-Hans.pdf"
    path.unlink()
    path.symlink_to(published / FOLDERS[2] / "briefing.zh-Hans.pdf")
    assert_refused(["--from", history["out"][4], "--previous", published], tmp_path / "outs", str(path),
                   "fetch the published site again", tmp_path / "outs" / "existing")


# --------------------------------------------------------------------------
# 8. revision


def test_a_corrected_edition_is_revised_in_place(history):
    s4, s5 = history["site"][4], history["site"][5]
    record = site_json(s5)
    assert [(e["edition"], e["folder"], e["revision"]) for e in record["editions"]] == \
        [(3, FOLDERS[3], 2), (2, FOLDERS[2], 1), (1, FOLDERS[1], 1)]
    assert sorted(p.name for p in (s5 / "editions").iterdir()) == sorted(f.split("/")[1] for f in FOLDERS.values())
    assert {p.name for p in (s5 / FOLDERS[3]).iterdir()} == FOLDER_FILES
    for name in EDITION_FILES | {"manifest.json"}:
        assert (s5 / FOLDERS[3] / name).read_bytes() == (history["out"][5] / name).read_bytes(), name
        assert (s5 / name).read_bytes() == (history["out"][5] / name).read_bytes(), name
    for name in EDITION_FILES:
        assert (s5 / FOLDERS[3] / name).read_bytes() != (s4 / FOLDERS[3] / name).read_bytes(), name
    t4, t5 = tree(s4), tree(s5)
    for n in (1, 2):
        for name in EDITION_FILES | {"manifest.json", "cover.zh-Hans.png", "cover.zh-Hant.png"}:
            key = f"{FOLDERS[n]}/{name}"
            assert t5[key] == t4[key], key


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_archive_marks_the_revision_once(history, variant):
    s5 = history["site"][5]
    entries = archive_entries(s5 / variant / "index.html")
    assert [e["id"] for e in entries] == ["e3", "e2", "e1"]
    revised = label(variant, "site.revised")
    assert [revised in e["meta"] for e in entries] == [True, False, False]
    assert entries[0]["changes"] == [CHANGED[3][variant], REVISED[variant]]
    landing = dom(s5 / "index.html").find("section", id=f"v-{variant}")
    assert revised in landing.find("p", cls="meta").text
    assert revised not in dom(history["site"][4] / "index.html").find("section", id=f"v-{variant}").text


def test_the_same_revision_again_adds_nothing(history, tmp_path):
    out = tmp_path / "again"
    res = site("--from", history["out"][5], "--previous", history["site"][5], "--out", out, "--url", URL)
    assert res.exit_code == 0, res.output
    assert "no new edition" in res.stdout and "revised" not in res.stdout
    assert [e["revision"] for e in site_json(out)["editions"]] == [2, 1, 1]
    assert tree(out) == tree(history["site"][5])


# --------------------------------------------------------------------------
# 9. link previews


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_edition_html_carries_its_description(history, variant):
    doc = dom(history["out"][4] / f"briefing.{variant}.html")
    m = metas(doc)
    assert m["description"] == DESCRIPTION
    assert "[" not in m["description"] and "@" not in m["description"]
    assert m["og:title"] == doc.find("title").text == TITLE[variant]
    assert m["og:description"] == DESCRIPTION


def test_every_site_page_carries_a_card_with_the_cover(site4):
    pages = {"index.html": (FOLDERS[3], "zh-Hans"), "zh-Hans/index.html": (FOLDERS[3], "zh-Hans"),
             "zh-Hant/index.html": (FOLDERS[3], "zh-Hant")}
    pages.update({f"{f}/index.html": (f, "zh-Hans") for f in FOLDERS.values()})
    for page, (folder, variant) in pages.items():
        m = metas(dom(site4 / page))
        assert m["og:image"] == f"{URL}{folder}/cover.{variant}.png", page
        assert (site4 / folder / f"cover.{variant}.png").is_file()
        assert m["twitter:card"] == "summary_large_image", page
        assert m["og:image:width"] == "1200" and m["og:image:height"] == "630"
        assert m["og:url"] == URL + page[:-len("index.html")], page
        assert m["og:title"] == TITLE[variant] and m["og:description"] == DESCRIPTION, page
        assert m["description"] == DESCRIPTION
        assert m["og:locale"] == {"zh-Hans": "zh_CN", "zh-Hant": "zh_TW"}[variant]


def test_without_url_the_card_image_is_relative_and_resolves(no_url):
    for page in ["index.html", "zh-Hant/index.html", f"{FOLDERS[2]}/index.html"]:
        m = metas(dom(no_url / page))
        assert "og:url" not in m
        image = m["og:image"]
        assert not urlsplit(image).scheme
        assert ((no_url / page).parent / image).resolve().is_file(), (page, image)


def test_the_covers_are_1200_by_630_and_show_page_one(site4):
    from PIL import Image

    covers = sorted(site4.glob("editions/*/cover.*.png"))
    assert len(covers) == 6
    for path in covers:
        with Image.open(path) as im:
            assert im.format == "PNG" and im.size == (1200, 630), path
            gray = im.convert("L")
            lo, hi = gray.getextrema()
            assert lo < 80 and hi > 240, path  # ink on paper, not a blank card
            dark = sum(gray.histogram()[:128])
            assert 0.002 < dark / (1200 * 630) < 0.5, path

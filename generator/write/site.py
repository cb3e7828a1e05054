"""The published site: every edition kept at a permanent address.

    briefing site [--from OUTPUT_DIR] [--previous SITE_DIR] --out SITE_DIR
                  [--url SITE_URL] [--prune KEEP]

In: the built editions (an output folder: ``manifest.json`` and the files it
lists, each checked against its digest) and, from the second run on, the
site assembled last time (its ``site.json``, each file checked again).
Out: a whole static site in SITE_DIR, written into a temporary sibling and
swapped in at the end (nothing half-written):

    index.html                    landing page: the latest edition in each
                                  variant, a language switch
    site.json                     what the next run reads: editions, files,
                                  sha256 of every file
    site.css, site.js             the pages' style; the switch's memory
    zh-Hans/index.html            archive of the variant: every edition, its
    zh-Hans/feed.xml              date and 本版更新; an Atom feed
    editions/2026-12-03-12/       one permanent folder per edition (date and
                                  number): HTML, PDF, manifest.json, a cover
                                  image per variant, index.html (permalink)
    briefing.zh-Hans.html, ...    the latest edition's files again, at the
    manifest.json                 addresses the site always had (and what
                                  tools/fetch-published.py seeds output/ from)
    sitemap.xml                   with --url (a sitemap needs absolute URLs)

Every link between pages is relative, so the site works under any Pages
path and from a local folder. The same inputs give the same bytes.

Editions are told apart by their number. An edition already on the site
whose files are the same adds nothing; the same number with other files
replaces it in place (a revision: the address stays, ``revision`` counts
up); a number older than the site's latest that the site does not have is
refused. No edition is dropped unless ``--prune KEEP`` says how many of
the newest to keep.

What the site says about an edition comes from the edition itself, in its
own script: the HTML's ``<title>``, ``<meta name="description">`` and
``author``, and the items of its ``<section id="changes">`` (本版更新);
the number, date and variants from its build manifest. The pages are
Jinja templates (``site/*.j2``) and labels (``site.*`` in the strings
files), overridden like the edition's.

Why one module of about 700 lines: it is one command's pipeline, in the
order of its sections below -- read an edition's files and what they say
about it, read the previous site, merge, render the pages and feeds, swap
the new site in -- and every section works on the same :class:`Edition`
record and fails with the same :class:`SiteError`; nothing else imports it.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

from generator import __version__, safeio
from generator.model import VARIANTS
from generator.labels import load_strings, Strings
from generator.render.html import template_env
from generator.write.incremental import read_manifest
from generator.model import MANIFEST

SITE_FORMAT = 1
SITE_JSON = "site.json"
PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
HEX64 = re.compile(r"[0-9a-f]{64}\Z")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
COVER_SIZE = (1200, 630)  # what chat apps and social cards show (1.91:1)
MAX_CHANGES = 8            # 本版更新 items shown per edition on an archive page
MAX_TEXT = 2000            # characters kept of a title, description or change item
_INVISIBLE = safeio._INVISIBLE  # controls, bidi and zero-width characters: never shown on a page
OG_LOCALE = {"zh-Hans": "zh_CN", "zh-Hant": "zh_TW", "zh-Hant-HK": "zh_HK"}


class SiteError(Exception):
    """A problem that stops the site: where, what, what to do."""

    def __init__(self, path: Path | str, reason: str, hint: str = ""):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.hint = Path(path), reason, hint


# --------------------------------------------------------------------------
# what the site knows about an edition


@dataclass
class Edition:
    number: int
    date: str                     # ISO issue date
    revision: int = 1
    folder_date: str = ""         # the date its address was made with (a revision keeps it)
    variants: dict[str, dict] = field(default_factory=dict)  # variant -> what the pages show
    files: dict[str, str] = field(default_factory=dict)      # built file name -> sha256
    sources: dict[str, Path | bytes] = field(default_factory=dict)  # every file of its folder
    digests: dict[str, str] = field(default_factory=dict)            # and its sha256

    def add(self, name: str, src: Path | bytes, sha: str | None = None) -> None:
        self.sources[name] = src
        self.digests[name] = sha or _sha(src)

    @property
    def folder(self) -> str:
        return f"editions/{self.folder_date or self.date}-{self.number}"

    def record(self) -> dict:
        return {"edition": self.number, "date": self.date, "folder": self.folder, "revision": self.revision,
                "variants": self.variants, "files": self.files}


@dataclass
class Result:
    out: Path
    editions: list[Edition]
    added: list[int] = field(default_factory=list)
    revised: list[int] = field(default_factory=list)
    pruned: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: Path, root: Path) -> str:
    return safeio.sha256(path, root, safeio.LIMITS["edition"])


def _text(s: str) -> str:
    """One line of plain text, bounded (whitespace runs folded)."""
    return " ".join(_INVISIBLE.sub("", s).split())[:MAX_TEXT]


class _Meta(HTMLParser):
    """The head and the 本版更新 section of a built edition, in one pass."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.title = ""
        self.meta: dict[str, str] = {}
        self.since = ""
        self.changes: list[str] = []
        self._title: list[str] | None = None
        self._depth = 0        # open <section>s inside section#changes
        self._item: list[str] | None = None
        self._item_tag = ""
        self._item_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html" and not self.lang:
            self.lang = a.get("lang") or ""
        elif tag == "title" and not self.title and self._title is None:
            self._title = []
        elif tag == "meta" and a.get("name") and a.get("content") is not None:
            self.meta.setdefault(a["name"].lower(), a["content"] or "")
        if tag == "section":
            if self._depth:
                self._depth += 1
            elif a.get("id") == "changes":
                self._depth = 1
        elif self._depth and self._item is None and (
                tag == "li" or (tag == "p" and not self.since)):
            self._item, self._item_tag, self._item_depth = [], tag, 1
        elif self._item is not None and tag == self._item_tag:
            self._item_depth += 1

    def handle_endtag(self, tag):
        if tag == "title" and self._title is not None:
            self.title, self._title = "".join(self._title), None
        if self._item is not None and tag == self._item_tag:
            self._item_depth -= 1
            if not self._item_depth:
                text = _text("".join(self._item))
                if self._item_tag == "li":
                    if text:
                        self.changes.append(text)
                else:
                    self.since = text
                self._item = None
        if tag == "section" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._title is not None:
            self._title.append(data)
        if self._item is not None:
            self._item.append(data)


def html_meta(data: bytes, path: Path) -> dict:
    """What the site shows of one variant of an edition, read from its HTML."""
    parser = _Meta()
    try:
        parser.feed(safeio.decode(data, path))
        parser.close()
    except safeio.Refused as exc:
        raise SiteError(exc.path, exc.reason, "rebuild the edition (briefing build)") from None
    title = _text(parser.title)
    if not title:
        raise SiteError(path, "has no <title>", "the edition template must keep its <title> (block head)")
    description = _text(parser.meta.get("description", ""))
    return {"lang": _text(parser.lang), "title": title,
            "description": description if description and description != title else "",
            "author": _text(parser.meta.get("author", "")),
            "since": parser.since, "changes": parser.changes[:200]}


def pdf_meta(data: bytes, path: Path) -> dict:
    """The same from a PDF, for a variant built as PDF only."""
    import pypdfium2 as pdfium  # (only for a variant without HTML and for covers)

    try:
        doc = pdfium.PdfDocument(data)
        info = doc.get_metadata_dict()
    except pdfium.PdfiumError as exc:
        raise SiteError(path, f"is not a readable PDF ({exc})", "rebuild the edition (briefing build)") from None
    title = _text(info.get("Title", ""))
    if not title:
        raise SiteError(path, "has no title in its document information", "rebuild the edition")
    return {"lang": "", "title": title, "description": "", "author": _text(info.get("Author", "")),
            "since": "", "changes": []}


def cover_png(pdf: bytes, path: Path) -> bytes:
    """Page 1 of the PDF as the card image chat apps show: 1200 x 630, top of the page."""
    import pypdfium2 as pdfium  # (here: with PIL, 50 ms to import, for the covers only)
    from PIL import Image

    try:
        doc = pdfium.PdfDocument(pdf)
        page = doc[0]
        width, _ = page.get_size()
        image = page.render(scale=COVER_SIZE[0] / width, may_draw_forms=False).to_pil().convert("RGB")
    except (pdfium.PdfiumError, IndexError) as exc:
        raise SiteError(path, f"page 1 cannot be rendered ({exc})", "rebuild the edition (briefing build)") from None
    card = Image.new("RGB", COVER_SIZE, "white")
    card.paste(image.crop((0, 0, min(image.width, COVER_SIZE[0]), min(image.height, COVER_SIZE[1]))), (0, 0))
    # text on paper: 64 colours keep it sharp at a fifth of the size
    card = card.quantize(64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    card.save(buf, "PNG", optimize=True)
    return buf.getvalue()


# --------------------------------------------------------------------------
# reading: the built editions and the previous site


def read_output(out_dir: Path) -> Edition:
    """The edition built in ``out_dir``, every file checked against the manifest."""

    out_dir = Path(out_dir)
    where = out_dir / MANIFEST
    if not out_dir.is_dir():
        raise SiteError(out_dir, "is not a folder of built editions", "run `briefing build` first, or pass --from DIR")
    try:
        safeio.check(where, out_dir)
    except safeio.Refused as exc:
        raise SiteError(where, "there is no build manifest here" if not where.exists() else exc.reason,
                        "run `briefing build` first, or pass --from DIR") from None
    manifest, problem = read_manifest(out_dir)
    if manifest is None:
        raise SiteError(where, problem or "is not a build manifest", "run `briefing build` again")
    content = manifest.get("content") or {}
    number, date = manifest.get("edition"), content.get("issue_date")
    if not isinstance(number, int) or isinstance(number, bool) or number < 0 \
            or not isinstance(date, str) or not DATE.match(date):
        raise SiteError(where, "does not say which edition it is (edition number and issue date)",
                        "run `briefing build --force` with this version of briefing")
    ed = Edition(number=number, date=date)
    outputs = manifest["outputs"]
    by_variant: dict[str, dict[str, str]] = {}
    for name in sorted(outputs):
        entry = outputs[name]
        if not PLAIN.match(name) or name in (MANIFEST, SITE_JSON, "index.html") or name.startswith("cover."):
            raise SiteError(where, f"lists an output named {name!r}, which a site cannot hold",
                            "choose another output_name in briefing.toml")
        path = out_dir / name
        try:
            data = safeio.read_bytes(path, out_dir, "edition")
        except safeio.Refused as exc:
            raise SiteError(exc.path, exc.reason + " (the manifest lists it)", "run `briefing build` again") from None
        if _sha(data) != entry.get("sha256"):
            raise SiteError(path, "differs from what manifest.json records for it",
                            "it was changed after the build: run `briefing build --force`")
        ed.files[name] = _sha(data)
        ed.add(name, data)
        by_variant.setdefault(entry["variant"], {})[entry["format"]] = name
    if not by_variant:
        raise SiteError(where, "lists no built edition", "run `briefing build` first")
    manifest_data = safeio.read_bytes(where, out_dir, "data")
    ed.add(MANIFEST, manifest_data)
    for variant in [v for v in VARIANTS if v in by_variant] + sorted(set(by_variant) - set(VARIANTS)):
        names = by_variant[variant]
        html_name, pdf_name = names.get("html"), names.get("pdf")
        if html_name:
            info = html_meta(ed.sources[html_name], out_dir / html_name)
        else:
            info = pdf_meta(ed.sources[pdf_name], out_dir / pdf_name)
        info["lang"] = info["lang"] or variant
        cover = None
        if pdf_name:
            cover = f"cover.{variant}.png"
            ed.add(cover, cover_png(ed.sources[pdf_name], out_dir / pdf_name))
        ed.variants[variant] = {**info, "html": html_name, "pdf": pdf_name, "cover": cover}
    return ed


def _bad_site(path: Path, what: str) -> SiteError:
    return SiteError(path, f"is not a site briefing wrote ({what})",
                     "pass the folder of the previously published site (or none for a first site)")


def read_previous(site_dir: Path) -> list[Edition]:
    """The editions of a site assembled before, every file checked."""
    site_dir = Path(site_dir)
    where = site_dir / SITE_JSON
    if not where.exists():
        raise SiteError(where, "not found: --previous must be a site assembled by `briefing site`",
                        "for a first site, leave --previous out")
    try:
        data = json.loads(safeio.read_text(where, site_dir, "data"))
    except safeio.Refused as exc:
        raise SiteError(exc.path, exc.reason, "fetch the published site again (a site's files are regular files "
                        "inside it)") from None
    except (ValueError, RecursionError):
        raise _bad_site(where, "not JSON") from None
    if not isinstance(data, dict) or type(data.get("format")) is not int or data["format"] != SITE_FORMAT:
        raise _bad_site(where, f"format {data.get('format') if isinstance(data, dict) else '?'!r}, "
                               f"expected {SITE_FORMAT}")
    editions, listed = data.get("editions"), data.get("files")
    if not isinstance(editions, list):
        raise _bad_site(where, "no list of editions")
    if not isinstance(listed, dict):
        raise _bad_site(where, "no list of files")
    out: list[Edition] = []
    for i, rec in enumerate(editions):
        ed = _edition_record(rec, where, i)
        folder = site_dir / ed.folder
        covers = [v["cover"] for v in ed.variants.values() if v.get("cover")]
        for name in sorted(ed.files) + [MANIFEST] + covers:
            path = folder / name
            expected = listed.get(f"{ed.folder}/{name}")
            if not isinstance(expected, str) or not HEX64.match(expected) \
                    or (name in ed.files and expected != ed.files[name]):
                raise _bad_site(where, f"its list of files has no digest of {ed.folder}/{name}")
            try:
                sha = _file_sha(path, site_dir)
            except safeio.Refused as exc:
                raise SiteError(exc.path, f"{exc.reason}: the previous site is incomplete",
                                "fetch the published site again; never publish without its earlier editions") from None
            if sha != expected:
                raise SiteError(path, "differs from what site.json records for it: the previous site is damaged",
                                "fetch the published site again")
            ed.add(name, path, sha)
        out.append(ed)
    numbers = [e.number for e in out]
    if len(set(numbers)) != len(numbers):
        raise _bad_site(where, "an edition number listed twice")
    return out


def _edition_record(rec, where: Path, i: int) -> Edition:
    what = f"edition #{i + 1}"
    if not isinstance(rec, dict):
        raise _bad_site(where, f"{what} is not a table")
    number, date, revision = rec.get("edition"), rec.get("date"), rec.get("revision", 1)
    if not isinstance(number, int) or isinstance(number, bool) or number < 0 or not isinstance(date, str) \
            or not DATE.match(date) or not isinstance(revision, int) or revision < 1:
        raise _bad_site(where, f"{what} has no valid number, date or revision")
    folder = rec.get("folder")
    made = re.fullmatch(rf"editions/(\d{{4}}-\d{{2}}-\d{{2}})-{number}", folder) if isinstance(folder, str) else None
    if made is None:
        raise _bad_site(where, f"{what}'s folder is not editions/DATE-{number}")
    files, variants = rec.get("files"), rec.get("variants")
    if not isinstance(files, dict) or not files or not all(
            isinstance(k, str) and PLAIN.match(k) and isinstance(v, str) and HEX64.match(v) for k, v in files.items()):
        raise _bad_site(where, f"{what} has no valid list of files")
    if not isinstance(variants, dict) or not variants:
        raise _bad_site(where, f"{what} has no variants")
    clean: dict[str, dict] = {}
    for v, info in variants.items():
        if v not in VARIANTS or not isinstance(info, dict):
            raise _bad_site(where, f"{what} has an unknown variant {safeio.printable(str(v), 40)!r}")
        entry = {}
        for key in ("lang", "title", "description", "author", "since"):
            value = info.get(key, "")
            if not isinstance(value, str):
                raise _bad_site(where, f"{what}, {v}: {key} is not text")
            entry[key] = _text(value)
        changes = info.get("changes", [])
        if not isinstance(changes, list) or not all(isinstance(c, str) for c in changes):
            raise _bad_site(where, f"{what}, {v}: changes is not a list of text")
        entry["changes"] = [_text(c) for c in changes[:200]]
        for key in ("html", "pdf", "cover"):
            value = info.get(key)
            if value is not None and (not isinstance(value, str) or not PLAIN.match(value)
                                      or (key != "cover" and value not in files)):
                raise _bad_site(where, f"{what}, {v}: {key} names no file of the edition")
            entry[key] = value
        if not entry["title"] or not (entry["html"] or entry["pdf"]):
            raise _bad_site(where, f"{what}, {v}: no title or no file")
        clean[v] = entry
    return Edition(number=number, date=date, revision=revision, folder_date=made.group(1), variants=clean,
                   files=dict(files))


# --------------------------------------------------------------------------
# merging


def merge(previous: list[Edition], new: Edition, prune: int | None, result: Result,
          built: Path = Path(MANIFEST)) -> list[Edition]:
    """The site's editions, newest first (``built``: the manifest of ``new``, for messages)."""
    by_number = {e.number: e for e in previous}
    latest = max(by_number, default=None)
    old = by_number.get(new.number)
    if old is None:
        if latest is not None and new.number < latest:
            raise SiteError(built, f"the built edition is 第{new.number}期, older than the site's latest "
                            f"(第{latest}期), which the site does not have",
                            "build the current content; a site adds newer editions and revises ones it has")
        by_number[new.number] = new
        result.added.append(new.number)
    elif old.files != new.files or old.date != new.date:
        if old.date != new.date:
            result.notes.append(f"edition {new.number}'s issue date changed from {old.date} to {new.date}; "
                                f"its address stays {old.folder}/")
        new.revision, new.folder_date = old.revision + 1, old.folder_date or old.date
        by_number[new.number] = new
        result.revised.append(new.number)
    editions = sorted(by_number.values(), key=lambda e: e.number, reverse=True)
    if prune is not None and len(editions) > prune:
        result.pruned = sorted(e.number for e in editions[prune:])
        editions = editions[:prune]
    return editions


# --------------------------------------------------------------------------
# the pages


def _variants(editions: list[Edition]) -> list[str]:
    seen = {v for e in editions for v in e.variants}
    return [v for v in VARIANTS if v in seen] + sorted(seen - set(VARIANTS))


def _latest(editions: list[Edition], variant: str) -> Edition | None:
    return next((e for e in editions if variant in e.variants), None)


class _Pages:
    """Renders the site's pages from the templates, labels per variant."""

    def __init__(self, user_dir: Path | None, variants: list[str]):
        self.env = template_env(user_dir)
        self.strings = {v: Strings(load_strings(v, user_dir)) for v in variants}

    def render(self, name: str, **context) -> bytes:
        return self.env.get_template(f"site/{name}").render(**context, S=self.strings).encode("utf-8")


def _absolute(url: str | None, path: str) -> str | None:
    return url + path if url else None


def _panel(e: Edition, variant: str, root: str) -> dict:
    info = e.variants[variant]
    folder = root + e.folder + "/"
    y, m, d = (int(x) for x in e.date.split("-"))
    return {**info, "variant": variant, "edition": e.number, "date": e.date, "revision": e.revision,
            "date_text": f"{y}年{m}月{d}日",
            "href": folder + info["html"] if info["html"] else None,
            "pdf_href": folder + info["pdf"] if info["pdf"] else None,
            "permalink": folder + "index.html", "folder": e.folder, "archive": f"{root}{variant}/index.html",
            "feed": f"{root}{variant}/feed.xml", "home": root + "index.html",
            "cover_path": f"{e.folder}/{info['cover']}" if info.get("cover") else None}


def pages(editions: list[Edition], user_dir: Path | None, url: str | None) -> dict[str, bytes]:
    """Every generated page of the site (not the editions' own files)."""
    variants = _variants(editions)
    r = _Pages(user_dir, variants)
    files: dict[str, bytes] = {}
    latest = editions[0]
    common = {"variants": variants, "generator": f"briefing {__version__}", "og_locale": OG_LOCALE}

    def card(e: Edition, variant: str, path: str, root: str) -> dict:
        p = _panel(e, variant, root)
        image = p["cover_path"]
        return {"title": p["title"], "description": p["description"] or p["title"],
                "url": _absolute(url, path), "image": (_absolute(url, image) if url else root + image) if image else None,
                "lang": variant, "locale": OG_LOCALE.get(variant, variant.replace("-", "_"))}

    first = next(v for v in variants if v in latest.variants)
    files["index.html"] = r.render(
        "landing.html.j2", root="", page="landing", lang=first, **common,
        panels=[_panel(_latest(editions, v), v, "") for v in variants],
        card=card(latest, first, "", ""))
    for e in editions:
        here = [v for v in variants if v in e.variants]
        files[f"{e.folder}/index.html"] = r.render(
            "edition.html.j2", root="../../", page="edition", lang=here[0], **{**common, "variants": here},
            panels=[_panel(e, v, "../../") for v in here],
            card=card(e, here[0], e.folder + "/", "../../"), edition=e.number, newer=_neighbour(editions, e, -1),
            older=_neighbour(editions, e, +1))
    for v in variants:
        mine = [e for e in editions if v in e.variants]
        files[f"{v}/index.html"] = r.render(
            "archive.html.j2", root="../", page="archive", lang=v, variant=v, **common,
            entries=[_panel(e, v, "../") for e in mine], card=card(mine[0], v, f"{v}/", "../"),
            max_changes=MAX_CHANGES)
        files[f"{v}/feed.xml"] = feed(mine, v, r.strings[v], url)
    files["site.css"] = r.render("site.css.j2", **common)
    files["site.js"] = r.render("site.js.j2", **common)
    if url:
        files["sitemap.xml"] = sitemap(editions, variants, url)
    return files


def _neighbour(editions: list[Edition], e: Edition, step: int) -> dict | None:
    i = editions.index(e) + step
    if 0 <= i < len(editions):
        return {"edition": editions[i].number, "date": editions[i].date, "href": f"../../{editions[i].folder}/index.html"}
    return None


def _x(s: str) -> str:
    return html.escape(s, quote=True)


def _stamp(date: str) -> str:
    return f"{date}T00:00:00Z"


def feed(editions: list[Edition], variant: str, t, url: str | None) -> bytes:
    """An Atom feed (RFC 4287) of one variant: an entry per edition, newest first."""
    def link(path: str) -> str:
        return url + path if url else "../" + path

    def ident(path: str) -> str:
        if url:
            return url + path
        return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "briefing-site:" + path))

    newest = editions[0].variants[variant]
    title = newest["title"]
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{_x(variant)}">',
           f"<id>{_x(ident(variant + '/feed.xml'))}</id>",
           f"<title>{_x(title)}</title>",
           f"<updated>{_stamp(max(e.date for e in editions))}</updated>",
           f'<link rel="self" type="application/atom+xml" href="{_x(link(variant + "/feed.xml") if url else "feed.xml")}"/>',
           f'<link rel="alternate" type="text/html" href="{_x(link(variant + "/") if url else "./")}"/>',
           f"<author><name>{_x(newest['author'] or newest['title'])}</name></author>",
           f'<generator version="{_x(__version__)}">briefing</generator>']
    for e in editions:
        info = e.variants[variant]
        base = e.folder + "/"
        summary = [info["since"]] if info["since"] else []
        summary += info["changes"] or ([info["description"]] if info["description"] else [])
        out.append("<entry>")
        out.append(f"<id>{_x(ident(base + variant))}</id>")
        revised = f"（{t('site.revised')}）" if e.revision > 1 else ""  # a revision keeps its dates: say so here
        out.append(f"<title>{_x(t('edition.number', n=e.number) + ' · ' + info['title'] + revised)}</title>")
        out.append(f"<published>{_stamp(e.date)}</published>")
        out.append(f"<updated>{_stamp(e.date)}</updated>")
        if info["html"]:
            out.append(f'<link rel="alternate" type="text/html" hreflang="{_x(variant)}" '
                       f'href="{_x(link(base + info["html"]))}"/>')
        if info["pdf"]:
            rel = "alternate" if not info["html"] else "enclosure"
            out.append(f'<link rel="{rel}" type="application/pdf" hreflang="{_x(variant)}" '
                       f'href="{_x(link(base + info["pdf"]))}"/>')
        if summary:
            out.append(f"<summary type=\"text\">{_x(chr(10).join(summary))}</summary>")
        out.append("</entry>")
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


def sitemap(editions: list[Edition], variants: list[str], url: str) -> bytes:
    latest = editions[0].date
    rows = [("", latest)] + [(f"{v}/", _latest(editions, v).date) for v in variants]
    for e in editions:
        rows.append((e.folder + "/", e.date))
        rows += [(f"{e.folder}/{info['html']}", e.date) for info in e.variants.values() if info["html"]]
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    out += [f"<url><loc>{_x(url + path)}</loc><lastmod>{date}</lastmod></url>" for path, date in rows]
    out.append("</urlset>")
    return ("\n".join(out) + "\n").encode("utf-8")


# --------------------------------------------------------------------------
# the whole


def check_url(url: str | None) -> str | None:
    if url is None:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query or parsed.fragment \
            or any(c.isspace() or ord(c) < 32 for c in url):
        raise SiteError(Path("--url"), f"{safeio.printable(url)!r} is not the http(s) address of a site",
                        "pass the address readers open, e.g. https://OWNER.github.io/REPO/")
    return url if url.endswith("/") else url + "/"


def assemble(from_dir: Path, out: Path, previous: Path | None = None, url: str | None = None,
             prune: int | None = None, user_dir: Path | None = None) -> Result:
    """Build the site in ``out`` (see the module's docstring)."""
    url = check_url(url)
    if prune is not None and prune < 1:
        raise SiteError(Path("--prune"), "must keep at least one edition")
    out = Path(out)
    _check_out(out, from_dir, previous)
    new = read_output(Path(from_dir))
    old = read_previous(previous) if previous is not None else []
    result = Result(out=out, editions=[])
    editions = merge(old, new, prune, result, Path(from_dir) / MANIFEST)
    result.editions = editions
    files: dict[str, bytes | Path] = {}
    digests: dict[str, str] = {}
    latest = editions[0]
    for e in editions:
        for name in sorted(e.sources):
            files[f"{e.folder}/{name}"], digests[f"{e.folder}/{name}"] = e.sources[name], e.digests[name]
    for name in sorted(latest.files) + [MANIFEST]:  # the latest edition at the addresses the site always had
        files[name], digests[name] = latest.sources[name], latest.digests[name]
    for path, data in pages(editions, user_dir, url).items():
        files[path], digests[path] = data, _sha(data)
    record = {"format": SITE_FORMAT, "generator": f"briefing {__version__}", "url": url,
              "editions": [e.record() for e in editions], "files": dict(sorted(digests.items()))}
    files[SITE_JSON] = (json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
    _write(out, files)
    return result


def _check_out(out: Path, from_dir: Path, previous: Path | None) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise SiteError(out, "is not a folder", "choose another --out")
    resolved = out.resolve()
    for other, what in ((Path(from_dir), "--from"),):
        o = other.resolve()
        if resolved == o or o.is_relative_to(resolved) or resolved.is_relative_to(o):
            raise SiteError(out, f"overlaps the {what} folder {other}", "assemble the site in a folder of its own")
    if out.is_dir() and any(out.iterdir()) and not (out / SITE_JSON).is_file():
        raise SiteError(out, "is not empty and holds no site assembled by briefing",
                        "choose an empty or new folder for --out (its contents are replaced)")
    home = Path.home().resolve()
    if resolved in (Path("/"), home) or home.is_relative_to(resolved):
        raise SiteError(out, "is too wide a folder to replace", "choose a folder of its own for --out")


def _write(out: Path, files: dict[str, bytes | Path]) -> None:
    """Everything into a temporary sibling, then swapped in."""
    out = out.absolute()
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = parent / f".{out.name}.site-{os.getpid()}"
    old = parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        for path in sorted(files):
            target = tmp / path
            target.parent.mkdir(parents=True, exist_ok=True)
            src = files[path]
            if isinstance(src, bytes):
                target.write_bytes(src)
            else:
                with safeio.open_regular(src) as fh, open(target, "wb") as dst:
                    shutil.copyfileobj(fh, dst, 1 << 20)
        if out.exists():
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not out.exists():
            old.rename(out)
        raise

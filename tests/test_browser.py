"""Each HTML edition in a real browser (Debian's headless Chromium, driven
through chromedriver), at a 375 px phone and a 1280 px desktop: no
horizontal overflow, the right lang, every in-page link and ARIA reference
resolves, no console errors, no request leaves the file, text contrast meets
WCAG 2.2 AA in light and dark mode. Screenshots are saved under the test's
temporary directory to be looked at."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
EDITIONS = {"zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant-TW"}
WIDTHS = {"phone": 375, "desktop": 1280}

pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="chromium and chromedriver are not installed (make test installs them)")


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,900"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver, path: Path, width: int, dark: bool = False) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "media": "screen", "features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})
    driver.get(path.as_uri())
    driver.execute_script("return document.fonts.ready.then(() => true)")
    driver.get_log("browser")  # start each page with an empty console


def screenshot(driver, out: Path, name: str) -> Path:
    """The top of the page and a full-page image (CDP beyond the viewport)."""
    import base64

    path = out / f"{name}.png"
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 16000)")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "captureBeyondViewport": True, "clip": {
            "x": 0, "y": 0, "width": driver.execute_script("return window.innerWidth"),
            "height": height, "scale": 1}})
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.stat().st_size > 10_000
    return path


OVERFLOW_JS = """
const vw = document.documentElement.clientWidth;
const wide = [];
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  if (getComputedStyle(el).position === 'fixed') continue;
  // inside a box that scrolls sideways on purpose (a wide table)
  let p = el.parentElement, scrolls = false;
  while (p && p !== document.body) {
    const ox = getComputedStyle(p).overflowX;
    if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { scrolls = true; break; }
    p = p.parentElement;
  }
  if (scrolls || el.closest('.sr-only')) continue;
  if (r.right > vw + 1 || r.left < -1) wide.push(el.tagName + '.' + el.className + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
}
return {scrollWidth: document.documentElement.scrollWidth, clientWidth: vw, wide: wide.slice(0, 10)};
"""

REFS_JS = """
const missing = [];
for (const a of document.querySelectorAll('a[href^="#"]')) {
  const id = decodeURIComponent(a.getAttribute('href').slice(1));
  if (!document.getElementById(id)) missing.push('href #' + id);
}
for (const attr of ['aria-labelledby', 'aria-describedby', 'for']) {
  for (const el of document.querySelectorAll('[' + attr + ']')) {
    for (const id of el.getAttribute(attr).split(/\\s+/)) {
      if (id && !document.getElementById(id)) missing.push(attr + ' ' + id);
    }
  }
}
const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
return {missing, dupes, links: document.querySelectorAll('a[href^="#"]').length};
"""

# Line ends as laid out: the last two characters of a paragraph, list item
# or heading on one line (no orphan), and no line starting with a citation.
LINE_ENDS_JS = """
const counted = /[\\p{L}\\p{N}]/u;
function chars(root) {  // [text node, offset] of every letter or digit, outside citations
  const out = [], walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest('.cite, svg, .sr-only')) continue;
    for (let i = 0; i < n.data.length; i++) if (counted.test(n.data[i])) out.push([n, i]);
  }
  return out;
}
function top(node, i) {
  const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
  const b = r.getClientRects()[0]; return b ? Math.round(b.top + b.height / 2) : null;
}
const orphans = [], lonely = [];
for (const el of document.querySelectorAll('main p, main li, main h2, main h3')) {
  if (el.querySelector('p, ul, ol, table, div') || el.closest('table, details')) continue;
  const cs = chars(el);
  if (cs.length < 6) continue;
  const [a, b] = cs.slice(-2).map(([n, i]) => top(n, i));
  if (a !== null && b !== null && Math.abs(a - b) > 4) orphans.push(el.textContent.trim().slice(-12));
}
for (const cite of document.querySelectorAll('main .cite')) {
  if (cite.closest('table, details')) continue;
  const r = document.createRange(); r.selectNodeContents(cite);
  const first = r.getClientRects()[0];
  const prev = cite.previousSibling || (cite.parentElement.classList.contains('nobr') && cite.parentElement.firstChild);
  if (!first || !prev || prev.nodeType !== 3 || !prev.data.trim()) continue;
  const t = top(prev, prev.data.length - 1);
  if (t !== null && Math.abs(t - Math.round(first.top + first.height / 2)) > 6) lonely.push(cite.textContent);
}
return {orphans: orphans.slice(0, 10), lonely: lonely.slice(0, 10)};
"""

RESOURCES_JS = """
return performance.getEntriesByType('resource').map(e => e.name)
  .filter(u => !u.startsWith('data:') && !u.startsWith('file:'));
"""

# WCAG 2.x relative luminance and contrast of each element's own text against
# the first opaque background behind it (the page has no background images).
CONTRAST_JS = """
function rgba(c) { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; }
function lum([r, g, b]) {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}
function background(el) {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  let out = [255, 255, 255];
  for (const c of layers.reverse()) out = out.map((v, i) => v * (1 - c[3]) + c[i] * c[3]);
  return out;
}
const bad = [];
let checked = 0;
for (const el of document.querySelectorAll('body *')) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (!own) continue;
  const cs = getComputedStyle(el);
  if (cs.visibility === 'hidden' || cs.display === 'none' || el.closest('.sr-only, .skip, details:not([open])')) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  const inSvg = el instanceof SVGElement;
  const fg = rgba(inSvg ? cs.fill : cs.color);
  const bg = inSvg ? (el.getAttribute('class') === 'c-inbar'
      ? rgba(getComputedStyle(el.previousElementSibling || el).fill) : background(el.closest('svg'))) : background(el);
  const a = lum(fg), b = lum(bg);
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const px = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight) >= 700;
  const large = px >= 24 || (bold && px >= 18.66);
  checked++;
  if (ratio < (large ? 3 : 4.5) - 0.01)
    bad.push(`${el.tagName}.${el.getAttribute('class') || ''} ${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 20)}"`);
}
return {checked, bad: bad.slice(0, 15)};
"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("variant", EDITIONS)
def test_edition_in_a_real_browser(browser, built, tmp_path, variant, width):
    path = built[f"{variant}.html"]
    px = WIDTHS[width]
    open_page(browser, path, px)
    assert browser.execute_script("return document.documentElement.lang") == EDITIONS[variant]
    assert browser.execute_script("return document.characterSet") == "UTF-8"

    layout = browser.execute_script(OVERFLOW_JS)
    assert layout["scrollWidth"] <= layout["clientWidth"], f"horizontal overflow at {px}px: {layout['wide']}"
    assert layout["wide"] == [], f"elements wider than the viewport at {px}px"

    refs = browser.execute_script(REFS_JS)
    assert refs["links"] > 100
    assert refs["missing"] == [], "links or ARIA references to nothing"
    assert refs["dupes"] == [], "duplicate ids"

    ends = browser.execute_script(LINE_ENDS_JS)
    assert ends["orphans"] == [], f"a paragraph or heading ends with a lone character at {px}px"
    assert ends["lonely"] == [], f"a citation starts a line at {px}px"

    assert browser.execute_script(RESOURCES_JS) == [], "the page requested something outside the file"
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == [], f"console: {errors}"

    for dark in (False, True):
        if dark:
            open_page(browser, path, px, dark=True)
        contrast = browser.execute_script(CONTRAST_JS)
        assert contrast["checked"] > 300
        assert contrast["bad"] == [], f"contrast below WCAG AA ({'dark' if dark else 'light'} mode)"
        shot = screenshot(browser, tmp_path, f"{variant}-{px}{'-dark' if dark else ''}")
        assert shot.is_file()


@pytest.mark.parametrize("variant", EDITIONS)
def test_sidebar_contents_on_desktop_only(browser, built, variant):
    """The contents sit beside the text on a desktop (sticky) and above the
    themes on a phone."""
    path = built[f"{variant}.html"]
    where = "const t = document.querySelector('.toc').getBoundingClientRect(), " \
            "m = document.querySelector('.content').getBoundingClientRect(); " \
            "return {toc: [t.left, t.right, t.top], content: [m.left, m.top], " \
            "position: getComputedStyle(document.querySelector('.toc')).position};"
    open_page(browser, path, 1280)
    wide = browser.execute_script(where)
    assert wide["toc"][1] <= wide["content"][0] and wide["position"] == "sticky"
    open_page(browser, path, 375)
    narrow = browser.execute_script(where)
    assert narrow["toc"][2] < narrow["content"][1] and narrow["position"] != "sticky"


@pytest.mark.parametrize("variant", EDITIONS)
def test_accessible_structure(browser, built, variant):
    """Skip link first, a switcher to the other edition, tables with captions
    and scoped headers, charts with title and description, one h1."""
    path = built[f"{variant}.html"]
    open_page(browser, path, 1280)
    info = browser.execute_script("""
      const first = document.querySelector('body a, body button, body [tabindex]');
      const tables = [...document.querySelectorAll('table')];
      const svgs = [...document.querySelectorAll('figure.chart svg')];
      return {
        skip: first && first.getAttribute('href'), main: !!document.getElementById('main'),
        h1: document.querySelectorAll('h1').length,
        switcher: [...document.querySelectorAll('nav.editions a')].map(a => [a.getAttribute('href'), a.hreflang]),
        tables: tables.length, uncaptioned: tables.filter(t => !t.caption || !t.caption.textContent.trim()).length,
        unscoped: document.querySelectorAll('th:not([scope])').length,
        charts: svgs.length,
        undescribed: svgs.filter(s => !s.querySelector('title') || !s.querySelector('desc')
                                      || s.getAttribute('role') !== 'img').length,
      };""")
    assert info["skip"] == "#main" and info["main"]
    assert info["h1"] == 1
    others = [v for v in EDITIONS if v != variant]
    assert [(Path(h).name, lang) for h, lang in info["switcher"]] == [(f"briefing.{v}.html", EDITIONS[v]) for v in others]
    for href, _ in info["switcher"]:
        assert (path.parent / href).is_file()
    assert info["tables"] >= 6 and info["uncaptioned"] == 0 and info["unscoped"] == 0
    assert info["charts"] >= 4 and info["undescribed"] == 0
    assert nested_links(path.read_text(encoding="utf-8")) == 0, "a link inside a link (the browser splits it)"


def nested_links(html: str) -> int:
    """<a> inside <a> in the source: the DOM would silently split it."""
    from html.parser import HTMLParser

    class Links(HTMLParser):
        depth = nested = 0

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                self.nested += self.depth > 0
                self.depth += 1

        def handle_endtag(self, tag):
            if tag == "a":
                self.depth -= 1

    parser = Links()
    parser.feed(html)
    return parser.nested

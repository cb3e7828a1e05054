"""The published site (`briefing site`, issue #18) in a real browser
(Debian's headless Chromium through chromedriver, as tests/test_browser.py),
opened from the folder it was assembled in (file://), at a 390 px phone and
a 1280 px desktop: the reader's script shows by the browser's languages, the
switch changes it and is remembered (localStorage), without JavaScript every
variant shows, links lead from the landing page to the archive and on to the
edition, and nothing is wider than a phone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import once_per_run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
URL = "https://desk.example.org/b/"
VARIANTS = ("zh-Hans", "zh-Hant")
TITLE = {"zh-Hans": "示例科技访谈简报", "zh-Hant": "示例科技訪談簡報"}
LANG = {"zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant-TW"}  # the lang the built editions carry
FOLDER = "editions/2025-12-20-1"
WIDTHS = {"phone": 390, "desktop": 1280}

pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="chromium and chromedriver are not installed (make test installs them)")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The small fixture briefing (zh-Hans, zh-Hant; HTML and PDF) as a site."""
    from click.testing import CliRunner

    from generator.build import build
    from generator.cli import main

    def make(folder: Path) -> None:
        shutil.copytree(MINIMAL, folder / "content")
        build(folder / "content", folder / "out")
        res = CliRunner().invoke(main, ["site", "--from", str(folder / "out"), "--out", str(folder / "site"),
                                        "--url", URL], catch_exceptions=False)
        assert res.exit_code == 0, res.output

    return once_per_run(tmp_path_factory, "site-browser", make)[0] / "site"


def _driver(prefs: dict, lang: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,900",
                f"--lang={lang}"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", prefs)
    return webdriver.Chrome(service=Service(DRIVER), options=opts)


@pytest.fixture(scope="module")
def browser():
    """A reader in Taiwan: the browser's language is zh-TW. Other readers'
    languages are set per page (as Accept-Language and navigator.languages)."""
    driver = _driver({"intl.accept_languages": "zh-TW,zh"}, "zh-TW")
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def browser_without_js():
    driver = _driver({"intl.accept_languages": "zh-CN,zh", "profile.managed_default_content_settings.javascript": 2},
                     "zh-CN")
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver, path: Path | str, width: int, languages: str | None = None, forget: bool = True) -> None:
    """``path`` (a file or a file:// URL) at ``width``; ``languages`` as the
    browser's (Accept-Language); ``forget``: no remembered choice."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
    if languages is not None:
        driver.execute_cdp_cmd("Emulation.setUserAgentOverride", {
            "userAgent": driver.execute_script("return navigator.userAgent"), "acceptLanguage": languages})
    url = path.as_uri() if isinstance(path, Path) else path
    if forget:
        driver.get(url)
        driver.execute_script("window.localStorage.clear()")
    driver.get(url)
    assert driver.execute_script("return document.readyState") == "complete"


def shown(driver) -> dict[str, bool]:
    from selenium.webdriver.common.by import By

    return {p.get_attribute("data-variant"): p.is_displayed() for p in driver.find_elements(By.CSS_SELECTOR, ".panel")}


def assert_shows(driver, variant: str) -> None:
    assert shown(driver) == {v: v == variant for v in VARIANTS}
    root = driver.execute_script("return [document.documentElement.getAttribute('data-show'), "
                                 "document.documentElement.lang, document.title]")
    assert root == [variant, LANG[variant], TITLE[variant]]
    current = driver.execute_script(
        "return [...document.querySelectorAll('.switch a[aria-current]')].map(a => a.dataset.variant)")
    assert current == [variant]
    from selenium.webdriver.common.by import By

    panel = driver.find_element(By.ID, f"v-{variant}")
    assert TITLE[variant] in panel.text and panel.size["height"] > 100


def assert_fits(driver, width: int) -> None:
    scroll, inner = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert inner == width and scroll <= inner, (scroll, inner)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("languages, variant", [
    ("zh-TW,zh", "zh-Hant"),
    ("zh-CN,zh", "zh-Hans"),
    ("zh-HK,zh", "zh-Hant"),           # no Hong Kong edition built: Taiwan's
    ("en-US,en,zh-TW", "zh-Hant"),    # the first Chinese language the reader has
    ("en-US,en", "zh-Hans"),          # none: the briefing's own
])
def test_the_readers_script_shows(browser, site, width, languages, variant):
    for page in (site / "index.html", site / FOLDER / "index.html"):
        open_page(browser, page, width, languages)
        assert_shows(browser, variant)
        assert_fits(browser, width)


def test_the_launch_language_alone_picks_traditional(site):
    """Without any override: the browser started with --lang=zh-TW and zh-TW accepted."""
    driver = _driver({"intl.accept_languages": "zh-TW,zh"}, "zh-TW")
    try:
        driver.get((site / "index.html").as_uri())
        driver.execute_script("window.localStorage.clear()")
        driver.get((site / "index.html").as_uri())
        assert driver.execute_script("return navigator.languages")[0] == "zh-TW"
        assert_shows(driver, "zh-Hant")
    finally:
        driver.quit()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_switch_changes_the_script_and_is_remembered(browser, site, width):
    from selenium.webdriver.common.by import By

    landing = site / "index.html"
    open_page(browser, landing, width, "zh-CN,zh")
    assert_shows(browser, "zh-Hans")
    browser.find_element(By.CSS_SELECTOR, '.switch a[data-variant="zh-Hant"]').click()
    assert_shows(browser, "zh-Hant")
    assert_fits(browser, width)
    assert browser.execute_script("return localStorage.getItem('briefing-variant')") == "zh-Hant"
    browser.refresh()
    assert_shows(browser, "zh-Hant")
    # remembered, not only in the address: the page again without its #v-… and the edition's page
    open_page(browser, landing, width, forget=False)
    assert browser.execute_script("return location.hash") == ""
    assert_shows(browser, "zh-Hant")
    open_page(browser, site / FOLDER / "index.html", width, forget=False)
    assert_shows(browser, "zh-Hant")
    # and back
    browser.find_element(By.CSS_SELECTOR, '.switch a[data-variant="zh-Hans"]').click()
    assert_shows(browser, "zh-Hans")
    open_page(browser, landing, width, forget=False)
    assert_shows(browser, "zh-Hans")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_without_javascript_every_variant_is_readable(browser_without_js, site, width):
    from selenium.webdriver.common.by import By

    driver = browser_without_js
    for page in (site / "index.html", site / FOLDER / "index.html"):
        open_page(driver, page, width, forget=False)
        assert driver.execute_script("return document.documentElement.getAttribute('data-show')") is None
        assert shown(driver) == {v: True for v in VARIANTS}
        tops = []
        for v in VARIANTS:
            panel = driver.find_element(By.ID, f"v-{v}")
            assert TITLE[v] in panel.text and panel.size["height"] > 100
            read = panel.find_element(By.CSS_SELECTOR, ".actions a.primary")
            assert read.is_displayed() and read.text
            tops.append(panel.location["y"])
        assert tops == sorted(tops)  # one after the other, the briefing's own first
        assert_fits(driver, width)


def test_the_javascript_switch_is_really_off(browser_without_js, site):
    """(The check above means something: the same page with JavaScript shows one variant.)"""
    from selenium.webdriver.common.by import By

    open_page(browser_without_js, site / "index.html", 1280, forget=False)

    browser_without_js.find_element(By.CSS_SELECTOR, '.switch a[data-variant="zh-Hant"]').click()
    # without the script the switch is an in-page link: both variants stay
    assert shown(browser_without_js) == {v: True for v in VARIANTS}
    assert browser_without_js.execute_script("return location.hash") == "#v-zh-Hant"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_from_the_landing_page_to_the_archive(browser, site, width):
    from selenium.webdriver.common.by import By

    open_page(browser, site / "index.html", width, "zh-TW,zh")
    panel = browser.find_element(By.ID, "v-zh-Hant")
    panel.find_element(By.CSS_SELECTOR, '.more a[href="zh-Hant/index.html"]').click()
    assert browser.execute_script("return document.documentElement.getAttribute('data-page')") == "archive", \
        f"{browser.current_url} is not the archive page: {browser.find_element(By.TAG_NAME, 'body').text[:80]!r}"
    assert browser.title == TITLE["zh-Hant"]
    assert_fits(browser, width)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_from_the_archive_to_the_edition(browser, site, width):
    from selenium.webdriver.common.by import By

    for v in VARIANTS:
        open_page(browser, site / v / "index.html", width, "zh-TW,zh")
        assert browser.execute_script("return document.documentElement.getAttribute('data-page')") == "archive"
        assert_fits(browser, width)
        browser.find_element(By.CSS_SELECTOR, "ol.archive li#e1 h2 a").click()
        assert browser.current_url == (site / FOLDER / f"briefing.{v}.html").as_uri()
        assert browser.title == TITLE[v]
        assert browser.execute_script("return document.documentElement.lang") == LANG[v]
        assert browser.find_element(By.ID, "changes").is_displayed()


def test_every_folder_link_opens_a_page_from_the_local_folder(browser, site):
    """"The site works ... from a local folder": a link to a folder (archive,
    permalink, home, neighbours) opens its index.html, not a file listing."""
    from selenium.webdriver.common.by import By

    pages = [site / "index.html", site / "zh-Hans" / "index.html", site / FOLDER / "index.html"]
    broken = []
    for page in pages:
        open_page(browser, page, 1280, "zh-CN,zh")
        hrefs = {a.get_attribute("href").split("#")[0] for a in browser.find_elements(By.CSS_SELECTOR, "a[href]")}
        hrefs = sorted(h for h in hrefs if h.startswith("file:") and h.endswith(("/", ".html")))
        assert len(hrefs) >= 4
        for href in hrefs:
            browser.get(href)
            if browser.title not in TITLE.values():  # Chromium lists the folder's files instead
                broken.append(f"{page.relative_to(site)} -> {href[len(site.as_uri()) + 1:]}")
    assert broken == [], "\n".join(broken)

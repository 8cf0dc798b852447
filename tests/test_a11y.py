"""Accessibility in a real browser (Debian's Chromium through Playwright; never `playwright install`):
axe-core finds no serious or critical violation on the home, article (ar, en), tag, author, source, timeline
(index and year, with their charts) and search pages, and the pages of long timelines (a tag's year, a year's
month), in light and dark mode; Arabic text meets 4.5:1 contrast
(axe does not check it); the skip link, landmarks, visible focus and `lang` on Arabic fragments are checked
directly.

axe-core is vendored in tests/vendor/ (MPL-2.0) so the test runs offline with fixed rules."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import FIXTURES, REPO, build_site

CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "tests" / "vendor" / "axe.min.js"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
]

# JavaScript run in the page. Colours are composited over the ancestors' backgrounds, as a reader sees them.
CONTRAST_JS = r"""() => {
  const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
  const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, base) => [0, 1, 2].map(i => top[i] * top[3] + base[i] * (1 - top[3]));
  const lum = rgb => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2]); };
  const background = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let base = matchMedia('(prefers-color-scheme: dark)').matches ? [0, 0, 0] : [255, 255, 255];
    for (let i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
    return base; };
  const fails = []; let checked = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!ARABIC.test(n.data)) continue;
    const el = n.parentElement;
    if (!el || el.closest('script,style,[hidden],[aria-hidden="true"]')) continue;
    const st = getComputedStyle(el), box = el.getBoundingClientRect();
    if (st.visibility === 'hidden' || st.display === 'none' || !box.width || !box.height || box.bottom < 0) continue;
    const bg = background(el), fg = over(parse(st.color), bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a), ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(st.fontSize), large = size >= 24 || (parseInt(st.fontWeight) >= 700 && size >= 18.66);
    checked++;
    if (ratio < (large ? 3 : 4.5)) fails.push(`${el.tagName}.${el.className} ${ratio.toFixed(2)}: ${n.data.trim().slice(0, 30)}`);
  }
  return {checked, fails};
}"""

# Arabic letters must sit inside an element whose language is written right to left
LANG_JS = r"""() => {
  const ARABIC = /[\u0600-\u06FF]/, bad = [];
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!ARABIC.test(n.data) || !el || el.closest('script,style,[hidden]')) continue;
    const lang = (el.closest('[lang]') || document.documentElement).getAttribute('lang') || '';
    if (!/^(ar|fa|ur|ku|ps|sd|ug)(-|$)/.test(lang)) bad.push(`${el.tagName} lang=${lang}: ${n.data.trim().slice(0, 30)}`);
  }
  return bad;
}"""

LANDMARKS_JS = """() => ({
  main: document.querySelectorAll('main, [role=main]').length,
  banner: document.querySelectorAll('body > header, [role=banner]').length,
  contentinfo: document.querySelectorAll('body > footer, [role=contentinfo]').length,
  nav: document.querySelectorAll('nav[aria-label]').length,
  h1: document.querySelectorAll('h1').length,
})"""

FOCUS_JS = """() => { const el = document.activeElement, st = getComputedStyle(el), box = el.getBoundingClientRect();
  return {tag: el.tagName, cls: el.className, text: (el.textContent || '').trim().slice(0, 30),
          outline: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2,
          visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight}; }"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def site_pages(out: Path, prefix: str) -> list[str]:
    """Home (ar, en), an article in both languages, a tag, an author and a source (with their coverage charts),
    the timeline index (its chart) and a year page in both languages, and search."""
    slug = next(
        p.name for p in sorted((out / "articles").iterdir()) if (out / "en" / "articles" / p.name).is_dir()
    )

    def first(section: str) -> str:
        return next(p.name for p in sorted((out / section).iterdir()) if (p / "index.html").is_file())

    tag, author, source, year = first("tags"), first("authors"), first("sources"), first("timeline")
    return [
        f"{prefix}/",
        f"{prefix}/en/",
        f"{prefix}/articles/{slug}/",
        f"{prefix}/en/articles/{slug}/",
        f"{prefix}/tags/{tag}/",
        f"{prefix}/en/authors/{author}/",
        f"{prefix}/sources/{source}/",
        f"{prefix}/timeline/",
        f"{prefix}/en/timeline/",
        f"{prefix}/timeline/{year}/",
        f"{prefix}/en/timeline/{year}/",
        f"{prefix}/search/",
        f"{prefix}/en/search/",
    ]


def split_timeline_pages(out: Path, prefix: str) -> list[str]:
    """A tag's first page and one of its year pages, a year page and one of its month pages, per language."""
    paths = []
    for lang in ("", "en/"):
        tag = next(p for p in sorted((out / lang / "tags").iterdir()) if (p / "timeline").is_dir())
        tag_year = next(p for p in sorted((tag / "timeline").iterdir()))
        year = next(p for p in sorted((out / lang / "timeline").iterdir()) if p.is_dir() and any(p.iterdir()))
        month = next(p for p in sorted(year.iterdir()) if p.is_dir())
        paths += [f"{prefix}/{p.relative_to(out).as_posix()}/" for p in (tag, tag_year, year, month)]
    return paths


def _demo_available() -> bool:
    return any((REPO / "content" / "articles").glob("**/*.md"))


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[str, list[str]]]]:
    """The research fixture (served under /sub/, its base path) and the demo site, built with search."""
    root = tmp_path_factory.mktemp("a11y")
    result = build_site(FIXTURES / "research", root / "sub", search=True)
    assert result.ok, result.text
    found = {"research": site_pages(root / "sub", "/sub")}
    if _demo_available():
        demo = root / "demo"
        result = build_site(REPO, demo, base_url="/demo/", search=True)
        assert result.ok, result.text
        found["demo"] = site_pages(demo, "/demo")
    from sitegen import timelines

    with pytest.MonkeyPatch.context() as patch:  # long timelines' pages: a tag's years, a year's months
        patch.setattr(timelines, "TAG_TIMELINE_INLINE", 0)
        patch.setattr(timelines, "YEAR_INLINE", 0)
        result = build_site(FIXTURES / "bilingual", root / "split", base_url="/split/")
    assert result.ok, result.text
    found["split"] = split_timeline_pages(root / "split", "/split")
    server, origin = serve(root)
    yield {name: (origin, paths) for name, paths in found.items()}
    server.shutdown()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def _open(browser: Any, url: str, scheme: str) -> Any:
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # the pages are static files: "load" has every stylesheet and image; fonts are awaited on their own.
    # ("networkidle" waited a further 500 ms of silence on every page: a minute of the suite)
    page.goto(url, wait_until="load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return page


def audit(browser: Any, origin: str, paths: list[str], scheme: str) -> list[str]:
    """Every problem found on these pages: axe (serious, critical), Arabic contrast, Arabic without `lang`."""
    problems: list[str] = []
    for path in paths:
        page = _open(browser, origin + path, scheme)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        for v in result["violations"]:
            if v["impact"] in ("serious", "critical"):
                targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
                problems.append(f"{path} [{scheme}] axe {v['id']} ({v['impact']}): {v['help']} at {targets}")
        contrast = page.evaluate(CONTRAST_JS)
        assert contrast["checked"] > 0, f"{path}: no Arabic text found to check"
        problems += [f"{path} [{scheme}] Arabic contrast {f}" for f in contrast["fails"]]
        problems += [f"{path} lang: {b}" for b in page.evaluate(LANG_JS)]
        page.context.close()
    return problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("site", ["research", "demo", "split"])
def test_axe_and_arabic_contrast(browser: Any, sites: dict, site: str, scheme: str) -> None:
    if site not in sites:
        pytest.skip("the demo site has no articles yet")
    origin, paths = sites[site]
    problems = audit(browser, origin, [p for p in paths if not p.endswith("/search/")], scheme)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_page_a11y(browser: Any, sites: dict, scheme: str) -> None:
    origin, paths = sites["research"]
    problems = audit(browser, origin, [p for p in paths if p.endswith("/search/")], scheme)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("site", ["research", "demo", "split"])
def test_skip_link_landmarks_and_visible_focus(browser: Any, sites: dict, site: str) -> None:
    if site not in sites:
        pytest.skip("the demo site has no articles yet")
    origin, paths = sites[site]
    for path in paths:
        page = _open(browser, origin + path, "light")
        marks = page.evaluate(LANDMARKS_JS)
        assert marks["main"] == 1 and marks["banner"] == 1 and marks["contentinfo"] == 1, (path, marks)
        assert marks["nav"] >= 1 and marks["h1"] == 1, (path, marks)
        page.keyboard.press("Tab")
        first = page.evaluate(FOCUS_JS)
        assert "skip-link" in first["cls"] and first["visible"] and first["outline"], (path, first)
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main", path
        for _ in range(12):  # the next stops: header, navigation, content
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_JS)
            if state["tag"] == "BODY":
                break
            assert state["outline"] and state["visible"], (path, state)
        page.context.close()

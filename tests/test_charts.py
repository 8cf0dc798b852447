"""Coverage charts (sitegen/charts.py): counts, the SVG a reader sees (mirrored in Arabic, links to months
that exist), and the contrast of the theme's chart colours in light and dark mode."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sitegen import charts
from sitegen.graph import TimelineEntry
from sitegen.model import Lang, PartialDate, Slug
from tests.support import FIXTURES, REPO, build_site, html

STYLE = REPO / "sitegen" / "theme" / "static" / "style.css"


class Labels:
    def __init__(self, lang: str, dir: str):
        self.lang, self.dir = lang, dir

    def month(self, year: int, month: int) -> str:
        return f"<{year}-{month}>"  # angle brackets: must come out escaped

    def num(self, n: int) -> str:
        return str(n)


TEXT = charts.ChartText("Per month", "Articles", "Events", "Numbers", "Month")


def entry(year: int, month: int, publication: bool) -> TimelineEntry:
    return TimelineEntry(
        PartialDate(year, month, 1 if month else 0), None, "t", Slug("s"), Lang("en"), publication
    )


def test_counts_every_month_of_the_range_once() -> None:
    cov = charts.timeline_coverage(
        [entry(2020, 11, True), entry(2020, 11, False), entry(2021, 2, True), entry(2019, 0, False)]
    )  # a year-only date has no month bar
    assert cov.start == (2020, 11)
    assert list(cov.months()) == [(2020, 11, 1, 1), (2020, 12, 0, 0), (2021, 1, 0, 0), (2021, 2, 1, 0)]
    assert charts.date_coverage([]) == charts.EMPTY


def _bars(markup: str) -> list[tuple[float, str]]:
    """(x, href) of each linked bar, in document order (oldest month first)."""
    return [
        (float(x), href)
        for href, x in re.findall(r'<a href="([^"]+)"[^>]*>.*?<rect class="bar-hit" x="([\d.]+)"', markup)
    ]


@pytest.mark.parametrize("direction", ["ltr", "rtl"])
def test_time_runs_from_the_start_side_and_text_is_escaped(direction: str) -> None:
    cov = charts.date_coverage([dt.date(2020, 1, 5), dt.date(2020, 3, 5), dt.date(2020, 3, 9)])
    markup = str(charts.svg(cov, Labels("en", direction), TEXT, href=lambda y, m: f"/t/{y}/#m{y}-{m:02d}"))
    bars = _bars(markup)
    assert [h for _, h in bars] == ["/t/2020/#m2020-01", "/t/2020/#m2020-03"]  # the empty month has no link
    xs = [x for x, _ in bars]
    assert xs == sorted(xs, reverse=direction == "rtl")
    assert "<2020-1>" not in markup and "&lt;2020-1&gt;" in markup
    assert "<table>" in markup and "<title" in markup and "<desc" in markup


def test_timeline_index_bars_link_to_month_sections_and_taxonomy_pages_have_a_small_chart(
    tmp_path: Path,
) -> None:
    site = REPO if any((REPO / "content" / "articles").glob("*.md")) else FIXTURES / "bilingual"
    built = build_site(site, tmp_path / "out")
    assert built.ok, built.text
    out = tmp_path / "out"
    for prefix, rtl in (("", True), ("/en", False)):
        doc = html(out / prefix.lstrip("/") / "timeline" / "index.html")
        links = doc.xpath("//figure[@class='chart']//*[local-name()='a']/@href")
        assert links, "the timeline index has no linked bars"
        for href in links:
            path, fragment = urlsplit(href).path, urlsplit(href).fragment
            year_page = html(out / path.strip("/") / "index.html")
            assert year_page.xpath(f"//section[@id='{fragment}']//time"), (
                f"{href}: no such month on the year page"
            )
        xs = [float(x) for x in doc.xpath("//*[local-name()='rect'][@class='bar-hit']/@x")]
        assert xs == sorted(xs, reverse=rtl)
    tag = next(p for p in sorted((out / "tags").iterdir()) if (p / "index.html").is_file())
    small = html(tag / "index.html").xpath("//figure[@class='chart chart-small']")
    assert small and small[0].xpath(".//*[local-name()='svg']")
    # no year labels under a small chart: its caption says which months it spans, as the page writes dates
    caption = small[0].xpath("string(.//figcaption)")
    assert re.search(r"\(\D+ [0-9٠-٩]{4} – \D+ [0-9٠-٩]{4}\)", caption), caption


# --- contrast ---------------------------------------------------------------------------------------


def _variables(css: str) -> tuple[dict[str, str], dict[str, str]]:
    """The custom properties of :root in light mode, and in dark mode (light ones overridden)."""
    dark_blocks = [m.start() for m in re.finditer(re.escape("@media (prefers-color-scheme: dark)"), css)]
    assert dark_blocks, "the theme has no dark mode"
    light: dict[str, str] = {}
    dark: dict[str, str] = {}
    for m in re.finditer(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css):
        in_dark = any(start <= m.start() < css.index("}\n}", start) for start in dark_blocks)
        (dark if in_dark else light)[m.group(1)] = m.group(2)
    return light, {**light, **dark}


def _luminance(hex_colour: str) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_ratio_matches_wcag_examples() -> None:
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_chart_colours_contrast_with_the_page(mode: str) -> None:
    """Bars are graphics (WCAG 1.4.11: 3:1 against the page and against the hover background); year labels are
    text (4.5:1). axe does not check SVG fills, nor Arabic text."""
    light, dark = _variables(STYLE.read_text(encoding="utf-8"))
    colours = light if mode == "light" else dark
    for bar in ("chart-articles", "chart-events"):
        for ground in ("bg", "soft"):
            assert ratio(colours[bar], colours[ground]) >= 3, (mode, bar, ground)
    assert ratio(colours["muted"], colours["bg"]) >= 4.5


def test_bar_positions_have_no_float_noise() -> None:
    """`40 - 28.6` is 11.399999999999999 in binary floating point: every coordinate is written rounded
    to the tenth its bars are drawn at (~1 MB of digits over the tag pages of a 10k site)."""
    counts = tuple((m * 7) % 11 for m in range(48))
    cov = charts.Coverage((2020, 1), counts, tuple((m * 5) % 9 for m in range(48)))
    for height in (40, 90):
        markup = str(charts.svg(cov, Labels("en", "ltr"), TEXT, height=height))
        numbers = re.findall(r'<rect [^>]*?y="([0-9.]+)"', markup)
        assert len(numbers) > 48
        assert [n for n in numbers if len(n.partition(".")[2]) > 1] == []

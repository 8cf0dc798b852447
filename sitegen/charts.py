"""Coverage charts: articles and events per month, counted in one pass, drawn as inline SVG.

No JavaScript and nothing loaded from elsewhere: the chart is markup in the page, coloured by the theme's
CSS variables (light and dark), mirrored on right-to-left pages so that time runs from the right.
Every piece of text in the SVG is escaped; labels come from the caller, already localized.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from markupsafe import Markup

from sitegen.escape import esc
from sitegen.graph import TimelineEntry


@dataclass(frozen=True, slots=True)
class Coverage:
    """Counts per month from the first month with anything to the last, empty months included."""

    start: tuple[int, int]  # (year, month) of the first bar
    articles: tuple[int, ...]  # one count per month, from `start`
    events: tuple[int, ...]

    def months(self) -> Iterable[tuple[int, int, int, int]]:
        """(year, month, articles, events) for every month of the range, oldest first."""
        year, month = self.start
        for n_articles, n_events in zip(self.articles, self.events, strict=True):
            yield year, month, n_articles, n_events
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    @property
    def peak(self) -> int:
        return max((a + e for a, e in zip(self.articles, self.events, strict=True)), default=0)


EMPTY = Coverage((0, 0), (), ())


def _index(year: int, month: int) -> int:
    return year * 12 + month - 1


def count_months(articles: Iterable[tuple[int, int]], events: Iterable[tuple[int, int]] = ()) -> Coverage:
    """Coverage from (year, month) pairs; month 0 (a year-only date) has no bar and is left out."""
    tallies: list[dict[int, int]] = [{}, {}]
    for tally, pairs in zip(tallies, (articles, events), strict=True):
        for year, month in pairs:
            if month:
                key = _index(year, month)
                tally[key] = tally.get(key, 0) + 1
    keys = tallies[0].keys() | tallies[1].keys()
    if not keys:
        return EMPTY
    first, last = min(keys), max(keys)
    span = range(first, last + 1)
    return Coverage(
        (first // 12, first % 12 + 1),
        tuple(tallies[0].get(k, 0) for k in span),
        tuple(tallies[1].get(k, 0) for k in span),
    )


def timeline_coverage(entries: Iterable[TimelineEntry]) -> Coverage:
    """Publications and events of a timeline, per month (one pass over it)."""
    pubs: list[tuple[int, int]] = []
    events: list[tuple[int, int]] = []
    for e in entries:
        (pubs if e.is_publication else events).append((e.date.year, e.date.month))
    return count_months(pubs, events)


def date_coverage(days: Iterable[dt.date]) -> Coverage:
    return count_months((d.year, d.month) for d in days)


class Labels(Protocol):
    """What the chart asks of the page it is drawn on (render.View answers it)."""

    lang: str
    dir: str

    def month(self, year: int, month: int) -> str: ...
    def num(self, n: int) -> str: ...


@dataclass(frozen=True)
class ChartText:
    """The chart's words in the page's language."""

    title: str  # e.g. "Articles and events per month"
    articles: str  # series names
    events: str
    table: str  # the summary of the <details> holding the data table
    month: str  # column heading


BAR, GAP = 6, 2  # viewBox units: a month is 8 wide
LABEL = 14  # room under the axis for the years


def svg(
    coverage: Coverage,
    labels: Labels,
    text: ChartText,
    *,
    height: int = 90,
    small: bool = False,
    href: Callable[[int, int], str] | None = None,
    chart_id: str = "chart",
) -> Markup:
    """The chart as `<figure>`: an SVG bar per month (a link when `href` is given), years labelled, and
    the counts as a table for screen readers and for anyone who wants the numbers."""
    if not coverage.articles:
        return Markup("")
    rtl = labels.dir == "rtl"
    n = len(coverage.articles)
    width = n * (BAR + GAP) + GAP
    peak = coverage.peak or 1
    total_h = height + (0 if small else LABEL)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    a_total, e_total = sum(coverage.articles), sum(coverage.events)
    months = list(coverage.months())
    first, last = months[0], months[-1]
    comma = "، " if labels.lang == "ar" else ", "
    span = f"{labels.month(first[0], first[1])} – {labels.month(last[0], last[1])}"
    desc = f"{span}: {text.articles} {labels.num(a_total)}" + (
        f"{comma}{text.events} {labels.num(e_total)}" if e_total else ""
    )
    # a phone shows a long archive at no less than 6 px a month, scrolling sideways, rather than unreadably thin
    sized = "" if small else f' style="min-inline-size: {n * 6}px"'
    align = "xMaxYMid" if rtl else "xMinYMid"
    parts = [
        (
            f'<svg class="chart-svg" viewBox="0 0 {width} {total_h}" width="100%"{sized} '
            f'preserveAspectRatio="{align} meet" role="{"img" if href is None else "group"}" '
            f'aria-labelledby="{title_id} {desc_id}" focusable="false">'
        ),
        f'<title id="{title_id}">{esc(text.title)}</title><desc id="{desc_id}">{esc(desc)}</desc>',
        f'<line class="chart-axis" x1="0" y1="{height}" x2="{width}" y2="{height}"/>',
    ]
    rows: list[str] = []
    for i, (year, month, n_art, n_ev) in enumerate(months):
        # time runs from the right on a right-to-left page
        x = (width - GAP - (i + 1) * (BAR + GAP) + GAP) if rtl else GAP + i * (BAR + GAP)
        label = f"{labels.month(year, month)}: {text.articles} {labels.num(n_art)}"
        if n_ev:
            label += f"{comma}{text.events} {labels.num(n_ev)}"
        if n_art or n_ev:  # the table lists the months that have something
            rows.append(
                f'<tr><th scope="row">{esc(labels.month(year, month))}</th><td>{esc(labels.num(n_art))}</td>'
                f"<td>{esc(labels.num(n_ev))}</td></tr>"
            )
        h_art = round(n_art * height / peak, 1)
        h_ev = round(n_ev * height / peak, 1)
        bars = ""
        if n_art:
            bars += f'<rect class="bar-articles" x="{x}" y="{round(height - h_art, 1)}" width="{BAR}" height="{h_art}"/>'
        if n_ev:
            bars += (
                f'<rect class="bar-events" x="{x}" y="{round(height - h_art - h_ev, 1)}" width="{BAR}" '
                f'height="{h_ev}"/>'
            )
        if href is not None and (n_art or n_ev):
            # the whole column is the link's target, not only the (maybe tiny) bar
            parts.append(
                f'<a href="{esc(href(year, month))}" class="chart-bar"><title>{esc(label)}</title>'
                f'<rect class="bar-hit" x="{x}" y="0" width="{BAR}" height="{height}"/>{bars}</a>'
            )
        elif bars:
            parts.append(f"<g>{bars}</g>")
        if not small and (month == 1 or i == 0):
            anchor = "end" if rtl else "start"
            tx = x + BAR if rtl else x
            # direction="ltr": SVG's "start"/"end" would otherwise flip with the page's direction
            parts.append(
                f'<text class="chart-year" x="{tx}" y="{height + LABEL - 3}" text-anchor="{anchor}" '
                'direction="ltr">'
                f"{esc(labels.num(year))}</text>"
            )
    parts.append("</svg>")
    legend = (
        # the small chart has no year labels: its caption says when its first and last months are
        f'<figcaption class="chart-legend">{esc(f"{text.title} ({span}): ") if small else ""}'
        f'<span class="key key-articles"></span> {esc(text.articles)}'
        + (f' <span class="key key-events"></span> {esc(text.events)}' if e_total else "")
        + "</figcaption>"
    )
    # the small chart's <title>/<desc> say enough; the overview's table gives every month's numbers
    table = (
        ""
        if small
        else (
            f'<details class="chart-data"><summary>{esc(text.table)}</summary><table><thead><tr>'
            f'<th scope="col">{esc(text.month)}</th><th scope="col">{esc(text.articles)}</th>'
            f'<th scope="col">{esc(text.events)}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
            "</details>"
        )
    )
    cls = "chart chart-small" if small else "chart"
    drawing = "".join(parts) if small else f'<div class="chart-scroll">{"".join(parts)}</div>'
    return Markup(f'<figure class="{cls}">{drawing}{legend}{table}</figure>')


class ChartPage(Labels, Protocol):
    @property
    def t(self) -> Mapping[str, str]: ...

    def section_href(self, section: str, key: str = "", lang: str | None = None) -> str: ...


def figure(view: ChartPage, coverage: Coverage, small: bool = False) -> Markup:
    """The chart of a page: the timeline index's (bars link to their month on the year page) or a tag's,
    author's or source's small "coverage over time" chart."""
    t = view.t
    text = ChartText(
        t["chart_coverage"] if small else t["chart_title"],
        t["articles"],
        t["events"],
        t["chart_table"],
        t["month"],
    )
    if small:
        return svg(coverage, view, text, height=40, small=True, chart_id="coverage")

    def month_href(year: int, month: int) -> str:
        return view.section_href("timeline", str(year)) + f"#m{year:04d}-{month:02d}"

    return svg(coverage, view, text, href=month_href)

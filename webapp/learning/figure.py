"""One dashboard figure (a chart and its table, also its CSV), and the protection of small numbers.

Small numbers: in a filtered view, a count from 1 to 4 could point to a particular child's review,
so anyone who may not see every review behind the figure is shown "fewer than 5" instead, with the
percentages and bar of that row hidden too (a percentage would give the count back). Zero is shown:
it points to nobody. This is the service's reading of the issue's rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from webapp.i18n import current_language
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l

SMALL = 5
# Lazy: a figure is protected for each view, in the viewer's language (str() when placed in a figure).
FEWER_THAN_5 = _l("fewer than 5")
NOT_SHOWN = _l("not shown")


@dataclass
class Figure:
    """One chart and its table: headers and rows are the real data (also the CSV); bars draw it.
    Its words are in the language it was worked out in (dashboard_cache keeps one set per language).

    ``counts`` names the columns holding counts of reviews (for small-number protection); ``lines``
    are the series of a trend chart (label and values, one per row), drawn as an SVG line chart."""

    key: str
    title: str
    caption: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    bars: list[tuple[str, float, str]] = field(default_factory=list)  # label, width 0-100, value text
    note: str | None = None
    counts: list[int] = field(default_factory=lambda: [1])
    lines: list[dict] = field(default_factory=list)
    # For each row, what picks the reviews behind it ("field=value", see dashboard.BEHIND), or None.
    row_keys: list[str | None] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows


def tag_name(name: str, name_cy: str | None) -> str:
    """A tag's name as LearningTag.display_name gives it, from the two columns a query selected."""
    return name_cy if name_cy and current_language() == "cy" else name


def percent(part: int, whole: int) -> int | None:
    """A whole-number percentage, halves rounded up (as people round), or None of nothing."""
    if not whole:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_figure(
    key: str,
    title: str,
    caption: str,
    header: str,
    rows: list[tuple[str, int]],
    whole: int,
    *,
    note=None,
    row_keys: list[str | None] | None = None,
) -> Figure:
    """Counts and their share of ``whole``, one row and one bar each."""
    figure = Figure(key, title, caption, [header, _("Reviews"), _("Percentage")], note=note)
    figure.row_keys = list(row_keys or [None] * len(rows))
    for label, count in rows:
        share = percent(count, whole) or 0  # of nothing: 0%, and the note says there were none
        figure.rows.append([label, count, f"{share}%"])
        figure.bars.append((label, float(share), _("%(count)s (%(share)s%%)", count=count, share=share)))
    return figure


def _is_small(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALL


def protected(figure: Figure) -> Figure:
    """The figure with each count from 1 to 4 shown as "fewer than 5", and that row's percentages and
    bar hidden. A trend chart with any hidden number is not drawn (its lines would show it)."""
    rows, bars, hidden = [], list(figure.bars), False
    fewer, not_shown = str(FEWER_THAN_5), str(NOT_SHOWN)
    for index, row in enumerate(figure.rows):
        small = [column for column in figure.counts if column < len(row) and _is_small(row[column])]
        if not small:
            rows.append(row)
            continue
        hidden = True
        cells = []
        for column, cell in enumerate(row):
            if column in small:
                cells.append(fewer)
            elif isinstance(cell, str) and cell.endswith("%"):
                cells.append(not_shown)
            else:
                cells.append(cell)
        rows.append(cells)
        if index < len(bars):
            bars[index] = (bars[index][0], 0.0, fewer)
    if not hidden:
        return figure
    note = (figure.note + " " if figure.note else "") + _(
        "Numbers from 1 to 4 are shown as “fewer than 5”: they could point to a particular review "
        "(this service's reading: zero is shown, and the row's percentage is hidden too)."
    )
    return replace(figure, rows=rows, bars=bars, note=note, lines=[] if figure.lines else figure.lines)


def for_viewer(figures: list[Figure], *, exact: bool) -> list[Figure]:
    """The figures as this viewer may see them: exact, or with small numbers protected."""
    return figures if exact else [protected(figure) for figure in figures]

"""Server-rendered SVG bar charts, accessible and allowed by the Content Security Policy.

A chart is an `<svg role="img">` named by its `<title>` (aria-labelledby) and described by its
`<desc>` (aria-describedby); the page shows the data table behind it straight after. There are no
inline style attributes (the CSP forbids them) and no script: only SVG presentation attributes
(fill, x, y, width, height, font-size). Bars are horizontal, one band per category and one bar
per series in the band; negative values (a month where credit notes exceed invoices) extend left
of a zero line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# GOV.UK Frontend colours with at least 3:1 contrast against white (WCAG 1.4.11).
COLOURS = ["#1d70b8", "#912b88", "#00703c", "#0b0c0c"]
TEXT = "#0b0c0c"
AXIS = "#505a5f"
FONT = "GDS Transport, arial, sans-serif"

WIDTH = 720
FONT_SIZE = 14
CHAR_WIDTH = 7.6  # a generous average for FONT at FONT_SIZE
BAR = 16
BAR_GAP = 3
BAND_PADDING = 10
VALUE_ROOM = 110  # room to the right of the longest bar for its value
LEGEND_ROW = 24


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | int]


def _n(value: float) -> str:
    """A coordinate for an SVG attribute: short, and never in exponent notation."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    value_text: Callable[[Any], str] = str,  # given the series' values (pounds or counts)
) -> SafeString:
    """An accessible horizontal bar chart of `series` over `categories`."""
    for one in series:
        if len(one.values) != len(categories):
            raise ValueError(
                f"series {one.name!r} has {len(one.values)} values, not {len(categories)}"
            )
    values = [Decimal(v) for one in series for v in one.values]
    high = max([Decimal(0), *values])
    low = min([Decimal(0), *values])
    span = (high - low) or Decimal(1)

    label_width = min(300, int(CHAR_WIDTH * max((len(c) for c in categories), default=4)) + 12)
    plot_left = label_width
    plot_width = WIDTH - label_width - VALUE_ROOM

    def x(value: Decimal) -> float:
        return plot_left + float((Decimal(value) - low) / span) * plot_width

    zero = x(Decimal(0))
    legend = len(series) > 1
    top = LEGEND_ROW + 8 if legend else 4
    band = len(series) * BAR + (len(series) - 1) * BAR_GAP + 2 * BAND_PADDING
    height = top + band * len(categories) + 4

    parts: list[SafeString] = []
    if legend:
        offset: float = plot_left
        for index, one in enumerate(series):
            colour = COLOURS[index % len(COLOURS)]
            parts.append(
                format_html(
                    '<rect x="{}" y="4" width="14" height="14" fill="{}"/>'
                    '<text x="{}" y="16" font-size="{}">{}</text>',
                    _n(offset),
                    colour,
                    _n(offset + 20),
                    FONT_SIZE,
                    one.name,
                )
            )
            offset += 20 + CHAR_WIDTH * len(one.name) + 24
    for row, category in enumerate(categories):
        band_top = top + row * band
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="{}">{}</text>',
                _n(label_width - 8),
                _n(band_top + band / 2 + FONT_SIZE / 3),
                FONT_SIZE,
                category,
            )
        )
        for index, one in enumerate(series):
            value = Decimal(one.values[row])
            y = band_top + BAND_PADDING + index * (BAR + BAR_GAP)
            left, right = sorted((zero, x(value)))
            if right - left > 0:
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                        _n(left),
                        _n(y),
                        _n(max(right - left, 1)),
                        BAR,
                        COLOURS[index % len(COLOURS)],
                    )
                )
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="{}">{}</text>',
                    _n(max(right, zero) + 6),
                    _n(y + BAR - 3),
                    FONT_SIZE - 1,
                    value_text(one.values[row]),
                )
            )
    parts.append(
        format_html(
            '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{colour}" stroke-width="1"/>',
            x=_n(zero),
            top=_n(top),
            bottom=_n(height - 4),
            colour=AXIS,
        )
    )
    return format_html(
        '<svg class="mend-chart" role="img" aria-labelledby="{id}-title" '
        'aria-describedby="{id}-desc" viewBox="0 0 {width} {height}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" focusable="false" '
        'font-family="{font}" fill="{text}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>'
        "{body}</svg>",
        id=chart_id,
        width=WIDTH,
        height=_n(height),
        font=FONT,
        text=TEXT,
        title=title,
        description=description,
        body=mark_safe("".join(parts)),  # noqa: S308 - every part was built by format_html
    )

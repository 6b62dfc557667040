"""Charts drawn on the server as inline SVG: no JavaScript, no inline style.

One kind of chart serves the dashboard: horizontal bars, one row per month or per duration
bucket, the rows' labels on the left and each value written at the end of its bar, so that a
phone (375 px) scales the whole drawing (viewBox, width 100 %) and nothing is read from a
colour alone: a bar past the kit's expectation is also hatched, the expectation is a dashed
line labelled in words, and the legend says it all in words.

Accessible by construction: `role="img"`, named by its <title> and described by its <desc>
(aria-labelledby / aria-describedby), the figures themselves in a data table beside it. The
Content-Security-Policy forbids style attributes: colours and fonts come from classes of
static/css/sexto.css ("Charts" section), geometry from SVG attributes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Geometry, in the drawing's own units (the viewBox): scaled as a whole to the page's width.
# Narrow on purpose: on a 375 px phone the drawing shrinks by about a tenth only, so its
# 14-unit text stays about 12.5 px.
WIDTH = 340
LABEL_WIDTH = 92  # row labels ("sept. 2026", "24–48 h"), right-aligned against the bars
VALUE_WIDTH = 60  # room kept at the right of the longest bar for its value ("120,5 h")
ROW_HEIGHT = 26
BAR_HEIGHT = 16
REFERENCE_ROOM = 24  # above the rows, for the expectation's label
LEGEND_ROW = 24
SWATCH = 14


@dataclass(frozen=True)
class Bar:
    label: str  # the row: a month, a bucket
    value: float | None  # None: nothing to draw (no case measured)
    text: str  # the value as written beside the bar ("2,5 h", "12", "—")
    beyond: bool = False  # past the kit's expectation: drawn hatched


def _x(value: float, top: float) -> float:
    return LABEL_WIDTH + (value / top) * (WIDTH - LABEL_WIDTH - VALUE_WIDTH)


def _bar_class(beyond: bool) -> str:
    # A hatched bar takes its fill from its pattern (an attribute): no class may set it.
    return "chart-bar chart-bar-beyond" if beyond else "chart-bar chart-bar-within"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(*, chart_id: str, title: str, description: str, bars: list[Bar],
              legend: tuple[str, str], reference: float | None = None,
              reference_text: str = "") -> SafeString:
    """The SVG of horizontal `bars`, with the expectation as a dashed line at `reference`
    (same unit as the values) labelled `reference_text`, and a legend: (the words for a plain
    bar, the words for a hatched one). `chart_id` must be unique in the page: it prefixes the
    ids of the title, the description and the hatch pattern."""
    values = [bar.value for bar in bars if bar.value is not None]
    top = max([*values, reference or 0.0]) or 1.0
    rows_top = REFERENCE_ROOM if reference is not None else 4
    rows_bottom = rows_top + ROW_HEIGHT * len(bars)
    height = rows_bottom + 10 + 2 * LEGEND_ROW
    ids = {name: escape(f"{chart_id}-{name}") for name in ("title", "desc", "hatch")}
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{ids["title"]}" '
        f'aria-describedby="{ids["desc"]}" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ids["title"]}">{escape(title)}</title>',
        f'<desc id="{ids["desc"]}">{escape(description)}</desc>',
        f'<defs><pattern id="{ids["hatch"]}" width="6" height="6" patternUnits="userSpaceOnUse"'
        f' patternTransform="rotate(45)"><rect width="6" height="6" class="chart-beyond"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" class="chart-hatch"/></pattern></defs>',
        f'<line x1="{LABEL_WIDTH}" y1="{rows_top - 2}" x2="{LABEL_WIDTH}" y2="{rows_bottom}" '
        f'class="chart-axis"/>',
    ]
    ends = []
    for row, bar in enumerate(bars):
        middle = rows_top + row * ROW_HEIGHT + ROW_HEIGHT / 2
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{_number(middle + 5)}" '
                     f'text-anchor="end" class="chart-label">{escape(bar.label)}</text>')
        end = LABEL_WIDTH
        if bar.value:
            end = LABEL_WIDTH + max(_x(bar.value, top) - LABEL_WIDTH, 3.0)
            fill = f' fill="url(#{ids["hatch"]})"' if bar.beyond else ""
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{_number(middle - BAR_HEIGHT / 2)}" '
                f'width="{_number(end - LABEL_WIDTH)}" height="{BAR_HEIGHT}" '
                f'class="{_bar_class(bar.beyond)}"{fill}/>')
        ends.append((end, middle))
    if reference is not None:
        # Over the bars (a bar past it crosses it), under the values (written with a halo).
        x = _x(reference, top)
        anchor = "end" if x > WIDTH - 80 else "middle"
        parts.append(f'<line x1="{_number(x)}" y1="{rows_top - 4}" x2="{_number(x)}" '
                     f'y2="{rows_bottom}" class="chart-reference"/>')
        parts.append(f'<text x="{_number(x)}" y="{rows_top - 8}" text-anchor="{anchor}" '
                     f'class="chart-label">{escape(reference_text)}</text>')
    for bar, (end, middle) in zip(bars, ends, strict=True):
        parts.append(f'<text x="{_number(end + 5)}" y="{_number(middle + 5)}" '
                     f'class="chart-value">{escape(bar.text)}</text>')
    within_text, beyond_text = legend
    for line, (text, beyond) in enumerate(((within_text, False), (beyond_text, True))):
        y = rows_bottom + 10 + line * LEGEND_ROW
        fill = f' fill="url(#{ids["hatch"]})"' if beyond else ""
        parts.append(f'<rect x="0" y="{y + 3}" width="{SWATCH}" height="{SWATCH}" '
                     f'class="{_bar_class(beyond)}"{fill}/>')
        parts.append(f'<text x="{SWATCH + 6}" y="{y + 15}" class="chart-label">'
                     f'{escape(text)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped

"""Geometry of the report's charts, drawn as SVG by templates/charts.html (no script)."""
from dataclasses import dataclass

# Horizontal bars: a label column, then the bar, then its value, one row per item.
ROW_HEIGHT, LABEL_WIDTH, BAR_SPACE, VALUE_SPACE = 40, 230, 380, 110
# Columns: bars standing on an axis, labels below, values above.
PLOT_HEIGHT, AXIS_SPACE, TOP_SPACE, COLUMNS_WIDTH = 220, 48, 44, 720


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Marker:
    """A labelled vertical line across the plot (a median, a percentile)."""

    label: str
    x: float


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    kind: str  # "bars" (horizontal) or "columns"
    markers: tuple[Marker, ...] = ()
    baseline: float = 0  # the columns' axis (y)
    track: float = BAR_SPACE  # the bars' full length (a bar of the maximum value)
    scale_label: str | None = None  # the columns' top line: what a full column means
    plot_top: float = TOP_SPACE


def _scale(values, maximum):
    top = maximum if maximum is not None else max(values, default=0)
    return top or 1


def bar_chart(chart_id, title, items, *, text=str, maximum=None):
    """Horizontal bars of [(label, value)], longest = `maximum` (default: the largest)."""
    top = _scale([value for _, value in items], maximum)
    bars = tuple(Bar(label, text(value), LABEL_WIDTH, index * ROW_HEIGHT,
                     round(BAR_SPACE * (value or 0) / top, 1), ROW_HEIGHT - 12)
                 for index, (label, value) in enumerate(items))
    return Chart(chart_id, title, LABEL_WIDTH + BAR_SPACE + VALUE_SPACE,
                 max(1, len(items)) * ROW_HEIGHT, bars, "bars")


def column_chart(chart_id, title, items, *, text=str, maximum=None, markers=()):
    """Columns of [(label, value)] side by side; `markers` are (label, position) with the
    position in columns from the left edge (1.5: the middle of the second column). With a
    `maximum`, a line at the top of the plot shows it."""
    top = _scale([value for _, value in items], maximum)
    step = COLUMNS_WIDTH / max(1, len(items))
    bars = []
    for index, (label, value) in enumerate(items):
        height = round(PLOT_HEIGHT * (value or 0) / top, 1)
        bars.append(Bar(label, text(value), round(index * step + 4, 1),
                        TOP_SPACE + PLOT_HEIGHT - height, round(step - 8, 1), height))
    return Chart(chart_id, title, COLUMNS_WIDTH, TOP_SPACE + PLOT_HEIGHT + AXIS_SPACE,
                 tuple(bars), "columns",
                 tuple(Marker(label, round(position * step, 1)) for label, position in markers),
                 TOP_SPACE + PLOT_HEIGHT,
                 scale_label=None if maximum is None else text(maximum))


def histogram_position(value, bins):
    """Where `value` falls among histogram bins, in columns from the left (for a Marker)."""
    for index, b in enumerate(bins):
        first, last = b["from_minute"], b["to_minute"]
        if first is None and value < last:
            return index + 0.5
        if first is not None and value >= first and (last is None or value < last):
            return index + (0.5 if last is None else (value - first) / (last - first))
    return len(bins) - 0.5

"""Small charts drawn on the server as inline SVG: no script, no library, nothing to download.

``sparkline`` draws a series as a line with its last point marked. The markup carries no
``style`` attribute (the Content Security Policy refuses them): colours and sizes come from SVG
presentation attributes (``stroke="currentColor"``, so the line takes the text colour) and from
classes the site's CSS may style. For screen readers the chart is one image (``role="img"``)
named by its ``<title>`` and described by its ``<desc>`` (how many values, from when to when,
lowest and highest, last), so nothing the chart shows is lost to someone who cannot see it.
"""

import hashlib
import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Number = int | float | Decimal
PADDING = 2.0  # keeps the line and its end point clear of the edges


def sparkline(
    points: Sequence[tuple[str, Number]],
    *,
    title: str,
    description: str = "",
    width: int = 120,
    height: int = 32,
    css_class: str = "sparkline",
    chart_id: str = "",
    format_value: Callable[[Number], str] | None = None,
) -> SafeString:
    """An SVG line through ``points`` (label, value), oldest first; "" when there is none.

    ``title`` names the chart; ``description`` replaces the generated one. ``chart_id`` makes
    the ids of the title and description unique on a page that shows several charts (one is
    derived from the data when it is left out). ``format_value`` writes a value for the
    description (localised numbers by default). Values that are not finite are left out.
    """
    usable = [(str(label), value) for label, value in points if _finite(value)]
    if not usable:
        return mark_safe("")
    values = [float(value) for _label, value in usable]
    low, high = min(values), max(values)
    if not description:
        description = describe(usable, format_value=format_value)
    base_id = chart_id or "chart-" + hashlib.sha256(repr((title, usable)).encode()).hexdigest()[:10]
    coordinates = _coordinates(values, low, high, width, height)
    last_x, last_y = coordinates[-1]
    line = (
        format_html(
            '<polyline class="{}-line" points="{}" fill="none" stroke="currentColor" '
            'stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round" '
            'vector-effect="non-scaling-stroke"/>',
            css_class,
            " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates),
        )
        if len(coordinates) > 1
        else mark_safe("")
    )
    return format_html(
        '<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>'
        '{line}<circle class="{css_class}-last" cx="{x}" cy="{y}" r="2" '
        'fill="currentColor"/></svg>',
        css_class=css_class,
        width=width,
        height=height,
        id=base_id,
        title=title,
        description=description,
        line=line,
        x=f"{last_x:.1f}",
        y=f"{last_y:.1f}",
    )


def _finite(value) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError, OverflowError):
        return False


def _coordinates(values, low, high, width, height) -> list[tuple[float, float]]:
    """Left to right at even steps; the highest value at the top. A flat series (or a single
    value) sits in the middle."""
    inner_width, inner_height = width - 2 * PADDING, height - 2 * PADDING
    span = high - low
    step = inner_width / (len(values) - 1) if len(values) > 1 else 0.0
    coordinates = []
    for position, value in enumerate(values):
        x = PADDING + step * position if len(values) > 1 else width / 2
        share = (value - low) / span if span else 0.5
        coordinates.append((x, PADDING + inner_height * (1 - share)))
    return coordinates


def describe(
    points: Sequence[tuple[str, Number]], *, format_value: Callable[[Number], str] | None = None
) -> str:
    """What ``sparkline`` says of ``points`` to screen readers, for a page that also shows it
    as a caption: how many values, from when to when, first, last, lowest and highest."""
    points = [(str(label), value) for label, value in points if _finite(value)]
    if not points:
        return ""
    show = format_value or _default_format
    values = [float(value) for _label, value in points]
    low, high = min(values), max(values)
    (first_label, first), (last_label, last) = points[0], points[-1]
    if len(points) == 1:
        return _("One value: %(value)s (%(label)s).") % {"value": show(last), "label": last_label}
    return _(
        "%(count)d values from %(first_label)s to %(last_label)s: first %(first)s, last "
        "%(last)s, lowest %(low)s, highest %(high)s."
    ) % {
        "count": len(points),
        "first_label": first_label,
        "last_label": last_label,
        "first": show(first),
        "last": show(last),
        "low": show(_as_given(points, low)),
        "high": show(_as_given(points, high)),
    }


def _as_given(points, target: float):
    """The value as the caller gave it (a Decimal keeps its digits) whose float is ``target``."""
    return next(value for _label, value in points if float(value) == target)


def _default_format(value: Number) -> str:
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    return number_format(value, use_l10n=True)

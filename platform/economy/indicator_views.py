"""The public indicator pages: every indicator with its latest value, its change since the value
before and a small chart; one page per indicator with a larger chart and its values, newest
first, a page at a time. Each page costs a fixed number of queries (``economy.series``)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from core import charts
from core.pagination import paginate_read
from economy import series
from economy.models import Indicator

DETAIL_POINTS = 120
PAGE_SIZE = 50


@dataclass
class Row:
    """What a page shows of a reading, written out for the active language."""

    reading: series.Reading
    latest: str = ""
    latest_date: date | None = None
    change: str = ""
    direction: str = ""  # "up", "down", "flat" or "" when there is nothing to compare
    direction_label: str = ""
    chart: str = ""  # safe markup (core.charts)
    chart_description: str = ""

    @property
    def indicator(self) -> Indicator:
        return self.reading.indicator


def number(value: Decimal) -> str:
    """A value as the active language writes numbers, without the column's trailing zeros."""
    value = value.normalize()
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return number_format(value, use_l10n=True)


def signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + number(value)


def row_of(reading: series.Reading, *, width: int = 120, height: int = 32) -> Row:
    row = Row(reading=reading)
    if reading.latest is not None:
        row.latest = number(reading.latest.value)
        row.latest_date = reading.latest.date
    change = reading.change
    if change is not None:
        row.change = signed(change)
        row.direction = "up" if change > 0 else "down" if change < 0 else "flat"
        row.direction_label = {
            "up": pgettext("an indicator's change", "up"),
            "down": pgettext("an indicator's change", "down"),
            "flat": pgettext("an indicator's change", "unchanged"),
        }[row.direction]
    indicator = reading.indicator
    points = [(date_format(point.date, "DATE_FORMAT"), point.value) for point in reading.points]
    row.chart_description = charts.describe(
        points, format_value=lambda value: _unit(number(Decimal(value)), indicator.unit)
    )
    row.chart = charts.sparkline(
        points,
        title=_("%(name)s: recent values") % {"name": indicator.name},
        description=row.chart_description,
        width=width,
        height=height,
        chart_id=f"indicator-{indicator.pk}-chart",
    )
    return row


def _unit(value: str, unit: str) -> str:
    return f"{value} {unit}" if unit else value


@require_safe
def indicator_list(request: HttpRequest) -> HttpResponse:
    rows = [row_of(reading) for reading in series.readings(points=series.CHART_POINTS)]
    return render(request, "economy/indicators.html", {"rows": rows})


@require_safe
def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    chosen = Indicator.objects.filter(slug=slug).prefetch_related("sectors")
    found = series.readings(chosen, points=DETAIL_POINTS)
    if not found:
        raise Http404(_("No such indicator."))
    (reading,) = found
    values = series.values_of(reading.indicator)

    def fetch(position: list | None) -> list[dict]:
        rows = values if position is None else values.filter(date__lt=position[0])
        return [
            {"day": day.isoformat(), "date": day, "value": number(value)}
            for day, value in rows.order_by("-date").values_list("date", "value")[: PAGE_SIZE + 1]
        ]

    page = paginate_read(
        fetch, order=("-day",), cursor=request.GET.get("cursor") or None, size=PAGE_SIZE
    )
    context = {
        "row": row_of(reading, width=640, height=200),
        "indicator": reading.indicator,
        "page": page,
        "first_page": not request.GET.get("cursor"),
    }
    return render(request, "economy/indicators_detail.html", context)

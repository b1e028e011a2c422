"""Reading the indicators: each one's latest value, its change since a date, and its recent
points for a chart, for any number of indicators in a fixed number of queries.

``readings`` costs two queries whatever the number of indicators and values: the indicators
(with the value at or before ``since`` as two correlated subqueries, each one index lookup on
``indicator_latest_first``), then the last points of all of them at once, numbered per indicator
by a window function (``ROW_NUMBER() OVER (PARTITION BY indicator ORDER BY date DESC)``, which
PostgreSQL and SQLite both have). Nothing here is per indicator in Python but the arithmetic.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from economy.models import Indicator, IndicatorValue

CHART_POINTS = 24  # what a list's small chart shows: two years of a monthly series


@dataclass(frozen=True)
class Point:
    date: date
    value: Decimal


@dataclass
class Reading:
    """An indicator's latest value and what it is compared with.

    ``previous`` is the value at or before ``since`` when a date was given (what the reader saw
    last time), else the value before the latest one. ``points`` are the most recent values,
    oldest first.
    """

    indicator: Indicator
    latest: Point | None = None
    previous: Point | None = None
    points: list[Point] = field(default_factory=list)

    @property
    def change(self) -> Decimal | None:
        """The latest value minus the previous one; None when either is missing or they are the
        same value (nothing new since)."""
        if self.latest is None or self.previous is None or self.is_same_point:
            return None
        return self.latest.value - self.previous.value

    @property
    def is_same_point(self) -> bool:
        return (
            self.latest is not None
            and self.previous is not None
            and self.latest.date == self.previous.date
        )

    @property
    def is_new(self) -> bool:
        """A value more recent than ``previous`` (always, when there was none before)."""
        return self.latest is not None and not self.is_same_point


def readings(
    indicators: QuerySet[Indicator] | None = None,
    *,
    since: date | None = None,
    points: int = CHART_POINTS,
) -> list[Reading]:
    """One ``Reading`` per indicator of ``indicators`` (all of them by default), in its order.

    With ``since`` (e.g. the date of a member's previous digest), ``previous`` is the value at
    or before that date; without it, the value before the latest. ``points`` (at least two are
    read, to find the value before the latest) are kept for a chart.
    """
    rows = Indicator.objects.all() if indicators is None else indicators
    if since is not None:
        at_or_before = IndicatorValue.objects.filter(
            indicator=OuterRef("pk"), date__lte=since
        ).order_by("-date")
        rows = rows.annotate(
            since_date=Subquery(at_or_before.values("date")[:1]),
            since_value=Subquery(at_or_before.values("value")[:1]),
        )
    indicator_list = list(rows)
    if not indicator_list:
        return []
    recent = recent_points([indicator.pk for indicator in indicator_list], max(points, 2))
    result = []
    for indicator in indicator_list:
        series = recent.get(indicator.pk, [])
        reading = Reading(indicator=indicator, points=series[-points:] if points else [])
        if series:
            reading.latest = series[-1]
        if since is not None:
            if indicator.since_date is not None:
                reading.previous = Point(indicator.since_date, Decimal(indicator.since_value))
        elif len(series) >= 2:
            reading.previous = series[-2]
        result.append(reading)
    return result


def recent_points(indicator_ids: list[int], count: int) -> dict[int, list[Point]]:
    """The last ``count`` values of each indicator, oldest first, in one query."""
    if not indicator_ids or count <= 0:
        return {}
    numbered = (
        IndicatorValue.objects.filter(indicator_id__in=indicator_ids)
        .annotate(
            newest_first=Window(
                RowNumber(), partition_by=[F("indicator_id")], order_by=F("date").desc()
            )
        )
        .filter(newest_first__lte=count)
        .values_list("indicator_id", "date", "value")
    )
    series: dict[int, list[Point]] = defaultdict(list)
    for indicator_id, day, value in numbered:
        series[indicator_id].append(Point(day, value))
    for points in series.values():
        points.sort(key=lambda point: point.date)
    return dict(series)


def values_of(indicator: Indicator) -> QuerySet[IndicatorValue]:
    """An indicator's values, for its page's table (paginated newest first by the caller)."""
    return IndicatorValue.objects.filter(indicator=indicator)

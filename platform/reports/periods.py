"""The date range a report covers: whole days in the site's time zone, both ends included.

A report asks for ``since <= moment < until`` (aware datetimes), so every figure of one range
counts the same days whatever table it comes from. Charts over time group the days into buckets
sized to the range: days up to a month, weeks (from Monday) up to half a year, months beyond.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

DEFAULT_DAYS = 90
EARLIEST = date(2000, 1, 1)  # nothing on the platform is older; keeps dates far from year 1
LATEST = date(2099, 12, 31)
MAX_DAYS = 3660  # ten years: at most 120 monthly buckets on a chart
DAYS_BY_DAY = 31
DAYS_BY_WEEK = 183


@dataclass(frozen=True)
class Period:
    start: date  # first day included
    end: date  # last day included

    @classmethod
    def default(cls, today: date | None = None) -> "Period":
        """The last 90 days, today included."""
        today = today or timezone.localdate(timezone=timezone.get_default_timezone())
        return cls(today - timedelta(days=DEFAULT_DAYS - 1), today)

    @classmethod
    def month(cls, first_day: date) -> "Period":
        """The calendar month that starts with ``first_day``."""
        following = (first_day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return cls(first_day.replace(day=1), following - timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def since(self) -> datetime:
        return _midnight(self.start)

    @property
    def until(self) -> datetime:
        return _midnight(self.end + timedelta(days=1))

    @property
    def bucket(self) -> str:
        """How a chart over time groups the days: "day", "week" or "month"."""
        if self.days <= DAYS_BY_DAY:
            return "day"
        return "week" if self.days <= DAYS_BY_WEEK else "month"

    def buckets(self) -> list[date]:
        """The first day of every bucket the range touches, in order."""
        first = bucket_of(self.start, self.bucket)
        found = []
        while first <= self.end:
            found.append(first)
            first = next_bucket(first, self.bucket)
        return found

    def query(self) -> dict[str, str]:
        """The range as the dashboard's query string writes it."""
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def bucket_of(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def next_bucket(day: date, bucket: str) -> date:
    if bucket == "week":
        return day + timedelta(days=7)
    if bucket == "month":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day + timedelta(days=1)


def previous_month(today: date) -> Period:
    """The calendar month before the one ``today`` is in."""
    return Period.month((today.replace(day=1) - timedelta(days=1)).replace(day=1))


def check(start: date, end: date) -> Period:
    """The range from ``start`` to ``end``, or a ValidationError naming the field at fault
    ("from" or "to"): forms, serializers and the API say the same."""
    errors: dict[str, list[ValidationError]] = {}
    for name, day in (("from", start), ("to", end)):
        if not EARLIEST <= day <= LATEST:
            errors[name] = [
                ValidationError(
                    _("Choose a date from %(earliest)s to %(latest)s.")
                    % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
                    code="out_of_range",
                )
            ]
    if not errors and end < start:
        errors["to"] = [
            ValidationError(_("The end of the range comes before its start."), code="before_start")
        ]
    if not errors and (end - start).days + 1 > MAX_DAYS:
        errors["to"] = [ValidationError(_("Choose a range of ten years at most."), code="too_long")]
    if errors:
        raise ValidationError(errors)
    return Period(start, end)

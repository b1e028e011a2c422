"""When a digest is due, in the member's own time zone: pure functions, no database.

A subscription says a frequency, a day (a weekday for weekly digests, a day of the month from 1
to 28 for monthly ones) and an hour of the member's wall clock. ``next_due_at`` turns that into
the next such moment strictly after a UTC moment, in UTC, so that beat reads due subscriptions
from an index on a plain UTC column. Daylight saving time is the zone's business (``zoneinfo``):

- a local hour that does not exist (clocks spring forward over it) moves forward by the gap:
  2:30 on the night clocks go from 2:00 to 3:00 is 3:30;
- a local hour that happens twice (clocks fall back) is the first of the two (``fold=0``).

``period_key`` names the period a local moment falls in (``d2026-12-02``, ``w2026-49`` (ISO
week), ``m2026-12``): a delivery is unique per (member, period), so the period of the due moment,
not of the moment a worker got round to it, is what makes "once per period" hold.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAILY, WEEKLY, MONTHLY, OFF = "daily", "weekly", "monthly", "off"

# How long a period lasts, roughly: what a first digest looks back over.
PERIOD_LENGTH = {
    DAILY: timedelta(days=1),
    WEEKLY: timedelta(days=7),
    MONTHLY: timedelta(days=30),
}


def period_key(frequency: str, local: datetime | date) -> str:
    """The period a local moment (or date) falls in, for ``frequency``."""
    day = local.date() if isinstance(local, datetime) else local
    if frequency == DAILY:
        return f"d{day.isoformat()}"
    if frequency == WEEKLY:
        year, week, _weekday = day.isocalendar()
        return f"w{year}-{week:02d}"
    if frequency == MONTHLY:
        return f"m{day.year}-{day.month:02d}"
    raise ValueError(f"No period for frequency {frequency!r}.")


def local_moment(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """``hour`` o'clock on ``day`` in ``zone``, as an aware datetime: a nonexistent wall-clock
    time moves forward by the gap, an ambiguous one is the first of the two."""
    # fold=0: an ambiguous time takes the offset before the change, the first of the two; so
    # does a time in a gap, which therefore comes back from UTC moved forward by the gap
    # (2:30 at -8:00 is 10:30 UTC, which is 3:30 at -7:00).
    wall = datetime.combine(day, time(hour), tzinfo=zone)
    return wall.astimezone(UTC).astimezone(zone)


def _days_from(frequency: str, start: date, weekday: int, day_of_month: int):
    """Candidate days for a digest, in order, from the period holding ``start``."""
    if frequency == DAILY:
        day = start
        while True:
            yield day
            day += timedelta(days=1)
    elif frequency == WEEKLY:
        day = start + timedelta(days=(weekday - start.weekday()) % 7) - timedelta(days=7)
        while True:
            yield day
            day += timedelta(days=7)
    elif frequency == MONTHLY:
        year, month = start.year, start.month - 1
        if month == 0:
            year, month = year - 1, 12
        while True:
            yield date(year, month, day_of_month)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        raise ValueError(f"No schedule for frequency {frequency!r}.")


def next_due_at(
    *,
    frequency: str,
    weekday: int,
    day_of_month: int,
    hour: int,
    time_zone: str,
    after: datetime,
) -> datetime | None:
    """The first moment strictly after ``after`` (aware) at which a digest of this schedule is
    due, in UTC; None when the frequency is off."""
    if frequency == OFF:
        return None
    if not 0 <= hour <= 23 or not 0 <= weekday <= 6 or not 1 <= day_of_month <= 28:
        raise ValueError("hour 0-23, weekday 0-6, day of the month 1-28")
    zone = ZoneInfo(time_zone)
    start = after.astimezone(zone).date()
    for day in _days_from(frequency, start, weekday, day_of_month):
        moment = local_moment(day, hour, zone)
        if moment > after:
            return moment.astimezone(UTC)
    raise AssertionError("unreachable")  # pragma: no cover


def due_period(frequency: str, due_at: datetime, time_zone: str) -> str:
    """The period a digest due at ``due_at`` (UTC) is for, in the member's zone."""
    return period_key(frequency, due_at.astimezone(ZoneInfo(time_zone)))


def next_of(subscription, *, after: datetime) -> datetime | None:
    """``next_due_at`` for a subscription (or anything with its fields)."""
    return next_due_at(
        frequency=subscription.frequency,
        weekday=subscription.weekday,
        day_of_month=subscription.day_of_month,
        hour=subscription.hour,
        time_zone=subscription.time_zone,
        after=after,
    )

"""When a digest is due: the member's own day and hour in their own time zone, DST included."""

from datetime import UTC, datetime

import pytest

from digests.schedule import due_period, local_moment, next_due_at, period_key

VANCOUVER, SHANGHAI = "America/Vancouver", "Asia/Shanghai"


def due(frequency="daily", *, after, zone=VANCOUVER, hour=8, weekday=0, day_of_month=1):
    return next_due_at(
        frequency=frequency,
        weekday=weekday,
        day_of_month=day_of_month,
        hour=hour,
        time_zone=zone,
        after=after,
    )


def test_vancouver_and_shanghai_get_theirs_at_their_own_eight_oclock():
    after = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # 4:00 in Vancouver, 20:00 in Shanghai
    assert due(after=after, zone=VANCOUVER) == datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
    assert due(after=after, zone=SHANGHAI) == datetime(2026, 12, 3, 0, 0, tzinfo=UTC)


def test_the_hour_follows_daylight_saving_time_in_vancouver_not_in_shanghai():
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert due(after=summer, zone=VANCOUVER) == datetime(2026, 7, 1, 15, 0, tzinfo=UTC)  # PDT
    assert due(after=summer, zone=SHANGHAI) == datetime(2026, 7, 2, 0, 0, tzinfo=UTC)
    # The day clocks go back (1 November 2026): 8:00 is already PST.
    assert due(after=datetime(2026, 11, 1, 9, 0, tzinfo=UTC)) == datetime(
        2026, 11, 1, 16, 0, tzinfo=UTC
    )


def test_a_nonexistent_hour_moves_forward_and_an_ambiguous_one_takes_the_first():
    # 8 March 2026, Vancouver: 2:00 to 3:00 does not exist.
    assert due(after=datetime(2026, 3, 8, 0, 0, tzinfo=UTC), hour=2) == datetime(
        2026,
        3,
        8,
        10,
        0,
        tzinfo=UTC,  # 3:00 PDT
    )
    # 1 November 2026: 1:00 to 2:00 happens twice; the first is PDT (UTC-7).
    assert due(after=datetime(2026, 11, 1, 0, 0, tzinfo=UTC), hour=1) == datetime(
        2026, 11, 1, 8, 0, tzinfo=UTC
    )
    from zoneinfo import ZoneInfo

    assert local_moment(datetime(2026, 3, 8).date(), 2, ZoneInfo(VANCOUVER)).hour == 3


def test_weekly_and_monthly_days():
    after = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)  # a Wednesday, past 8:00 in Vancouver
    assert due("weekly", after=after, weekday=2) == datetime(2026, 12, 9, 16, 0, tzinfo=UTC)
    assert due("weekly", after=after, weekday=4) == datetime(2026, 12, 4, 16, 0, tzinfo=UTC)
    assert due("monthly", after=after, day_of_month=2) == datetime(2027, 1, 2, 16, 0, tzinfo=UTC)
    assert due("monthly", after=after, day_of_month=28) == datetime(2026, 12, 28, 16, 0, tzinfo=UTC)
    assert due("off", after=after) is None


def test_each_moment_is_strictly_after_the_last_so_periods_never_repeat():
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    seen = set()
    for _day in range(800):
        moment = due(after=moment, zone=VANCOUVER)
        key = due_period("daily", moment, VANCOUVER)
        assert key not in seen
        seen.add(key)
    assert len(seen) == 800


@pytest.mark.parametrize(
    ("frequency", "key"),
    [("daily", "d2026-12-02"), ("weekly", "w2026-49"), ("monthly", "m2026-12")],
)
def test_period_keys(frequency, key):
    assert period_key(frequency, datetime(2026, 12, 2, 8)) == key


def test_a_period_is_the_members_local_one():
    # 2 January 00:30 in Shanghai is still 1 January in UTC.
    assert due_period("daily", datetime(2026, 1, 1, 16, 30, tzinfo=UTC), SHANGHAI) == "d2026-01-02"


@pytest.mark.parametrize("bad", [{"hour": 25}, {"weekday": 7}, {"day_of_month": 29}])
def test_impossible_schedules_are_refused(bad):
    with pytest.raises(ValueError, match="hour"):
        due("weekly", after=datetime(2026, 1, 1, tzinfo=UTC), **bad)

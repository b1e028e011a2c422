"""The report's figures against a month built by hand (``factories.build_world``): every section
counts what happened in the range and nothing before or after it."""

from datetime import date

import pytest

from members.models import User
from reports import selectors, services
from reports.periods import Period
from tests.members.factories import UserFactory
from tests.reports.factories import MARCH, at, build_world, joined

pytestmark = pytest.mark.django_db


@pytest.fixture
def march():
    world = build_world()
    return world, selectors.report(MARCH)


def rows(report, key: str, *columns: str) -> dict:
    """The table's rows by their key, as tuples of the given columns."""
    return {row["key"]: tuple(row[c] for c in columns) for row in report.table(key).rows}


def values(report, key: str) -> dict:
    return {row["key"]: row["value"] for row in report.table(key).rows}


def test_members_at_a_glance(march):
    _world, report = march
    assert values(report, "members-totals") == {
        "signed_up": 3,
        "active": User.objects.count() - 1,  # one was last seen in February
        "members": 11,
        "organisations": 1,
    }


def test_counts_of_the_largest_tables_wait_for_the_refresh(march):
    joined(UserFactory(), at(3, 30))
    before = selectors.report(MARCH)
    services.refresh_daily_counts()
    after = selectors.report(MARCH)
    assert values(before, "members-totals")["signed_up"] == 3
    assert values(after, "members-totals")["signed_up"] == 4


def sign_ups(report) -> dict:
    return {row["period"]: row["sign_ups"] for row in report.table("members-sign-ups").rows}


def test_sign_ups_of_a_month_are_counted_day_by_day(march):
    _world, report = march
    series = sign_ups(report)
    assert len(series) == 31
    assert {day: count for day, count in series.items() if count} == {
        "2026-03-02": 1,
        "2026-03-09": 1,
        "2026-03-20": 1,
    }


def test_sign_ups_of_a_quarter_are_counted_week_by_week(march):
    series = sign_ups(selectors.report(Period(date(2026, 2, 1), date(2026, 4, 30))))
    assert next(iter(series)) == "2026-01-26"  # the Monday of the week holding February 1st
    assert {day: count for day, count in series.items() if count} == {
        "2026-02-09": 2,
        "2026-03-02": 1,
        "2026-03-09": 1,
        "2026-03-16": 1,
        "2026-03-30": 1,  # Sunday April 5th
    }


def test_members_by_sector_region_origin_and_organisation_kind(march):
    _world, report = march
    assert rows(report, "members-by-sector", "members", "joined") == {
        "automotive": (3, 2),
        "ict-software": (1, 1),
    }
    regions = rows(report, "members-by-region", "members", "joined")
    assert regions["toronto"] == (3, 2)
    assert regions["vancouver"] == (1, 0)
    assert regions["waterloo-region"] == (1, 0)
    origins = rows(report, "members-by-origin", "members", "joined")
    assert origins["CN"] == (2, 1)
    assert origins["IN"] == (1, 1)
    kinds = rows(report, "members-by-organisation-kind", "organisations", "new", "members")
    assert kinds["sme"] == (1, 1, 1)
    assert kinds["public"] == (0, 0, 0)


def test_forum_activity(march):
    _world, report = march
    assert values(report, "forums-totals") == {
        "threads": 3,
        "replies": 4,
        "answered": 2,
        "accepted": 1,
        "accepted_share": 33.3,
    }


def test_time_to_first_reply_has_its_median(march):
    _world, report = march
    [row] = report.table("forums-first-reply").rows
    assert (row["count"], row["mean"], row["median"], row["trimmed_mean"]) == (
        2,
        3 * 3600,
        3 * 3600,
        3 * 3600,
    )
    assert (row["lowest"], row["highest"]) == (2 * 3600, 4 * 3600)


def test_the_help_request_funnel_and_resolution_rate(march):
    _world, report = march
    assert rows(report, "requests-funnel", "requests", "share") == {
        "posted": (4, 100.0),
        "matched": (3, 75.0),
        "engaged": (2, 50.0),
        "resolved": (1, 25.0),
    }


def test_time_to_first_invitation_and_to_match(march):
    _world, report = march
    timing = rows(report, "requests-timing", "count", "median", "lowest", "highest")
    assert timing["first_invitation"] == (2, 18 * 3600, 12 * 3600, 24 * 3600)
    assert timing["first_match"] == (2, 27 * 3600, 6 * 3600, 48 * 3600)


def test_ratings_hours_and_their_value(march, settings):
    _world, report = march
    assert rows(report, "requests-ratings", "count", "mean") == {"sme": (1, 4), "expert": (1, 5)}
    hours = values(report, "requests-hours")
    assert (hours["engagements"], hours["total"], hours["median"]) == (1, 10, 10)
    assert hours["value"] == 10 * selectors.hour_value()


def test_follow_up_outcomes_count_the_answers_of_the_range(march):
    _world, report = march
    follow_ups = rows(report, "requests-follow-ups", "after_30", "after_90")
    assert follow_ups["applied"] == (1, 0)
    assert follow_ups["not_used"] == (0, 0)


def test_requests_by_sector_region_and_corridor(march):
    _world, report = march
    assert rows(report, "requests-by-sector", "posted", "engaged", "resolved") == {
        "automotive": (3, 2, 1),
        "ict-software": (2, 0, 0),
    }
    assert rows(report, "requests-by-region", "posted", "engaged", "resolved") == {
        "suzhou": (2, 1, 1),
        "toronto": (2, 2, 1),
        "shanghai": (1, 1, 0),
        "vancouver": (1, 0, 0),
    }
    assert rows(report, "requests-by-corridor", "posted", "engaged", "resolved") == {
        "suzhou/toronto/automotive": (1, 1, 1),
        "shanghai/toronto/automotive": (1, 1, 0),
        "suzhou/vancouver/ict-software": (1, 0, 0),
    }


def test_fairness(march):
    _world, report = march
    assert values(report, "fairness-totals") == {
        "busiest_share": 50.0,
        "busiest_experts": 1,
        "engaged_experts": 2,
        "willing": 3,
        "never_asked": 1,
        "never_asked_share": 33.3,
    }
    by_language = rows(report, "fairness-time-to-match", "count", "median")
    assert by_language == {"cmn": (2, 27 * 3600), "eng": (1, 6 * 3600)}


def test_digests(march):
    _world, report = march
    assert rows(report, "digests-deliveries", "deliveries") == {
        "claimed": (0,),
        "sent": (3,),
        "skipped": (1,),
        "failed": (1,),
    }
    assert rows(report, "digests-skipped", "deliveries") == {"too_little": (1,)}
    assert values(report, "digests-unsubscribes") == {
        "sent": 3,
        "unsubscribed": 1,
        "rate": 33.3,
    }


def test_moderation(march):
    _world, report = march
    flags = rows(report, "moderation-flags", "flags", "resolved")
    assert (flags["spam"], flags["abuse"], flags["other"]) == ((2, 1), (1, 1), (0, 0))
    kinds = rows(report, "moderation-flags-by-kind", "flags")
    assert (kinds["post"], kinds["thread"], kinds["profile"]) == ((2,), (1,), (0,))
    [to_action] = report.table("moderation-time-to-action").rows
    assert (to_action["count"], to_action["median"]) == (2, 6 * 3600)
    assert rows(report, "moderation-actions", "actions") == {"hide": (2,), "warn": (1,)}


def test_the_knowledge_network(march):
    _world, report = march
    assert rows(report, "network-edges", "engagements", "experts", "smes") == {
        "waterloo-region/suzhou": (1, 1, 1),
        "toronto/shanghai": (1, 1, 1),
    }


def test_the_knowledge_network_of_one_sector(march):
    ict = selectors.report(MARCH, sector=selectors.sector_by_key("ict-software"))
    automotive = selectors.report(MARCH, sector=selectors.sector_by_key("automotive"))
    assert ict.table("network-edges").rows == []
    assert len(automotive.table("network-edges").rows) == 2


def test_a_range_before_anything_happened_counts_nothing(march):
    report = selectors.report(Period(MARCH.start.replace(year=2020), MARCH.end.replace(year=2020)))
    assert values(report, "members-totals")["signed_up"] == 0
    assert values(report, "forums-totals")["threads"] == 0
    assert report.table("network-edges").rows == []

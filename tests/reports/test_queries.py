"""Medians and trimmed means ranked in the database, the same on PostgreSQL and SQLite."""

import pytest
from django.db.models import Count, F

from members.models import Profile
from reports import queries
from tests.matchmaking.factories import region
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def profiles_with(years: list[int], where: str) -> None:
    for value in years:
        Profile.objects.filter(pk=UserFactory().pk).update(
            years_experience=value, canadian_region=region(where)
        )


def summaries() -> dict:
    rows = (
        Profile.objects.exclude(years_experience=None)
        .order_by()
        .values(k=F("canadian_region__slug"), v=F("years_experience"))
    )
    found = queries.run([queries.summary("years", rows)])["years"]
    return {k: tuple(values) for k, _n, *values in found}


def test_an_odd_count_has_its_middle_value_as_median():
    profiles_with([1, 2, 40], "toronto")
    count, _mean, median, _trimmed, lowest, highest, total = summaries()["toronto"]
    assert (count, median, lowest, highest, total) == (3, 2, 1, 40, 43)


def test_an_even_count_averages_its_two_middle_values():
    profiles_with([4, 1, 3, 2], "toronto")
    assert summaries()["toronto"][2] == 2.5


def test_the_trimmed_mean_leaves_out_the_extreme_tenths():
    profiles_with([1, 2, 3, 4, 5, 6, 7, 8, 9, 70], "toronto")
    count, mean, median, trimmed, *_rest = summaries()["toronto"]
    assert (count, mean, median, trimmed) == (10, 11.5, 5.5, 5.5)


def test_each_group_is_ranked_on_its_own():
    profiles_with([1, 2, 3], "toronto")
    profiles_with([10, 20], "vancouver")
    found = summaries()
    assert (found["toronto"][2], found["vancouver"][2]) == (2, 15)


def test_sections_of_parts_are_one_query(django_assert_num_queries):
    profiles_with([1, 2, 3], "toronto")
    rows = Profile.objects.order_by().values(k=F("canadian_region__slug"), v=F("years_experience"))
    counted = Profile.objects.order_by().values(k=F("canadian_region__slug"))
    with django_assert_num_queries(1):
        found = queries.run(
            [
                queries.summary("years", rows.exclude(years_experience=None)),
                queries.part("count", counted.annotate(v1=Count("pk"))),
            ]
        )
    assert {k: v1 for k, _n, v1, *_rest in found["count"]}["toronto"] == 3

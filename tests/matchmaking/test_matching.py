"""The matching engine on hand-built cases where the right order is clear, with the reasons it
gives; who is never proposed; terms found in English and Chinese text. Runs on PostgreSQL and on
SQLite (the same SQL)."""

from datetime import date

import pytest
from django.utils import translation

from matchmaking import matching
from members import services as member_services
from members.models import CityRegion, Language, Profile
from tests.matchmaking.factories import expert, published, region, sector, sme_member
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def suzhou_request(**changes):
    """A Suzhou brake maker looking at Ontario, wanting supplier audits, in Mandarin."""
    fields = {
        "title": "Supplier audits before selling brake parts in Ontario",
        "description": "We make brake parts in Suzhou and need supplier audits an Ontario "
        "assembler will accept. Who has done them?",
        "sectors": [sector("automotive")],
        "city_regions": [region("suzhou"), region("toronto")],
        "languages": [Language.objects.get(code="cmn")],
        **changes,
    }
    return published(**fields)


def names(matches) -> list[str]:
    return [match.profile.user.display_name for match in matches]


def test_willingness_language_and_sector_beat_a_vague_match():
    willing = expert(
        "Wang Fang",
        advice_topics=["supplier audits"],
        sectors=[sector("automotive")],
        languages=["cmn"],
        years_experience=8,
    )
    expert("Sam Vague", expertise=["brake parts"], years_experience=30)
    expert("Nadia Sector", sectors=[sector("automotive")], years_experience=20)
    matches = matching.rank(suzhou_request())
    assert names(matches) == ["Wang Fang", "Nadia Sector", "Sam Vague"]
    assert matches[0].profile == willing
    assert matches[0].reasons == [
        "willing to advise on supplier audits",
        "works in Automotive",
        "speaks Mandarin",
        "8 years of experience",
    ]


def test_a_corridor_worked_and_ties_to_the_city_regions_count_and_are_said():
    expert(
        "Li Ming",
        sectors=[sector("automotive")],
        canadian_region=region("toronto"),
        corridors=[("suzhou", "toronto", "automotive")],
    )
    expert("Paul Nearby", sectors=[sector("automotive")], canadian_region=region("vancouver"))
    matches = matching.rank(suzhou_request())
    assert names(matches) == ["Li Ming", "Paul Nearby"]
    assert "worked the Suzhou–Toronto corridor" in matches[0].reasons
    assert "based in Toronto" in matches[0].reasons


def test_a_shared_language_or_city_region_alone_proposes_nobody():
    expert("Only Mandarin", languages=["cmn"], canadian_region=region("toronto"))
    assert matching.rank(suzhou_request()) == []


def test_who_is_never_proposed():
    fit = {"advice_topics": ["supplier audits"], "sectors": [sector("automotive")]}
    expert("Paused", paused=True, **fit)
    expert("Not open", open_to_requests=False, **fit)
    expert("Not offering", offers_expertise=False, **fit)
    hidden = expert("Hidden", **fit)
    member_services.update_profile(profile=hidden, listing=Profile.Listing.HIDDEN)
    gone = expert("Deactivated", **fit)
    gone.user.is_active = False
    gone.user.save()
    member_services.update_profile(profile=gone, headline="Left")  # files it again
    owner, sme = sme_member()
    colleague = expert("Colleague", **fit)
    MembershipFactory(organisation=sme, user=colleague.user)
    expert("Proposed", **fit)
    assert names(matching.rank(suzhou_request(author=owner, organisation=sme))) == ["Proposed"]


def test_a_required_language_is_a_hard_filter():
    expert("Speaks Mandarin", sectors=[sector("automotive")], languages=["cmn"])
    expert("Speaks French", advice_topics=["supplier audits"], sectors=[sector("automotive")])
    assert names(matching.rank(suzhou_request())) == ["Speaks French", "Speaks Mandarin"]
    required = suzhou_request(language_required=True)
    assert names(matching.rank(required)) == ["Speaks Mandarin"]


def test_a_request_in_traditional_characters_names_a_topic_written_in_simplified_ones():
    expert("Zhao Lei", advice_topics=["供应链金融"], sectors=[sector("finance-banking")])
    request = suzhou_request(
        title="尋找供應鏈金融方面的建議",
        description="我們是蘇州的製造商，想了解供應鏈金融，希望在安大略找到合作銀行。" * 2,
        sectors=[sector("finance-banking")],
    )
    matches = matching.rank(request)
    assert names(matches) == ["Zhao Lei"]
    assert matches[0].reasons[0] == "willing to advise on 供应链金融"


def test_a_topic_named_in_chinese_text_is_found():
    expert("Zhao Lei", advice_topics=["供应链金融"], sectors=[sector("finance-banking")])
    expert("Chen Jing", advice_topics=["跨境电商"], sectors=[sector("finance-banking")])
    request = suzhou_request(
        title="寻找供应链金融方面的建议",
        description="我们是苏州的制造商，想了解供应链金融，希望在安大略找到合作银行。" * 2,
        sectors=[sector("finance-banking")],
    )
    matches = matching.rank(request)
    assert names(matches) == ["Zhao Lei", "Chen Jing"]
    assert matches[0].reasons[0] == "willing to advise on 供应链金融"


WINTER, SPRING, SUMMER = date(2027, 1, 15), date(2027, 3, 20), date(2027, 7, 15)


@pytest.mark.parametrize(
    ("zone", "other", "day", "hours"),
    [
        ("America/Vancouver", "Asia/Shanghai", WINTER, 1),  # 9:00 in Shanghai is 17:00 there
        ("Asia/Shanghai", "America/Vancouver", WINTER, 1),  # the day before, across the date line
        ("America/Vancouver", "Asia/Shanghai", SUMMER, 0),  # daylight saving time: 18:00
        ("America/Toronto", "Asia/Shanghai", WINTER, 0),
        ("America/Toronto", "Europe/London", WINTER, 4),
        ("America/Toronto", "Europe/London", SPRING, 5),  # Canada moved its clocks, not yet the UK
        ("America/Toronto", "America/Toronto", SUMMER, 9),
        ("America/Toronto", "Asia/Kolkata", WINTER, 0),
        ("Europe/London", "Asia/Kolkata", WINTER, 3),  # 3½ hours: whole hours count
    ],
)
def test_working_hours_shared_follow_the_clocks_of_the_day(zone, other, day, hours):
    assert matching.working_hours_shared(zone, other, day) == hours


def equal_experts(*regions):
    """Experts who differ only in their city-region in Canada, the first one least recently
    active (who would lose a tie)."""
    for slug in regions:
        expert(slug.title(), sectors=[sector("automotive")], canadian_region=region(slug))


def test_the_expert_whose_working_day_overlaps_the_smes_more_ranks_higher():
    equal_experts("vancouver", "calgary")
    matches = matching.rank(suzhou_request(), today=WINTER)
    assert names(matches) == ["Vancouver", "Calgary"]
    assert matches[0].score - matches[1].score == pytest.approx(matching.WEIGHTS["time_zone"])
    assert "shares 1 working hour with Suzhou" in matches[0].reasons
    assert not [reason for reason in matches[1].reasons if "working hour" in reason]


def test_the_smes_own_city_region_is_where_it_works():
    owner, sme = sme_member()
    sme.city_regions.set([region("paris")])
    equal_experts("vancouver", "ottawa")
    matches = matching.rank(suzhou_request(author=owner, organisation=sme), today=WINTER)
    assert names(matches) == ["Ottawa", "Vancouver"]
    assert "shares 3 working hours with Paris" in matches[0].reasons
    assert matches[0].score - matches[1].score == pytest.approx(3 * matching.WEIGHTS["time_zone"])


@pytest.mark.parametrize("unknown", ["", "Mars/Olympus_Mons"])
def test_no_time_zone_known_gives_no_points_and_no_reason(unknown):
    CityRegion.objects.filter(slug="suzhou").update(time_zone=unknown)
    equal_experts("vancouver", "calgary")
    expert("Nowhere", sectors=[sector("automotive")])
    matches = matching.rank(suzhou_request(), today=WINTER)
    assert names(matches) == ["Nowhere", "Calgary", "Vancouver"]
    assert len({match.score for match in matches}) == 1
    assert not [reason for match in matches for reason in match.reasons if "hour" in reason]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("We need SUPPLIER AUDITS, fast.", {"supplier audits", "audits"}),
        ("ISO-9001 certification", {"iso-9001", "iso-9001 certification"}),
        ("想了解供应链金融", {"供应链", "供应链金融", "金融"}),
    ],
)
def test_phrases_are_written_as_tags_are(text, found):
    assert found <= matching.phrases(text)


@pytest.mark.parametrize(
    ("language", "why"),
    [
        (
            "fr",
            "accepte de conseiller sur supplier audits\N{NO-BREAK SPACE}; "
            "secteur\N{NO-BREAK SPACE}: Industrie automobile\N{NO-BREAK SPACE}; parle Mandarin",
        ),
        ("zh-hans", "愿意就supplier audits提供咨询；行业：汽车；会说普通话"),
    ],
)
def test_the_reasons_speak_the_viewers_language(language, why):
    expert(
        "Wang Fang",
        advice_topics=["supplier audits"],
        sectors=[sector("automotive")],
        languages=["cmn"],
    )
    with translation.override(language):
        [match] = matching.rank(suzhou_request())
        assert match.why == why

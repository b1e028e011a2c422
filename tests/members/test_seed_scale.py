"""The scale data set: counts, text the search finds, the services' search text, and refusals."""

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from core import search
from members import indexing
from members.management.commands.seed_scale import SCALE_DOMAIN
from members.models import Membership, Organisation, Profile, User

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")


def seed(**options):
    call_command(
        "seed_scale", members=50, organisations=5, verbosity=0, stdout=StringIO(), **options
    )


def generated_members():
    return User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}")


def test_counts_and_rows():
    seed()
    users = generated_members()
    assert users.count() == 50
    assert Profile.objects.filter(user__in=users).count() == 50
    assert EmailAddress.objects.filter(user__in=users, verified=True, primary=True).count() == 50
    assert Profile.objects.filter(user__in=users, onboarded_at__isnull=False).exists()
    assert set(Profile.objects.values_list("listing", flat=True)) >= {"public", "members"}
    user = users.first()
    assert user.check_password("knowbridge-scale-2026")
    organisations = Organisation.objects.filter(website__contains=SCALE_DOMAIN)
    assert organisations.count() == 5
    for organisation in organisations:
        roles = list(organisation.memberships.values_list("role", flat=True))
        assert 1 <= len(roles) <= 5
        assert roles.count(Membership.Role.OWNER) == 1


def test_search_finds_a_generated_chinese_keyword():
    seed()
    profile, tag = next(
        (profile, tag)
        for profile in Profile.objects.prefetch_related("expertise")
        for tag in profile.expertise.all()
        if HAN.search(tag.name)
    )
    found = search.search(Profile.objects.all(), tag.name)
    assert profile in found


def test_search_text_and_directory_tokens_are_what_the_services_compute():
    """Stored text and tokens are those the services' indexing writes."""
    seed()
    seeded = dict(Profile.objects.values_list("pk", "search_text"))
    tokens = dict(Profile.objects.values_list("pk", "tokens"))
    indexing.reindex_profiles(seeded)
    for profile in Profile.objects.all():
        assert sorted(seeded[profile.pk].split()) == sorted(profile.search_text.split()), profile.pk
        assert tokens[profile.pk] == profile.tokens, profile.pk
    for organisation in Organisation.objects.all():
        text = organisation.search_text
        indexing.reindex_organisation(organisation)
        organisation.refresh_from_db(fields=["search_text"])
        assert sorted(text.split()) == sorted(organisation.search_text.split())


def test_refuses_to_run_twice_unless_forced():
    seed()
    with pytest.raises(CommandError, match="--force"):
        seed()
    seed(force=True)  # replaces the earlier set
    assert generated_members().count() == 50
    assert Organisation.objects.filter(website__contains=SCALE_DOMAIN).count() == 5


def test_refuses_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        seed()

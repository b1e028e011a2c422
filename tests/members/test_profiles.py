import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from members import forms, selectors, serializers, services
from members.models import CityRegion, Profile
from tests.members.factories import PASSWORD, CityRegionFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db


def image_upload(fmt="PNG", size=(900, 600), name="me.png", content_type="image/png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 93, 107)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def test_every_member_has_a_profile():
    assert Profile.objects.filter(user=UserFactory()).exists()


def test_onboarding_leads_an_expert_from_intents_to_the_dashboard(client, member):
    client.force_login(member)
    assert client.get(reverse("members:dashboard")).url == reverse("members:onboarding")
    response = client.post(reverse("members:onboarding"), {"offers_expertise": "on"})
    assert response.url == reverse("members:onboarding_details")
    sector = SectorFactory()
    response = client.post(
        reverse("members:onboarding_details"),
        {
            "headline": "Supply-chain lead, Shenzhen ↔ Toronto",
            "sectors": [sector.pk],
            "expertise": "供应链, cross-border logistics",
            "open_to_requests": "on",
        },
    )
    assert response.url == reverse("members:dashboard")
    profile = Profile.objects.get(pk=member.pk)
    assert profile.onboarded_at is not None
    assert profile.open_to_requests
    assert sorted(profile.expertise.values_list("name", flat=True)) == [
        "cross-border logistics",
        "供应链",
    ]
    assert client.get(reverse("members:dashboard")).status_code == 200


def test_onboarding_needs_at_least_one_intent_and_says_so(client, member):
    client.force_login(member)
    response = client.post(reverse("members:onboarding"), {})
    assert response.status_code == 200
    assert "Choose at least one thing that brings you to KnowBridge." in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.choose_intents(
            profile=member.profile,
            offers_expertise=False,
            seeks_help=False,
            represents_facilitator=False,
        )
    assert refused.value.messages == ["Choose at least one thing that brings you to KnowBridge."]


def test_sme_members_are_sent_to_create_their_organisation(client, member):
    client.force_login(member)
    client.post(reverse("members:onboarding"), {"seeks_help": "on"})
    response = client.post(reverse("members:onboarding_details"), {"headline": "Founder"})
    assert response.url == reverse("organisations:create")


def test_tags_are_normalised_so_spellings_share_one_tag():
    profile = UserFactory().profile
    services.update_profile(profile=profile, expertise=["Cross-border  M&A", "cross-border m&a"])
    other = UserFactory().profile
    services.update_profile(profile=other, expertise=["CROSS-BORDER M&A"])
    assert profile.expertise.get() == other.expertise.get()
    assert profile.expertise.get().name == "Cross-border M&A"


def test_bad_input_keeps_what_was_typed(client, member):
    client.force_login(member)
    response = client.post(
        reverse("members:profile_edit"),
        {"headline": "Banker in Calgary", "years_in_canada": "200", "listing": "members"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Banker in Calgary"' in html
    assert "Ensure this value is less than or equal to 80." in html


def test_completeness_points_to_the_most_useful_next_step():
    profile = UserFactory().profile
    services.choose_intents(
        profile=profile, offers_expertise=True, seeks_help=False, represents_facilitator=False
    )
    before = selectors.completeness(selectors.profile_for_page(profile.handle))
    assert before.percent == 0
    assert before.next_step.key == "headline"
    services.update_profile(profile=profile, headline="Fintech adviser", sectors=[SectorFactory()])
    after = selectors.completeness(selectors.profile_for_page(profile.handle))
    assert 0 < after.percent < 100
    assert after.next_step.key == "expertise"


def test_photo_is_cropped_to_a_square_jpeg(client, member):
    client.force_login(member)
    response = client.post(reverse("members:profile_photo"), {"photo": image_upload()})
    assert response.status_code == 302
    profile = Profile.objects.get(pk=member.pk)
    with Image.open(profile.photo) as stored:
        assert (stored.format, stored.size) == ("JPEG", (400, 400))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png"),
            "not an image we can read",
        ),
        (image_upload(fmt="GIF", name="anim.gif", content_type="image/gif"), "JPEG, PNG or WebP"),
        (
            SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 1)),
            "the largest accepted is 5 MB",
        ),
    ],
    ids=["corrupt", "wrong-type", "oversized"],
)
def test_bad_photos_get_a_clear_error(client, member, upload, message):
    client.force_login(member)
    response = client.post(reverse("members:profile_photo"), {"photo": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Profile.objects.get(pk=member.pk).photo


def test_experience_entries_are_saved_and_shown(client, member):
    client.force_login(member)
    china = CityRegionFactory(country__code="CN", country__name_en="China")
    canada = CityRegionFactory()
    sector = SectorFactory()
    data = {}
    for prefix in ("languages", "countries", "designations", "links", "corridors"):
        data |= {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"}
    data |= {
        "corridors-0-china_region": china.pk,
        "corridors-0-canada_region": canada.pk,
        "corridors-0-sector": sector.pk,
        "designations-0-title": "P.Eng.",
        "designations-0-jurisdiction": "Ontario",
    }
    response = client.post(reverse("members:profile_experience"), data)
    assert response.status_code == 302
    page = client.get(reverse("members:profile", args=[member.profile.handle])).content.decode()
    assert "P.Eng. (Ontario)" in page
    assert f"{china.name_en} ↔ {canada.name_en}" in page


def test_logging_in_counts_as_recent_activity(client, member):
    Profile.objects.filter(pk=member.pk).update(last_active_at="2020-01-01T00:00:00Z")
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert Profile.objects.get(pk=member.pk).last_active_at.year > 2020


# --- One rule, every door (page, API, service) ----------------------------------------------------

TOO_MANY_TAGS = [f"tag {number}" for number in range(21)]
TOO_LONG_TAG = ["x" * 61]


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (TOO_MANY_TAGS, "Twenty tags at most."),
        (TOO_LONG_TAG, "Each tag can be 60 characters long at most."),
    ],
    ids=["21-tags", "61-characters"],
)
def test_the_tag_cap_says_the_same_on_the_page_in_the_api_and_in_the_service(
    client, member, tags, message
):
    client.force_login(member)
    page = client.post(
        reverse("members:profile_edit"), {"listing": "members", "expertise": ", ".join(tags)}
    )
    assert page.status_code == 200
    assert page.context["form"].errors["expertise"] == [message]

    api = APIClient()
    api.force_authenticate(member)
    response = api.patch("/api/v1/profile/", {"advice_topics": tags}, format="json")
    assert response.status_code == 400
    assert [error["detail"] for error in response.json()["errors"]] == [message]

    with pytest.raises(ValidationError) as refused:
        services.update_profile(profile=member.profile, expertise=tags)
    assert refused.value.message_dict == {"expertise": [message]}
    assert not member.profile.expertise.exists()


def test_twenty_tags_are_fine_everywhere(client, member):
    tags = [f"tag {number}" for number in range(20)]
    client.force_login(member)
    page = client.post(
        reverse("members:profile_edit"),
        {"listing": "members", "max_open_engagements": 3, "expertise": ", ".join(tags)},
    )
    assert page.status_code == 302
    assert member.profile.expertise.count() == 20


def test_home_regions_are_outside_canada_whichever_way_they_come(client, member):
    toronto = CityRegion.objects.get(slug="toronto")
    shenzhen = CityRegion.objects.get(slug="shenzhen")
    with pytest.raises(ValidationError) as refused:
        services.update_profile(profile=member.profile, home_regions=[shenzhen, toronto])
    assert refused.value.message_dict == {
        "home_regions": ["Ties are to city-regions outside Canada."]
    }
    assert not member.profile.home_regions.exists()

    client.force_login(member)
    page = client.post(
        reverse("members:profile_edit"), {"listing": "members", "home_regions": [toronto.pk]}
    )
    assert "home_regions" in page.context["form"].errors
    assert "Toronto" not in str(page.context["form"]["home_regions"])
    assert "Shenzhen" in str(page.context["form"]["home_regions"])

    services.update_profile(profile=member.profile, home_regions=[shenzhen])
    assert list(member.profile.home_regions.all()) == [shenzhen]


def test_the_page_and_the_api_let_members_change_the_same_profile_fields():
    page = set(forms.ProfileForm.base_fields)
    api = {
        name
        for name, field in serializers.OwnProfileSerializer().fields.items()
        if not field.read_only and name != "visibility"
    }
    assert page == api == {*Profile.EDITABLE, *Profile.TAG_RELATIONS}

"""A member downloads everything KnowBridge holds about them, then deletes their account: they
are logged out, and their profile and photo are gone for everyone."""

import json
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from members import services
from tests.core import image_files
from tests.members.factories import PASSWORD, listed_member


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_member_downloads_their_data_and_deletes_their_account(journey, browser):
    profile = listed_member("Lucie Gagnon", headline="Conseillère en commerce Canada–Chine")
    services.set_photo(profile=profile, jpeg=image_files.portrait_facing_right())
    services.set_field_visibility(profile=profile, visibility={"photo": "public"})
    email, photo_name = profile.user.email, profile.photo.name
    profile_path, photo_path = f"/members/{profile.handle}/", profile.photo_url

    page = journey.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    journey.step("login")
    page.get_by_role("button", name="Log in", exact=True).click()
    journey.step("dashboard")

    page.get_by_role("navigation", name="Account").locator("summary").click()
    page.get_by_role("link", name="Email addresses").click()
    journey.step("email-addresses")
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    journey.step("your-data")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data").click()
    assert download.value.suggested_filename == "knowbridge-my-data.json"
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == email
    assert data["account"]["display_name"] == "Lucie Gagnon"
    assert data["profile"]["headline"] == "Conseillère en commerce Canada–Chine"
    assert data["profile"]["photo"].endswith(photo_path)

    visitor = browser.new_context()
    assert visitor.request.get(journey.url(photo_path)).status == 200

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_text("Your account was deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    journey.step("deleted")

    # Asked for outside the page: the journey counts a 404 page's console message as an error.
    assert page.request.get(journey.url(profile_path)).status == 404
    assert page.request.get(journey.url(photo_path)).status == 404
    assert visitor.request.get(journey.url(photo_path)).status == 404
    assert not default_storage.exists(photo_name)
    visitor.close()

    page = journey.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(
        page.get_by_text("The email address and/or password you specified are not correct.")
    ).to_be_visible()
    journey.step("cannot-log-in-again")

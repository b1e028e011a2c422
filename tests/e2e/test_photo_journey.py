"""A member adds a photo, sees it on their profile, is told what is wrong with a broken file or
a bomb, then keeps the photo to themselves: visitors no longer get it."""

import re

import pytest
from playwright.sync_api import Page, expect

from members import services
from tests.core import image_files
from tests.members.factories import listed_member

SERVED_PHOTO = re.compile(r"^/members/photos/[-\w]{32}\.jpg$")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(page: Page, name: str, data: bytes) -> None:
    page.get_by_label(re.compile(r"^Photo:?$")).set_input_files(
        {"name": name, "mimeType": "image/png", "buffer": data}
    )
    page.get_by_role("button", name="Upload").click()


def shown_width(image) -> int:
    """The decoded width of an image on the page, once it has loaded: 0 when it could not."""
    return image.evaluate("image => image.decode().then(() => image.naturalWidth, () => 0)")


def test_member_uploads_a_photo_and_hostile_files_are_refused(journey, browser):
    profile = listed_member("Wang Fang", headline="Trade finance adviser")
    services.set_field_visibility(profile=profile, visibility={"photo": "public"})
    page = journey.log_in(profile.user.email)
    journey.step("dashboard")

    journey.goto("/members/profile/photo/")
    expect(page.get_by_role("heading", name="Photo")).to_be_visible()
    journey.step("photo-page")
    upload(page, "portrait.png", image_files.png(1200, 900))
    expect(page.get_by_text("Your photo was saved.")).to_be_visible()
    current = page.get_by_role("img", name="Your current photo")
    expect(current).to_have_attribute("src", SERVED_PHOTO)
    assert shown_width(current) == 400
    journey.step("photo-saved")

    page.get_by_role("link", name="See my profile as others do").click()
    expect(page.get_by_role("heading", name="Wang Fang")).to_be_visible()
    photo = page.locator(".profile-header img")
    assert shown_width(photo) == 400
    photo_url = journey.url(photo.get_attribute("src"))
    served = page.request.get(photo_url)
    assert served.status == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert "private" in served.headers["cache-control"]
    journey.step("profile-with-photo")

    visitor = browser.new_context()
    assert visitor.request.get(photo_url).status == 200  # shown to everyone, for now

    journey.goto("/members/profile/photo/")
    upload(page, "cut.png", image_files.truncated_png())
    expect(page.get_by_text("The image is incomplete: the file was cut short.")).to_be_visible()
    journey.step("truncated-refused")
    upload(page, "bomb.png", image_files.png_bomb())
    expect(page.get_by_text("The image has far too many pixels to be a photo.")).to_be_visible()
    journey.step("bomb-refused")
    upload(page, "huge.png", image_files.png(6000, 6000))
    expect(page.get_by_text("The image is 6000 × 6000 pixels")).to_be_visible()
    journey.step("too-many-pixels-refused")

    page.get_by_role("link", name="Privacy").click()
    page.get_by_label("Photo").select_option(label="Only me")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your privacy settings were saved.")).to_be_visible()
    journey.step("photo-only-me")
    assert visitor.request.get(photo_url).status == 404
    assert page.request.get(photo_url).status == 200  # the owner still sees it
    visitor.close()

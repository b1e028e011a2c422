"""Members' photos: uploaded through the page or the API, stored under names nobody can guess,
served only to those allowed to see them, and gone with the account."""

import importlib
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from members import services
from members.models import Profile
from tests.core import image_files
from tests.members.factories import PASSWORD, UserFactory, listed_member, with_authenticator

pytestmark = pytest.mark.django_db

UNGUESSABLE = re.compile(r"photos/[-\w]{32}\.jpg")
API_PHOTO = "/api/v1/profile/photo/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PROTECTED_MEDIA_ACCEL_PREFIX = ""
    return tmp_path


def png_upload(name="me.png", size=(900, 600)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_files.png(*size), content_type="image/png")


def jpeg() -> bytes:
    return image_files.portrait_facing_right()


def with_photo(profile: Profile, *, visibility: str = "public") -> Profile:
    services.set_photo(profile=profile, jpeg=jpeg())
    services.set_field_visibility(profile=profile, visibility={"photo": visibility})
    return profile


# --- Uploading on the page ------------------------------------------------------------------------


def test_an_upload_is_stored_as_a_square_jpeg_under_an_unguessable_name(client, member):
    client.force_login(member)
    response = client.post(reverse("members:profile_photo"), {"photo": png_upload()})
    assert response.status_code == 302
    profile = Profile.objects.get(pk=member.pk)
    assert UNGUESSABLE.fullmatch(profile.photo.name)
    page = client.get(reverse("members:profile_photo")).content.decode()
    assert f'src="{profile.photo_url}"' in page
    served = client.get(profile.photo_url)
    assert served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == default_storage.open(profile.photo.name).read()


def test_two_uploads_get_different_names_and_the_first_file_goes(
    client, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:profile_photo"), {"photo": png_upload()})
    first = Profile.objects.get(pk=member.pk).photo.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:profile_photo"), {"photo": png_upload("again.png")})
    second = Profile.objects.get(pk=member.pk).photo.name
    assert first != second
    assert not default_storage.exists(first)
    assert default_storage.exists(second)


@pytest.mark.parametrize(
    ("make", "code", "message"),
    image_files.HOSTILE.values(),
    ids=image_files.HOSTILE.keys(),
)
def test_a_hostile_file_gets_the_form_back_with_its_error(client, member, make, code, message):
    client.force_login(member)
    upload = SimpleUploadedFile("photo.png", make(), content_type="image/png")
    response = client.post(reverse("members:profile_photo"), {"photo": upload})
    assert response.status_code == 200  # the form again, as every profile page answers
    [error] = response.context["form"].errors.as_data()["photo"]
    assert error.code == code
    assert escape(error.messages[0]) in response.content.decode()
    assert not Profile.objects.get(pk=member.pk).photo


def test_removing_the_photo_deletes_its_file_and_its_address(
    client, member, django_capture_on_commit_callbacks
):
    profile = with_photo(member.profile)
    name, url = profile.photo.name, profile.photo_url
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:profile_photo"), {"action": "remove"})
    assert not default_storage.exists(name)
    assert client.get(url).status_code == 404


# --- Serving --------------------------------------------------------------------------------------


def test_a_photo_is_served_privately_and_asked_for_again_each_time(client):
    profile = with_photo(listed_member())
    response = client.get(profile.photo_url)
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= cache_control
    again = client.get(profile.photo_url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_a_viewer_who_lost_access_gets_404_even_for_a_photo_in_their_cache(client):
    profile = with_photo(listed_member())
    etag = client.get(profile.photo_url)["ETag"]
    services.set_field_visibility(profile=profile, visibility={"photo": "private"})
    assert client.get(profile.photo_url, headers={"If-None-Match": etag}).status_code == 404


def test_behind_nginx_the_web_server_sends_the_file(client, settings):
    settings.PROTECTED_MEDIA_ACCEL_PREFIX = "/protected-media/"
    profile = with_photo(listed_member())
    response = client.get(profile.photo_url)
    assert response["X-Accel-Redirect"] == f"/protected-media/{profile.photo.name}"
    assert response.content == b""
    assert "private" in response["Cache-Control"]
    services.set_field_visibility(profile=profile, visibility={"photo": "private"})
    assert not client.get(profile.photo_url).has_header("X-Accel-Redirect")


@pytest.mark.parametrize(
    "file_name", ["unknown-token.jpg", "..%2F..%2Fsettings.py", "%00.jpg", ".jpg"]
)
def test_unknown_names_are_not_found(client, file_name):
    with_photo(listed_member())
    assert client.get(f"/members/photos/{file_name}").status_code == 404


# --- Who sees a photo: the rules of members.access ------------------------------------------------

LISTINGS = ["public", "members", "hidden"]
VISIBILITIES = ["public", "members", "private"]


def may_see(viewer: str, listing: str, visibility: str) -> bool:
    if viewer == "owner":
        return True
    if viewer == "anonymous":
        return listing == "public" and visibility == "public"
    if viewer == "member" and listing == "hidden":
        return False  # hidden profiles: their organisations' members and staff only
    return visibility in ("public", "members")


def as_viewer(client, viewer: str, profile: Profile):
    if viewer == "owner":
        client.force_login(profile.user)
    elif viewer == "member":
        client.force_login(UserFactory())
    elif viewer == "staff":
        client.force_login(with_authenticator(UserFactory(is_staff=True)))
    return client


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("listing", LISTINGS)
@pytest.mark.parametrize("viewer", ["anonymous", "member", "owner", "staff"])
def test_who_sees_a_photo(client, viewer, listing, visibility):
    profile = with_photo(listed_member(listing=listing), visibility=visibility)
    client = as_viewer(client, viewer, profile)
    allowed = may_see(viewer, listing, visibility)
    assert client.get(profile.photo_url).status_code == (200 if allowed else 404)
    page = client.get(reverse("members:profile", args=[profile.handle]))
    if page.status_code == 200:
        assert (profile.photo_url in page.content.decode()) == allowed
    api = APIClient()
    api.force_authenticate(None if viewer == "anonymous" else page.wsgi_request.user)
    card = api.get(f"/api/v1/members/{profile.handle}/")
    if card.status_code == 200:
        assert card.json()["photo"] == (
            f"http://testserver{profile.photo_url}" if allowed else None
        )


# --- Leaving --------------------------------------------------------------------------------------


def test_the_photo_goes_with_the_account(client, django_capture_on_commit_callbacks):
    profile = with_photo(listed_member())
    name, url = profile.photo.name, profile.photo_url
    client.force_login(profile.user)
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:account_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not default_storage.exists(name)
    assert client.get(url).status_code == 404
    client.force_login(with_authenticator(UserFactory(is_staff=True)))
    assert client.get(url).status_code == 404


def test_the_data_download_gives_the_photo_s_address(client, member, settings):
    profile = with_photo(member.profile, visibility="private")
    client.force_login(member)
    data = client.get(reverse("members:account_data_download")).json()
    assert data["profile"]["photo"] == f"{settings.SITE_URL}{profile.photo_url}"
    assert client.get(profile.photo_url).status_code == 200


def test_photos_stored_under_guessable_names_move_to_unguessable_ones(
    member, django_capture_on_commit_callbacks
):
    old = default_storage.save(f"photos/{member.pk}/20250101120000.jpg", ContentFile(jpeg()))
    Profile.objects.filter(pk=member.pk).update(photo=old)
    migration = importlib.import_module("members.migrations.0008_unguessable_photo_names")
    with django_capture_on_commit_callbacks(execute=True):
        migration.rename_guessable_photos(apps, connection.schema_editor())
    new = Profile.objects.get(pk=member.pk).photo.name
    assert UNGUESSABLE.fullmatch(new)
    assert default_storage.open(new).read() == jpeg()
    assert not default_storage.exists(old)


# --- API ------------------------------------------------------------------------------------------


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_authenticate(member)
    return client


def test_the_api_uploads_and_removes_the_photo(api, member, django_capture_on_commit_callbacks):
    response = api.put(API_PHOTO, {"photo": png_upload()}, format="multipart")
    assert response.status_code == 200
    profile = Profile.objects.get(pk=member.pk)
    assert response.json() == {"photo": f"http://testserver{profile.photo_url}"}
    assert UNGUESSABLE.fullmatch(profile.photo.name)
    assert api.get("/api/v1/profile/").json()["photo"] == response.json()["photo"]
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(API_PHOTO).status_code == 204
    assert not default_storage.exists(profile.photo.name)
    assert Profile.objects.get(pk=member.pk).photo == ""


@pytest.mark.parametrize(
    ("make", "code", "message"),
    image_files.HOSTILE.values(),
    ids=image_files.HOSTILE.keys(),
)
def test_a_hostile_file_gets_a_400_naming_the_photo(api, member, make, code, message):
    upload = SimpleUploadedFile("photo.png", make(), content_type="image/png")
    response = api.put(API_PHOTO, {"photo": upload}, format="multipart")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["attr"], error["code"]) == ("photo", code)
    assert not Profile.objects.get(pk=member.pk).photo


def test_the_api_takes_the_photo_only_as_a_multipart_form(api):
    assert api.put(API_PHOTO, {"photo": "aGVsbG8="}, format="json").status_code == 415


def test_only_a_signed_in_member_has_a_photo_to_change():
    upload = {"photo": png_upload()}
    assert APIClient().put(API_PHOTO, upload, format="multipart").status_code == 401
    assert APIClient().delete(API_PHOTO).status_code == 401

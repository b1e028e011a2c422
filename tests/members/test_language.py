import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def switch(client, language, next_path="/"):
    return client.post(
        reverse("members:switch_language"), {"language": language, "next": next_path}
    )


@pytest.mark.parametrize(
    ("language", "heading"),
    [("fr", "Le savoir voyage"), ("zh-hans", "知识"), ("en", "Knowledge travels through people.")],
)
def test_visitors_switch_language_and_see_the_site_in_it(client, language, heading):
    response = switch(client, language)
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert f'<html lang="{language}">' in page
    assert heading in page


def test_a_member_s_choice_is_kept_for_their_emails(client, member):
    client.force_login(member)
    switch(client, "zh-hans")
    member.refresh_from_db()
    assert member.language == "zh-hans"


def test_an_unknown_language_changes_nothing(client, member):
    client.force_login(member)
    switch(client, "tlh")
    member.refresh_from_db()
    assert member.language == "en"
    assert '<html lang="en">' in client.get("/").content.decode()


def test_only_safe_next_urls_are_followed(client):
    response = switch(client, "fr", next_path="https://evil.example.com/")
    assert response.url == "/"

import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def switch(client, language, next_path="/"):
    return client.post(
        reverse("members:switch_language"), {"language": language, "next": next_path}
    )


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("fr", "Le savoir voyage"),
        ("zh-hans", "知识"),
        ("zh-hant", "知識"),
        ("en", "Knowledge travels through people."),
    ],
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


def test_traditional_chinese_is_offered_and_kept_for_e_mails(client, member):
    assert "繁體中文" in client.get("/").content.decode()
    client.force_login(member)
    switch(client, "zh-hant")
    member.refresh_from_db()
    assert member.language == "zh-hant"
    page = client.get("/").content.decode()
    assert '<html lang="zh-hant">' in page
    assert "個人主頁" in page


@pytest.mark.parametrize(
    ("language", "words", "not_these"),
    [
        ("en", ["Log in", "Sign up"], ["Sign In", "Sign Up"]),
        ("fr", ["Se connecter", "courriel"], ["e-mail", "Email"]),
        ("zh-hans", ["登录", "邮箱"], ["Email", "你"]),
        ("zh-hant", ["登入", "郵箱"], ["Email", "你", "登录"]),
    ],
)
def test_the_account_pages_speak_the_glossary(client, language, words, not_these):
    switch(client, language)
    pages = "".join(
        client.get(reverse(name)).content.decode() for name in ("account_login", "account_signup")
    )
    for word in words:
        assert word in pages
    for word in not_these:
        assert f">{word}<" not in pages
        assert f"{word} " not in pages


def test_the_e_mail_addresses_page_names_them_in_chinese(client, member):
    client.force_login(member)
    switch(client, "zh-hans")
    page = client.get(reverse("account_email")).content.decode()
    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", page, flags=re.DOTALL)
    assert "邮箱地址" in text
    assert "首选" in text
    assert "Email" not in text


@pytest.mark.parametrize(
    ("language", "suffix"), [("fr", "\u00a0:"), ("zh-hans", "："), ("en", ":")]
)
def test_form_labels_end_as_the_language_writes_a_colon(language, suffix):
    with translation.override(language):
        assert forms.Form().label_suffix == suffix


@pytest.mark.parametrize(
    ("language", "note"), [("fr", "Remarque\u00a0:"), ("zh-hans", "提示："), ("en", "Note:")]
)
def test_the_already_logged_in_note_ends_as_the_language_writes_a_colon(
    client, member, language, note
):
    client.force_login(member)
    switch(client, language)
    page = client.get(reverse("account_reset_password")).content.decode()
    assert f"<strong>{note}</strong>" in page

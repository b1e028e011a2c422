"""The moderation queue, a case and a member's record are for moderators only; the pages and the
API decide through the same services, keep what was typed when something is wrong, and cost a
fixed number of queries whatever the queue holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import AuditEvent
from forums.models import Post
from moderation import services
from moderation.models import Case, ModeratorNote, Sanction
from tests.conversations.test_api import api
from tests.matchmaking.factories import sme_member
from tests.members.factories import PASSWORD, UserFactory
from tests.moderation.factories import administrator, flag_post, flagged_post, moderator, staff

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")


def case_url(case) -> str:
    return reverse("moderation:case", args=[case.pk])


def member_url(member) -> str:
    return reverse("moderation:member", args=[member.pk])


ROLES = {
    "member": lambda: UserFactory(),
    "SME member": lambda: sme_member()[0],
    "staff": lambda: staff(),
    "moderator": lambda: moderator(),
    "administrator": lambda: administrator(),
}
SEES = {"moderator", "administrator"}  # administrators here are superusers


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_open_the_queue_a_case_and_a_members_record(client, role):
    post = flagged_post(author=UserFactory(email="author@example.org"))
    case = Case.objects.get()
    ModeratorNote.objects.create(member=post.author, text="Second warning coming")
    client.force_login(ROLES[role]())
    pages = [client.get(path) for path in (QUEUE, case_url(case), member_url(post.author))]
    if role in SEES:
        assert [page.status_code for page in pages] == [200, 200, 200]
        assert "Second warning coming" in pages[2].content.decode()
    else:
        assert [page.status_code for page in pages] == [403, 404, 404]
        assert all("Second warning coming" not in page.content.decode() for page in pages)


def test_visitors_are_sent_to_sign_in(client):
    assert client.get(QUEUE)["Location"].startswith(reverse("account_login"))


def test_the_queue_shows_the_flags_reasons_and_the_authors_history(client):
    author = UserFactory(display_name="Wang Lei")
    flagged_post(flaggers=2, author=author, reason="abuse", body="You people are all idiots")
    services.warn(moderator=moderator(), member=author, reason="Rude before")
    client.force_login(moderator())
    page = client.get(QUEUE).content.decode()
    assert "Abuse or harassment × 2" in page
    assert "You people are all idiots" in page
    assert "Warning × 1" in page


def test_a_moderator_hides_a_post_from_the_case_page(client):
    post = flagged_post(body="Cheap visas, call me")
    case = Case.objects.get()
    client.force_login(moderator())
    answer = client.post(case_url(case), {"action": "hide", "reason": "Advertising"})
    assert answer.status_code == 302
    assert AuditEvent.objects.get(action="moderation.hide").reason == "Advertising"
    post.refresh_from_db()
    assert post.is_hidden


def test_a_decision_without_a_reason_is_refused_and_keeps_what_was_typed(client):
    flagged_post()
    case = Case.objects.get()
    client.force_login(moderator())
    answer = client.post(
        case_url(case), {"action": "edit", "reason": "", "body": "My careful rewrite of it"}
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "This field is required" in page
    assert "My careful rewrite of it" in page
    assert Case.objects.get().is_waiting


def test_a_move_without_a_category_says_so(client):
    flagged_post()
    client.force_login(moderator())
    answer = client.post(case_url(Case.objects.get()), {"action": "move", "reason": "Wrong place"})
    assert answer.status_code == 400
    assert "Choose the category to move it to" in answer.content.decode()


@pytest.mark.parametrize("key", ["0", "99999999", "-1", "abc", "1%00", "9" * 30])
def test_broken_and_walked_case_ids_are_404s(client, key):
    client.force_login(moderator())
    assert client.get(f"/moderation/cases/{key}/").status_code == 404


def test_moderators_write_notes_only_moderators_read(client):
    member = UserFactory()
    client.force_login(moderator())
    client.post(member_url(member), {"text": "Sells visas in replies; watch"})
    assert ModeratorNote.objects.get(member=member).text == "Sells visas in replies; watch"
    client.force_login(member)
    assert client.get(member_url(member)).status_code == 404


def test_a_moderator_lifts_a_ban_from_the_members_record(client):
    member, mod = UserFactory(), moderator()
    ban = services.ban(moderator=mod, member=member, reason="Spam")
    client.force_login(mod)
    client.post(reverse("moderation:lift", args=[ban.pk]), {"reason": "Appeal accepted"})
    member.refresh_from_db()
    assert member.is_active
    assert AuditEvent.objects.get(action="moderation.lift").reason == "Appeal accepted"


def test_the_staff_home_leads_moderators_to_the_queue(client):
    client.force_login(moderator())
    page = client.get(reverse("members:staff_home")).content.decode()
    assert QUEUE in page


# --- Suspended members are locked out ------------------------------------------------------------


def test_a_suspended_member_loses_their_session_token_and_sign_in_at_once(client):
    member = UserFactory(email="wang@example.org", onboarded=True)
    client.force_login(member)
    token = Token.objects.create(user=member)
    by_token = APIClient()
    by_token.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert by_token.get("/api/v1/notifications/").status_code == 200
    services.suspend(moderator=moderator(), member=member, reason="Abuse", days=3)
    assert client.get(reverse("members:dashboard"))["Location"].startswith(reverse("account_login"))
    assert by_token.get("/api/v1/notifications/").status_code == 401
    assert by_token.post("/api/v1/flags/", {}, format="json").status_code == 401
    sign_in = client.post(
        reverse("account_login"), {"login": "wang@example.org", "password": PASSWORD}
    )
    assert sign_in["Location"] == reverse("account_inactive")
    assert "suspended, banned or closed" in client.get(sign_in["Location"]).content.decode()


def test_the_suspended_member_is_told_by_email_with_the_end_and_the_reason(
    email_through_the_worker,
):
    member = UserFactory(email="wang@example.org")
    services.suspend(moderator=moderator(), member=member, reason="Insults in replies", days=7)
    mail = email_through_the_worker.wait_for(1)[0]
    assert mail["To"] == "wang@example.org"
    assert "suspended" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "Insults in replies" in text
    assert str(Sanction.objects.get().ends_at.year) in text


# --- The API ------------------------------------------------------------------------------------


def test_moderators_decide_through_the_api_and_others_get_403_or_404():
    flagged_post()
    case = Case.objects.get()
    decisions = f"/api/v1/moderation/cases/{case.pk}/decisions/"
    assert api(UserFactory()).get("/api/v1/moderation/cases/").status_code == 403
    assert api(UserFactory()).post(decisions, {"action": "hide", "reason": "x"}).status_code == 404
    assert api().get("/api/v1/moderation/cases/").status_code == 401
    mod = api(moderator())
    listed = mod.get("/api/v1/moderation/cases/").json()["results"]
    assert [item["id"] for item in listed] == [case.pk]
    assert "hide" in listed[0]["actions"]
    answer = mod.post(decisions, {"action": "hide", "reason": "Advertising"}, format="json")
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["decision"]) == ("closed", "hide")


def test_the_api_names_the_field_at_fault():
    flagged_post()
    decisions = f"/api/v1/moderation/cases/{Case.objects.get().pk}/decisions/"
    mod = api(moderator())
    missing = mod.post(decisions, {"action": "move", "reason": "Wrong place"}, format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["attr"] == "category"
    unknown = mod.post(decisions, {"action": "explode", "reason": "x"}, format="json")
    assert unknown.json()["errors"][0]["attr"] == "action"
    nowhere = mod.post(
        decisions, {"action": "move", "reason": "x", "category": "no-such-place"}, format="json"
    )
    assert (nowhere.status_code, nowhere.json()["errors"][0]["attr"]) == (400, "category")
    assert Case.objects.get().is_waiting


def test_the_author_of_a_case_cannot_read_it_nor_notes_through_the_api():
    post = flagged_post()
    author = api(post.author)
    case = Case.objects.get()
    assert author.get(f"/api/v1/moderation/cases/{case.pk}/").status_code == 404
    assert author.get(f"/api/v1/moderation/members/{post.author.pk}/notes/").status_code == 404


# --- Query counts -------------------------------------------------------------------------------


def queries(client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_queue_costs_the_same_with_3_or_15_cases(client):
    mod = moderator()
    client.force_login(mod)
    for number in range(3):
        flagged_post(flaggers=2, title=f"Spam {number}")
    few = queries(client, QUEUE), queries(client, "/api/v1/moderation/cases/")
    for number in range(12):
        flagged_post(flaggers=2, title=f"More spam {number}")
    many = queries(client, QUEUE), queries(client, "/api/v1/moderation/cases/")
    assert many == few


def test_a_case_page_costs_the_same_with_2_or_12_flags(client):
    client.force_login(moderator())
    flagged_post(flaggers=2)
    path = case_url(Case.objects.get())
    few = queries(client, path)
    flag_post(Post.objects.get(number=2), *(UserFactory(trust_level=0) for _ in range(10)))
    assert queries(client, path) == few

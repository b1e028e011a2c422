"""Files attached to messages: each accepted type found from its content, everything else refused
with a message naming the file and nothing stored, downloads only through the doors (the
participants' own, and staff through an engagement's page), and a fixed number of queries."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conversations import services, uploads
from conversations.models import Attachment, Conversation, Message
from core.models import AuditEvent
from matchmaking import selectors as matchmaking_selectors
from matchmaking import services as matchmaking_services
from tests.conversations import attachment_files as files
from tests.conversations.factories import add_message, conversation, member
from tests.core import image_files
from tests.matchmaking.factories import expert, published, sector, sme_member
from tests.members.factories import MembershipFactory, UserFactory, with_authenticator

pytestmark = pytest.mark.django_db

STORED = re.compile(r"attachments/[-\w]{32}")
BODY = "The audit plan for 深圳, attached"
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SLIDES = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PROTECTED_MEDIA_ACCEL_PREFIX = ""
    return tmp_path


@pytest.fixture
def chat(alice, bob):
    return conversation(alice, bob)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(media) -> list:
    folder = media / "attachments"
    return sorted(folder.iterdir()) if folder.exists() else []


def send(client, chat, *attached, body=BODY):
    return client.post(f"/messages/{chat.pk}/", {"body": body, "attachments": list(attached)})


ACCEPTED = [
    ("audit plan.pdf", files.pdf, "application/pdf", "application/pdf"),
    ("factory.png", files.png, "image/png", "image/png"),
    ("line.JPG", files.jpeg, "image/jpeg", "image/jpeg"),
    ("line.jpeg", files.jpeg, "application/octet-stream", "image/jpeg"),
    ("floor.webp", files.webp, "image/webp", "image/webp"),
    ("notes.txt", files.text, "text/plain", "text/plain"),
    ("suppliers.csv", files.csv, "application/vnd.ms-excel", "text/csv"),
    ("suppliers.csv", files.csv, "text/plain", "text/csv"),
    ("contract.docx", files.docx, WORD, WORD),
    ("costs.xlsx", files.xlsx, "application/octet-stream", EXCEL),
    ("pitch.pptx", files.pptx, SLIDES, SLIDES),
]


# --- Accepted -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "make", "sent_as", "kind"), ACCEPTED)
def test_each_accepted_type_is_stored_under_an_unguessable_name(
    client, alice, chat, media, name, make, sent_as, kind
):
    client.force_login(alice)
    data = make()  # once: a zip's entries carry the time they were written
    response = send(client, chat, upload(name, data, sent_as))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.kind, attachment.size) == (name, kind, len(data))
    assert STORED.fullmatch(attachment.file.name)
    assert attachment.message.body == BODY
    assert [path.read_bytes() for path in stored_files(media)] == [data]


def test_a_message_lists_its_files_by_name_type_and_size_and_they_download(client, alice, bob):
    chat = conversation(alice, bob)
    client.force_login(alice)
    send(client, chat, upload("报告 2024.pdf", files.pdf()), upload("notes.txt", files.text()))
    client.force_login(bob)
    page = client.get(f"/messages/{chat.pk}/").content.decode()
    pdf, notes = Attachment.objects.order_by("pk")
    assert f'href="/messages/attachments/{pdf.pk}/"' in page
    assert "报告 2024.pdf" in page
    assert "PDF document" in page
    assert "notes.txt" in page
    assert "text file" in page
    assert page.index("报告 2024.pdf") < page.index("notes.txt")
    assert pdf.file.name not in page
    response = client.get(f"/messages/attachments/{pdf.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E6%8A%A5%E5%91%8A%202024.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    text = client.get(f"/messages/attachments/{notes.pk}/")
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert text["Content-Disposition"] == 'attachment; filename="notes.txt"'


def test_the_name_is_shown_escaped(client, alice, chat):
    name = "<img src=x onerror=alert(1)>.pdf"
    client.force_login(alice)
    assert send(client, chat, upload(name, files.pdf())).status_code == 302
    page = client.get(f"/messages/{chat.pk}/").content.decode()
    assert escape(name) in page
    assert "<img src=x" not in page


def test_the_name_is_given_back_quoted(client, alice, chat):
    services.send_message(
        author=alice,
        conversation=chat,
        body=BODY,
        attachments=uploads.checked_files([ContentFile(files.pdf(), name='say "hi".pdf')]),
    )
    client.force_login(alice)
    response = client.get(f"/messages/attachments/{Attachment.objects.get().pk}/")
    assert response["Content-Disposition"] == 'attachment; filename="say \\"hi\\".pdf"'


def test_the_form_takes_several_files_of_the_accepted_kinds(client, alice, chat):
    client.force_login(alice)
    page = client.get(f"/messages/{chat.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert re.search(r'<input type="file" name="attachments"[^>]* multiple', page)
    assert 'accept=".pdf,.png,.jpg,.jpeg,.jfif,.webp,.txt' in page
    assert "Up to 5 files of 10 MB each" in page


def test_five_files_go_with_one_message(client, alice, chat):
    client.force_login(alice)
    five = [upload(f"photo {number}.png", files.png()) for number in range(5)]
    assert send(client, chat, *five).status_code == 302
    assert Attachment.objects.filter(message__body=BODY).count() == 5


# --- Refused --------------------------------------------------------------------------------------

REFUSED = {
    "exe-renamed-pdf": (
        "setup.pdf",
        files.exe,
        "application/pdf",
        "This type of file is not accepted",
    ),
    "html-renamed-png": (
        "cat.png",
        files.html,
        "image/png",
        "Its content is of type “text file”, but its name does not end in .txt",
    ),
    "pdf-sent-as-an-image": (
        "scan.pdf",
        files.pdf,
        "image/png",
        "Its content is of type “PDF document”, but it was sent as type “PNG image”.",
    ),
    "pdf-named-png": (
        "scan.png",
        files.pdf,
        "image/png",
        "Its content is of type “PDF document”, but its name does not end in .pdf",
    ),
    "png-bomb": ("bomb.png", image_files.png_bomb, "image/png", "far too many pixels"),
    "png-too-many-pixels": (
        "huge.png",
        lambda: image_files.png(6000, 6000),
        "image/png",
        "The image is 6000 × 6000 pixels",
    ),
    "truncated-jpeg": ("cut.jpg", files.truncated_jpeg, "image/jpeg", "the file was cut short"),
    "truncated-png": ("cut.png", image_files.truncated_png, "image/png", "the file was cut short"),
    "truncated-pdf": ("cut.pdf", files.truncated_pdf, "application/pdf", "was cut short"),
    "zip-bomb-docx": ("contract.docx", files.zip_bomb_docx, WORD, "as a decompression bomb does"),
    "docx-of-many-parts": (
        "parts.docx",
        files.many_parts_docx,
        WORD,
        "as a decompression bomb does",
    ),
    "docx-with-entities": ("laughs.docx", files.entity_docx, WORD, "not accepted"),
    "zip-renamed-docx": ("archive.docx", files.plain_zip, WORD, "not accepted"),
    "docm-renamed-docx": ("macros.docx", files.macro_docm, WORD, "not accepted"),
    "svg": ("logo.svg", image_files.svg, "image/svg+xml", "does not end in .txt"),
    "gif": ("anim.gif", image_files.gif, "image/gif", "This type of file is not accepted"),
    "empty": ("empty.pdf", lambda: b"", "application/pdf", "The file is empty."),
    "no-extension": ("passwd", lambda: b"root:x:0:0:root:/root:/bin/bash\n", "", "rename it"),
    "long-name": ("a" * 296 + ".pdf", files.pdf, "application/pdf", "longer than 200 characters"),
    "latin-1-text": ("notes.txt", lambda: "Montréal".encode("latin-1"), "text/plain", "UTF-8"),
}


@pytest.mark.parametrize("case", REFUSED.keys())
def test_a_refused_file_is_named_nothing_is_stored_and_the_message_is_kept(
    client, alice, chat, media, case
):
    name, make, sent_as, reason = REFUSED[case]
    client.force_login(alice)
    messages_before = Message.objects.count()
    response = send(client, chat, upload(name, make(), sent_as))
    assert response.status_code == 400
    page = response.content.decode()
    shown = uploads.shown_name(name[:251] + ".pdf" if len(name) > 255 else name)
    assert escape(f"“{shown}” was not attached.") in page
    assert escape(reason) in page
    assert f"\n{BODY}</textarea>" in page
    assert Message.objects.count() == messages_before
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_one_refused_file_refuses_the_others_too(client, alice, chat, media):
    client.force_login(alice)
    response = send(client, chat, upload("ok.png", files.png()), upload("bad.pdf", files.exe()))
    assert response.status_code == 400
    assert "“bad.pdf” was not attached." in response.content.decode()
    assert "ok.png" not in response.content.decode()
    assert stored_files(media) == []


def test_more_files_than_a_message_takes_are_refused(client, alice, chat, media):
    client.force_login(alice)
    six = [upload(f"photo {number}.png", files.png()) for number in range(6)]
    response = send(client, chat, *six)
    assert response.status_code == 400
    assert "Attach at most 5 files to a message." in response.content.decode()
    assert stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused(client, alice, chat, media, settings):
    settings.MESSAGE_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    client.force_login(alice)
    big = files.text() * (3 * 1024 * 1024 // len(files.text()))
    response = send(client, chat, upload("big.txt", big))
    assert response.status_code == 400
    assert "the largest accepted is 2.0 MB" in response.content.decode()
    assert stored_files(media) == []


def test_a_file_is_refused_with_the_message_when_the_message_is_refused(
    client, alice, bob, chat, media
):
    services.block_member(member=bob, blocked=alice)
    client.force_login(alice)
    response = send(client, chat, upload("plan.pdf", files.pdf()))
    assert response.status_code == 400
    assert "does not accept messages from you" in response.content.decode()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.txt", "..\\..\\boot.ini.txt", "a\x00.pdf", "invoice\u202efdp.txt", "", ".."],
)
def test_a_name_that_hides_a_path_or_misleads_is_refused(name):
    with pytest.raises(ValidationError) as refused:
        uploads.checked(ContentFile(files.text(), name=name))
    assert refused.value.code == "bad_name"
    assert "\x00" not in refused.value.messages[0]


def test_a_path_or_a_nul_sent_in_a_form_never_reaches_the_name(client, alice, chat, media):
    """Django's multipart parser keeps the last part of a path and drops unprintable characters
    before any of our code runs; a name without the extension its content needs is refused."""
    client.force_login(alice)
    boundary = "kb-boundary"

    def part(name, content):
        return (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
                f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )

    payload = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\n{BODY}\r\n'.encode()
        + part("../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n")
        + f"--{boundary}--\r\n".encode()
    )
    response = client.post(
        f"/messages/{chat.pk}/", payload, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400
    assert "“passwd” was not attached." in response.content.decode()
    payload = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\n{BODY}\r\n'.encode()
        + part("../a\x00.pdf", files.pdf())
        + f"--{boundary}--\r\n".encode()
    )
    client.post(
        f"/messages/{chat.pk}/", payload, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert list(Attachment.objects.values_list("name", flat=True)) == ["a.pdf"]


# --- Who downloads --------------------------------------------------------------------------------


@pytest.fixture
def attachment(alice, chat):
    message = services.send_message(
        author=alice,
        conversation=chat,
        body=BODY,
        attachments=uploads.checked_files([upload("plan.pdf", files.pdf())]),
    )
    return message.attachments.get()


@pytest.mark.parametrize("role", ["author", "recipient"])
def test_participants_download(client, alice, bob, attachment, role):
    client.force_login({"author": alice, "recipient": bob}[role])
    response = client.get(f"/messages/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", ["anonymous", "other member", "staff", "superuser"])
def test_nobody_else_downloads_through_the_conversations_door(client, attachment, role):
    viewer = {
        "anonymous": None,
        "other member": member(),
        "staff": with_authenticator(UserFactory(is_staff=True)),
        "superuser": with_authenticator(UserFactory(is_staff=True, is_superuser=True)),
    }[role]
    if viewer is not None:
        client.force_login(viewer)
    assert client.get(f"/messages/attachments/{attachment.pk}/").status_code == 404
    api = APIClient()
    if viewer is not None:
        api.force_authenticate(viewer)
    expected = 401 if viewer is None else 404
    assert api.get(f"/api/v1/attachments/{attachment.pk}/").status_code == expected


@pytest.mark.parametrize("walked", ["0", "-1", "99999999", str(2**63), str(2**64), "x", "1.0"])
def test_a_walked_id_is_not_found(client, alice, attachment, walked):
    client.force_login(alice)
    assert client.get(f"/messages/attachments/{walked}/").status_code == 404
    api = APIClient()
    api.force_authenticate(alice)
    assert api.get(f"/api/v1/attachments/{walked}/").status_code == 404


def test_a_download_answers_a_cheap_304_while_unchanged(client, alice, attachment):
    client.force_login(alice)
    first = client.get(f"/messages/attachments/{attachment.pk}/")
    again = client.get(
        f"/messages/attachments/{attachment.pk}/", headers={"If-None-Match": first["ETag"]}
    )
    assert again.status_code == 304


def test_deleting_a_conversation_deletes_its_files(
    alice, chat, attachment, media, django_capture_on_commit_callbacks
):
    assert len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        Conversation.objects.filter(pk=chat.pk).delete()
    assert stored_files(media) == []


def test_a_deleted_account_leaves_its_files_with_its_messages(client, alice, bob, attachment):
    """Like the words of a deleted member, their files stay in the conversation, from "a deleted
    member"; nothing of theirs is left without a row that leads to it."""
    from members.services import delete_account

    delete_account(user=alice)
    client.force_login(bob)
    assert client.get(f"/messages/attachments/{attachment.pk}/").status_code == 200


# --- Staff, through an engagement's page ----------------------------------------------------------


@pytest.fixture
def engagement_with_a_file():
    owner, sme = sme_member()
    request = published(owner, sme, sectors=[sector("automotive")])
    wang = expert("Wang Fang", sectors=[sector("automotive")])
    invitation = matchmaking_services.invite_expert(request=request, expert=wang.user, actor=owner)
    engagement = matchmaking_services.accept(engagement=invitation, actor=wang.user)
    services.send_message(
        author=wang.user,
        conversation=matchmaking_selectors.conversation_of(engagement),
        body="Our audit plan",
        attachments=uploads.checked_files([upload("audit.pdf", files.pdf())]),
    )
    return engagement, Attachment.objects.get(name="audit.pdf")


def staff_door(engagement, attachment) -> str:
    return f"/requests/engagements/{engagement.pk}/conversation/attachments/{attachment.pk}/"


def test_staff_download_an_engagements_file_from_its_transcript_and_it_is_audited(
    client, engagement_with_a_file
):
    engagement, attachment = engagement_with_a_file
    staff = with_authenticator(UserFactory(is_staff=True))
    client.force_login(staff)
    transcript = client.get(f"/requests/engagements/{engagement.pk}/conversation/")
    assert f'href="{staff_door(engagement, attachment)}"' in transcript.content.decode()
    assert "/messages/attachments/" not in transcript.content.decode()
    AuditEvent.objects.all().delete()
    response = client.get(staff_door(engagement, attachment))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="audit.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action="matchmaking.read_engagement_conversation")
    assert (event.actor, event.target) == (staff, engagement)
    assert client.get(f"/messages/attachments/{attachment.pk}/").status_code == 404


def test_the_engagement_door_opens_no_other_conversations_files(
    client, engagement_with_a_file, alice, attachment
):
    engagement, _own = engagement_with_a_file
    other_engagement, other_file = _another_engagement_with_a_file()
    client.force_login(with_authenticator(UserFactory(is_staff=True)))
    assert client.get(staff_door(engagement, attachment)).status_code == 404  # a private chat's
    assert client.get(staff_door(engagement, other_file)).status_code == 404
    assert client.get(staff_door(other_engagement, other_file)).status_code == 200


def _another_engagement_with_a_file():
    owner, sme = sme_member()
    request = published(owner, sme, sectors=[sector("automotive")])
    li = expert("Li Wei", sectors=[sector("automotive")])
    invitation = matchmaking_services.invite_expert(request=request, expert=li.user, actor=owner)
    engagement = matchmaking_services.accept(engagement=invitation, actor=li.user)
    services.send_message(
        author=li.user,
        conversation=matchmaking_selectors.conversation_of(engagement),
        body="Our numbers",
        attachments=uploads.checked_files([upload("numbers.csv", files.csv())]),
    )
    return engagement, Attachment.objects.get(name="numbers.csv")


def test_an_sme_member_outside_the_conversation_does_not_download(client, engagement_with_a_file):
    engagement, attachment = engagement_with_a_file
    late_colleague = MembershipFactory(organisation=engagement.request.organisation).user
    other_sme_owner, _sme = sme_member()
    for viewer, staff_door_status in [(late_colleague, 403), (other_sme_owner, 404)]:
        client.force_login(viewer)
        assert client.get(f"/messages/attachments/{attachment.pk}/").status_code == 404
        assert client.get(staff_door(engagement, attachment)).status_code == staff_door_status
    client.force_login(engagement.expert)
    assert client.get(f"/messages/attachments/{attachment.pk}/").status_code == 200
    assert client.get(staff_door(engagement, attachment)).status_code == 403


@pytest.mark.parametrize("walked", ["0", "99999999", str(2**63), "x"])
def test_a_walked_id_behind_the_engagement_door_is_not_found(
    client, engagement_with_a_file, walked
):
    engagement, _attachment = engagement_with_a_file
    client.force_login(with_authenticator(UserFactory(is_staff=True)))
    path = f"/requests/engagements/{engagement.pk}/conversation/attachments/{walked}/"
    assert client.get(path).status_code == 404


# --- The API --------------------------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def api_send(user, chat, *attached, body=BODY):
    return api(user).post(
        f"/api/v1/conversations/{chat.pk}/messages/",
        {"body": body, "attachments": list(attached)},
        format="multipart",
    )


def test_the_api_takes_files_in_a_multipart_form(alice, bob, chat):
    response = api_send(alice, chat, upload("plan.pdf", files.pdf()), upload("a.png", files.png()))
    assert response.status_code == 201
    pdf, png = response.json()["attachments"]
    stored = Attachment.objects.get(name="plan.pdf")
    assert pdf == {
        "id": stored.pk,
        "name": "plan.pdf",
        "size": len(files.pdf()),
        "type": "application/pdf",
        "url": f"http://testserver/api/v1/attachments/{stored.pk}/",
    }
    assert png["type"] == "image/png"
    assert stored.file.name not in str(response.json())
    listed = api(bob).get(f"/api/v1/conversations/{chat.pk}/messages/").json()["results"][0]
    assert listed["attachments"] == response.json()["attachments"]
    download = api(bob).get(pdf["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == files.pdf()
    assert download["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_the_api_download_ignores_what_the_client_accepts(alice, attachment):
    response = api(alice).get(f"/api/v1/attachments/{attachment.pk}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_json_still_sends_a_message_without_files(alice, chat):
    response = api(alice).post(
        f"/api/v1/conversations/{chat.pk}/messages/", {"body": BODY}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["attachments"] == []


def errors_on(response, field: str) -> list[tuple[str, str]]:
    return [
        (error["code"], error["detail"])
        for error in response.json()["errors"]
        if error["attr"] == field
    ]


@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("setup.pdf", files.exe, "wrong_type"),
        ("cat.png", files.html, "wrong_extension"),
        ("bomb.png", image_files.png_bomb, "too_many_pixels"),
        ("cut.jpg", files.truncated_jpeg, "truncated"),
        ("contract.docx", lambda: files.zip_bomb_docx(260), "zip_bomb"),
        ("empty.txt", lambda: b"", "empty"),
    ],
)
def test_the_api_refuses_a_file_with_a_400_naming_attachments(alice, chat, media, name, make, code):
    response = api_send(alice, chat, upload(name, make()))
    assert response.status_code == 400
    [(found, detail)] = errors_on(response, "attachments")
    assert found == code
    assert detail.startswith(f"“{name}” was not attached.")
    assert not Message.objects.filter(body=BODY).exists()
    assert stored_files(media) == []


def test_the_api_refuses_too_many_files_and_files_that_are_not_files(alice, chat):
    six = [upload(f"{number}.png", files.png()) for number in range(6)]
    assert errors_on(api_send(alice, chat, *six), "attachments")[0][0] == "too_many_files"
    response = api(alice).post(
        f"/api/v1/conversations/{chat.pk}/messages/",
        {"body": BODY, "attachments": ["not a file"]},
        format="json",
    )
    assert response.status_code == 400
    assert errors_on(response, "attachments")[0][0] == "invalid"


def test_the_service_refuses_more_files_than_a_message_takes(alice, chat):
    six = [uploads.checked(upload(f"{n}.png", files.png())) for n in range(6)]
    with pytest.raises(ValidationError) as refused:
        services.send_message(author=alice, conversation=chat, body=BODY, attachments=six)
    assert refused.value.error_dict["attachments"][0].code == "too_many_files"


# --- Queries --------------------------------------------------------------------------------------


def count_queries(client, path: str, **headers) -> int:
    client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return len(captured)


def with_files(chat, author, times: int) -> None:
    for number in range(times):
        message = add_message(chat, author, f"Files {number}")
        for name in ("a.pdf", "b.png", "c.txt"):
            Attachment.objects.create(
                message=message,
                file=f"attachments/x{number}{name}",
                name=name,
                kind="text/plain",
                size=9,
            )


def test_the_page_and_the_api_list_do_not_grow_with_attachments(client, alice, chat):
    token = Token.objects.create(user=alice)
    auth = {"Authorization": f"Token {token.key}"}
    client.force_login(alice)
    paths = (f"/messages/{chat.pk}/", f"/api/v1/conversations/{chat.pk}/messages/")
    with_files(chat, alice, 1)
    small = [count_queries(client, paths[0]), count_queries(client, paths[1], **auth)]
    with_files(chat, alice, 20)
    large = [count_queries(client, paths[0]), count_queries(client, paths[1], **auth)]
    assert large == small
    assert Attachment.objects.count() == 63


def test_a_file_missing_from_the_storage_is_not_found(client, alice, attachment):
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(alice)
    assert client.get(f"/messages/attachments/{attachment.pk}/").status_code == 404

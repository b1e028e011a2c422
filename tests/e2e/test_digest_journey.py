"""An Editor publishes an economy update; a professional in that sector makes their digest daily
at 7:00 in French, previews it and finds the update there; the digest arrives by e-mail (a real
SMTP listener) and, logged out, they follow its unsubscribe link and stop it."""

import re

from playwright.sync_api import expect

from digests import services
from digests.models import ConsentEvent, Subscription
from tests.digests.conftest import news, reader
from tests.digests.factories import make_due
from tests.e2e.locators import field, heading
from tests.e2e.test_editor_journey import EDITOR, editor_at_their_desk
from tests.e2e.test_messages_journey import log_out, open_menu_link
from tests.economy.factories import sector

MEMBER = "Li Wei"
UPDATE = "Ontario and Jiangsu sign a parts-supplier pact"


def publish_as_editor(journey, title: str) -> None:
    page = editor_at_their_desk(journey)
    page.get_by_role("link", name="Write an update").click()
    journey.step("new-update")
    field(page, "Title").fill(title)
    field(page, "Summary").fill("Suppliers in both provinces qualify once for both markets.")
    page.get_by_label(sector("automotive").name).check()
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published.", exact=True)).to_be_visible()
    journey.step("editor-published")
    log_out(journey, EDITOR)


def test_a_member_sets_previews_receives_and_stops_their_digest(journey, smtp_inbox):
    news(2)  # two earlier automotive updates: with the Editor's, enough for a digest
    li = reader(display_name=MEMBER)
    publish_as_editor(journey, UPDATE)

    page = journey.log_in(li.email)
    journey.step("member-logged-in")
    open_menu_link(page, MEMBER, "Digest settings")
    expect(heading(page)).to_have_text("Digest settings")
    journey.step("settings")
    page.get_by_label("Daily").check()
    field(page, "Hour").fill("7")
    page.get_by_label("Language of the digest").select_option(label="French")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your digest settings are saved.")).to_be_visible()
    expect(page.get_by_label("Daily")).to_be_checked()
    journey.step("settings-saved")
    subscription = Subscription.objects.get(pk=li.pk)
    assert (subscription.frequency, subscription.hour, subscription.language) == (
        "daily",
        7,
        "fr",
    )

    page.get_by_role("link", name="Preview your next digest").click()
    expect(heading(page)).to_have_text("Your next digest")
    expect(page.get_by_role("link", name=UPDATE)).to_be_visible()
    journey.step("preview")
    log_out(journey, MEMBER)

    make_due(li, frequency="daily", hour=7)
    services.send_batch(member_ids=[li.pk])
    [mail] = smtp_inbox.wait_for(1)
    assert mail["To"] == li.email
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert UPDATE in text
    assert "Actualités économiques pour vous" in text  # the language they chose
    link = re.search(r"Se désabonner ou le recevoir moins souvent\u00a0: (\S+)", text)[1]

    page.goto(link.replace("http://127.0.0.1:8000", journey.url("").rstrip("/")))
    expect(heading(page)).to_have_text("Unsubscribe from the digest")
    journey.step("unsubscribe-page")
    page.get_by_role("button", name="Never: stop the digest").click()
    expect(
        page.get_by_text("You are unsubscribed: you will no longer receive the KnowBridge digest.")
    ).to_be_visible()
    journey.step("unsubscribed")
    assert Subscription.objects.get(pk=li.pk).frequency == "off"
    assert ConsentEvent.objects.filter(
        member=li, source=ConsentEvent.Source.UNSUBSCRIBE_PAGE, after="off"
    ).exists()

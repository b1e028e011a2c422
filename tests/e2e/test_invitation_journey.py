"""An owner invites a colleague by mail; the colleague follows the link, signs up with the invited
address already filled in, is brought straight back to the invitation and joins. Another invitee
declines, and the owner sees it."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from members import services
from members.models import Organisation
from tests.e2e.locators import field, heading
from tests.members.factories import PASSWORD, UserFactory

ORGANISATION = "Maple Harbour Trading"
COLLEAGUE = "chen.colleague@example.com"
COLLEAGUE_PASSWORD = "harbour-lights-2026!"
INVITATION_LINK = re.compile(r"https?://\S+(/members/invitations/[^/\s]+/)")


def owner_with_organisation():
    owner = UserFactory(display_name="Olivia Owner")
    services.finish_onboarding(profile=owner.profile)
    organisation = services.create_organisation(
        creator=owner, name=ORGANISATION, kind=Organisation.Kind.SME
    )
    return owner, organisation


def log_in(journey, email: str, password: str = PASSWORD) -> Page:
    page = journey.goto("/accounts/login/")
    field(page, "Email").fill(email)
    field(page, "Password").fill(password)
    journey.step("login")
    page.get_by_role("button", name="Log in", exact=True).click()
    journey.step("signed-in")
    return page


def log_out(journey) -> None:
    page = journey.goto("/accounts/logout/")
    journey.step("logout")
    page.get_by_role("button", name="Log out", exact=True).click()
    journey.step("logged-out")


def test_invited_colleague_signs_up_from_the_mail_and_joins(journey, mailoutbox):
    owner, organisation = owner_with_organisation()
    page = log_in(journey, owner.email)
    journey.goto(f"/organisations/{organisation.slug}/")
    field(page, "Email address of the person to invite").fill(COLLEAGUE)
    journey.step("organisation")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"An invitation was sent to {COLLEAGUE}.")).to_be_visible()
    journey.step("invited")
    log_out(journey)

    [invitation_mail] = mailoutbox
    assert invitation_mail.to == [COLLEAGUE]
    path = INVITATION_LINK.search(invitation_mail.body).group(1)
    journey.goto(path)
    expect(heading(page)).to_have_text(f"Join {ORGANISATION}")
    expect(
        page.get_by_text(f"Olivia Owner invites you to join {ORGANISATION} as member.")
    ).to_be_visible()
    journey.step("invitation")
    page.get_by_role("link", name="Sign up to accept").click()

    expect(field(page, "Email")).to_have_value(COLLEAGUE)
    field(page, "Display name").fill("Chen Colleague")
    field(page, "Password").fill(COLLEAGUE_PASSWORD)
    field(page, "Password (again)").fill(COLLEAGUE_PASSWORD)
    journey.step("signup")
    page.get_by_role("button", name="Sign up", exact=True).click()

    expect(page).to_have_url(journey.url(path))  # signed in, back at the invitation
    assert len(mailoutbox) == 1, "the link proved the address: no verification mail"
    journey.step("invitation-signed-in")
    page.get_by_role("button", name="Accept the invitation").click()

    expect(heading(page)).to_contain_text(ORGANISATION)
    expect(page.get_by_text(f"You joined {ORGANISATION}.")).to_be_visible()
    expect(page.get_by_role("link", name="Chen Colleague")).to_be_visible()
    journey.step("joined")


def test_invitee_declines_and_the_owner_sees_it(journey, mailoutbox):
    owner, organisation = owner_with_organisation()
    services.invite_member(organisation=organisation, email=COLLEAGUE, invited_by=owner)
    path = urlsplit(INVITATION_LINK.search(mailoutbox[-1].body).group(0)).path

    page = journey.goto(path)
    journey.step("invitation")
    page.get_by_role("button", name="Decline").click()
    expect(page).to_have_url(journey.url("/"))
    expect(page.get_by_text(f"You declined the invitation to join {ORGANISATION}.")).to_be_visible()
    journey.step("declined")

    journey.goto(path)
    expect(page.get_by_text("This invitation was declined.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign up to accept")).to_have_count(0)
    journey.step("invitation-declined")

    log_in(journey, owner.email)
    journey.goto(f"/organisations/{organisation.slug}/")
    expect(page.get_by_role("listitem").filter(has_text=COLLEAGUE)).to_contain_text("declined")
    journey.step("organisation")

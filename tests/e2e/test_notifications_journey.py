"""A member sees their unread notifications on the bell, opens one, marks the rest read and
chooses which kinds reach them by e-mail."""

import re

import pytest
from playwright.sync_api import expect

from members.services import finish_onboarding
from notifications import registry, services
from notifications.registry import Kind
from tests.members.factories import UserFactory


@pytest.fixture
def reply_kind():
    kind = registry.register(
        Kind(
            key="journey_reply",
            label="Replies to threads you follow",
            sentence="%(actor)s replied in “%(subject)s”",
        )
    )
    yield kind
    registry.unregister(kind.key)


def bell(page):
    return page.get_by_role("navigation", name="Account").get_by_role(
        "link", name=re.compile(r"^Notifications")
    )


def test_member_reads_notifications_from_the_bell(journey, reply_kind):
    member = UserFactory(display_name="Chen Yu")
    finish_onboarding(profile=member.profile)
    author = UserFactory(display_name="Marie Tremblay")
    for subject, url in (("Shenzhen bank accounts", "/directory/"), ("Export permits", "/")):
        services.notify(
            recipients=[member], kind=reply_kind, actor=author, subject=subject, url=url
        )

    page = journey.log_in(member.email)
    expect(bell(page)).to_have_accessible_name("Notifications, 2 unread")
    expect(bell(page)).to_have_text("2")
    journey.step("dashboard-with-bell")

    bell(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_role("listitem").filter(has_text="Unread:")).to_have_count(2)
    journey.step("notifications")

    page.get_by_role("button", name=re.compile("Marie Tremblay replied in “Shenzhen")).click()
    expect(page).to_have_url(re.compile(r"/directory/$"))
    expect(bell(page)).to_have_accessible_name("Notifications, 1 unread")
    journey.step("opened-one")

    bell(page).click()
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All your notifications are marked as read.")).to_be_visible()
    expect(bell(page)).to_have_accessible_name("Notifications")
    expect(bell(page)).to_have_text("")
    expect(page.get_by_role("listitem").filter(has_text="Unread:")).to_have_count(0)
    journey.step("all-read")

    page.get_by_role("main").get_by_role("link", name="Notification settings").click()
    group = page.get_by_role("group", name="Replies to threads you follow")
    expect(group.get_by_label("On the site and by e-mail")).to_be_checked()
    journey.step("settings")
    group.get_by_label("On the site only").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(group.get_by_label("On the site only")).to_be_checked()
    journey.step("settings-saved")

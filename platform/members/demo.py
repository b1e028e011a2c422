"""Demo members for `make run`: known logins so a newcomer can look around at once."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from members.models import User

DEMO_PASSWORD = "knowbridge-demo-2026"  # noqa: S105 - printed on purpose, demo data only


@dataclass(frozen=True)
class DemoMember:
    email: str
    display_name: str
    language: str = "en"
    staff_group: str | None = None
    superuser: bool = False


DEMO_MEMBERS = (
    DemoMember("li.wei@demo.knowbridge.local", "Li Wei", "zh-hans"),
    DemoMember("marie.tremblay@demo.knowbridge.local", "Marie Tremblay", "fr"),
    DemoMember("arjun.mehta@demo.knowbridge.local", "Arjun Mehta"),
    DemoMember("chen.jing@demo.knowbridge.local", "Chen Jing", "zh-hans"),
    DemoMember("olivia.brown@demo.knowbridge.local", "Olivia Brown"),
    DemoMember("editor@demo.knowbridge.local", "Eddie Editor", staff_group="Editors"),
    DemoMember("moderator@demo.knowbridge.local", "Mona Moderator", staff_group="Moderators"),
    DemoMember(
        "admin@demo.knowbridge.local", "Ada Admin", staff_group="Administrators", superuser=True
    ),
)


@transaction.atomic
def load_demo_members() -> list[tuple[DemoMember, bool]]:
    """Create the demo members that do not exist yet; returns each with whether it was created."""
    return [(member, _ensure_member(member)) for member in DEMO_MEMBERS]


def _ensure_member(member: DemoMember) -> bool:
    user, created = User.objects.get_or_create(
        email=member.email,
        defaults={
            "display_name": member.display_name,
            "language": member.language,
            "is_staff": member.staff_group is not None,
            "is_superuser": member.superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=member.email, defaults={"verified": True, "primary": True}
    )
    if member.staff_group:
        user.groups.add(Group.objects.get(name=member.staff_group))
    return created

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from members import reference, signals  # noqa: F401 - they connect their receivers

    def load_demo(self, command):
        from members.demo import DEMO_PASSWORD, load_demo_members

        results = load_demo_members()
        created = sum(1 for _, was_created in results if was_created)
        command.stdout.write(
            f"Demo members: {created} created, {len(results) - created} already there."
        )
        command.stdout.write(
            command.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        )
        for member, _created in results:
            role = member.staff_group or "member"
            command.stdout.write(f"  {member.email:<42} {member.display_name:<16} {role}")
        command.stdout.write(
            "Staff accounts are asked to set up an authenticator app at first login."
        )

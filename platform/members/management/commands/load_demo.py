from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from members.demo import DEMO_PASSWORD, load_demo_members


class Command(BaseCommand):
    help = "Load the demo members (safe to run again: nothing is duplicated)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data has known passwords and is never loaded in production.")
        results = load_demo_members()
        created = sum(1 for _, was_created in results if was_created)
        self.stdout.write(
            f"Demo members: {created} created, {len(results) - created} already there."
        )
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for member, _ in results:
            role = member.staff_group or "member"
            self.stdout.write(f"  {member.email:<42} {member.display_name:<16} {role}")
        self.stdout.write("Staff accounts are asked to set up an authenticator app at first login.")

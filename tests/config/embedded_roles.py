"""What the processes of test_embedded_platform do, each in an interpreter of its own:
``python -m tests.config.embedded_roles ROLE [ARGUMENT]`` prints the outcome as JSON."""

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

PAIRS = 50  # organisations whose two owners try to remove each other at the same moment
SENDERS, MAILS_EACH = 4, 75


def wait_for_the_others(var_dir: Path, role: str) -> None:
    (var_dir / f"ready-{role}").touch()
    while not (var_dir / "go").exists():
        time.sleep(0.005)


def seed() -> dict:
    from members import services
    from members.models import Membership, User

    for number in range(PAIRS):
        first = User.objects.create_user(f"first-{number}@example.org")
        second = User.objects.create_user(f"second-{number}@example.org")
        organisation = services.create_organisation(
            creator=first, name=f"Pair {number}", kind="sme"
        )
        Membership.objects.create(
            organisation=organisation, user=second, role=Membership.Role.OWNER
        )
    return {"pairs": PAIRS}


def write(role: str, var_dir: Path) -> dict:
    """PAIRS transactions through the services, as the web and the API make them."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from members import services
    from members.models import Membership, Organisation, User

    wait_for_the_others(var_dir, role)
    counts, unexpected = Counter(), []
    for number in range(PAIRS):
        organisation = Organisation.objects.get(slug=f"pair-{number}")
        try:
            if role.endswith("-owner"):
                me, other = ("first", "second") if role == "first-owner" else ("second", "first")
                services.remove_member(
                    membership=Membership.objects.get(
                        organisation=organisation, user__email=f"{other}-{number}@example.org"
                    ),
                    actor=User.objects.get(email=f"{me}-{number}@example.org"),
                )
            else:
                services.invite_member(
                    organisation=organisation,
                    email=f"{role}-{number}@example.org",
                    invited_by=User.objects.get(email=f"first-{number}@example.org"),
                )
        except (PermissionDenied, ValidationError):  # the other owner removed me first
            counts["refused"] += 1
        except Exception as error:
            unexpected.append(f"{type(error).__name__}: {error}")
        else:
            counts["done"] += 1
    return {"done": counts["done"], "refused": counts["refused"], "unexpected": unexpected}


def report() -> dict:
    from django.db import connection
    from django.db.models import Count, Q

    from members.models import Invitation, Organisation

    owners = Organisation.objects.annotate(
        owners=Count("memberships", filter=Q(memberships__role="owner"))
    ).values_list("owners", flat=True)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        (journal_mode,) = cursor.fetchone()
    return {
        "owners per organisation": sorted(set(owners)),
        "invitations": Invitation.objects.count(),
        "journal mode": journal_mode,
    }


def send_mail(sender: str) -> dict:
    from django.core.mail import send_mail

    for number in range(MAILS_EACH):
        send_mail(f"task {sender}-{number}", "A message.", None, ["someone@example.org"])
    return {"queued": MAILS_EACH}


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    role, argument = sys.argv[1], sys.argv[2]
    var_dir = Path(os.environ["VAR_DIR"])
    if role == "seed":
        result = seed()
    elif role == "report":
        result = report()
    elif role == "send-mail":
        result = send_mail(argument)
    else:
        result = write(role, var_dir)
    print(json.dumps(result))

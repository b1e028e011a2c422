"""The read side of moderation: the queue, a case with its context, and what moderators know of
a member. Each page costs a fixed number of queries: flags, authors' histories and the flagged
things are read for a whole page at once."""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from core.models import AuditEvent
from core.pagination import Page, paginate
from moderation import content
from moderation.models import PERMISSION, Case, Flag, ModeratorNote, Sanction

NEWEST = ("-opened_at", "-id")
DECIDED_NEWEST = ("-closed_at", "-id")
QUEUE_SIZE = 25
FILTERS = ("waiting", "hidden", "held", "decided")
NOT_UPHELD = ("dismiss", "restore", "unlock")


@dataclass
class History:
    """What an author's past says: how many of their things moderators acted on, and their
    sanctions."""

    upheld: int = 0
    sanctions: Counter = field(default_factory=Counter)  # by kind's label

    @property
    def sanction_counts(self) -> list[tuple[str, int]]:
        """For templates, where ``sanctions.items`` would read a missing key of the Counter."""
        return sorted(self.sanctions.items())


def moderators():
    """Active members who work the queue: the permission through a group or their own, or
    superusers."""
    app_label, codename = PERMISSION.split(".")
    granted = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    ) | Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    return (
        get_user_model().objects.filter(granted | Q(is_superuser=True), is_active=True).distinct()
    )


def _cases(show: str):
    cases = Case.objects.select_related("author")
    if show == "decided":
        return cases.filter(closed_at__isnull=False)
    cases = cases.filter(closed_at__isnull=True)
    if show == "hidden":
        return cases.filter(status=Case.Status.HIDDEN)
    if show == "held":
        return cases.filter(status=Case.Status.HELD)
    return cases


def queue(*, show: str = "waiting", cursor: str | None = None, size: int = QUEUE_SIZE) -> Page:
    """Cases, newest first (the newest decided ones for ``decided``), each with ``flags`` (its
    open flags, or those it was decided on), ``shown`` (what the thing says now) and
    ``history`` (its author's)."""
    order = DECIDED_NEWEST if show == "decided" else NEWEST
    page = paginate(_cases(show), order=order, cursor=cursor, size=size, scope={"show": show})
    annotate(page.items)
    return page


def annotate(cases: list[Case]) -> None:
    """Give each case its flags, what its thing says now and its author's history."""
    flags = _flags_of(cases)
    shown = content.shown(cases)
    histories = histories_of({case.author_id for case in cases if case.author_id})
    for case in cases:
        case.flags = flags.get((case.kind, case.object_id), [])
        case.reasons = Counter(flag.get_reason_display() for flag in case.flags).most_common()
        case.shown = shown[case.kind, case.object_id]
        case.history = histories.get(case.author_id, History())


def _flags_of(cases: list[Case]) -> dict[tuple[str, int], list[Flag]]:
    """The flags each case weighs (open ones while it waits, else those resolved when decided)."""
    if not cases:
        return {}
    flags = Flag.objects.filter(
        object_id__in={case.object_id for case in cases}, kind__in={case.kind for case in cases}
    ).select_related("flagger")
    found: dict[tuple[str, int], list[Flag]] = {}
    decided_at = {(case.kind, case.object_id): case.closed_at for case in cases}
    for flag in flags.order_by("created_at", "pk"):
        key = (flag.kind, flag.object_id)
        if key in decided_at and flag.resolved_at == decided_at[key]:
            found.setdefault(key, []).append(flag)
    return found


def histories_of(author_ids) -> dict[int, History]:
    """Each author's count of things moderators acted on, and of their sanctions by kind: two
    queries whatever the number of authors."""
    histories = {pk: History() for pk in author_ids}
    if not histories:
        return histories
    upheld = (
        Case.objects.filter(author__in=histories, closed_at__isnull=False)
        .exclude(decision__in=NOT_UPHELD)
        .values("author_id")
        .annotate(count=Count("pk"))
    )
    for row in upheld:
        histories[row["author_id"]].upheld = row["count"]
    sanctions = (
        Sanction.objects.filter(member__in=histories)
        .values("member_id", "kind")
        .annotate(count=Count("pk"))
    )
    for row in sanctions:
        histories[row["member_id"]].sanctions[Sanction.Kind(row["kind"]).label] = row["count"]
    return histories


def case_log(case: Case) -> list[AuditEvent]:
    """What was decided on the case, oldest first."""
    return list(
        AuditEvent.objects.filter(
            target_type__app_label="moderation", target_type__model="case", target_id=str(case.pk)
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )


@dataclass
class MemberRecord:
    cases: list[Case]
    sanctions: list[Sanction]
    notes: list[ModeratorNote]
    in_force: list[Sanction]


RECORD_SIZE = 50


def member_record(member) -> MemberRecord:
    """What moderators know of ``member``: their latest cases, sanctions and moderator notes."""
    sanctions = list(
        Sanction.objects.filter(member=member)
        .select_related("moderator")
        .order_by("-created_at", "-pk")[:RECORD_SIZE]
    )
    return MemberRecord(
        cases=list(Case.objects.filter(author=member).order_by("-opened_at", "-pk")[:RECORD_SIZE]),
        sanctions=sanctions,
        notes=list(
            ModeratorNote.objects.filter(member=member)
            .select_related("author")
            .order_by("-created_at", "-pk")[:RECORD_SIZE]
        ),
        in_force=[
            sanction
            for sanction in sanctions
            if sanction.lifted_at is None and sanction.kind != Sanction.Kind.WARNING
        ],
    )

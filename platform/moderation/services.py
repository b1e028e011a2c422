"""The write side of moderation: members' flags, the cases they open, moderators' decisions and
sanctions, and what beat does on its own (lifting ended suspensions, reminding moderators).

Every decision takes a reason, is recorded in the audit log as ``moderation.<verb>`` in the same
transaction (the log has no edit page), closes the case it answers, marks its flags upheld or not
(each flagger's accuracy weighs their next flags) and tells the author, in their language.

Flags weigh ``TRUST_WEIGHTS[trust level] × 2 × accuracy``, accuracy being (upheld + 1) / (decided
+ 2): with no history, a basic member's flag weighs 1, a new member's 0.5, a regular's 2. Once a
case's open flags weigh ``MODERATION_HIDE_SCORE`` (distinct members: one open flag each), a post
or thread is hidden until a moderator decides, and the weight it had is kept.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import audit
from core.links import link
from core.lists import join_list
from forums import services as forums
from members import services as members
from members.selectors import is_staff_account
from moderation import content, kinds, selectors
from moderation.access import is_moderator
from moderation.models import Case, Flag, ModeratorNote, Sanction
from moderation.targets import Target
from notifications.services import notify

Status = Case.Status
TRUST_WEIGHTS = {0: 0.5, 1: 1.0, 2: 1.5, 3: 2.0, 4: 3.0}
# A suspension given without a length lasts the next step of this ladder, counted in the member's
# sanctions (warnings included) of the past year: repeat offences cost more.
SUSPENSION_DAYS = (1, 7, 30, 90)
ESCALATION_WINDOW = timedelta(days=365)
REMIND_AFTER = timedelta(hours=48)
MAX_SUSPENSION_DAYS = 3650

# --- Flags --------------------------------------------------------------------------------------


def flag(*, flagger, target: Target, reason: str, text: str = "") -> Flag:
    """Flag ``target`` (found through ``targets.resolve``, so the flagger may see it). Flagging the
    same thing again while the first flag is open changes its reason and text. Raises
    ValidationError, naming the field, for one's own things, an unknown reason, or "other"
    without saying what is wrong. The thing's case opens, or weighs more."""
    text = text.strip()
    if target.author_id == flagger.pk:
        raise ValidationError(_("You cannot flag what you wrote yourself."), code="own")
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": ValidationError(_("Choose a reason."), code="invalid")})
    if reason == Flag.Reason.OTHER and not text:
        message = _("Say what is wrong when the reason is “Other”.")
        raise ValidationError({"text": ValidationError(message, code="required")})
    fields = {"reason": reason, "text": text, "author_id": target.author_id}
    key = {"flagger": flagger, "kind": target.kind, "object_id": target.object_id}
    with transaction.atomic():
        try:
            with transaction.atomic():
                row, _created = Flag.objects.update_or_create(
                    **key, resolved_at__isnull=True, defaults=fields
                )
        except IntegrityError:  # the same member flagged it at the same moment in another tab
            row = Flag.objects.get(**key, resolved_at__isnull=True)
        _weigh(_open_case(target))
    return row


def _open_case(target: Target, *, status: str = Status.OPEN) -> Case:
    """The thing's waiting case, opened now if it has none; locked until the transaction ends, so
    two flags at once weigh it one after the other."""
    key = {"kind": target.kind, "object_id": target.object_id, "closed_at__isnull": True}
    case = Case.objects.select_for_update().filter(**key).first()
    if case is not None:
        return case
    fields = {
        "author_id": target.author_id,
        "label": target.label[:200],
        "url": target.url[:300],
        "status": status,
    }
    try:
        with transaction.atomic():
            return Case.objects.create(kind=target.kind, object_id=target.object_id, **fields)
    except IntegrityError:  # another member's flag opened it at the same moment
        return Case.objects.select_for_update().get(**key)


def flag_weights(flagger_ids) -> dict[int, float]:
    """What a flag from each member weighs: their trust level, times their past accuracy."""
    levels = get_user_model().objects.filter(pk__in=flagger_ids).values_list("pk", "trust_level")
    records = {
        row["flagger_id"]: (row["upheld"], row["decided"])
        for row in Flag.objects.filter(flagger__in=flagger_ids, upheld__isnull=False)
        .values("flagger_id")
        .annotate(decided=Count("pk"), upheld=Count("pk", filter=Q(upheld=True)))
    }
    weights = {}
    for pk, level in levels:
        upheld, decided = records.get(pk, (0, 0))
        weights[pk] = TRUST_WEIGHTS.get(level, 1.0) * 2 * (upheld + 1) / (decided + 2)
    return weights


def _weigh(case: Case) -> None:
    flaggers = list(
        Flag.objects.filter(
            kind=case.kind, object_id=case.object_id, resolved_at__isnull=True
        ).values_list("flagger_id", flat=True)
    )
    weights = flag_weights(flaggers)
    case.score = round(sum(weights.values()), 3)
    case.save(update_fields=["score"])
    if (
        case.status == Status.OPEN
        and case.kind in content.HIDEABLE
        and case.score >= settings.MODERATION_HIDE_SCORE
    ):
        _hide_automatically(case)


def _hide_automatically(case: Case) -> None:
    content.set_hidden(actor=None, case=case, hidden=True)
    case.status, case.hidden_score = Status.HIDDEN, case.score
    case.save(update_fields=["status", "hidden_score"])
    reasons = _flag_reasons(case)
    audit.record(
        actor=None,
        action="moderation.auto_hide",
        target=case,
        reason=", ".join(reasons),
        score=case.score,
    )
    _tell_author(
        case,
        _("hidden after members flagged it (%(reasons)s), until a moderator reviews it")
        % {"reasons": join_list(reasons)},
    )


def _flag_reasons(case: Case) -> list[str]:
    reasons = Flag.objects.filter(
        kind=case.kind, object_id=case.object_id, resolved_at__isnull=True
    ).values_list("reason", flat=True)
    return sorted({str(Flag.Reason(reason).label) for reason in reasons})


# --- Decisions ----------------------------------------------------------------------------------


def _require_moderator(moderator) -> None:
    if not is_moderator(moderator):
        raise PermissionDenied(_("Only moderators can do this."))


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: it is kept in the audit log.")})
    return reason


def _close(case: Case, *, verb: str, moderator, reason: str, upheld: bool, **details) -> None:
    """Record the decision and close the case; its open flags are resolved, upheld or not."""
    now = timezone.now()
    Flag.objects.filter(kind=case.kind, object_id=case.object_id, resolved_at__isnull=True).update(
        resolved_at=now, upheld=upheld
    )
    case.status, case.closed_at, case.decision = Status.CLOSED, now, verb
    case.save(update_fields=["status", "closed_at", "decision"])
    audit.record(
        actor=moderator,
        action=f"moderation.{verb}",
        target=case,
        reason=reason,
        kind=case.kind,
        object_id=case.object_id,
        author=case.author_id,
        **details,
    )


def _waiting(case: Case) -> Case:
    """The case locked for the decision; a ValidationError when another moderator decided first."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_waiting:
        raise ValidationError(_("Another moderator decided on this already."), code="decided")
    return case


def _hideable(case: Case) -> None:
    if case.kind not in content.HIDEABLE:
        message = _("Profiles and organisations are not hidden: warn, suspend or ban the member.")
        raise ValidationError(message, code="kind")


def _in_forums(case: Case) -> None:
    if case.kind not in content.FORUMS:
        raise ValidationError(_("Only threads are locked and moved."), code="kind")


@transaction.atomic
def dismiss(*, moderator, case: Case, reason: str) -> Case:
    """Nothing wrong: the flags are not upheld, and what their weight hid is shown again."""
    _require_moderator(moderator)
    reason, case = _clean_reason(reason), _waiting(case)
    if case.status in (Status.HIDDEN, Status.HELD):
        content.set_hidden(actor=moderator, case=case, hidden=False)
    _close(case, verb="dismiss", moderator=moderator, reason=reason, upheld=False)
    return case


@transaction.atomic
def hide(*, moderator, case: Case, reason: str) -> Case:
    _require_moderator(moderator)
    reason, case = _clean_reason(reason), _waiting(case)
    _hideable(case)
    content.set_hidden(actor=moderator, case=case, hidden=True)
    _close(case, verb="hide", moderator=moderator, reason=reason, upheld=True)
    _tell_author(case, _("hidden by the moderators: %(reason)s") % {"reason": reason})
    return case


@transaction.atomic
def restore(*, moderator, case: Case, reason: str) -> Case:
    """Show a hidden post or thread again (the case stays in the log)."""
    _require_moderator(moderator)
    reason = _clean_reason(reason)
    _hideable(case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    content.set_hidden(actor=moderator, case=case, hidden=False)
    if case.is_waiting:
        _close(case, verb="restore", moderator=moderator, reason=reason, upheld=False)
    else:
        audit.record(actor=moderator, action="moderation.restore", target=case, reason=reason)
    _tell_author(case, _("shown again by the moderators: %(reason)s") % {"reason": reason})
    return case


@transaction.atomic
def delete(*, moderator, case: Case, reason: str) -> Case:
    """Delete a post for good (its place says so)."""
    _require_moderator(moderator)
    reason, case = _clean_reason(reason), _waiting(case)
    if case.kind != Flag.Kind.POST:
        raise ValidationError(_("Only posts can be deleted here."), code="kind")
    forums.delete_post(member=moderator, post=content.post_of(case), reason=reason)
    _close(case, verb="delete", moderator=moderator, reason=reason, upheld=True)
    _tell_author(case, _("deleted by the moderators: %(reason)s") % {"reason": reason})
    return case


@transaction.atomic
def lock(*, moderator, case: Case, reason: str, locked: bool = True) -> Case:
    """Lock (or unlock) the thread of a thread's or a post's case."""
    _require_moderator(moderator)
    reason, case = _clean_reason(reason), _waiting(case)
    _in_forums(case)
    forums.set_thread_locked(actor=moderator, thread=content.thread_of(case), locked=locked)
    verb = "lock" if locked else "unlock"
    _close(case, verb=verb, moderator=moderator, reason=reason, upheld=locked)
    return case


@transaction.atomic
def move(*, moderator, case: Case, reason: str, category) -> Case:
    """Move the thread of a thread's or a post's case to another category."""
    _require_moderator(moderator)
    reason, case = _clean_reason(reason), _waiting(case)
    _in_forums(case)
    thread = content.thread_of(case)
    forums.move_thread(actor=moderator, thread=thread, category=category, reason=reason)
    _close(case, verb="move", moderator=moderator, reason=reason, upheld=True, category=category.pk)
    _tell_author(
        case,
        _("moved to “%(category)s” by the moderators: %(reason)s")
        % {"category": category.name, "reason": reason},
    )
    return case


@transaction.atomic
def edit(*, moderator, case: Case, reason: str, body: str) -> Case:
    """Change a post's text (the revision keeps what it said), with a note to its author."""
    _require_moderator(moderator)
    reason, case = _clean_reason(reason), _waiting(case)
    if case.kind != Flag.Kind.POST:
        raise ValidationError(_("Only posts can be edited here."), code="kind")
    post = content.post_of(case)
    forums.edit_post(editor=moderator, post=post, body=body)
    if post.is_hidden:
        forums.set_post_hidden(actor=moderator, post=post, hidden=False)
    _close(case, verb="edit", moderator=moderator, reason=reason, upheld=True)
    _tell_author(case, _("edited by the moderators: %(reason)s") % {"reason": reason})
    return case


# --- Sanctions ----------------------------------------------------------------------------------


def _require_power_over(moderator, member) -> None:
    _require_moderator(moderator)
    if member.pk == moderator.pk:
        raise ValidationError(_("You cannot sanction yourself."), code="self")
    if is_staff_account(member) and not moderator.is_superuser:
        raise PermissionDenied(_("Only superusers can sanction staff."))


def next_suspension_days(member, *, now: datetime | None = None) -> int:
    """How long a suspension of ``member`` lasts unless the moderator says: longer with each
    sanction of the past year."""
    since = (now or timezone.now()) - ESCALATION_WINDOW
    past = Sanction.objects.filter(member=member, created_at__gte=since).count()
    return SUSPENSION_DAYS[min(past, len(SUSPENSION_DAYS) - 1)]


VERBS = {
    Sanction.Kind.WARNING: "warn",
    Sanction.Kind.SUSPENSION: "suspend",
    Sanction.Kind.BAN: "ban",
}


def _sanction(*, moderator, member, kind: str, reason: str, case: Case | None, days=None):
    """Record the sanction; with a case, as the case's decision (one audit event either way)."""
    verb, now = VERBS[kind], timezone.now()
    case = _waiting(case) if case is not None else None
    sanction = Sanction.objects.create(
        member=member,
        kind=kind,
        reason=reason,
        moderator=moderator,
        case=case,
        created_at=now,
        ends_at=now + timedelta(days=days) if days else None,
    )
    ends_at = sanction.ends_at.isoformat() if sanction.ends_at else None
    if case is not None:
        _close(
            case,
            verb=verb,
            moderator=moderator,
            reason=reason,
            upheld=True,
            sanction=sanction.pk,
            ends_at=ends_at,
        )
    else:
        audit.record(
            actor=moderator,
            action=f"moderation.{verb}",
            target=member,
            reason=reason,
            sanction=sanction.pk,
            ends_at=ends_at,
        )
    return sanction


@transaction.atomic
def warn(*, moderator, member, reason: str, case: Case | None = None) -> Sanction:
    _require_power_over(moderator, member)
    reason = _clean_reason(reason)
    sanction = _sanction(
        moderator=moderator, member=member, kind=Sanction.Kind.WARNING, reason=reason, case=case
    )
    _mail_sanction(sanction)
    return sanction


@transaction.atomic
def suspend(
    *, moderator, member, reason: str, days: int | None = None, case: Case | None = None
) -> Sanction:
    """Lock ``member`` out for ``days`` (the escalation ladder's next step when None): no
    posting, messaging, flagging nor signing in; their sessions and tokens fail at once."""
    _require_power_over(moderator, member)
    reason = _clean_reason(reason)
    days = days or next_suspension_days(member)
    if not 1 <= days <= MAX_SUSPENSION_DAYS:
        message = _("A suspension lasts from 1 to %(most)d days.") % {"most": MAX_SUSPENSION_DAYS}
        raise ValidationError({"days": message})
    sanction = _sanction(
        moderator=moderator,
        member=member,
        kind=Sanction.Kind.SUSPENSION,
        reason=reason,
        case=case,
        days=days,
    )
    members.set_active(user=member, active=False)
    _mail_sanction(sanction)
    return sanction


@transaction.atomic
def ban(*, moderator, member, reason: str, case: Case | None = None) -> Sanction:
    """Lock ``member`` out until a moderator lifts the ban."""
    _require_power_over(moderator, member)
    reason = _clean_reason(reason)
    sanction = _sanction(
        moderator=moderator, member=member, kind=Sanction.Kind.BAN, reason=reason, case=case
    )
    members.set_active(user=member, active=False)
    _mail_sanction(sanction)
    return sanction


def _in_force(member, *, now: datetime):
    """The member's suspensions and bans still in force."""
    return Sanction.objects.filter(member=member, lifted_at__isnull=True).filter(
        Q(kind=Sanction.Kind.BAN) | Q(kind=Sanction.Kind.SUSPENSION, ends_at__gt=now)
    )


def _end(sanction: Sanction, *, now: datetime) -> None:
    sanction.lifted_at = now
    sanction.save(update_fields=["lifted_at"])
    if not _in_force(sanction.member, now=now).exists():
        members.set_active(user=sanction.member, active=True)


@transaction.atomic
def lift(*, moderator, sanction: Sanction, reason: str) -> Sanction:
    """End a suspension or a ban early; the member may sign in again unless another holds."""
    _require_power_over(moderator, sanction.member)
    reason = _clean_reason(reason)
    sanction = Sanction.objects.select_for_update().select_related("member").get(pk=sanction.pk)
    if sanction.lifted_at is not None or sanction.kind == Sanction.Kind.WARNING:
        raise ValidationError(_("There is nothing to lift."), code="lifted")
    _end(sanction, now=timezone.now())
    audit.record(
        actor=moderator,
        action="moderation.lift",
        target=sanction.member,
        reason=reason,
        sanction=sanction.pk,
    )
    return sanction


def lift_ended_suspensions(*, now: datetime | None = None) -> int:
    """Beat: suspensions whose time is up end, and their members may sign in again."""
    now = now or timezone.now()
    ended = Sanction.objects.filter(
        kind=Sanction.Kind.SUSPENSION, lifted_at__isnull=True, ends_at__lte=now
    ).values_list("pk", flat=True)
    lifted = 0
    for pk in list(ended):
        with transaction.atomic():
            sanction = (
                Sanction.objects.select_for_update(skip_locked=True)
                .select_related("member")
                .filter(pk=pk, lifted_at__isnull=True)
                .first()
            )
            if sanction is not None:
                _end(sanction, now=now)
                audit.record(
                    actor=None,
                    action="moderation.suspension_ended",
                    target=sanction.member,
                    sanction=sanction.pk,
                )
                lifted += 1
    return lifted


# --- Notes, reviews and reminders ---------------------------------------------------------------


@transaction.atomic
def add_note(*, moderator, member, text: str) -> ModeratorNote:
    _require_moderator(moderator)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    return ModeratorNote.objects.create(member=member, author=moderator, text=text)


@transaction.atomic
def hold(*, kind: str, object_id: int, author, label: str, url: str) -> Case:
    """A new member's post waits for a moderator (the forums hid it as they saved it)."""
    return _open_case(Target(kind, object_id, author.pk, label, url), status=Status.HELD)


@transaction.atomic
def ask_for_review(*, kind: str, object_id: int, author, label: str, url: str) -> Case:
    """The author changed what moderators hid: the case waits for a moderator again."""
    target = Target(kind, object_id, author.pk, label, url)
    case = _open_case(target, status=Status.HIDDEN)
    case.review_asked_at = timezone.now()
    case.save(update_fields=["review_asked_at"])
    return case


def remind_moderators(*, now: datetime | None = None) -> int:
    """Beat: tell moderators of cases waiting more than 48 hours, once a day each; returns how
    many cases they were told of."""
    now = now or timezone.now()
    late = Case.objects.filter(closed_at__isnull=True, opened_at__lte=now - REMIND_AFTER).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - timedelta(days=1))
    )
    count = late.update(reminded_at=now)
    if count:
        notify(
            recipients=list(selectors.moderators()),
            kind=kinds.WAITING,
            subject=str(count),
            url=link("moderation:queue"),
            batch_key=f"moderation.waiting.{now:%Y-%m-%d}",
        )
    return count


# --- Telling the author -------------------------------------------------------------------------


def _tell_author(case: Case, what: str) -> None:
    """A notification to the author of the case's thing, in their language."""
    if case.author is None:
        return
    with translation.override(case.author.language):
        subject = _("“%(label)s”, %(what)s") % {"label": case.label, "what": what}
    notify(
        recipients=[case.author], kind=kinds.DECISION, subject=subject, url=case.url, target=case
    )


def _mail_sanction(sanction: Sanction) -> None:
    """By e-mail: a suspended or banned member can no longer read their notifications."""
    member = sanction.member
    with translation.override(member.language):
        context = {"sanction": sanction, "member": member, "site_url": settings.SITE_URL}
        subject = render_to_string("moderation/email/sanction_subject.txt", context).strip()
        text = render_to_string("moderation/email/sanction.txt", context)
        html = render_to_string("moderation/email/sanction.html", context)
    message = EmailMultiAlternatives(subject, text, to=[member.email])
    message.attach_alternative(html, "text/html")
    message.send()


# --- One door for pages and the API -------------------------------------------------------------

SANCTIONS = {"warn": warn, "suspend": suspend, "ban": ban}
ACTIONS = ("dismiss", "hide", "restore", "delete", "lock", "unlock", "move", "edit", *SANCTIONS)


def actions_for(case: Case, *, hidden: bool) -> list[str]:
    """What a moderator may decide on ``case`` now (``hidden``: its thing is out of sight)."""
    if not case.is_waiting:
        return ["restore"] if hidden and case.kind in content.HIDEABLE else []
    actions = ["dismiss"]
    if case.kind in content.HIDEABLE:
        actions += ["restore", "hide"] if hidden else ["hide"]
    if case.kind in content.FORUMS:
        actions += ["lock", "unlock", "move"]
    if case.kind == Flag.Kind.POST:
        actions += ["edit", "delete"]
    if case.author_id is not None:
        actions += list(SANCTIONS)
    return actions


def decide(*, moderator, case: Case, action: str, reason: str, **options) -> Case:
    """Carry out ``action`` (one of ``actions_for``) on ``case``: ``category`` for a move,
    ``body`` for an edit, ``days`` for a suspension (the escalation's next step if None)."""
    if action in SANCTIONS:
        if case.author is None:
            raise ValidationError({"action": _("Nobody to sanction: the author is gone.")})
        extra = {"days": options.get("days")} if action == "suspend" else {}
        SANCTIONS[action](
            moderator=moderator, member=case.author, reason=reason, case=case, **extra
        )
        return case
    if action == "lock" or action == "unlock":
        return lock(moderator=moderator, case=case, reason=reason, locked=action == "lock")
    if action == "move":
        if options.get("category") is None:
            raise ValidationError({"category": _("Choose the category to move it to.")})
        return move(moderator=moderator, case=case, reason=reason, category=options["category"])
    if action == "edit":
        return edit(moderator=moderator, case=case, reason=reason, body=options.get("body", ""))
    plain = {"dismiss": dismiss, "hide": hide, "restore": restore, "delete": delete}
    if action not in plain:
        raise ValidationError({"action": _("Choose what to do.")})
    return plain[action](moderator=moderator, case=case, reason=reason)

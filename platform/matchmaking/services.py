"""The write side of matchmaking: every change to a help request is one function here, in a
transaction, with its rules; pages, the API, the admin and the beat tasks all call them.

Who may call what is the access module's business (``matchmaking.access``); the rules here are
about the request's state: a closed or resolved request does not change any more, a draft is
published only when ``missing_for_publishing`` is empty, and staff decisions leave an audit event.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conversations.services import open_owned_conversation
from core import audit
from core.markdown import render_post
from core.text import check_text, written_length
from matchmaking import kinds, matching, selectors
from matchmaking.models import (
    DESCRIPTION_MAX_LENGTH,
    DESCRIPTION_MIN_LENGTH,
    SCOPE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
    Engagement,
    ExpertRecord,
    Feedback,
    FollowUp,
    HelpRequest,
    Referral,
)
from members.models import Membership, Organisation, User
from members.selectors import is_facilitator
from notifications.services import notify

Status = HelpRequest.Status
EXPIRY_WARNING = timedelta(days=3)  # how long before its deadline an owner hears of it
LATEST_DEADLINE = timedelta(days=366)
FIELDS = (
    "title",
    "description",
    "deliverable",
    "in_scope",
    "out_of_scope",
    "kind",
    "language_required",
    "size",
    "deadline",
    "knowledge_stage",
    "audience",
    "sensitive",
    "contact",
)
RELATIONS = ("sectors", "city_regions", "languages")


# --- Drafting ---------------------------------------------------------------------------------


@transaction.atomic
def create_request(
    *, author, organisation: Organisation, first_expert=None, **fields
) -> HelpRequest:
    """A draft help request of ``organisation`` (an SME ``author`` belongs to); the fields are
    those of ``FIELDS`` and ``RELATIONS``, any left out stay empty. ``first_expert`` (a member
    found in the directory) is invited as soon as the request may take experts."""
    if organisation.kind != Organisation.Kind.SME:
        raise ValidationError(_("Only an SME posts help requests."), code="not_an_sme")
    request = HelpRequest(
        organisation=organisation, author=author, contact=author, first_expert=first_expert
    )
    return _write(request, fields)


@transaction.atomic
def update_request(*, request: HelpRequest, **changes) -> HelpRequest:
    """Changes to a draft, open or in-progress request; resolved and closed ones stay as they
    ended. A published request stays publishable: what it needs cannot be taken out."""
    request = _locked(request)
    if request.has_ended:
        raise ValidationError(_("A resolved or closed request can no longer change."), code="ended")
    request = _write(request, changes)
    if request.status != Status.DRAFT:
        _require_ready(request)
        _ask_review_if_sensitive(request)
    return request


def _write(request: HelpRequest, changes: dict) -> HelpRequest:
    unknown = set(changes) - set(FIELDS) - set(RELATIONS)
    if unknown:
        raise TypeError(f"Not a help request's field: {', '.join(sorted(unknown))}")
    for name in FIELDS:
        if name in changes:
            setattr(request, name, changes[name])
    _clean(request)
    request.save()
    for name in RELATIONS:
        if name in changes:
            getattr(request, name).set(changes[name])
    request.tokens = matching.request_tokens(request)
    request.save(update_fields=["tokens"])
    return request


def _clean(request: HelpRequest) -> None:
    errors = {}
    request.title = request.title.strip()
    checks = {
        "title": lambda: check_text(
            request.title,
            minimum=TITLE_MIN_LENGTH,
            maximum=TITLE_MAX_LENGTH,
            too_short=_("Say in a few more words what the SME needs."),
        ),
        # Leading spaces stay in Markdown: they start a code block.
        "description": lambda: _within(request.description.strip("\r\n"), DESCRIPTION_MAX_LENGTH),
        **{
            name: lambda name=name: _within(getattr(request, name).strip(), SCOPE_MAX_LENGTH)
            for name in ("deliverable", "in_scope", "out_of_scope")
        },
    }
    for name, check in checks.items():
        try:
            setattr(request, name, check())
        except ValidationError as error:
            errors[name] = error.error_list
    if request.contact_id and not _belongs(request.contact_id, request.organisation_id):
        errors["contact"] = [_("The point of contact is one of the SME's members.")]
    if errors:
        raise ValidationError(errors)
    request.description_html = render_post(request.description, allow_images=False).html


def _within(text: str, maximum: int) -> str:
    """Any length up to ``maximum``: what a draft may hold (publishing asks for enough)."""
    return check_text(text, minimum=0, maximum=maximum, too_short="")


def _belongs(member_id: int, organisation_id: int) -> bool:
    return Membership.objects.filter(user_id=member_id, organisation_id=organisation_id).exists()


# --- Publishing -------------------------------------------------------------------------------


def missing_for_publishing(request: HelpRequest, *, today: date | None = None) -> dict[str, str]:
    """What a draft lacks before it can be published, by field: the readiness check the SME sees
    while writing. Empty when it is ready."""
    today = today or timezone.localdate()
    missing = {}
    if written_length(request.description) < DESCRIPTION_MIN_LENGTH:
        missing["description"] = _(
            "Describe the situation and the question in a few sentences: experts decide from it."
        )
    if not request.deliverable.strip():
        missing["deliverable"] = _("Say what the SME expects to have in hand at the end.")
    if not request.kind:
        missing["kind"] = _("Choose the kind of help.")
    if not request.pk or not request.sectors.exists():
        missing["sectors"] = _("Choose at least one sector.")
    if not request.size:
        missing["size"] = _("Choose a size: it tells experts how much time to give.")
    if request.deadline is None:
        missing["deadline"] = _("Set a deadline.")
    elif request.deadline <= today:
        missing["deadline"] = _("Set a deadline after today.")
    elif request.deadline > today + LATEST_DEADLINE:
        missing["deadline"] = _("Set a deadline within a year.")
    if request.contact_id is None:
        missing["contact"] = _("Name the point of contact at the SME.")
    return missing


@transaction.atomic
def publish_request(*, request: HelpRequest, actor) -> HelpRequest:
    """A draft goes live: open to the members it is meant for, or waiting for staff review when
    it touches a sensitive technology area (ticked, or holding a term staff listed)."""
    request = _locked(request)
    if request.status != Status.DRAFT:
        raise ValidationError(_("This request is already published."), code="published")
    _require_ready(request)
    request.status, request.published_at = Status.OPEN, timezone.now()
    request.save(update_fields=["status", "published_at", "updated_at"])
    _ask_review_if_sensitive(request)
    _invite_first_expert(request, actor)
    return request


def _invite_first_expert(request: HelpRequest, actor) -> None:
    """The expert the request was started for is invited once it may take experts; if they no
    longer can be, the SME finds others among the proposed ones."""
    if not (request.first_expert_id and request.matchable):
        return
    try:
        with transaction.atomic():
            _start(request, request.first_expert, Engagement.Origin.INVITATION, actor, "")
    except ValidationError:
        pass


def _require_ready(request: HelpRequest) -> None:
    missing = missing_for_publishing(request)
    if missing:
        raise ValidationError({field: [message] for field, message in missing.items()})


def _ask_review_if_sensitive(request: HelpRequest) -> None:
    if request.review or not (request.sensitive or selectors.sensitive_terms_in(request)):
        return
    request.review = HelpRequest.Review.PENDING
    request.save(update_fields=["review", "updated_at"])
    notify(
        recipients=selectors.reviewers(),
        kind=kinds.REVIEW_NEEDED,
        actor=request.author,
        subject=request.title,
        url=request.get_absolute_url(),
        target=request,
    )


@transaction.atomic
def hold_for_review(*, request: HelpRequest, actor) -> HelpRequest:
    """Moderators take a flagged request out of sight and out of matching until staff approve it
    again (``approve_request``); its SME's members and the experts already asked still read it.
    Moderation records why and tells its author; ``actor`` None is members' flags hiding it."""
    if actor is not None and not (actor.is_authenticated and actor.is_staff):
        raise PermissionDenied(_("Only staff can do this."))
    request = _locked(request)
    if not request.awaits_review:
        request.review = HelpRequest.Review.PENDING
        request.save(update_fields=["review", "updated_at"])
    return request


@transaction.atomic
def approve_request(*, request: HelpRequest, actor, reason: str = "") -> HelpRequest:
    """Staff cleared a sensitive request for matching."""
    request = _locked(request)
    if not request.awaits_review:
        raise ValidationError(_("This request is not waiting for review."), code="not_pending")
    request.review = HelpRequest.Review.APPROVED
    request.save(update_fields=["review", "updated_at"])
    audit.record(actor=actor, action="matchmaking.approve_request", target=request, reason=reason)
    _invite_first_expert(request, request.author)
    notify(
        recipients=selectors.owners_of(request),
        kind=kinds.REQUEST_APPROVED,
        actor=actor,
        subject=request.title,
        url=request.get_absolute_url(),
        target=request,
    )
    return request


# --- Ending ---------------------------------------------------------------------------------


@transaction.atomic
def withdraw_request(*, request: HelpRequest, actor) -> HelpRequest:
    """The SME no longer needs help: the request closes, as withdrawn."""
    return _close(_locked(request), HelpRequest.Closure.WITHDRAWN)


@transaction.atomic
def resolve_request(*, request: HelpRequest, actor) -> HelpRequest:
    """The SME got the help it needed."""
    request = _locked(request)
    if not request.is_live:
        raise ValidationError(_("Only an open request can be resolved."), code="not_live")
    request.status, request.closed_at = Status.RESOLVED, timezone.now()
    request.save(update_fields=["status", "closed_at", "updated_at"])
    _settle_engagements(request, Engagement.Status.COMPLETED)
    return request


def _close(request: HelpRequest, closure: str) -> HelpRequest:
    if request.has_ended:
        raise ValidationError(_("This request has already ended."), code="ended")
    request.status, request.closure, request.closed_at = Status.CLOSED, closure, timezone.now()
    if request.published_at is None:
        request.published_at = request.closed_at  # a withdrawn draft ends without going live
    request.save(update_fields=["status", "closure", "closed_at", "published_at", "updated_at"])
    _settle_engagements(request, Engagement.Status.WITHDRAWN)
    return request


def _settle_engagements(request: HelpRequest, under_way_become: str) -> None:
    """A request that ends takes back what still waits for an answer; what was under way is
    completed (resolved) or withdrawn (closed)."""
    now = timezone.now()
    experts = list(
        request.engagements.filter(status__in=Engagement.LIVE).values_list("expert_id", flat=True)
    )
    request.engagements.filter(status=Engagement.Status.PENDING).update(
        status=Engagement.Status.WITHDRAWN
    )
    completed = under_way_become == Engagement.Status.COMPLETED
    under_way = request.engagements.filter(status=Engagement.Status.ACCEPTED)
    under_way_ids = list(under_way.values_list("pk", flat=True))
    under_way.update(status=under_way_become, completed_at=now if completed else None)
    if completed:
        _plan_follow_ups(under_way_ids, now)
    refresh_records(experts)


def expire_requests(*, today: date | None = None) -> int:
    """Open requests whose deadline has passed close as expired (beat, daily); requests in
    progress carry on until the SME resolves them. Returns how many expired."""
    today = today or timezone.localdate()
    expired = 0
    for pk in selectors.past_deadline(today):
        with transaction.atomic():
            request = HelpRequest.objects.select_for_update().get(pk=pk)
            if request.status == Status.OPEN and request.deadline < today:
                _close(request, HelpRequest.Closure.EXPIRED)
                notify(
                    recipients=selectors.owners_of(request),
                    kind=kinds.REQUEST_EXPIRED,
                    subject=request.title,
                    url=request.get_absolute_url(),
                    target=request,
                )
                expired += 1
    return expired


def warn_before_expiry(*, today: date | None = None) -> int:
    """The SME hears, once, that an open request expires within ``EXPIRY_WARNING`` (beat,
    daily). Returns how many were warned."""
    today = today or timezone.localdate()
    return _tell_once_each(
        HelpRequest.objects.filter(status=Status.OPEN, expiry_warned_at__isnull=True),
        selectors.expiring(today, today + EXPIRY_WARNING),
        {"expiry_warned_at": timezone.now()},
        lambda request: notify(
            recipients=selectors.owners_of(request),
            kind=kinds.REQUEST_EXPIRING,
            subject=request.title,
            url=request.get_absolute_url(),
            target=request,
        ),
    )


def _tell_once_each(unmarked, ids, mark: dict, tell) -> int:
    """For each of ``ids``, in a transaction of its own: set ``mark`` on the row if it is still
    among ``unmarked`` (another run of the task may have marked it meanwhile), then ``tell`` of
    it. Returns how many were told."""
    told = 0
    for pk in ids:
        with transaction.atomic():
            if not unmarked.filter(pk=pk).update(**mark):
                continue
            tell(unmarked.model.objects.get(pk=pk))
            told += 1
    return told


def _locked(request: HelpRequest) -> HelpRequest:
    return HelpRequest.objects.select_for_update().get(pk=request.pk)


# --- Invitations, offers and engagements --------------------------------------------------------

MAX_PENDING_INVITATIONS = 3  # per request: the SME waits for answers before asking more


@transaction.atomic
def invite_expert(*, request: HelpRequest, expert, actor, message: str = "") -> Engagement:
    """The SME asks ``expert`` to help; they have ``Engagement.ANSWER_WITHIN`` to answer."""
    request = _locked(request)
    pending = request.engagements.filter(
        status=Engagement.Status.PENDING, origin=Engagement.Origin.INVITATION
    )
    if pending.count() >= MAX_PENDING_INVITATIONS:
        raise ValidationError(
            _("%(count)d invitations already wait for an answer: wait for one of them first.")
            % {"count": MAX_PENDING_INVITATIONS},
            code="too_many_pending",
        )
    return _start(request, expert, Engagement.Origin.INVITATION, actor, message)


@transaction.atomic
def offer_help(*, request: HelpRequest, expert, message: str = "") -> Engagement:
    """``expert`` proposes to help; the SME has ``Engagement.ANSWER_WITHIN`` to answer."""
    request = _locked(request)
    if request.audience != HelpRequest.Audience.MEMBERS:
        raise ValidationError(_("This request takes invited experts only."), code="invited_only")
    return _start(request, expert, Engagement.Origin.OFFER, expert, message)


def _start(request: HelpRequest, expert, origin: str, actor, message: str) -> Engagement:
    if not request.matchable:
        raise ValidationError(_("This request takes no new experts now."), code="not_matchable")
    if selectors.is_on_the_sme_side(expert, request):
        raise ValidationError(_("The SME's own members cannot be its experts."), code="own")
    refusal = selectors.why_not_available(expert)
    if refusal:
        raise ValidationError(refusal, code="unavailable")
    if request.engagements.filter(expert=expert).exists():
        raise ValidationError(
            _("This expert has already been asked about this request."), code="already"
        )
    now = timezone.now()
    engagement = Engagement.objects.create(
        request=request,
        expert=expert,
        origin=origin,
        started_by=actor,
        message=_within(message.strip(), 2000),
        created_at=now,
        expires_at=now + Engagement.ANSWER_WITHIN,
    )
    refresh_records([expert.pk])
    invited = origin == Engagement.Origin.INVITATION
    notify(
        recipients=[expert] if invited else selectors.owners_of(request),
        kind=kinds.INVITED if invited else kinds.OFFERED,
        actor=actor,
        subject=request.title,
        url=engagement.get_absolute_url(),
        target=engagement,
        batch_key=f"request:{request.pk}",
    )
    return engagement


@transaction.atomic
def accept(*, engagement: Engagement, actor) -> Engagement:
    """The side that was asked says yes: the engagement is under way, the request in progress,
    and the SME's members and the expert get a private conversation."""
    engagement = _locked_engagement(engagement)
    _require_pending(engagement)
    _lock_experts([engagement.expert_id])  # two acceptances at once count one after the other
    refusal = selectors.why_not_available(engagement.expert)
    if refusal:
        raise ValidationError(refusal, code="unavailable")
    engagement.status, engagement.answered_at = Engagement.Status.ACCEPTED, timezone.now()
    engagement.save(update_fields=["status", "answered_at"])
    refresh_records([engagement.expert_id])
    request = _locked(engagement.request)
    if request.status == Status.OPEN:
        request.status = Status.IN_PROGRESS
        request.save(update_fields=["status", "updated_at"])
    open_owned_conversation(
        owner=engagement,
        participants=[engagement.expert, *selectors.sme_members(request)],
        subject=request.title,
    )
    _tell_the_starter(engagement, actor)
    return engagement


@transaction.atomic
def decline(*, engagement: Engagement, actor, reason: str = "") -> Engagement:
    engagement = _locked_engagement(engagement)
    _require_pending(engagement)
    engagement.status, engagement.answered_at = Engagement.Status.DECLINED, timezone.now()
    engagement.reason = _within(reason.strip(), 500)
    engagement.save(update_fields=["status", "answered_at", "reason"])
    refresh_records([engagement.expert_id])
    _tell_the_starter(engagement, actor)
    return engagement


@transaction.atomic
def withdraw_engagement(*, engagement: Engagement, actor) -> Engagement:
    """Whoever invited or offered takes it back before an answer."""
    engagement = _locked_engagement(engagement)
    _require_pending(engagement)
    engagement.status = Engagement.Status.WITHDRAWN
    engagement.save(update_fields=["status"])
    refresh_records([engagement.expert_id])
    return engagement


@transaction.atomic
def complete_engagement(*, engagement: Engagement, actor) -> Engagement:
    """The work is done: both sides may now give feedback."""
    engagement = _locked_engagement(engagement)
    if engagement.status != Engagement.Status.ACCEPTED:
        raise ValidationError(_("Only an engagement under way can be completed."), code="state")
    engagement.status, engagement.completed_at = Engagement.Status.COMPLETED, timezone.now()
    engagement.save(update_fields=["status", "completed_at"])
    _plan_follow_ups([engagement.pk], engagement.completed_at)
    refresh_records([engagement.expert_id])
    return engagement


def _require_pending(engagement: Engagement) -> None:
    if not engagement.is_pending:
        raise ValidationError(_("This has already been answered."), code="answered")
    if engagement.expires_at <= timezone.now():
        raise ValidationError(_("This expired before an answer came."), code="expired")


def _starters(engagement: Engagement):
    """Who invited (the SME) or offered (the expert)."""
    if engagement.origin == Engagement.Origin.INVITATION:
        return selectors.owners_of(engagement.request)
    return [engagement.expert]


def _tell_the_starter(engagement: Engagement, actor) -> None:
    notify(
        recipients=_starters(engagement),
        kind=kinds.ANSWERED,
        actor=actor,
        subject=engagement.request.title,
        url=engagement.get_absolute_url(),
        target=engagement,
    )


def _answerers(engagement: Engagement):
    if engagement.answerer_is_expert:
        return [engagement.expert]
    return selectors.owners_of(engagement.request)


def expire_engagements(*, now=None) -> int:
    """Invitations and offers unanswered after ``Engagement.ANSWER_WITHIN`` expire (beat), and
    whoever started them hears of it."""
    now = now or timezone.now()
    expired = 0
    for pk in selectors.unanswered(now):
        with transaction.atomic():
            engagement = Engagement.objects.select_for_update().select_related("request").get(pk=pk)
            if not engagement.is_pending or engagement.expires_at > now:
                continue
            engagement.status = Engagement.Status.EXPIRED
            engagement.save(update_fields=["status"])
            refresh_records([engagement.expert_id])
            invited = engagement.origin == Engagement.Origin.INVITATION
            notify(
                recipients=selectors.owners_of(engagement.request)
                if invited
                else [engagement.expert],
                kind=kinds.UNANSWERED,
                subject=engagement.request.title,
                url=engagement.request.get_absolute_url()
                if invited
                else engagement.get_absolute_url(),
                target=engagement,
            )
            expired += 1
    return expired


def remind_answerers(*, now=None) -> int:
    """Whoever has an invitation or offer to answer hears of it once, ``REMIND_BEFORE`` its
    expiry (beat)."""
    now = now or timezone.now()
    return _tell_once_each(
        Engagement.objects.filter(status=Engagement.Status.PENDING, reminded_at__isnull=True),
        selectors.answers_due(now, now + Engagement.REMIND_BEFORE),
        {"reminded_at": now},
        lambda engagement: notify(
            recipients=_answerers(engagement),
            kind=kinds.ANSWER_DUE,
            subject=engagement.request.title,
            url=engagement.get_absolute_url(),
            target=engagement,
        ),
    )


def _locked_engagement(engagement: Engagement) -> Engagement:
    return (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("request", "expert")
        .get(pk=engagement.pk)
    )


@transaction.atomic
def give_feedback(*, engagement: Engagement, author, **fields) -> Feedback:
    """One side's feedback on a completed engagement, once: the expert's, or one of the SME's
    members' for the SME. ``fields``: rating, private_score, comment, outcome, knowledge_stage,
    hours."""
    engagement = _locked_engagement(engagement)
    if engagement.status != Engagement.Status.COMPLETED:
        raise ValidationError(_("Feedback comes once the engagement is completed."), code="state")
    if author.pk == engagement.expert_id:
        side = Feedback.Side.EXPERT
    elif selectors.is_on_the_sme_side(author, engagement.request):
        side = Feedback.Side.SME
    else:
        raise ValidationError(_("Only the two sides give feedback."), code="not_a_side")
    if engagement.feedback.filter(side=side).exists():
        raise ValidationError(_("Your side has already given its feedback."), code="given")
    feedback = Feedback(engagement=engagement, side=side, author=author, **fields)
    feedback.comment = _within(feedback.comment.strip(), 2000)
    feedback.outcome = _within(feedback.outcome.strip(), 2000)
    feedback.full_clean(exclude=["engagement", "author"])
    feedback.save()
    refresh_records([engagement.expert_id])
    return feedback


def refresh_records(expert_ids) -> None:
    """Count again, from the engagements and the feedback, what the matching engine weighs of
    these experts (``ExpertRecord``). The experts' rows are locked first, so that two changes
    to one expert's engagements count one after the other."""
    ids = sorted(set(expert_ids))
    if not ids:
        return
    with transaction.atomic():
        _lock_experts(ids)
        counts = {pk: ExpertRecord(expert_id=pk) for pk in ids}
        for expert, status, number in (
            Engagement.objects.filter(expert_id__in=ids)
            .values_list("expert_id", "status")
            .annotate(number=Count("pk"))
            .order_by()
        ):
            field = RECORDED.get(status)
            if field:
                setattr(counts[expert], field, number)
        for expert, total, number in (
            Feedback.objects.filter(engagement__expert_id__in=ids, side=Feedback.Side.SME)
            .values_list("engagement__expert_id")
            .annotate(total=Sum("private_score"), number=Count("pk"))
            .order_by()
        ):
            counts[expert].sme_score_total, counts[expert].sme_scores = total, number
        ExpertRecord.objects.bulk_create(
            counts.values(),
            update_conflicts=True,
            unique_fields=["expert"],
            update_fields=["pending", "under_way", "completed", "sme_score_total", "sme_scores"],
        )


def _lock_experts(ids) -> None:
    list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


RECORDED = {
    Engagement.Status.PENDING: "pending",
    Engagement.Status.ACCEPTED: "under_way",
    Engagement.Status.COMPLETED: "completed",
}


# --- Follow-ups -----------------------------------------------------------------------------------


def _plan_follow_ups(engagement_ids: list[int], completed_at) -> None:
    """Check in with the SME ``FollowUp.AFTER_DAYS`` after each engagement was completed."""
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                engagement_id=pk,
                after_days=days,
                due_at=completed_at + timedelta(days=days),
            )
            for pk in engagement_ids
            for days in FollowUp.AFTER_DAYS
        ],
        ignore_conflicts=True,
    )


def ask_follow_ups(*, now=None) -> int:
    """The SME's side hears, once, that a follow-up is due: what did it do with the help (beat,
    daily; the notification is mailed). Returns how many were asked."""
    now = now or timezone.now()
    return _tell_once_each(
        FollowUp.objects.filter(asked_at__isnull=True),
        selectors.follow_ups_due(now),
        {"asked_at": now},
        lambda follow_up: notify(
            recipients=selectors.owners_of(follow_up.engagement.request),
            kind=kinds.FOLLOW_UP,
            subject=follow_up.engagement.request.title,
            url=follow_up.get_absolute_url(),
            target=follow_up,
        ),
    )


@transaction.atomic
def answer_follow_up(*, follow_up: FollowUp, author, use: str, story: str = "") -> FollowUp:
    """One of the SME's members says what it did with the help, once per follow-up."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.is_answered:
        raise ValidationError(_("This follow-up has already been answered."), code="answered")
    if follow_up.due_at > timezone.now():
        raise ValidationError(_("This follow-up is not due yet."), code="not_due")
    follow_up.use, follow_up.story = use, _within(story.strip(), 2000)
    follow_up.answered_at, follow_up.answered_by = timezone.now(), author
    follow_up.full_clean(exclude=["engagement", "answered_by"])
    follow_up.save()
    return follow_up


# --- Referrals ------------------------------------------------------------------------------------


@transaction.atomic
def refer(*, request: HelpRequest, referred_by, member=None, organisation=None, note=""):
    """A facilitator points a live request to a member or to an organisation (one of them) who
    may help, with a note. The member, or the organisation's owners, and the SME hear of it."""
    if (member is None) == (organisation is None):
        raise ValueError("A referral goes to a member or to an organisation.")
    if not is_facilitator(referred_by):
        raise ValidationError(_("Only facilitators refer requests."), code="not_a_facilitator")
    request = _locked(request)
    if not request.matchable or request.audience != HelpRequest.Audience.MEMBERS:
        raise ValidationError(
            _("Only an open request meant for all members can be referred."), code="not_open"
        )
    if member is not None:
        _check_member_referral(request, referred_by, member)
    elif organisation.pk == request.organisation_id:
        raise ValidationError(_("This is the request's own SME."), code="own_sme")
    if Referral.objects.filter(
        request=request, referred_by=referred_by, member=member, organisation=organisation
    ).exists():
        raise ValidationError(_("You have already referred this request there."), code="already")
    referral = Referral.objects.create(
        request=request,
        referred_by=referred_by,
        member=member,
        organisation=organisation,
        note=_within(note.strip(), 1000),
    )
    _tell_of_referral(referral)
    return referral


def _check_member_referral(request: HelpRequest, referred_by, member) -> None:
    if member.pk == referred_by.pk:
        raise ValidationError(_("Refer the request to someone else."), code="self")
    if _belongs(member.pk, request.organisation_id):
        raise ValidationError(_("This member belongs to the request's SME."), code="own_sme")
    refusal = selectors.why_not_available(member)
    if refusal:
        raise ValidationError(refusal, code="unavailable")


def _tell_of_referral(referral: Referral) -> None:
    request = referral.request
    if referral.member is not None:
        recipients, kind = [referral.member], kinds.REFERRED
    else:
        recipients, kind = selectors.organisation_owners(referral.organisation), kinds.REFERRED_TO
    for who, what in ((recipients, kind), (selectors.owners_of(request), kinds.REFERRAL_MADE)):
        notify(
            recipients=who,
            kind=what,
            actor=referral.referred_by,
            subject=request.title,
            url=request.get_absolute_url(),
            target=referral,
        )


def record_staff_reading(*, engagement: Engagement, reader) -> None:
    """Staff read an engagement's conversation: the audit log keeps who and when."""
    audit.record(actor=reader, action="matchmaking.read_engagement_conversation", target=engagement)

"""Matchmaking: SMEs' help requests, scoped so that an expert can say yes to them.

A request is posted by a member on behalf of one of their SME organisations. It starts as a
draft; publishing needs everything ``missing_for_publishing`` lists, and a request that touches a
sensitive technology area waits for staff review before anyone is matched to it. The lifecycle
(draft → open → in progress → resolved, or closed: withdrawn or expired) moves only through
``matchmaking.services``.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import CityRegion, KnowledgeStage, Language, Organisation, Sector

TITLE_MIN_LENGTH = 15  # weighed by core.text.written_length: six Chinese characters are a title
TITLE_MAX_LENGTH = 160
DESCRIPTION_MIN_LENGTH = 60
DESCRIPTION_MAX_LENGTH = 10_000
SCOPE_MAX_LENGTH = 2_000


class HelpRequest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Closure(models.TextChoices):
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    class Kind(models.TextChoices):
        MARKET_ENTRY = "market_entry", _("Market-entry guidance")
        REGULATION = "regulation", _("Regulation and law")
        FINANCE = "finance", _("Finance and investment")
        TECHNOLOGY = "technology", _("Technology and product")
        TALENT = "talent", _("Hiring and talent")
        PARTNERS = "partners", _("Partner search")
        PRACTICES = "practices", _("Business practices")
        OTHER = "other", _("Other")

    class Size(models.TextChoices):
        QUESTION = "question", _("A quick question")
        SESSION = "session", _("A one-hour session")
        PROJECT = "project", _("A project of up to about 30 hours")
        INTRODUCTIONS = "introductions", _("Introductions")

    class Audience(models.TextChoices):
        MEMBERS = "members", _("All members")
        INVITED = "invited", _("Invited experts only")

    class Review(models.TextChoices):
        NOT_NEEDED = "", _("Not needed")
        PENDING = "pending", _("Waiting for staff review")
        APPROVED = "approved", _("Approved by staff")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="help_requests",
        verbose_name=_("organisation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("posted by"),
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("point of contact"),
        help_text=_("Who at the SME the expert works with."),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(
        _("what the SME needs"),
        max_length=DESCRIPTION_MAX_LENGTH,
        blank=True,
        help_text=_("The situation and the question, in Markdown."),
    )
    description_html = models.TextField(editable=False, blank=True)
    deliverable = models.TextField(
        _("deliverable expected"),
        max_length=SCOPE_MAX_LENGTH,
        blank=True,
        help_text=_("What the SME should have in hand at the end: an answer, a plan, contacts…"),
    )
    in_scope = models.TextField(_("in scope"), max_length=SCOPE_MAX_LENGTH, blank=True)
    out_of_scope = models.TextField(_("out of scope"), max_length=SCOPE_MAX_LENGTH, blank=True)
    kind = models.CharField(_("kind of help"), max_length=16, choices=Kind, blank=True)
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="help_requests", verbose_name=_("sectors")
    )
    city_regions = models.ManyToManyField(
        CityRegion,
        blank=True,
        related_name="help_requests",
        verbose_name=_("city-regions involved"),
        help_text=_("Both ends of the corridor, e.g. Suzhou and Ontario."),
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="help_requests", verbose_name=_("working languages")
    )
    language_required = models.BooleanField(
        _("the expert must speak one of them"),
        default=False,
        help_text=_("Only experts who speak one of the working languages are suggested."),
    )
    size = models.CharField(_("size"), max_length=16, choices=Size, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    knowledge_stage = models.ForeignKey(
        KnowledgeStage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("knowledge stage"),
    )
    audience = models.CharField(
        _("who can see it"), max_length=8, choices=Audience, default=Audience.MEMBERS
    )
    sensitive = models.BooleanField(
        _("touches a sensitive technology area"),
        default=False,
        help_text=_(
            "Such as advanced materials, quantum, AI, biotechnology, aerospace or "
            "telecommunications: staff review the request before anyone is matched to it."
        ),
    )
    review = models.CharField(
        _("staff review"), max_length=8, choices=Review, default=Review.NOT_NEEDED, blank=True
    )
    first_expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("expert to invite once published"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    closure = models.CharField(_("closed as"), max_length=10, choices=Closure, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What "requests for you" files the request under (matchmaking.matching.request_tokens):
    # its sectors, city-regions, working languages and the expertise tags its text names.
    tokens = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="request_by_organisation"),
            models.Index(
                fields=["deadline"],
                name="request_open_by_deadline",
                condition=Q(status__in=["open", "in_progress"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closure__in=["withdrawn", "expired"])
                | (~Q(status="closed") & Q(closure="")),
                name="request_closed_with_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="request_published_when_not_draft",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("matchmaking:request", args=[self.pk])

    @property
    def has_ended(self) -> bool:
        """Resolved or closed: it no longer changes."""
        return self.status in (self.Status.RESOLVED, self.Status.CLOSED)

    @property
    def is_live(self) -> bool:
        """Open or in progress: experts can be invited and offer help."""
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)

    @property
    def awaits_review(self) -> bool:
        return self.review == self.Review.PENDING

    @property
    def matchable(self) -> bool:
        """Live and not waiting for staff: the matching engine may propose experts for it."""
        return self.is_live and not self.awaits_review


class SensitiveTerm(models.Model):
    """A word staff maintain: a request that holds it waits for staff review, as if its author
    had ticked "sensitive technology area"."""

    term = models.CharField(_("term"), max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sensitive technology term")
        verbose_name_plural = _("sensitive technology terms")
        ordering = ["term"]

    def __str__(self):
        return self.term


class Engagement(models.Model):
    """An invitation (the SME asks an expert) or an offer (an expert proposes to help) on a
    request, and, once the other side accepts, the engagement itself, up to its completion.
    At most one engagement between a request and an expert is pending or under way."""

    class Origin(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        OFFER = "offer", _("Offer")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Under way")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired unanswered")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

    LIVE = (Status.PENDING, Status.ACCEPTED)
    ANSWER_WITHIN = timedelta(hours=72)
    REMIND_BEFORE = timedelta(hours=24)

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="engagements")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="engagements"
    )
    origin = models.CharField(max_length=10, choices=Origin)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "expert"],
                condition=Q(status__in=["pending", "accepted"]),
                name="engagement_one_live_per_expert",
            ),
        ]
        indexes = [
            models.Index(
                fields=["expires_at"],
                name="engagement_pending_by_expiry",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["expert", "status"], name="engagement_by_expert"),
        ]

    def __str__(self):
        return f"{self.get_origin_display()}: {self.request}"

    def get_absolute_url(self) -> str:
        return reverse("matchmaking:engagement", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def answerer_is_expert(self) -> bool:
        """An invitation is answered by the expert, an offer by the SME."""
        return self.origin == self.Origin.INVITATION


class Feedback(models.Model):
    """What one side of a completed engagement says of it: a public rating and comment, a
    private score that only staff and the matching engine read (public ratings inflate), the
    outcome, the knowledge stage it reached and the hours given."""

    class Side(models.TextChoices):
        SME = "sme", _("The SME")
        EXPERT = "expert", _("The expert")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="feedback")
    side = models.CharField(max_length=6, choices=Side)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("From 1 to 5; shown to members with your comment."),
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    private_score = models.PositiveSmallIntegerField(
        _("private score"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("From 1 to 5; only staff see it, and it helps propose the right experts."),
    )
    outcome = models.TextField(_("what came of it"), max_length=2000, blank=True)
    knowledge_stage = models.ForeignKey(
        KnowledgeStage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("knowledge stage reached"),
    )
    hours = models.PositiveSmallIntegerField(
        _("hours given"), null=True, blank=True, validators=[MaxValueValidator(500)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["engagement", "side"], name="feedback_once_a_side"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5)
                & Q(private_score__gte=1, private_score__lte=5),
                name="feedback_scores_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.engagement} · {self.get_side_display()}"


class ExpertRecord(models.Model):
    """What the matching engine weighs of an expert's engagements, kept by the services as
    they change (``services.refresh_records``), so that a ranking reads one row per candidate
    instead of counting their engagements."""

    expert = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    pending = models.PositiveIntegerField(default=0)
    under_way = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    sme_score_total = models.PositiveIntegerField(default=0)  # the SMEs' private scores, summed
    sme_scores = models.PositiveIntegerField(default=0)  # and counted

    class Meta:
        verbose_name = _("expert record")
        verbose_name_plural = _("expert records")

    def __str__(self):
        return str(self.expert_id)


class Referral(models.Model):
    """A facilitator points a request to a member or to another organisation that may help, with
    a note; the facilitator's ledger follows how it ended (``selectors.referral_ledger``)."""

    class Outcome(models.TextChoices):
        """How a referral ended: from the engagement the member (or a member of the
        organisation) referred to took on the request, else from the request itself."""

        HELPED = "helped", _("Helped: the engagement was completed")
        UNDER_WAY = "under_way", _("Engagement under way")
        ASKED = "asked", _("Invitation or offer waiting for an answer")
        NOT_TAKEN = "not_taken", _("Asked, but it did not go ahead")
        RESOLVED_OTHERWISE = "resolved_otherwise", _("Resolved with someone else's help")
        CLOSED = "closed", _("Request closed without an engagement")
        WAITING = "waiting", _("No engagement yet")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="referrals")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("member referred to"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("organisation referred to"),
    )
    note = models.TextField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, organisation__isnull=True)
                | Q(member__isnull=True, organisation__isnull=False),
                name="referral_to_a_member_or_an_organisation",
            ),
            models.UniqueConstraint(
                fields=["request", "referred_by", "member"],
                condition=Q(member__isnull=False),
                name="referral_once_to_a_member",
            ),
            models.UniqueConstraint(
                fields=["request", "referred_by", "organisation"],
                condition=Q(organisation__isnull=False),
                name="referral_once_to_an_organisation",
            ),
        ]
        indexes = [models.Index(fields=["referred_by", "-created_at"], name="referral_by_member")]

    def __str__(self):
        return str(self.request)

    @property
    def outcome_label(self) -> str:
        """The label of the ``outcome`` the ledger reads with each referral."""
        return self.Outcome(self.outcome).label


class FollowUp(models.Model):
    """A check-in with the SME 30 and 90 days after an engagement was completed: what it did with
    the help. The beat task asks once it is due (``asked_at``); the SME answers on its page."""

    class Use(models.TextChoices):
        APPLIED = "applied", _("We put it to use")
        PARTLY = "partly", _("We used part of it")
        NOT_YET = "not_yet", _("Not yet, we still plan to")
        NOT_USED = "not_used", _("We did not use it")

    AFTER_DAYS = (30, 90)

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="follow_ups")
    after_days = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    asked_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    use = models.CharField(
        _("what the SME did with the help"), max_length=8, choices=Use, blank=True
    )
    story = models.TextField(
        _("what changed"),
        max_length=2000,
        blank=True,
        help_text=_("A sale, a partner found, a rule understood, a plan changed…"),
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "after_days"], name="follow_up_once_per_delay"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], name="follow_up_to_ask", condition=Q(asked_at__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.engagement} · {self.after_days}"

    def get_absolute_url(self) -> str:
        return reverse("matchmaking:follow_up", args=[self.pk])

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TEXT_LENGTH = 1000
PERMISSION = "moderation.moderate"  # the Moderators group holds it (migration 0003)


class FlagKind(models.TextChoices):
    THREAD = "thread", pgettext_lazy("flagged thing", "Thread")
    POST = "post", pgettext_lazy("flagged thing", "Post")
    PROFILE = "profile", pgettext_lazy("flagged thing", "Profile")
    ORGANISATION = "organisation", pgettext_lazy("flagged thing", "Organisation")
    HELP_REQUEST = "request", pgettext_lazy("flagged thing", "Help request")
    MESSAGE = "message", pgettext_lazy("flagged thing", "Private message")


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    ABUSE = "abuse", _("Abuse or harassment")
    MISINFORMATION = "misinformation", _("Misinformation")
    OFF_TOPIC = "off_topic", _("Off-topic")
    CONFIDENTIAL = "confidential", _("Confidential information")
    OTHER = "other", _("Other")


class Flag(models.Model):
    """A member telling the moderators that something breaks the community's rules: one open flag
    per member and thing flagged (flagging again changes its reason)."""

    Kind = FlagKind
    Reason = FlagReason

    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("flagged by"),
    )
    kind = models.CharField(_("what"), max_length=16, choices=Kind)
    object_id = models.PositiveBigIntegerField(_("its id"))
    # Whose it is, as it was when flagged (None for an organisation, or an author gone since).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason)
    text = models.TextField(_("what is wrong"), max_length=TEXT_LENGTH, blank=True)
    created_at = models.DateTimeField(_("flagged"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # Whether the moderators agreed once they decided: each flagger's past accuracy weighs their
    # next flags.
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(
                fields=["flagger", "kind", "object_id"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_flag_per_member_and_thing",
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(text=""), name="flag_other_says_what"
            ),
        ]
        indexes = [
            models.Index(
                fields=["kind", "object_id"],
                condition=Q(resolved_at__isnull=True),
                name="open_flags_of_a_thing",
            ),
        ]
        permissions = [("moderate", _("Can work the moderation queue"))]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.reason}"


class Case(models.Model):
    """One thing moderators are asked to look at (flagged by members, or a new member's first post
    held back), from the first flag to a moderator's decision. ``score`` is its open flags weighed
    by each flagger's trust level and past accuracy; past ``MODERATION_HIDE_SCORE`` the thing is
    hidden until a moderator decides, and the score it had then is kept."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a moderator")
        HIDDEN = "hidden", _("Hidden by members' flags, waiting for a moderator")
        HELD = "held", _("First post held, waiting for a moderator")
        CLOSED = "closed", _("Decided")

    WAITING = (Status.OPEN, Status.HIDDEN, Status.HELD)

    kind = models.CharField(_("what"), max_length=16, choices=FlagKind)
    object_id = models.PositiveBigIntegerField(_("its id"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    label = models.CharField(_("title"), max_length=200)  # as it was when the case opened
    url = models.CharField(_("address"), max_length=300)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.OPEN)
    score = models.FloatField(_("weight of the flags"), default=0)
    hidden_score = models.FloatField(_("weight when hidden"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    review_asked_at = models.DateTimeField(_("author asked for a review"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("moderators reminded"), null=True, blank=True)
    closed_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("moderation case")
        verbose_name_plural = _("moderation cases")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                condition=Q(closed_at__isnull=True),
                name="one_open_case_per_thing",
            ),
        ]
        indexes = [
            models.Index(
                fields=["opened_at", "id"],
                condition=Q(closed_at__isnull=True),
                name="cases_waiting",
            ),
            models.Index(fields=["author", "-opened_at"], name="cases_of_an_author"),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.status}"

    @property
    def is_waiting(self) -> bool:
        return self.closed_at is None


class Sanction(models.Model):
    """A warning, a suspension until ``ends_at``, or a ban (no end), given to a member by a
    moderator with a reason. Suspended and banned members cannot sign in, and their sessions and
    tokens stop working: their account is inactive until the sanction ends or is lifted."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        SUSPENSION = "suspension", _("Suspension")
        BAN = "ban", _("Ban")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    reason = models.TextField(_("reason"), max_length=TEXT_LENGTH)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("moderator"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="sanctions"
    )
    created_at = models.DateTimeField(_("given"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="suspension", ends_at__isnull=False)
                | (~Q(kind="suspension") & Q(ends_at__isnull=True)),
                name="only_suspensions_end",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-created_at"], name="sanctions_of_a_member"),
            models.Index(
                fields=["ends_at"],
                condition=Q(lifted_at__isnull=True, kind="suspension"),
                name="suspensions_to_lift",
            ),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.kind}"


class ModeratorNote(models.Model):
    """What moderators want each other to know about a member; only moderators read it."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    text = models.TextField(_("note"), max_length=TEXT_LENGTH)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("moderator note")
        verbose_name_plural = _("moderator notes")
        indexes = [models.Index(fields=["member", "-created_at"], name="notes_on_a_member")]

    def __str__(self):
        return f"{self.member_id}: {self.text[:40]}"

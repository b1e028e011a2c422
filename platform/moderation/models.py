from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TEXT_LENGTH = 1000


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

"""Notifications, what each member wants to hear of, and the e-mails sent about them.

A notification keeps a snapshot of what it is about (``subject``, ``url``) so the list and the
e-mails never reach into the app that sent it; the optional generic target is only there to find
a thing's notifications again. Whether one is to be mailed is decided when it is written
(``email_pending``), so the beat task reads a small partial index instead of every member's
preferences.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications import registry
from notifications.registry import Delivery

KIND_LENGTH = 50


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # the indexes below start with it
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=KIND_LENGTH)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    subject = models.CharField(_("subject"), max_length=300)
    url = models.CharField(_("address on the site"), max_length=500)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    batch_key = models.CharField(_("batch"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_pending = models.BooleanField(default=False, editable=False)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_newest"),
            models.Index(
                fields=["recipient", "-id"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["recipient", "kind"],
                condition=Q(email_pending=True),
                name="notification_email_pending",
            ),
            models.Index(fields=["target_type", "target_id"], name="notification_target"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.subject}"

    @property
    def text(self) -> str:
        """What happened, in the current language: "Li Wei replied in “…”" (needs ``actor``)."""
        try:
            sentence = registry.kind(self.kind).sentence
        except KeyError:  # a kind its app no longer declares
            return self.subject
        actor = self.actor.display_name if self.actor else gettext("Someone")
        return sentence % {"actor": actor, "subject": self.subject}


class Preference(models.Model):
    """A member's choice for one kind; without a row, the kind's default applies."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        db_index=False,  # the unique constraint starts with it
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=KIND_LENGTH)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="one_preference_per_kind"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.delivery}"


class EmailDelivery(models.Model):
    """One e-mail per member, kind and period: the row is written in the transaction that marks
    the notifications e-mailed, so a retried or duplicated task finds it and mails no one twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=KIND_LENGTH)
    period_start = models.DateTimeField(_("period"))
    item_count = models.PositiveIntegerField(_("notifications"), default=0)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification e-mail")
        verbose_name_plural = _("notification e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period_start"], name="one_email_per_kind_and_period"
            ),
        ]

    def __str__(self):
        return f"{self.kind} @ {self.period_start:%Y-%m-%d %H:%M}"

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.chinese import in_reader_script


class TranslatedName(models.Model):
    """Reference data named in each of the site's languages; ``name`` follows the active one."""

    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=120)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return in_reader_script(getattr(self, self.name_field()) or self.name_en)

    @staticmethod
    def name_field() -> str:
        """The column of the active language's name (English stands in for a missing one; the
        Simplified Chinese one is read in Traditional characters too, see ``name``)."""
        language = (get_language() or "en").lower()
        if language.startswith("zh"):
            return "name_zh_hans"
        if language.startswith("fr"):
            return "name_fr"
        return "name_en"


class AuditEvent(models.Model):
    """Who changed someone else's content or standing, what, when and why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=60)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class OutboxTask(models.Model):
    """A task that could not be handed to the broker when it was queued; ``core.outbox`` sends
    it once the broker answers again, and deletes it as it does."""

    name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task waiting for the broker")
        verbose_name_plural = _("tasks waiting for the broker")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.name}"


class UndeliveredEmail(models.Model):
    """A message the mail server refused for good, or did not take after every retry: kept whole
    for staff, who see it in the admin and may send it again."""

    subject = models.CharField(_("subject"), max_length=255)
    recipients = models.TextField(_("recipients"))
    error = models.TextField(_("error"))
    attempts = models.PositiveSmallIntegerField(_("attempts"))
    message = models.JSONField()  # as core.mail.message_to_data made it
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("undelivered e-mail")
        verbose_name_plural = _("undelivered e-mail")

    def __str__(self):
        return f"{self.failed_at:%Y-%m-%d %H:%M} {self.subject}"

"""The write side of moderation: members' flags."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from moderation.models import Flag
from moderation.targets import Target


def flag(*, flagger, target: Target, reason: str, text: str = "") -> Flag:
    """Flag ``target`` (found through ``targets.resolve``, so the flagger may see it). Flagging the
    same thing again while the first flag is open changes its reason and text. Raises
    ValidationError, naming the field, for one's own things, an unknown reason, or "other"
    without saying what is wrong."""
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
    try:
        with transaction.atomic():
            row, _created = Flag.objects.update_or_create(
                **key, resolved_at__isnull=True, defaults=fields
            )
    except IntegrityError:  # the same member flagged it at the same moment in another tab
        row = Flag.objects.get(**key, resolved_at__isnull=True)
    return row

"""The write side of economy updates: what Editors do to them, each one function in a transaction.

Who may call these is ``economy.access``'s business (Editors); the rules here are about the
update: its text within its limits, its Markdown rendered and sanitised into ``body_html``, a
published update dated (a time still to come schedules it), and only drafts and imports waiting
for review discarded. After every change the update is indexed again (``economy.indexing``) once
its sectors and city-regions are set. An Editor who changes, publishes, unpublishes or discards an
update they did not write (another Editor's, or one imported from a feed) leaves an audit event in
the same transaction.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit
from core.markdown import render_post
from core.text import check_text
from economy.indexing import index_update
from economy.models import (
    BODY_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    EconomyUpdate,
)

Status = EconomyUpdate.Status
TITLE_MIN_LENGTH = 5  # as core.text.written_length weighs it
SOURCE_NAME_MAX_LENGTH = EconomyUpdate._meta.get_field("source_name").max_length
SOURCE_URL_MAX_LENGTH = EconomyUpdate._meta.get_field("source_url").max_length
FIELDS = ("title", "summary", "body", "source_name", "source_url", "language")
RELATIONS = ("sectors", "city_regions")


# --- Writing ------------------------------------------------------------------------------------


@transaction.atomic
def create_update(*, author, **fields) -> EconomyUpdate:
    """A draft written by ``author`` (an Editor); the fields are those of ``FIELDS`` and
    ``RELATIONS``, any left out stay empty."""
    update = EconomyUpdate(author=author, status=Status.DRAFT)
    return _write(update, fields)


@transaction.atomic
def change_update(*, update: EconomyUpdate, actor, **changes) -> EconomyUpdate:
    """Changes to an update in any state; only the fields given change, lists replace what was
    there. A published update must stay publishable."""
    update = _locked(update)
    _write(update, changes)
    if update.status == Status.PUBLISHED:
        _require_ready(update)
    _audit_if_not_theirs(update, actor, "economy.change_update", changed=sorted(changes))
    return update


def _write(update: EconomyUpdate, changes: dict) -> EconomyUpdate:
    unknown = set(changes) - set(FIELDS) - set(RELATIONS)
    if unknown:
        raise TypeError(f"Not an economy update's field: {', '.join(sorted(unknown))}")
    for name in FIELDS:
        if name in changes:
            setattr(update, name, changes[name])
    _clean(update)
    update.save()
    for name in RELATIONS:
        if name in changes:
            getattr(update, name).set(changes[name])
    index_update(update)
    return update


def _clean(update: EconomyUpdate) -> None:
    errors = {}
    update.title = (update.title or "").strip()
    checks = {
        "title": lambda: check_text(
            update.title,
            minimum=TITLE_MIN_LENGTH,
            maximum=TITLE_MAX_LENGTH,
            too_short=_("Give the update a title of a few words."),
        ),
        "summary": lambda: _within(update.summary.strip(), SUMMARY_MAX_LENGTH),
        # Leading spaces stay in Markdown: they start a code block.
        "body": lambda: _within(update.body.strip("\r\n"), BODY_MAX_LENGTH),
        "source_name": lambda: _within(update.source_name.strip(), SOURCE_NAME_MAX_LENGTH),
        "source_url": lambda: _source_url(update.source_url.strip()),
        "language": lambda: _language(update.language),
    }
    for name, check in checks.items():
        try:
            setattr(update, name, check())
        except ValidationError as error:
            errors[name] = error.error_list
    if errors:
        raise ValidationError(errors)
    update.body_html = render_post(update.body, allow_images=False).html


def _within(text: str, maximum: int) -> str:
    return check_text(text, minimum=0, maximum=maximum, too_short="")


def _source_url(url: str) -> str:
    if not url:
        return url
    _within(url, SOURCE_URL_MAX_LENGTH)
    URLValidator(
        schemes=["http", "https"],
        message=_("Enter the address of the source, starting with https:// or http://."),
    )(url)
    return url


def _language(code: str) -> str:
    if code not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose the language the update is written in."), code="invalid")
    return code


# --- Publishing ---------------------------------------------------------------------------------


def missing_for_publishing(update: EconomyUpdate) -> dict[str, str]:
    """What an update lacks before readers see it, by field; empty when it is ready."""
    missing = {}
    if not (update.summary.strip() or update.body.strip()):
        missing["summary"] = _("Write a summary or a body: readers need more than a title.")
    return missing


def _require_ready(update: EconomyUpdate) -> None:
    missing = missing_for_publishing(update)
    if missing:
        raise ValidationError(
            {name: ValidationError(message, code="missing") for name, message in missing.items()}
        )


@transaction.atomic
def publish_update(
    *, update: EconomyUpdate, actor, at: datetime | None = None, now: datetime | None = None
) -> EconomyUpdate:
    """A draft, an import waiting for review or a scheduled update goes out: now, or at ``at``
    (a time still to come schedules it; readers see it from then on). An update already out
    stays as it is."""
    now = now or timezone.now()
    update = _locked(update)
    if update.status == Status.PUBLISHED and update.published_at <= now:
        raise ValidationError(_("This update is already published."), code="published")
    if at is not None and at < now:
        raise ValidationError(
            {
                "at": ValidationError(
                    _("Choose a time still to come, or publish it now."), code="past"
                )
            }
        )
    _require_ready(update)
    was = update.status
    update.status, update.published_at = Status.PUBLISHED, at or now
    update.save(update_fields=["status", "published_at", "updated_at"])
    _audit_if_not_theirs(
        update,
        actor,
        "economy.publish_update",
        was=was,
        at=update.published_at.isoformat(),
    )
    return update


@transaction.atomic
def unpublish_update(*, update: EconomyUpdate, actor) -> EconomyUpdate:
    """A published or scheduled update goes back to being a draft: readers no longer see it."""
    update = _locked(update)
    if update.status != Status.PUBLISHED:
        raise ValidationError(_("This update is not published."), code="not_published")
    update.status, update.published_at = Status.DRAFT, None
    update.save(update_fields=["status", "published_at", "updated_at"])
    _audit_if_not_theirs(update, actor, "economy.unpublish_update")
    return update


@transaction.atomic
def discard_update(*, update: EconomyUpdate, actor, reason: str = "") -> None:
    """A draft, or an import an Editor reviewed and does not want, is deleted. A published
    update is unpublished first (it may have gone out in digests)."""
    update = _locked(update)
    if update.status == Status.PUBLISHED:
        raise ValidationError(_("Unpublish the update before discarding it."), code="published")
    _audit_if_not_theirs(update, actor, "economy.discard_update", reason=reason, title=update.title)
    update.delete()


def _audit_if_not_theirs(update: EconomyUpdate, actor, action: str, **details) -> None:
    """An update another Editor wrote, or one imported from a feed (it has no author)."""
    if update.author_id == actor.pk:
        return
    reason = details.pop("reason", "")
    if update.feed_id is not None:
        details["feed"] = update.feed_id
    audit.record(actor=actor, action=action, target=update, reason=reason, **details)


def _locked(update: EconomyUpdate) -> EconomyUpdate:
    """The update as it is now, its row locked until the transaction ends."""
    locked = EconomyUpdate.objects.select_for_update().get(pk=update.pk)
    return locked

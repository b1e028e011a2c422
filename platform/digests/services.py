"""The write side of digests: members' choices, and deciding and sending each period's digest.

Exactly once per member and period
----------------------------------
Beat marks the due subscriptions queued (``mark_due_queued``) and queues their ids in batches;
``send_batch`` then works a batch in two steps, each safe to run twice, at once, or again after a
crash:

1. **Claim** (``claim_batch``). The batch's digests are built with a fixed number of queries
   (``digests.building``); then one transaction locks the batch's subscriptions, keeps those
   still due for the period built, writes their ``Delivery`` rows (unique per member and period:
   a period decided already is left as it is), and moves ``next_due_at`` on to the next period.
   (One transaction for the batch rather than one per member: a handful of statements instead
   of seven per member, for the throughput of 300 digests a second; the locks last a few
   milliseconds.)
   A digest to send is written ``claimed`` with its Message-ID, derived from (member, period)
   alone; a skipped one ``skipped`` with its reason. A member is decided once per period and
   never examined again until the next.
2. **Send** (``send_claimed``). Over one SMTP connection for the batch, each ``claimed`` delivery
   is locked (``SKIP LOCKED``: a second worker on the same batch passes over it), sent, and
   marked ``sent`` in its own transaction. A delivery a dead worker left ``claimed`` is sent by
   the redelivered task (``acks_late``, ``reject_on_worker_lost``), or by the next beat run
   (``stuck_claims``) if the message itself was lost.

SMTP has an inherent window (RFC 1047) between the server accepting a message and the client
recording that it did: a worker killed inside it leaves a delivery ``claimed`` that was in fact
sent, and it is sent again. The guarantee is therefore: every due member gets their digest; a
duplicate can only come from that window, at most one message per killed worker, and carries the
same Message-ID as the first, which mail systems collapse into one.

An SMTP error that may pass (a 4xx reply, a dropped connection) marks the delivery ``failed``
(reason ``smtp``) and the task retries it with backoff, up to ``MAX_ATTEMPTS``; a refused address
(5xx) is ``failed`` for good (reason ``refused``).
"""

import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import connection as database
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, ngettext

from core.jinja import translations
from core.links import Links, link
from core.mail import WrittenAlternatives
from digests import building, schedule
from digests.access import unsubscribe_token, view_token
from digests.models import ConsentEvent, Delivery, Subscription

Frequency = Subscription.Frequency
Status = Delivery.Status
Reason = Delivery.Reason

BATCH_SIZE = 200
QUEUE_AGAIN_AFTER = timedelta(minutes=15)  # a batch queued this long ago and still due was lost
MAX_PER_RUN = 100_000  # due subscriptions one beat run queues; the rest wait for the next run
MAX_ATTEMPTS = 6
SCHEDULE_FIELDS = ("frequency", "weekday", "day_of_month", "hour", "time_zone")
links = Links()  # the mail's addresses, each view reversed once per process
LESS_OFTEN = {Frequency.DAILY: Frequency.WEEKLY, Frequency.WEEKLY: Frequency.MONTHLY}


# --- Members' choices -----------------------------------------------------------------------------


def default_time_zone(member) -> str:
    profile = getattr(member, "profile", None)
    region = getattr(profile, "canadian_region", None) if profile else None
    return (region.time_zone if region is not None else "") or settings.TIME_ZONE


@transaction.atomic
def subscribe_new_member(*, member, now: datetime | None = None) -> Subscription:
    """A new member's subscription (weekly, in their time zone), with its consent recorded."""
    subscription, created = Subscription.objects.get_or_create(
        member=member, defaults={"time_zone": default_time_zone(member)}
    )
    if created:
        subscription.next_due_at = schedule.next_of(subscription, after=now or timezone.now())
        subscription.save(update_fields=["next_due_at"])
        ConsentEvent.objects.create(
            member=member,
            source=ConsentEvent.Source.SIGN_UP,
            before=Frequency.OFF,
            after=subscription.frequency,
        )
    return subscription


def follow_region_time_zone(*, profile, now: datetime | None = None) -> None:
    """Give the subscription the time zone of the profile's Canadian city-region while it still
    has the site's default one (which sign-up gives, before the member names their region)."""
    region = profile.canadian_region
    zone = region.time_zone if region is not None else ""
    if not zone or zone == settings.TIME_ZONE:
        return
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(pk=profile.pk, time_zone=settings.TIME_ZONE)
            .first()
        )
        if subscription is None:
            return
        subscription.time_zone = zone
        subscription.next_due_at = schedule.next_of(subscription, after=now or timezone.now())
        subscription.queued_at = None
        subscription.save(update_fields=["time_zone", "next_due_at", "queued_at", "updated_at"])


@transaction.atomic
def change_subscription(
    *, member, source: str, now: datetime | None = None, **changes
) -> Subscription:
    """Change a member's subscription: any of its fields (``sectors``, ``city_regions`` and
    ``indicators`` as lists of objects or ids). Invalid values raise ValidationError, naming the
    field; nothing is saved then. A new schedule is due from now on; a change of frequency is
    recorded as a consent change with its source."""
    subscribe_new_member(member=member, now=now)
    subscription = Subscription.objects.select_for_update().get(pk=member.pk)
    before = subscription.frequency
    relations = {
        name: changes.pop(name)
        for name in ("sectors", "city_regions", "indicators")
        if name in changes
    }
    unknown = set(changes) - set(Subscription.MEMBER_CHOICES)
    if unknown:
        raise ValidationError({name: gettext("This cannot be changed.") for name in unknown})
    schedule_changed = any(
        name in changes and changes[name] != getattr(subscription, name) for name in SCHEDULE_FIELDS
    )
    for name, value in changes.items():
        setattr(subscription, name, value)
    subscription.full_clean(exclude=["member", "sectors", "city_regions", "indicators"])
    if schedule_changed:
        subscription.next_due_at = schedule.next_of(subscription, after=now or timezone.now())
        subscription.queued_at = None
    subscription.save()
    for name, value in relations.items():
        getattr(subscription, name).set(value)
    if subscription.frequency != before:
        ConsentEvent.objects.create(
            member=member, source=source, before=before, after=subscription.frequency
        )
    return subscription


def unsubscribe(*, member, source: str, frequency: str = Frequency.OFF) -> Subscription:
    """Stop the member's digests (or make them less frequent); idempotent."""
    return change_subscription(member=member, source=source, frequency=frequency)


def less_often(frequency: str) -> str | None:
    return LESS_OFTEN.get(frequency)


# --- Beat -----------------------------------------------------------------------------------------


def due(now: datetime):
    """Subscriptions due and not waiting in the queue, from the partial index ``digest_due``."""
    return (
        Subscription.objects.filter(next_due_at__lte=now)
        .exclude(frequency=Frequency.OFF)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - QUEUE_AGAIN_AFTER))
    )


def mark_due_queued(*, now: datetime | None = None, size: int = BATCH_SIZE) -> list[list[int]]:
    """Mark the due subscriptions queued, in batches of ``size`` ids in id order, and return the
    batches for the caller to queue. A second run at the same moment (beat firing twice) finds
    them marked, or locked (``SKIP LOCKED``), and returns nothing for them."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            due(now)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:MAX_PER_RUN]
        )
        Subscription.objects.filter(pk__in=ids).update(queued_at=now)
    return [ids[start : start + size] for start in range(0, len(ids), size)]


SENDABLE = Q(status=Status.CLAIMED) | Q(
    status=Status.FAILED, reason=Reason.SMTP, attempts__lt=MAX_ATTEMPTS
)


def stuck_claims(*, now: datetime | None = None, size: int = BATCH_SIZE) -> list[list[int]]:
    """Members whose digest, claimed or failed with an error that may pass, has waited
    ``QUEUE_AGAIN_AFTER`` unsent and untried (its task lost, or its retries over): batches to
    queue again. A failure more recent than that is left to its task's own retry, which comes
    sooner (``tasks.RETRY_DELAYS``), so beat does not spend the attempts it has left. Sending
    them twice at once is harmless (rows are locked to send); each try counts towards
    ``MAX_ATTEMPTS``."""
    now = now or timezone.now()
    waited = now - QUEUE_AGAIN_AFTER
    ids = list(
        Delivery.objects.filter(SENDABLE, created_at__lt=waited)
        .exclude(failed_at__gte=waited)
        .order_by("member_id")
        .values_list("member_id", flat=True)
        .distinct()[:MAX_PER_RUN]
    )
    return [ids[start : start + size] for start in range(0, len(ids), size)]


# --- Claiming -------------------------------------------------------------------------------------


def claim_batch(*, member_ids, now: datetime | None = None) -> dict[str, int]:
    """Decide the batch's digests for their due period (step 1); returns counts by outcome.

    The digests are built before any lock is taken; then one transaction locks the batch's
    subscriptions (in id order, so two workers on overlapping batches wait rather than
    deadlock), keeps those still due for the period built, writes their deliveries and moves
    them on: four statements for the batch, and one UPDATE per distinct next due time."""
    now = now or timezone.now()
    subscriptions = building.subscriptions_for(member_ids)
    decided = building.gather(subscriptions, now=now)
    read = {subscription.pk: subscription for subscription in subscriptions}
    counts = {"claimed": 0, "skipped": 0, "taken": 0}
    with transaction.atomic():
        locked = list(
            Subscription.objects.select_for_update().filter(pk__in=list(read)).order_by("pk")
        )
        still_due = [
            subscription
            for subscription in locked
            if subscription.pk in decided and _unchanged(subscription, read[subscription.pk])
        ]
        periods = {decided[s.pk].period for s in still_due}
        taken = set(
            Delivery.objects.filter(
                member_id__in=[s.pk for s in still_due], period__in=periods
            ).values_list("member_id", "period")
        )
        deliveries, sent_until = [], {}
        for subscription in still_due:
            contents = decided[subscription.pk]
            if (subscription.pk, contents.period) in taken:
                counts["taken"] += 1  # decided already, by another run or worker
            else:
                deliveries.append(_delivery(contents))
                counts["claimed" if contents.to_send else "skipped"] += 1
                if contents.to_send:
                    sent_until[subscription.pk] = contents.until
            subscription.next_due_at = schedule.next_of(
                subscription, after=max(now, subscription.next_due_at)
            )
        # Not due, turned off, or changed since it was read: no longer waiting in the queue;
        # the next beat run queues it again if it is due.
        claimed = {subscription.pk for subscription in still_due}
        left = [s for s in locked if s.pk not in claimed and s.queued_at is not None]
        Delivery.objects.bulk_create(deliveries)
        _move_on(still_due, sent_until=sent_until)
        _move_on(left, sent_until={})
    return counts


def _move_on(subscriptions: list[Subscription], *, sent_until: dict[int, datetime]) -> None:
    """Save the subscriptions' new ``next_due_at`` (and ``last_sent_at`` for those in
    ``sent_until``), unqueued: one UPDATE per distinct pair of values, which schedules share
    (bulk_update's CASE per row cost as much as building the batch's digests)."""
    groups = defaultdict(list)
    for subscription in subscriptions:
        groups[subscription.next_due_at, sent_until.get(subscription.pk)].append(subscription.pk)
    for (next_due_at, last_sent_at), ids in groups.items():
        changes = {"next_due_at": next_due_at, "queued_at": None}
        if last_sent_at is not None:
            changes["last_sent_at"] = last_sent_at
        Subscription.objects.filter(pk__in=ids).update(**changes)


def _unchanged(locked: Subscription, read: Subscription) -> bool:
    return locked.next_due_at == read.next_due_at and all(
        getattr(locked, name) == getattr(read, name) for name in SCHEDULE_FIELDS
    )


def _delivery(contents: building.Contents) -> Delivery:
    return Delivery(
        member_id=contents.member_id,
        period=contents.period,
        frequency=contents.frequency,
        status=Status.CLAIMED if contents.to_send else Status.SKIPPED,
        reason=contents.reason,
        item_count=contents.item_count,
        items=contents.items,
        since=contents.since,
        language=contents.language,
        message_id=message_id(contents.member_id, contents.period) if contents.to_send else "",
    )


def message_id(member_id: int, period: str) -> str:
    """The same for every attempt at one member's digest of one period, and telling nobody the
    member's id."""
    digest = salted_hmac("digests.message-id", f"{member_id}:{period}").hexdigest()[:24]
    return f"<digest.{period}.{digest}@{message_id_domain()}>"


# --- Sending --------------------------------------------------------------------------------------


class TransientSendError(Exception):
    """Some digests of the batch met an SMTP error that may pass: retry the batch later."""


@dataclass
class Sent:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    transient: list[int] = field(default_factory=list)


def send_claimed(*, member_ids, connection=None) -> Sent:
    """Send the batch's claimed digests (step 2) over one SMTP connection."""
    result = Sent()
    deliveries = list(
        Delivery.objects.filter(SENDABLE, member_id__in=list(member_ids))
        .select_related("member")
        .order_by("member_id", "pk")
    )
    if not deliveries:
        return result
    digests = building.load([delivery.items for delivery in deliveries])
    turned_off = set(
        Subscription.objects.filter(
            pk__in=[d.member_id for d in deliveries], frequency=Frequency.OFF
        ).values_list("pk", flat=True)
    )
    connection = connection or get_connection(settings.EMAIL_DELIVERY_BACKEND)
    try:
        for delivery, digest in zip(deliveries, digests, strict=True):
            outcome = _send_one(delivery, digest, connection, delivery.member_id in turned_off)
            if outcome == "sent":
                result.sent += 1
            elif outcome == "skipped":
                result.skipped += 1
            elif outcome == "transient":
                result.transient.append(delivery.pk)
                connection.close()  # a fresh connection for the next one
            elif outcome == "failed":
                result.failed += 1
    finally:
        connection.close()
    return result


def _send_one(delivery: Delivery, digest: building.Digest, connection, turned_off: bool) -> str:
    """Send one claimed delivery, unless another worker holds it or sent it already.

    One transaction: the delivery is marked sent by a statement that locks it, skipping it if
    another worker holds it (``_lock``), then the mail goes; an SMTP error rolls the mark back
    and the failure is recorded after. Three round trips to the database per message."""
    if turned_off:
        skipped = Delivery.objects.filter(SENDABLE, pk=delivery.pk).update(
            status=Status.SKIPPED, reason=Reason.UNSUBSCRIBED
        )
        return "skipped" if skipped else "taken"
    message = compose(delivery, digest, connection=connection)
    try:
        with transaction.atomic():
            mine = _mark_sent(delivery.pk)
            if not mine:  # sent, or being sent by another worker
                return "taken"
            connection.open()  # once per batch: open already unless an error closed it
            if not connection.send_messages([message]):
                raise smtplib.SMTPServerDisconnected("the connection could not be opened")
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        return _failed(delivery, Reason.REFUSED, error)
    except smtplib.SMTPResponseException as error:
        permanent = 500 <= error.smtp_code < 600
        return _failed(delivery, Reason.REFUSED if permanent else Reason.SMTP, error)
    except (smtplib.SMTPException, OSError) as error:
        return _failed(delivery, Reason.SMTP, error)
    return "sent"


_MARK_SENT = (
    "UPDATE digests_delivery SET status = %s, reason = '', error = '', sent_at = %s, "
    "attempts = attempts + 1 WHERE id = (SELECT id FROM digests_delivery WHERE id = %s AND "
    "(status = %s OR (status = %s AND reason = %s AND attempts < %s)){lock})"
)


def _mark_sent(pk: int) -> int:
    """Mark the delivery sent if it is still to send and no other transaction holds it (on
    PostgreSQL the statement skips a row another worker has locked; SQLite has one writer at a
    time anyway). Written out: the ORM took longer to compile it than the database to run it."""
    skip_locked = database.features.has_select_for_update_skip_locked
    lock = " FOR UPDATE SKIP LOCKED" if skip_locked else ""
    with database.cursor() as cursor:
        cursor.execute(
            _MARK_SENT.format(lock=lock),
            [
                Status.SENT,
                timezone.now(),
                pk,
                Status.CLAIMED,
                Status.FAILED,
                Reason.SMTP,
                MAX_ATTEMPTS,
            ],
        )
        return cursor.rowcount


def _failed(delivery: Delivery, reason: str, error: Exception) -> str:
    """Record a failed attempt, unless another worker has sent it meanwhile."""
    attempts = delivery.attempts + 1
    Delivery.objects.filter(SENDABLE, pk=delivery.pk).update(
        status=Status.FAILED,
        reason=reason,
        error=f"{type(error).__name__}: {error}"[:2000],
        attempts=F("attempts") + 1,
        failed_at=timezone.now(),
    )
    if reason == Reason.SMTP and attempts < MAX_ATTEMPTS:
        return "transient"
    return "failed"


def send_batch(*, member_ids, now: datetime | None = None) -> dict:
    """Claim then send a batch; raises TransientSendError (after sending what it could) when
    some digests should be tried again."""
    counts = claim_batch(member_ids=member_ids, now=now)
    sent = send_claimed(member_ids=member_ids)
    counts |= {"sent": sent.sent, "failed": sent.failed, "unsubscribed": sent.skipped}
    if sent.transient:
        raise TransientSendError(f"{len(sent.transient)} digest(s) to try again", counts)
    return counts


# --- The mail -------------------------------------------------------------------------------------


def sender_name() -> str:
    return getattr(settings, "DIGEST_SENDER_NAME", "KnowBridge")


def postal_address() -> str:
    return getattr(settings, "POSTAL_ADDRESS", "KnowBridge, Toronto, Ontario, Canada")


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def context_of(delivery: Delivery, digest: building.Digest, member) -> dict:
    """What the mail's two parts and the web page show (in the active language)."""
    count = delivery.item_count
    return {
        **translations(None),  # each message translated once per language and process
        "member": member,
        "delivery": delivery,
        "digest": digest,
        "site_url": settings.SITE_URL,
        "heading": ngettext(
            "Your KnowBridge digest: %(count)d new item",
            "Your KnowBridge digest: %(count)d new items",
            count,
        )
        % {"count": count},
        "links": links,
        "replies_shown": building.replies_shown,
        "view_url": absolute(links("digests:view", view_token(delivery))),
        "unsubscribe_url": absolute(links("digests:unsubscribe", unsubscribe_token(member))),
        "settings_url": absolute(link("digests:settings")),
        "sender_name": sender_name(),
        "postal_address": postal_address(),
    }


def compose(delivery: Delivery, digest: building.Digest, *, connection=None):
    """The multipart (text + HTML) mail of a claimed delivery, in its language."""
    member = delivery.member
    with translation.override(delivery.language or member.language):
        context = context_of(delivery, digest, member)
        subject = gettext("[KnowBridge] Your digest: %(count)s new on the network") % {
            "count": delivery.item_count
        }
        text = render_to_string("digests/email/digest.txt.jinja", context, using="jinja2")
        html = render_to_string("digests/email/digest.html.jinja", context, using="jinja2")
    unsubscribe_url = context["unsubscribe_url"]
    message = WrittenAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[member.email],
        connection=connection,
        headers={
            "Message-ID": delivery.message_id,
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{sender_name()} digest <digest.{message_id_domain()}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def message_id_domain() -> str:
    return _domain_of(settings.DEFAULT_FROM_EMAIL)


@lru_cache(maxsize=8)
def _domain_of(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "knowbridge.local"


def preview_of(
    *, member, now: datetime | None = None
) -> tuple[building.Contents, Delivery, building.Digest]:
    """The member's next digest as it would be decided now (an unsaved delivery, and its
    objects); records nothing."""
    now = now or timezone.now()
    found = building.subscriptions_for([member.pk])
    if not found:
        raise Subscription.DoesNotExist(f"{member} has no digest subscription.")
    [subscription] = found
    if subscription.frequency == Frequency.OFF:
        subscription.frequency = Frequency.WEEKLY
    subscription.next_due_at = min(subscription.next_due_at or now, now)
    contents = building.gather([subscription], now=now)[member.pk]
    delivery = Delivery(
        pk=0,
        member=member,
        period=contents.period,
        frequency=contents.frequency,
        item_count=contents.item_count,
        items=contents.items,
        since=contents.since,
        language=contents.language,
    )
    [digest] = building.load([contents.items])
    return contents, delivery, digest


def preview(*, member, now: datetime | None = None) -> tuple[building.Contents, str]:
    """The member's next digest as it would be decided now, and its text part; records
    nothing."""
    contents, delivery, digest = preview_of(member=member, now=now)
    with translation.override(delivery.language or member.language):
        text = render_to_string(
            "digests/email/digest.txt.jinja", context_of(delivery, digest, member), using="jinja2"
        )
    return contents, text

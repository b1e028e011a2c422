"""What goes into a batch of members' digests, read with a fixed number of queries per batch.

``gather(subscriptions, now=…)`` decides, for each subscription of a batch, what its digest for
the period due holds, as ids per section (what ``Delivery.items`` keeps, so that "view in
browser" shows the same digest later), or why there is none. ``load(deliveries)`` reads those
ids back into objects for the mail and the web page, again in a fixed number of queries.

Why the number of queries does not grow with the batch: each section is one query over the
union of the batch's interests for the union of their time windows (the new economy updates
of a week, the new threads of the categories they read, the requests published in the window),
and each member's share is picked out in Python; the members' own facts (profile sectors and
regions, the SMEs they belong to, their engagements under way) are one query each for the
batch. A window is at most two periods long, so what is read stays bounded by what a month
publishes, whatever the size of the site.

The sections:

- **Economy updates** published in the member's window, filed under one of their sectors or
  city-regions (the profile's while the subscription follows it), the most relevant first: a
  matching sector weighs two, a matching city-region one; at the same weight, those in the
  digest's language first, then the newest.
- **Indicators** they follow, with the latest value and the change from the one before; one
  counts as an item when its latest value is new since the last digest.
- **Forum threads** started in the window in the categories they read and follow (categories
  they follow, and the sector categories of their sectors), that someone found helpful or
  answered: accepted answer first, then the most "helpful" marks, then the most replies.
- **Help requests for you** (professionals who take requests and have room for another
  engagement): open requests for all members published in the window that name one of their
  sectors or topics, neither their own SMEs' nor ones they were already asked about; as many
  as they have room for, at most ``MAX_REQUESTS``.
- **Your SMEs' requests** (members of an SME): the status of each live request, and of those
  that ended in the window; one counts as an item when it changed in the window.

Windows never overlap: a digest covers [since, until) where ``until`` is when it was decided and
``since`` the previous digest's ``until`` (at most two periods back), so nothing shows twice
across periods.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils.formats import date_format, number_format
from django.utils.translation import ngettext

from core import search
from digests import schedule
from digests.models import Delivery, Subscription
from economy.models import EconomyUpdate, Indicator, IndicatorValue
from economy.selectors import language_token
from forums.models import Category, CategoryFollow, Thread
from matchmaking.models import Engagement, HelpRequest
from members.models import Membership, Organisation, Profile, User
from members.selectors import facilitating

MIN_ITEMS = 3  # a digest with fewer items is not sent
INACTIVE_AFTER = timedelta(days=180)
MAX_UPDATES = 8
MAX_THREADS = 5
MAX_REQUESTS = 5
MAX_MY_REQUESTS = 10

R = Category.Restriction
LIVE = (HelpRequest.Status.OPEN, HelpRequest.Status.IN_PROGRESS)
ENDED = (HelpRequest.Status.RESOLVED, HelpRequest.Status.CLOSED)


@dataclass
class Contents:
    """One member's digest for one period, decided: ids per section, or why there is none."""

    member_id: int
    period: str
    frequency: str
    since: datetime
    until: datetime
    language: str
    items: dict = field(default_factory=dict)
    item_count: int = 0
    reason: str = ""  # a Delivery.Reason when nothing is sent

    @property
    def to_send(self) -> bool:
        return not self.reason


def subscriptions_for(member_ids) -> list[Subscription]:
    """The batch's subscriptions with their members: 1 query."""
    verified = EmailAddress.objects.filter(
        user_id=OuterRef("member_id"), email__iexact=OuterRef("member__email"), verified=True
    )
    return list(
        Subscription.objects.filter(pk__in=list(member_ids))
        .select_related("member")
        .annotate(has_address=Exists(verified))
        .order_by("pk")
    )


def since_of(subscription: Subscription, due_at: datetime) -> datetime:
    """Where a digest due at ``due_at`` starts: the previous digest's end, at most two periods
    back; a first digest looks back one period."""
    length = schedule.PERIOD_LENGTH[subscription.frequency]
    if subscription.last_sent_at is None:
        return due_at - length
    return max(subscription.last_sent_at, due_at - 2 * length)


def _language_tokens_read_in(language: str) -> set[str]:
    """The languages of updates a member reads first: a Chinese reader reads either script."""
    if language.lower().startswith("zh"):
        return {language_token("zh-hans"), language_token("zh-hant")}
    return {language_token(language)}


def language_of(subscription: Subscription) -> str:
    return subscription.language or subscription.member.language


def gather(subscriptions: list[Subscription], *, now: datetime) -> dict[int, Contents]:
    """Each due subscription's digest decided (those not due, or off, are left out)."""
    due = [
        sub
        for sub in subscriptions
        if sub.frequency != Subscription.Frequency.OFF
        and sub.next_due_at is not None
        and sub.next_due_at <= now
    ]
    if not due:
        return {}
    profiles = _profiles([sub.member_id for sub in due])
    decided: dict[int, Contents] = {}
    for sub in due:
        decided[sub.member_id] = Contents(
            member_id=sub.member_id,
            period=schedule.due_period(sub.frequency, sub.next_due_at, sub.time_zone),
            frequency=sub.frequency,
            since=since_of(sub, sub.next_due_at),
            until=now,
            language=language_of(sub),
        )
    reasons = _reasons(due, profiles, now)
    for member_id, reason in reasons.items():
        decided[member_id].reason = reason
    examined = [sub for sub in due if sub.member_id not in reasons]
    if examined:
        ties = Ties.of([sub.member_id for sub in examined])
        interests = {
            sub.member_id: _interests(sub, profiles.get(sub.member_id), ties) for sub in examined
        }
        windows = {sub.member_id: decided[sub.member_id] for sub in examined}
        sections = {
            "updates": _updates(interests, windows),
            "indicators": _indicators(examined, windows, ties),
            "threads": _threads(examined, interests, windows),
            "requests": _requests_for(examined, windows, profiles, ties),
            "my_requests": _my_requests(examined, windows),
        }
        for sub in examined:
            contents = decided[sub.member_id]
            count = 0
            for name, per_member in sections.items():
                shown, counted = per_member.get(sub.member_id, ([], 0))
                if shown:
                    contents.items[name] = shown
                count += counted
            contents.item_count = count
            if count < MIN_ITEMS:
                contents.reason = Delivery.Reason.TOO_LITTLE
    return decided


# --- Who gets nothing, and why ------------------------------------------------------------------


PROFILE_FIELDS = (
    "last_active_at",
    "canadian_region",
    "offers_expertise",
    "open_to_requests",
    "paused",
    "findable_as",
    "max_open_engagements",
)


def _profiles(member_ids: list[int]) -> dict:
    return {
        profile.pk: profile
        for profile in Profile.objects.filter(pk__in=member_ids).only(*PROFILE_FIELDS)
    }


def related_ids(relation, owner_ids) -> defaultdict[int, set[int]]:
    """{owner's id: ids it is tied to} through a many-to-many field (``Profile.sectors``, say):
    one query, read as pairs of ids (prefetching built an object, and a queryset for each
    ``.all()``, per tie: a third of a batch's time)."""
    table = relation.through._meta
    owner = table.get_field(relation.field.m2m_field_name()).attname
    target = table.get_field(relation.field.m2m_reverse_field_name()).attname
    tied = defaultdict(set)
    pairs = relation.through.objects.filter(**{f"{owner}__in": owner_ids})
    for owner_id, target_id in pairs.values_list(owner, target):
        tied[owner_id].add(target_id)
    return tied


@dataclass
class Ties:
    """The batch's members' choices and profiles' ties, as ids by member: 7 queries."""

    sectors: dict  # the subscription's own choices …
    regions: dict
    indicators: dict
    profile_sectors: dict  # … and the profile's
    profile_regions: dict
    topics: dict  # advice topics and areas of expertise

    @classmethod
    def of(cls, member_ids: list[int]) -> "Ties":
        topics = related_ids(Profile.advice_topics, member_ids)
        for member_id, tags in related_ids(Profile.expertise, member_ids).items():
            topics[member_id] |= tags
        return cls(
            sectors=related_ids(Subscription.sectors, member_ids),
            regions=related_ids(Subscription.city_regions, member_ids),
            indicators=related_ids(Subscription.indicators, member_ids),
            profile_sectors=related_ids(Profile.sectors, member_ids),
            profile_regions=related_ids(Profile.home_regions, member_ids),
            topics=topics,
        )


def _reasons(subscriptions, profiles, now) -> dict[int, str]:
    reasons = {}
    for sub in subscriptions:
        member, profile = sub.member, profiles.get(sub.member_id)
        if not member.is_active or not sub.has_address:
            reasons[sub.member_id] = Delivery.Reason.NO_ADDRESS
        elif profile is None or profile.last_active_at < now - INACTIVE_AFTER:
            reasons[sub.member_id] = Delivery.Reason.INACTIVE
    return reasons


# --- Interests ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interests:
    sectors: frozenset[int]
    regions: frozenset[int]

    def tokens(self) -> set[str]:
        return {f"s{pk}" for pk in self.sectors} | {f"k{pk}" for pk in self.regions}


def _interests(sub: Subscription, profile, ties: Ties) -> Interests:
    member_id = sub.member_id
    if sub.follows_profile and profile is not None:
        sectors = ties.profile_sectors.get(member_id, set())
        regions = ties.profile_regions.get(member_id, set())
        if profile.canadian_region_id:
            regions = regions | {profile.canadian_region_id}
    else:
        sectors = ties.sectors.get(member_id, set())
        regions = ties.regions.get(member_id, set())
    return Interests(frozenset(sectors), frozenset(regions))


def _span(windows: dict[int, Contents]) -> tuple[datetime, datetime]:
    return min(w.since for w in windows.values()), max(w.until for w in windows.values())


# --- Sections: each returns {member_id: (ids shown, items counted)} -------------------------------


def _updates(interests: dict[int, Interests], windows) -> dict:
    wanted = set().union(*(i.tokens() for i in interests.values()))
    if not wanted:
        return {}
    start, end = _span(windows)
    rows = EconomyUpdate.objects.visible(end).filter(published_at__gte=start, published_at__lt=end)
    rows = search.with_tokens(rows, [sorted(wanted)])
    candidates = [
        (pk, frozenset(tokens.split()), published_at)
        for pk, tokens, published_at in rows.values_list("pk", "tokens", "published_at")
    ]
    shown = {}
    for member_id, interest in interests.items():
        window = windows[member_id]
        sectors = {f"s{pk}" for pk in interest.sectors}
        regions = {f"k{pk}" for pk in interest.regions}
        readable = _language_tokens_read_in(window.language)
        scored = []
        for pk, held, published_at in candidates:
            if not window.since <= published_at < window.until:
                continue
            score = 2 * len(held & sectors) + len(held & regions)
            if score:
                unreadable = held.isdisjoint(readable)
                scored.append((-score, unreadable, -published_at.timestamp(), -pk, pk))
        ids = [row[-1] for row in sorted(scored)[:MAX_UPDATES]]
        shown[member_id] = (ids, len(ids))
    return shown


def _indicators(subscriptions, windows, ties: Ties) -> dict:
    followed = {sub.member_id: ties.indicators.get(sub.member_id, set()) for sub in subscriptions}
    wanted = set().union(*followed.values())
    if not wanted:
        return {}
    latest = (
        IndicatorValue.objects.filter(indicator_id__in=wanted)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("indicator_id")], order_by=F("date").desc())
        )
        .filter(rank__lte=2)
        .values_list("indicator_id", "pk", "date", "rank")
    )
    values: dict[int, list] = defaultdict(lambda: [None, None, None])  # latest, previous, date
    for indicator_id, pk, day, rank in latest:
        values[indicator_id][rank - 1] = pk
        if rank == 1:
            values[indicator_id][2] = day
    shown = {}
    for member_id, indicator_ids in followed.items():
        since = windows[member_id].since.date()
        rows = [[pk, values[pk][0], values[pk][1]] for pk in sorted(indicator_ids) if values[pk][0]]
        new = sum(1 for pk in indicator_ids if values[pk][2] and values[pk][2] >= since)
        shown[member_id] = (rows, new)
    return shown


def _threads(subscriptions, interests, windows) -> dict:
    member_ids = [sub.member_id for sub in subscriptions]
    followed = defaultdict(set)
    for member_id, category_id in CategoryFollow.objects.filter(
        member_id__in=member_ids
    ).values_list("member_id", "category_id"):
        followed[member_id].add(category_id)
    categories = list(Category.objects.values_list("pk", "kind", "sector_id", "restriction"))
    facilitators = set(
        User.objects.filter(facilitating(), pk__in=member_ids).values_list("pk", flat=True)
    )
    readable_of = {}
    wanted = set()
    for sub in subscriptions:
        member = sub.member
        if member.is_staff:
            readable = set(R.values)
        elif sub.member_id in facilitators:
            readable = {R.NONE, R.MEMBERS, R.FACILITATORS}
        else:
            readable = {R.NONE, R.MEMBERS}
        sectors = interests[sub.member_id].sectors
        theirs = {
            pk
            for pk, kind, sector_id, restriction in categories
            if restriction in readable
            and (pk in followed[sub.member_id] or (kind == "sector" and sector_id in sectors))
        }
        readable_of[sub.member_id] = theirs
        wanted |= theirs
    if not wanted:
        return {}
    start, end = _span(windows)
    candidates = list(
        Thread.objects.filter(
            category_id__in=wanted,
            created_at__gte=start,
            created_at__lt=end,
            last_posted_at__gte=start,  # implied; lets the (category, last posted) index help
            hidden_at__isnull=True,
        )
        .filter(Q(helpful_count__gt=0) | Q(post_count__gt=1) | Q(accepted_post__isnull=False))
        .values_list(
            "pk", "category_id", "created_at", "helpful_count", "post_count", "accepted_post_id"
        )
    )
    shown = {}
    for member_id, theirs in readable_of.items():
        window = windows[member_id]
        picked = sorted(
            (
                (accepted is None, -helpful, -posts, -pk, pk)
                for pk, category_id, created_at, helpful, posts, accepted in candidates
                if category_id in theirs and window.since <= created_at < window.until
            )
        )[:MAX_THREADS]
        ids = [row[-1] for row in picked]
        shown[member_id] = (ids, len(ids))
    return shown


def _requests_for(subscriptions, windows, profiles, ties: Ties) -> dict:
    """Open requests for professionals who have room for another engagement."""
    experts = {}
    for sub in subscriptions:
        member_id = sub.member_id
        profile = profiles.get(member_id)
        if (
            profile is not None
            and profile.offers_expertise
            and profile.open_to_requests
            and not profile.paused
            and profile.findable_as
        ):
            able = {f"s{pk}" for pk in ties.profile_sectors.get(member_id, ())} | {
                f"t{pk}" for pk in ties.topics.get(member_id, ())
            }
            if able:
                experts[sub.member_id] = (profile, able)
    if not experts:
        return {}
    carrying = dict(
        Engagement.objects.filter(expert_id__in=experts, status=Engagement.Status.ACCEPTED)
        .values("expert_id")
        .annotate(count=Count("pk"))
        .values_list("expert_id", "count")
        .order_by()
    )
    room = {
        member_id: profile.max_open_engagements - carrying.get(member_id, 0)
        for member_id, (profile, _able) in experts.items()
    }
    experts = {member_id: pair for member_id, pair in experts.items() if room[member_id] > 0}
    if not experts:
        return {}
    start, end = _span({member_id: windows[member_id] for member_id in experts})
    live = HelpRequest.objects.filter(
        status__in=LIVE,
        audience=HelpRequest.Audience.MEMBERS,
        published_at__gte=start,
        published_at__lt=end,
    ).exclude(review=HelpRequest.Review.PENDING)
    wanted = sorted(set().union(*(able for _profile, able in experts.values())))
    candidates = [
        (pk, frozenset(tokens.split()), organisation_id, published_at)
        for pk, tokens, organisation_id, published_at in search.with_tokens(
            live, [wanted]
        ).values_list("pk", "tokens", "organisation_id", "published_at")
    ]
    if not candidates:
        return {}
    request_ids = [row[0] for row in candidates]
    organisations = defaultdict(set)
    for user_id, organisation_id in Membership.objects.filter(user_id__in=experts).values_list(
        "user_id", "organisation_id"
    ):
        organisations[user_id].add(organisation_id)
    asked = defaultdict(set)
    for expert_id, request_id in Engagement.objects.filter(
        expert_id__in=experts, request_id__in=request_ids
    ).values_list("expert_id", "request_id"):
        asked[expert_id].add(request_id)
    shown = {}
    for member_id, (_profile, able) in experts.items():
        window = windows[member_id]
        fits = sorted(
            (-len(able & tokens), -published_at.timestamp(), -pk, pk)
            for pk, tokens, organisation_id, published_at in candidates
            if window.since <= published_at < window.until
            and organisation_id not in organisations[member_id]
            and pk not in asked[member_id]
            and not able.isdisjoint(tokens)
        )
        ids = [row[-1] for row in fits[: min(MAX_REQUESTS, room[member_id])]]
        shown[member_id] = ({"ids": ids, "room": room[member_id]} if ids else [], len(ids))
    return shown


def _my_requests(subscriptions, windows) -> dict:
    """For members of an SME: the live requests of their SMEs and those ended in the window."""
    member_ids = [sub.member_id for sub in subscriptions]
    of_member = defaultdict(set)
    for user_id, organisation_id in Membership.objects.filter(
        user_id__in=member_ids, organisation__kind=Organisation.Kind.SME
    ).values_list("user_id", "organisation_id"):
        of_member[user_id].add(organisation_id)
    if not of_member:
        return {}
    start, _end = _span({member_id: windows[member_id] for member_id in of_member})
    organisations = set().union(*of_member.values())
    rows = list(
        HelpRequest.objects.filter(organisation_id__in=organisations)
        .filter(Q(status__in=LIVE) | Q(status__in=ENDED, updated_at__gte=start))
        .values_list("pk", "organisation_id", "updated_at", "status")
        .order_by("-updated_at", "-pk")
    )
    shown = {}
    for member_id, theirs in of_member.items():
        window = windows[member_id]
        mine = [
            (pk, updated_at)
            for pk, organisation_id, updated_at, status in rows
            if organisation_id in theirs and (status in LIVE or updated_at >= window.since)
        ][:MAX_MY_REQUESTS]
        changed = sum(1 for _pk, updated_at in mine if window.since <= updated_at < window.until)
        shown[member_id] = ([pk for pk, _updated in mine], changed)
    return shown


# --- Reading a decided digest back --------------------------------------------------------------


@dataclass
class IndicatorLine:
    indicator: Indicator
    latest: IndicatorValue
    previous: IndicatorValue | None

    @property
    def shown(self) -> str:
        """The latest value with its unit, kept on one line (``0,5 %`` in French)."""
        unit = self.indicator.unit
        return f"{_figure(self.latest.value)}\u00a0{unit}" if unit else _figure(self.latest.value)

    @property
    def date_shown(self) -> str:
        """The latest value's date as the active language writes dates."""
        return date_format(self.latest.date, "DATE_FORMAT")

    @property
    def change_shown(self) -> str:
        """The change from the value before, signed (``+0.3``), or empty."""
        if self.previous is None:
            return ""
        change = self.latest.value - self.previous.value
        return ("+" if change > 0 else "") + _figure(change)


def _figure(value) -> str:
    """A decimal as the active language writes it, without trailing zeros (``0,5``)."""
    return "0" if value == 0 else number_format(value.normalize())


@dataclass
class RequestLine:
    request: HelpRequest
    pending: int = 0
    under_way: int = 0

    @property
    def pending_shown(self) -> str:
        return ngettext(
            "%(count)d invitation waiting", "%(count)d invitations waiting", self.pending
        ) % {"count": self.pending}

    @property
    def under_way_shown(self) -> str:
        return ngettext(
            "%(count)d engagement under way", "%(count)d engagements under way", self.under_way
        ) % {"count": self.under_way}


@dataclass
class Digest:
    """A decided digest's objects, section by section, for the mail and the web page."""

    updates: list[EconomyUpdate] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    requests: list[HelpRequest] = field(default_factory=list)
    room: int = 0
    my_requests: list[RequestLine] = field(default_factory=list)

    @property
    def room_shown(self) -> str:
        return ngettext(
            "You have room for %(count)d more engagement.",
            "You have room for %(count)d more engagements.",
            self.room,
        ) % {"count": self.room}


def replies_shown(thread: Thread) -> str:
    """A thread's replies, counted in words (its first post is not a reply)."""
    replies = thread.post_count - 1
    return ngettext("%(count)d reply", "%(count)d replies", replies) % {"count": replies}


def load(item_sets: list[dict]) -> list[Digest]:
    """The objects of several digests' ``items`` (as ``gather`` decided them), in at most six
    queries whatever their number; ids of rows deleted since are left out."""
    update_ids, value_ids, thread_ids, request_ids, mine_ids = set(), set(), set(), set(), set()
    for items in item_sets:
        update_ids.update(items.get("updates", []))
        for _indicator, latest, previous in items.get("indicators", []):
            value_ids.update(pk for pk in (latest, previous) if pk)
        thread_ids.update(items.get("threads", []))
        request_ids.update((items.get("requests") or {}).get("ids", []))
        mine_ids.update(items.get("my_requests", []))
    updates = EconomyUpdate.objects.in_bulk(update_ids, field_name="pk") if update_ids else {}
    values = (
        IndicatorValue.objects.select_related("indicator").in_bulk(value_ids) if value_ids else {}
    )
    threads = (
        Thread.objects.filter(hidden_at__isnull=True).select_related("category").in_bulk(thread_ids)
        if thread_ids
        else {}
    )
    requests = (
        HelpRequest.objects.select_related("organisation").in_bulk(request_ids | mine_ids)
        if request_ids | mine_ids
        else {}
    )
    counts = defaultdict(lambda: defaultdict(int))
    if mine_ids:
        for request_id, status, count in (
            Engagement.objects.filter(
                request_id__in=mine_ids,
                status__in=[Engagement.Status.PENDING, Engagement.Status.ACCEPTED],
            )
            .values("request_id", "status")
            .annotate(count=Count("pk"))
            .values_list("request_id", "status", "count")
            .order_by()
        ):
            counts[request_id][status] = count
    digests = []
    for items in item_sets:
        digest = Digest(
            updates=[updates[pk] for pk in items.get("updates", []) if pk in updates],
            threads=[threads[pk] for pk in items.get("threads", []) if pk in threads],
        )
        for _indicator, latest, previous in items.get("indicators", []):
            if latest in values:
                digest.indicators.append(
                    IndicatorLine(
                        indicator=values[latest].indicator,
                        latest=values[latest],
                        previous=values.get(previous),
                    )
                )
        wanted = items.get("requests") or {}
        digest.requests = [requests[pk] for pk in wanted.get("ids", []) if pk in requests]
        digest.room = wanted.get("room", 0)
        digest.my_requests = [
            RequestLine(
                request=requests[pk],
                pending=counts[pk][Engagement.Status.PENDING],
                under_way=counts[pk][Engagement.Status.ACCEPTED],
            )
            for pk in items.get("my_requests", [])
            if pk in requests
        ]
        digests.append(digest)
    return digests

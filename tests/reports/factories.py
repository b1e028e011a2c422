"""The people of the reports' tests, one per role, and a small world built by hand for one
month (March 2026), with things just before and after it, whose figures are known."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from core.audit import record
from digests.models import ConsentEvent, Delivery
from forums.models import Post, Thread
from matchmaking.models import Engagement, Feedback, FollowUp, HelpRequest
from members.models import Country, Language, Organisation, Profile, User
from moderation.models import Flag
from reports import services
from reports.periods import Period
from tests.forums.factories import PostFactory, ThreadFactory
from tests.matchmaking.factories import expert, region, sector, sme_member
from tests.members.factories import UserFactory, with_authenticator

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
HOUR = 3600


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment of 2026 in the site's time zone."""
    return timezone.make_aware(
        datetime(2026, month, day, hour, minute), timezone.get_default_timezone()
    )


def staff(group: str | None = None, **fields) -> User:
    user = with_authenticator(UserFactory(is_staff=True, **fields))
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def administrator(**fields) -> User:
    return staff("Administrators", **fields)


ROLES = ("anonymous", "member", "sme_member", "moderator", "editor", "administrator", "superuser")
READERS = {"administrator", "superuser"}


def person(role: str) -> User | None:
    if role == "anonymous":
        return None
    if role == "member":
        return UserFactory()
    if role == "sme_member":
        return sme_member()[0]
    if role == "moderator":
        return staff("Moderators")
    if role == "editor":
        return staff("Editors")
    if role == "administrator":
        return administrator()
    return staff(is_superuser=True)


@dataclass
class World:
    experts: dict
    requests: dict
    threads: dict


def joined(user: User, moment: datetime) -> User:
    User.objects.filter(pk=user.pk).update(date_joined=moment)
    return user


def build_world() -> World:
    """Members, forums, help requests, digests and moderation in and around March 2026, and
    the daily counts refreshed as beat refreshes them."""
    members = _members()
    threads = _forums()
    experts, requests = _matchmaking()
    _digests(members)
    _moderation(members)
    services.refresh_daily_counts()
    return World(experts=experts, requests=requests, threads=threads)


def _members() -> list[User]:
    """Three sign-ups in March (two in automotive, one also in ICT), two members from before
    (one last active in February), one sign-up in April."""
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    earlier, quiet, later = UserFactory(), UserFactory(), UserFactory()
    first.profile.sectors.set([sector("automotive"), sector("ict-software")])
    second.profile.sectors.set([sector("automotive")])
    earlier.profile.sectors.set([sector("automotive")])
    china, india = Country.objects.get(code="CN"), Country.objects.get(code="IN")
    Profile.objects.filter(pk__in=[first.pk, second.pk]).update(canadian_region=region("toronto"))
    Profile.objects.filter(pk=earlier.pk).update(canadian_region=region("vancouver"))
    Profile.objects.filter(pk__in=[first.pk, earlier.pk]).update(country_of_origin=china)
    Profile.objects.filter(pk=third.pk).update(country_of_origin=india)
    Profile.objects.filter(pk=quiet.pk).update(last_active_at=at(2, 20))
    for user, moment in (
        (first, at(3, 2)),
        (second, at(3, 9)),
        (third, at(3, 20)),
        (earlier, at(2, 10)),
        (quiet, at(2, 11)),
        (later, at(4, 5)),
    ):
        joined(user, moment)
    return [first, second, third, earlier, quiet, later]


def _thread(moment: datetime, *replies_after: float) -> Thread:
    thread = ThreadFactory()
    Thread.objects.filter(pk=thread.pk).update(created_at=moment)
    Post.objects.filter(thread=thread).update(created_at=moment)
    for hours in replies_after:
        reply = PostFactory(thread=thread)
        Post.objects.filter(pk=reply.pk).update(created_at=moment + timedelta(hours=hours))
    return thread


def _forums() -> dict:
    """Three threads started in March: answered after 2 and 4 hours, and never; one from
    February answered in March; a deleted reply in March; one accepted answer."""
    quick = _thread(at(3, 3, 10), 2, 5)
    slow = _thread(at(3, 10, 10), 4)
    deleted = PostFactory(thread=slow)
    Post.objects.filter(pk=deleted.pk).update(created_at=at(3, 11), deleted_at=at(3, 11))
    silent = _thread(at(3, 12))
    old = _thread(at(2, 20, 9), 24 * 9)  # answered on March 1st
    Thread.objects.filter(pk=quick.pk).update(
        accepted_post=Post.objects.get(thread=quick, number=2)
    )
    return {"quick": quick, "slow": slow, "silent": silent, "old": old}


def _request(owner, organisation, moment, *, status="open", sectors=(), regions=(), languages=()):
    request = HelpRequest.objects.create(
        organisation=organisation,
        author=owner,
        title="Selling brake parts to an Ontario assembler",
        status=status,
        created_at=moment,
        published_at=moment,
    )
    request.sectors.set([sector(slug) for slug in sectors])
    request.city_regions.set([region(slug) for slug in regions])
    request.languages.set(Language.objects.filter(code__in=languages))
    return request


def _engagement(request, helper, origin, created, *, status, answered=None, completed=None):
    return Engagement.objects.create(
        request=request,
        expert=helper,
        origin=origin,
        started_by=helper,
        status=status,
        created_at=created,
        expires_at=created + timedelta(days=3),
        answered_at=answered,
        completed_at=completed,
    )


def _matchmaking() -> tuple[dict, dict]:
    """Four requests published in March (one in February):

    - ``resolved``: Suzhou ↔ Toronto, automotive, Mandarin; Ada invited after 24 h, accepts
      after 48 h (Waterloo Region), completes on March 20; she reports 10 hours and rates 5,
      the SME reports 12 hours and rates 4; the SME answers the 30-day follow-up in March.
    - ``offered``: Shanghai ↔ Toronto, automotive, Mandarin and English; Bo (Toronto) offers
      after 2 h, accepted after 6 h.
    - ``declined``: Suzhou ↔ Vancouver, ICT; Ada invited after 12 h, declines.
    - ``waiting``: automotive and ICT, nothing yet.
    Cy is open to requests and never asked; Di is paused."""
    owner, organisation = sme_member()
    Organisation.objects.filter(pk=organisation.pk).update(created_at=at(3, 1))
    ada = expert("Ada", canadian_region=region("waterloo-region")).user
    bo = expert("Bo", canadian_region=region("toronto")).user
    cy = expert("Cy").user
    expert("Di", paused=True)
    start = at(3, 5, 9)
    resolved = _request(
        owner,
        organisation,
        start,
        status="resolved",
        sectors=["automotive"],
        regions=["suzhou", "toronto"],
        languages=["cmn"],
    )
    offered = _request(
        owner,
        organisation,
        at(3, 6, 9),
        status="in_progress",
        sectors=["automotive"],
        regions=["shanghai", "toronto"],
        languages=["cmn", "eng"],
    )
    declined = _request(
        owner, organisation, at(3, 7, 9), sectors=["ict-software"], regions=["suzhou", "vancouver"]
    )
    waiting = _request(owner, organisation, at(3, 8, 9), sectors=["automotive", "ict-software"])
    _request(owner, organisation, at(2, 8, 9), sectors=["automotive"])
    done = _engagement(
        resolved,
        ada,
        Engagement.Origin.INVITATION,
        start + timedelta(hours=24),
        status=Engagement.Status.COMPLETED,
        answered=start + timedelta(hours=48),
        completed=at(3, 20),
    )
    _engagement(
        offered,
        bo,
        Engagement.Origin.OFFER,
        at(3, 6, 11),
        status=Engagement.Status.ACCEPTED,
        answered=at(3, 6, 15),
    )
    _engagement(
        declined,
        ada,
        Engagement.Origin.INVITATION,
        at(3, 7, 21),
        status=Engagement.Status.DECLINED,
        answered=at(3, 8, 9),
    )
    for side, author, rating, hours in (("expert", ada, 5, 10), ("sme", owner, 4, 12)):
        Feedback.objects.create(
            engagement=done,
            side=side,
            author=author,
            rating=rating,
            private_score=rating,
            hours=hours,
            created_at=at(3, 21),
        )
    for days, answered in ((30, at(3, 25)), (90, at(4, 25))):
        FollowUp.objects.create(
            engagement=done,
            after_days=days,
            due_at=answered,
            asked_at=answered,
            answered_at=answered,
            answered_by=owner,
            use=FollowUp.Use.APPLIED,
        )
    User.objects.filter(pk__in=[owner.pk, ada.pk, bo.pk, cy.pk]).update(date_joined=at(1, 5))
    User.objects.filter(display_name="Di").update(date_joined=at(1, 5))
    return (
        {"ada": ada, "bo": bo, "cy": cy},
        {"resolved": resolved, "offered": offered, "declined": declined, "waiting": waiting},
    )


def _digests(members: list[User]) -> None:
    """In March: three digests sent, one skipped for too little, one failed; one member turned
    digests off. One digest sent in February."""
    rows = [
        (members[0], "sent", "", at(3, 2)),
        (members[1], "sent", "", at(3, 2)),
        (members[3], "sent", "", at(3, 9)),
        (members[4], "skipped", "too_little", at(3, 9)),
        (members[2], "failed", "smtp", at(3, 9)),
        (members[0], "sent", "", at(2, 23)),
    ]
    for number, (member, status, reason, moment) in enumerate(rows):
        delivery = Delivery.objects.create(
            member=member,
            period=f"w2026-{number}",
            frequency="weekly",
            status=status,
            reason=reason,
        )
        Delivery.objects.filter(pk=delivery.pk).update(created_at=moment)
    event = ConsentEvent.objects.create(
        member=members[0], source=ConsentEvent.Source.ONE_CLICK, before="weekly", after="off"
    )
    ConsentEvent.objects.filter(pk=event.pk).update(at=at(3, 15))


def _moderation(members: list[User]) -> None:
    """Flags in March: spam on a post resolved after 2 h, spam on a thread still open, abuse on
    a post resolved after 10 h; spam in February. Actions in March: two hides and a warning
    (and a hide in February)."""
    flagger, author = members[0], members[1]
    for kind, reason, raised, hours in (
        ("post", "spam", at(3, 4, 8), 2),
        ("thread", "spam", at(3, 5, 8), None),
        ("post", "abuse", at(3, 6, 8), 10),
        ("post", "spam", at(2, 6, 8), 1),
    ):
        Flag.objects.create(
            flagger=flagger,
            author=author,
            kind=kind,
            object_id=raised.day,
            reason=reason,
            created_at=raised,
            resolved_at=raised + timedelta(hours=hours) if hours else None,
        )
    moderator = staff("Moderators")
    User.objects.filter(pk=moderator.pk).update(date_joined=at(1, 5))
    for action, moment in (
        ("moderation.hide", at(3, 4, 10)),
        ("moderation.hide", at(3, 6, 18)),
        ("moderation.warn", at(3, 6, 19)),
        ("moderation.hide", at(2, 6, 9)),
        ("forums.thread_moved", at(3, 6, 9)),
    ):
        event = record(actor=moderator, action=action, target=author, reason="Spam.")
        type(event).objects.filter(pk=event.pk).update(created_at=moment)

"""Economy updates in each state, and the people who read and write them: an Editor (in the
"Editors" staff group, which its data migration gives the permission), staff who are not Editors,
an administrator (a superuser)."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from economy import services
from economy.indexing import index_update
from economy.models import EconomyUpdate, FeedSource
from members.models import CityRegion, Sector
from tests.members.factories import UserFactory, with_authenticator

SUMMARY = "Shenzhen cut the fees foreign-invested start-ups pay to register a company."
BODY = "The change applies from next month.\n\n- Fees halved\n- One-window filing"


def staff(**fields):
    """Staff, with the authenticator app staff must set up before they may work."""
    return with_authenticator(UserFactory(is_staff=True, **fields))


def editor(**fields):
    user = staff(**fields)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def moderator(**fields):
    """Staff, but not an Editor."""
    user = staff(**fields)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def administrator(**fields):
    return staff(is_superuser=True, **fields)


def sector(slug: str) -> Sector:
    return Sector.objects.get(slug=slug)


def region(slug: str) -> CityRegion:
    return CityRegion.objects.get(slug=slug)


def fields(**changes) -> dict:
    return {
        "title": "Shenzhen halves registration fees for foreign start-ups",
        "summary": SUMMARY,
        "body": BODY,
        "language": "en",
        "source_name": "Shenzhen Municipal Government",
        "source_url": "https://www.sz.gov.cn/",
        **changes,
    }


def draft(author=None, **changes) -> EconomyUpdate:
    return services.create_update(author=author or editor(), **fields(**changes))


def published(author=None, *, at=None, **changes) -> EconomyUpdate:
    """Published now, or at ``at`` (a time gone by is set directly, as if published then)."""
    update = draft(author, **changes)
    now = timezone.now()
    if at is not None and at < now:
        update = services.publish_update(update=update, actor=update.author)
        EconomyUpdate.objects.filter(pk=update.pk).update(published_at=at)
        update.refresh_from_db()
        return update
    return services.publish_update(update=update, actor=update.author, at=at)


def scheduled(author=None, *, after=timedelta(days=1), **changes) -> EconomyUpdate:
    return published(author, at=timezone.now() + after, **changes)


def feed(**changes) -> FeedSource:
    return FeedSource.objects.create(
        **{
            "name": "Xinhua Economy",
            "url": f"https://feeds.example.org/{FeedSource.objects.count()}.xml",
            "language": "en",
            **changes,
        }
    )


def imported(source=None, **changes) -> EconomyUpdate:
    """An entry of an untrusted feed, waiting for an Editor's review, as the import leaves it."""
    source = source or feed()
    values = fields(**changes)
    sectors = values.pop("sectors", [])
    update = EconomyUpdate.objects.create(
        feed=source,
        guid=f"urn:entry:{EconomyUpdate.objects.count()}",
        status=EconomyUpdate.Status.REVIEW,
        **values,
    )
    update.sectors.set(sectors)
    index_update(update)
    return update

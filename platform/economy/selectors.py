"""The read side of economy updates: the public list with its filters, the Atom feed's entries and
the Editor's desk.

Each list is one query for its rows and one per relation it shows (sectors, city-regions),
whatever the number of updates. Filters on sectors, city-regions and the language are one lookup
of the update's ``tokens`` (``s12``, ``k5``, ``gfr``: ``economy.indexing``), GIN-indexed on
PostgreSQL; words go through ``core.search``; the newest come first from the partial index on
(published_at, id) of published updates.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core import search
from economy.models import EconomyUpdate
from members.models import CityRegion, Sector

FEED_SIZE = 30

Status = EconomyUpdate.Status


def language_token(language: str) -> str:
    return "g" + "".join(char for char in language.lower() if char.isalnum())


@dataclass(frozen=True)
class UpdateFilters:
    """What a reader narrows the list to; empty parts do not narrow it."""

    query: str = ""
    sectors: list[Sector] = field(default_factory=list)
    city_regions: list[CityRegion] = field(default_factory=list)
    language: str = ""

    def scope(self) -> dict:
        """What a cursor of the list is bound to (``core.pagination``)."""
        return {
            "q": self.query,
            "sector": [sector.pk for sector in self.sectors],
            "region": [region.pk for region in self.city_regions],
            "language": self.language,
        }


def _with_what_lists_show(rows: QuerySet) -> QuerySet:
    return rows.prefetch_related("sectors", "city_regions")


def published_updates(filters: UpdateFilters | None = None, *, now=None) -> QuerySet:
    """Published updates whose time has come, filtered; order them newest first by
    (published_at, pk), as ``core.pagination.paginate`` does."""
    filters = filters or UpdateFilters()
    rows = EconomyUpdate.objects.visible(now)
    groups = [
        [f"s{sector.pk}" for sector in filters.sectors],
        [f"k{region.pk}" for region in filters.city_regions],
        [language_token(filters.language)] if filters.language else [],
    ]
    rows = search.with_tokens(rows, groups)
    rows = search.search(rows, filters.query)
    return _with_what_lists_show(rows)


def feed_entries(*, sector: Sector | None = None, now=None) -> list[EconomyUpdate]:
    """The newest published updates for the Atom feed, of one sector if given."""
    filters = UpdateFilters(sectors=[sector] if sector else [])
    rows = published_updates(filters, now=now).select_related("author")
    return list(rows.order_by("-published_at", "-pk")[:FEED_SIZE])


# --- The Editor's desk --------------------------------------------------------------------------

DESK_TABS = ("draft", "review", "scheduled")


def desk_updates(tab: str, *, now=None) -> QuerySet:
    """What waits for an Editor: ``draft`` (being written), ``review`` (imported from a feed
    staff do not trust) or ``scheduled`` (published, its time still to come). Order them by
    (updated_at, pk), latest change first."""
    now = now or timezone.now()
    rows = EconomyUpdate.objects.select_related("author", "feed")
    if tab == "draft":
        rows = rows.filter(status=Status.DRAFT)
    elif tab == "review":
        rows = rows.filter(status=Status.REVIEW)
    elif tab == "scheduled":
        rows = rows.filter(status=Status.PUBLISHED, published_at__gt=now)
    else:
        raise ValueError(f"not a tab of the Editor's desk: {tab!r}")
    return _with_what_lists_show(rows)


def desk_counts(*, now=None) -> dict[str, int]:
    """How many updates each tab of the desk holds, in one query."""
    now = now or timezone.now()
    return EconomyUpdate.objects.aggregate(
        draft=Count("pk", filter=Q(status=Status.DRAFT)),
        review=Count("pk", filter=Q(status=Status.REVIEW)),
        scheduled=Count("pk", filter=Q(status=Status.PUBLISHED, published_at__gt=now)),
    )


def is_scheduled(update: EconomyUpdate, *, now=None) -> bool:
    return (
        update.status == Status.PUBLISHED
        and update.published_at is not None
        and update.published_at > (now or timezone.now())
    )

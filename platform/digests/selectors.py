"""The read side of digests' pages: a member's subscription and the staff's delivery log.

The log is keyset-paginated on (created_at, id) from the ``delivery_latest_first`` index, and
filtered by status (``delivery_by_status``) or reason; its counts per status are one grouped
query. A page therefore costs the same few queries whatever the number of deliveries.
"""

from django.db.models import Count, QuerySet

from core.pagination import Page, paginate
from digests.models import Delivery, Subscription

LOG_PAGE_SIZE = 50


def subscription_of(member) -> Subscription:
    return Subscription.objects.prefetch_related("sectors", "city_regions", "indicators").get(
        pk=member.pk
    )


def deliveries(*, status: str = "", reason: str = "") -> QuerySet:
    rows = Delivery.objects.select_related("member")
    if status:
        rows = rows.filter(status=status)
    if reason:
        rows = rows.filter(reason=reason)
    return rows


def delivery_log(*, status: str = "", reason: str = "", cursor: str | None = None) -> Page:
    return paginate(
        deliveries(status=status, reason=reason),
        order=("-created_at", "-pk"),
        cursor=cursor,
        size=LOG_PAGE_SIZE,
        scope={"status": status, "reason": reason},
    )


def counts_by_status() -> list[tuple[str, str, int]]:
    """(status, its label, how many) for every status, in the order of the choices."""
    counted = dict(
        Delivery.objects.values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
        .order_by()
    )
    return [(value, label, counted.get(value, 0)) for value, label in Delivery.Status.choices]

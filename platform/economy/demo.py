"""Demo economy updates and indicators for `make run`, written through the services: Eddie
Editor's updates in English, French and Chinese (one scheduled for tomorrow, one draft), an
import from a feed waiting for his review, and three indicators with two years of monthly
values read from CSV as staff would import them."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from economy import indicators, services
from economy.models import EconomyUpdate, FeedSource, Indicator
from members.models import CityRegion, Sector, User

EDITOR = "editor@demo.knowbridge.local"
UPDATES = (
    {
        "title": "Suzhou eases approvals for foreign-invested auto parts plants",
        "summary": "Plants under 50 million yuan now need one municipal approval instead of "
        "three; Canadian suppliers already in the Suzhou Industrial Park benefit first.",
        "body": "**What changes.** From this month, the Suzhou Industrial Park approves new or "
        "expanded auto parts plants in one step.\n\n- One approval instead of three\n"
        "- Environmental review within 20 working days\n\nSuppliers to Ontario's assembly "
        "plants should check their expansion plans against the new threshold.",
        "language": "en",
        "sectors": ["automotive"],
        "city_regions": ["suzhou"],
        "days_ago": 2,
    },
    {
        "title": "Shenzhen : nouvelles règles de données pour les fintechs étrangères",
        "summary": "Les données de clients chinois restent en Chine\u00a0; les sociétés "
        "étrangères doivent désigner un responsable local avant la fin de l'année.",
        "body": "Les fintechs étrangères de **Shenzhen** doivent héberger les données de leurs "
        "clients chinois en Chine continentale et désigner un responsable de la protection des "
        "données. Les banques canadiennes présentes dans la Grande Baie sont concernées.",
        "language": "fr",
        "sectors": ["finance-banking"],
        "city_regions": ["shenzhen"],
        "days_ago": 5,
    },
    {
        "title": "上海发布新能源汽车出口便利化措施",
        "summary": "上海海关为新能源汽车出口开通绿色通道，通关时间缩短一半。",
        "body": "上海海关推出新能源汽车出口**绿色通道**：\n\n- 通关时间缩短一半\n"
        "- 电池检测结果互认\n\n对加拿大的零部件供应商而言，这意味着更快的交付周期。",
        "language": "zh-hans",
        "sectors": ["automotive", "clean-technology"],
        "city_regions": ["shanghai"],
        "days_ago": 9,
    },
)
SCHEDULED = {
    "title": "Beijing publishes its list of encouraged clean-tech investments",
    "summary": "The list names battery recycling and grid storage; it takes effect next month.",
    "language": "en",
    "sectors": ["clean-technology"],
    "city_regions": ["beijing"],
}
DRAFT = {
    "title": "Chengdu's aerospace cluster looks for partners abroad",
    "summary": "Notes from the trade mission, to finish.",
    "language": "en",
    "sectors": ["aerospace"],
    "city_regions": ["chengdu"],
}
INDICATORS = (
    ("pmi", "Manufacturing PMI", "PMI manufacturier", "制造业采购经理指数", "index", 50.2, 0.6),
    (
        "cpi",
        "Consumer prices (CPI)",
        "Prix à la consommation (IPC)",
        "居民消费价格指数",
        "%",
        0.4,
        0.3,
    ),
    ("cny-cad", "CNY/CAD", "CNY/CAD", "人民币兑加元", "CAD", 0.19, 0.002),
)


@transaction.atomic
def load_demo_updates() -> bool:
    """The demo updates and indicators, unless they are there already; True when created."""
    if EconomyUpdate.objects.filter(title=UPDATES[0]["title"]).exists():
        return False
    editor = User.objects.get(email=EDITOR)
    now = timezone.now()
    for fields in UPDATES:
        update = _draft(editor, {key: value for key, value in fields.items() if key != "days_ago"})
        services.publish_update(update=update, actor=editor, now=now)
        EconomyUpdate.objects.filter(pk=update.pk).update(
            published_at=now - timedelta(days=fields["days_ago"])
        )
    scheduled = _draft(editor, SCHEDULED)
    services.publish_update(update=scheduled, actor=editor, at=now + timedelta(days=1), now=now)
    _draft(editor, DRAFT)
    _import_waiting_for_review(now)
    _indicators(now.date())
    return True


def _draft(editor, fields: dict) -> EconomyUpdate:
    return services.create_update(
        author=editor,
        **{
            **fields,
            "sectors": list(Sector.objects.filter(slug__in=fields["sectors"])),
            "city_regions": list(CityRegion.objects.filter(slug__in=fields["city_regions"])),
        },
    )


def _import_waiting_for_review(now) -> None:
    """What the feed import leaves for an Editor from a source staff do not trust (made up,
    so not active: beat does not try to fetch it)."""
    feed, _created = FeedSource.objects.get_or_create(
        url="https://news.demo.knowbridge.local/economy.xml",
        defaults={"name": "Demo economy wire", "language": "en", "active": False},
    )
    update = services.create_update(
        author=None,
        title="Guangzhou port cuts fees for cold-chain food imports",
        summary="Refrigerated containers pay 30% less in port fees until June.",
        language="en",
        source_name=feed.name,
        source_url="https://news.demo.knowbridge.local/guangzhou-cold-chain",
        sectors=list(Sector.objects.filter(slug="agri-food")),
        city_regions=list(CityRegion.objects.filter(slug="guangzhou")),
    )
    EconomyUpdate.objects.filter(pk=update.pk).update(
        status=EconomyUpdate.Status.REVIEW, feed=feed, guid="demo-guangzhou-cold-chain"
    )


def _indicators(today: date) -> None:
    lines = ["key,date,value"]
    for slug, name_en, name_fr, name_zh, unit, level, step in INDICATORS:
        Indicator.objects.get_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_fr": name_fr,
                "name_zh_hans": name_zh,
                "unit": unit,
            },
        )
        for months_ago in range(24, 0, -1):
            month = today.year * 12 + today.month - 1 - months_ago
            wobble = ((months_ago * 7) % 5 - 2) * step  # a steady, made-up wave
            lines.append(f"{slug},{month // 12}-{month % 12 + 1:02d},{level + wobble:.4f}")
    indicators.import_values(file="\n".join(lines).encode())

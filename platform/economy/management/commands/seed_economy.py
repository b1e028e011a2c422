"""The economy's part of the scale data set (DESIGN.md, "Data, search and scale"), for
benchmarks and digests.

Run after ``seed_scale``: 5,000 economy updates in English, French and Chinese over the last
half-year (most published, some drafts, some imported and waiting for review, a few scheduled),
each about one or two sectors and one or two city-regions, and a handful of indicators with
five years of monthly values.

Written in bulk, with the search text and tokens ``economy.indexing`` would give each update.
"""

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from core.markdown import render_markdown
from core.search import segment
from economy.models import EconomyUpdate, FeedSource, Indicator, IndicatorValue
from members.models import CityRegion, Sector

DEFAULT_SEED = 20261202
LANGUAGES = (("en", 0.45), ("zh-hans", 0.35), ("fr", 0.20))
STATES = (("published", 0.90), ("draft", 0.04), ("review", 0.04), ("scheduled", 0.02))
TEMPLATES = {
    "en": (
        "{region}: new rules for {sector} firms",
        "From next quarter, {sector} companies in {region} file one customs declaration instead "
        "of three, and foreign partners may hold a majority stake.",
        "**What changes.** The {region} authorities simplify {sector} licensing.\n\n"
        "- One declaration instead of three\n- Majority stakes for foreign partners\n\n"
        "Canadian suppliers should review their contracts before the change.",
    ),
    "fr": (
        "{region} : nouvelles règles pour les entreprises du secteur {sector}",
        "Dès le prochain trimestre, les entreprises ({sector}) de {region} ne déposent plus "
        "qu'une déclaration en douane, et les partenaires étrangers peuvent être majoritaires.",
        "**Ce qui change.** Les autorités de {region} simplifient les permis ({sector}).\n\n"
        "- Une déclaration au lieu de trois\n- Participation majoritaire possible\n\n"
        "Les fournisseurs canadiens devraient revoir leurs contrats avant le changement.",
    ),
    "zh-hans": (
        "{region}出台{sector}企业新规",
        "自下季度起，{region}的{sector}企业只需提交一份报关单，外方合作伙伴可控股。",
        "**变化要点。**{region}简化{sector}行业许可。\n\n"
        "- 报关单由三份减为一份\n- 外方可控股\n\n加拿大供应商应在新规实施前审查合同。",
    ),
}
INDICATORS = (
    ("gdp-growth", "GDP growth", "Croissance du PIB", "GDP 增速", "%", 5.0, 0.4),
    (
        "cpi",
        "Consumer prices (CPI)",
        "Prix à la consommation (IPC)",
        "居民消费价格指数",
        "%",
        1.0,
        0.5,
    ),
    ("pmi", "Manufacturing PMI", "PMI manufacturier", "制造业采购经理指数", "index", 50.0, 1.0),
    ("cny-cad", "CNY/CAD", "CNY/CAD", "人民币兑加元", "CAD", 0.19, 0.005),
    (
        "retail-sales",
        "Retail sales growth",
        "Croissance des ventes au détail",
        "社会消费品零售总额增速",
        "%",
        4.0,
        1.5,
    ),
    ("exports", "Export growth", "Croissance des exportations", "出口增速", "%", 6.0, 3.0),
)
MONTHS_OF_VALUES = 60


class Command(BaseCommand):
    help = "Generate economy updates and indicators for benchmarks (after seed_scale)."

    def add_arguments(self, parser):
        parser.add_argument("--updates", type=int, default=5_000)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
        parser.add_argument("--force", action="store_true", help="delete every update first")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "The scale data set is for benchmarks and is never made in production."
            )
        if options["updates"] < 1:
            raise CommandError("--updates must be positive.")
        if EconomyUpdate.objects.exists() and not options["force"]:
            raise CommandError("Economy updates exist already: use --force to replace them.")
        started = time.perf_counter()
        self.progress = options["verbosity"] > 0
        self.rng = random.Random(options["seed"])  # noqa: S311 - made-up data, not secrets
        self.sectors = list(Sector.objects.all())
        self.regions = list(CityRegion.objects.filter(country__code="CN"))
        if not self.sectors or not self.regions:
            raise CommandError("No sectors or Chinese city-regions: run seed_scale first.")
        with transaction.atomic():
            EconomyUpdate.objects.all().delete()
            self._updates(options["updates"])
            self._indicators()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE economy_economyupdate")
                cursor.execute("VACUUM ANALYZE economy_indicatorvalue")
        self.stdout.write(
            f"economy ready in {time.perf_counter() - started:.1f} s: "
            f"{EconomyUpdate.objects.count():,} updates, {Indicator.objects.count()} indicators, "
            f"{IndicatorValue.objects.count():,} values"
        )

    def _updates(self, total: int) -> None:
        now = timezone.now()
        feed, _created = FeedSource.objects.get_or_create(
            url="https://feeds.scale.knowbridge.example/economy.xml",
            defaults={"name": "Scale feed", "language": "en"},
        )
        updates, ties = [], []
        for index in tqdm(range(total), desc="economy updates", disable=not self.progress):
            update, its_ties = self._update(index, now, feed)
            updates.append(update)
            ties.append(its_ties)
        EconomyUpdate.objects.bulk_create(updates, batch_size=1_000)
        sectors, regions = [], []
        for update, (its_sectors, its_regions) in zip(updates, ties, strict=True):
            sectors += [
                EconomyUpdate.sectors.through(economyupdate_id=update.pk, sector_id=sector.pk)
                for sector in its_sectors
            ]
            regions += [
                EconomyUpdate.city_regions.through(
                    economyupdate_id=update.pk, cityregion_id=region.pk
                )
                for region in its_regions
            ]
        EconomyUpdate.sectors.through.objects.bulk_create(sectors, batch_size=5_000)
        EconomyUpdate.city_regions.through.objects.bulk_create(regions, batch_size=5_000)

    def _update(self, index: int, now, feed: FeedSource):
        rng = self.rng
        language = rng.choices([code for code, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]
        state = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
        sectors = rng.sample(self.sectors, rng.choice((1, 1, 2)))
        regions = rng.sample(self.regions, rng.choice((1, 1, 2)))
        chinese = language == "zh-hans"
        words = {
            "sector": sectors[0].name_zh_hans if chinese else sectors[0].name_en,
            "region": regions[0].name_zh_hans if chinese else regions[0].name_en,
        }
        title, summary, body = (part.format(**words) for part in TEMPLATES[language])
        published = now - timedelta(days=rng.uniform(0, 180))
        if state == "scheduled":
            published = now + timedelta(days=rng.uniform(1, 14))
        imported = state == "review" or rng.random() < 0.3
        update = EconomyUpdate(
            title=title,
            summary=summary,
            body=body,
            body_html=render_markdown(body),
            source_name="Scale feed" if imported else "KnowBridge",
            source_url=f"https://news.scale.knowbridge.example/{index}" if imported else "",
            language=language,
            status="published" if state == "scheduled" else state,
            published_at=None if state in ("draft", "review") else published,
            feed=feed if imported else None,
            guid=f"scale-{index}" if imported else "",
            search_text=segment(f"{title} {summary} {body}"),
            tokens=" ".join(
                [f"s{pk}" for pk in sorted(sector.pk for sector in sectors)]
                + [f"k{pk}" for pk in sorted(region.pk for region in regions)]
                + ["g" + language.replace("-", "")]
            ),
        )
        return update, (sectors, regions)

    def _indicators(self) -> None:
        Indicator.objects.filter(slug__in=[row[0] for row in INDICATORS]).delete()
        today = timezone.localdate()
        values = []
        for slug, name_en, name_fr, name_zh, unit, level, spread in INDICATORS:
            indicator = Indicator.objects.create(
                slug=slug,
                name_en=name_en,
                name_fr=name_fr,
                name_zh_hans=name_zh,
                unit=unit,
                source_name="Scale statistics",
            )
            value = level
            for months_ago in range(MONTHS_OF_VALUES, 0, -1):
                value += self.rng.gauss(0, spread) - (value - level) * 0.2
                values.append(
                    IndicatorValue(
                        indicator=indicator,
                        date=_first_of_month(today, months_ago),
                        value=Decimal(f"{value:.6f}"),
                    )
                )
        IndicatorValue.objects.bulk_create(values, batch_size=5_000)


def _first_of_month(today: date, months_ago: int) -> date:
    month = today.year * 12 + today.month - 1 - months_ago
    return date(month // 12, month % 12 + 1, 1)

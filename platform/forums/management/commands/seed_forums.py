"""The forums' part of the scale data set (DESIGN.md, "Data, search and scale"), for benchmarks.

Run after ``seed_scale`` (members write the posts): 20,000 threads and 500,000 posts in English,
French and Chinese, a few threads of 5,000 posts, tags, helpful counts, and follows and reading
positions for some members so that their unread view has something to show. Words are drawn with
a Zipf-like law (``forums.management.vocabulary``): some terms are in more than 5% of posts, most
are rare, as search benchmarks need.

Written in bulk: threads with ``bulk_create``, posts with PostgreSQL's COPY (``bulk_create``
elsewhere), counters set once at the end, and the search text and tokens computed here as the
services' indexing computes them (each distinct word segmented once).
"""

import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from itertools import chain, islice

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import escape
from tqdm import tqdm

from core.search import segment
from forums.indexing import language_token
from forums.management.vocabulary import vocabularies
from forums.models import (
    Category,
    CategoryFollow,
    Post,
    ReadPosition,
    Tag,
    Thread,
    ThreadFollow,
)
from members.models import CityRegion, KnowledgeStage, Sector, User

DEFAULT_SEED = 20260107
YEARS = 3
LANGUAGE_WEIGHTS = {"en": 0.45, "zh-hans": 0.35, "fr": 0.20}

# (slug, English, French, Chinese, restriction, sector slug or None, weight)
R = Category.Restriction
CATEGORIES = (
    ("market-entry", "Market entry", "Entrée sur le marché", "市场进入", R.NONE, None, 8),
    (
        "business-practices",
        "Business practices",
        "Pratiques d'affaires",
        "商业惯例",
        R.NONE,
        None,
        7,
    ),
    (
        "regulation-law",
        "Regulation and law",
        "Réglementation et droit",
        "法规与法律",
        R.NONE,
        None,
        6,
    ),
    (
        "finance-investment",
        "Finance and investment",
        "Finance et investissement",
        "金融与投资",
        R.NONE,
        None,
        5,
    ),
    (
        "technology-transfer",
        "Technology transfer",
        "Transfert de technologie",
        "技术转让",
        R.NONE,
        None,
        3,
    ),
    (
        "talent-immigration",
        "Talent and immigration",
        "Talents et immigration",
        "人才与移民",
        R.NONE,
        None,
        6,
    ),
    ("events", "Events", "Événements", "活动", R.NONE, None, 2),
    ("ict", "ICT and software", "TIC et logiciels", "信息通信技术", R.NONE, "ict-software", 4),
    (
        "clean-tech",
        "Clean technology",
        "Technologies propres",
        "清洁技术",
        R.NONE,
        "clean-technology",
        3,
    ),
    ("agri-food", "Agri-food", "Agroalimentaire", "农业食品", R.NONE, "agri-food", 3),
    ("members-lounge", "Members' lounge", "Salon des membres", "会员交流", R.MEMBERS, None, 2),
    (
        "facilitators",
        "Facilitators' desk",
        "Bureau des facilitateurs",
        "服务机构专区",
        R.FACILITATORS,
        None,
        1,
    ),
    ("staff-room", "Staff room", "Salle du personnel", "工作人员", R.STAFF, None, 1),
)


def chunks(items, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def post_tokens(*, category, tags, sector, city_region, knowledge_stage, author, language) -> str:
    """What a post is filed under, as forums.indexing files it (one token per fact)."""
    tokens = [f"c{category}", *(f"t{tag}" for tag in sorted(tags))]
    tokens += [f"{prefix}{pk}" for prefix, pk in (("s", sector), ("r", city_region)) if pk]
    if knowledge_stage:
        tokens.append(f"k{knowledge_stage}")
    if author:
        tokens.append(f"a{author}")
    tokens.append(language_token(language))
    return " ".join(tokens)


class SearchText:
    """``segment(text)``, each distinct short chunk (a word with its punctuation) segmented once.

    The same text: a space never belongs to a token, so the tokens of the text are the tokens of
    its chunks in turn, and keeping the first occurrence of each gives the same string.
    """

    def __init__(self):
        self._tokens: dict[str, list[str]] = {}

    def __call__(self, text: str) -> str:
        return " ".join(dict.fromkeys(chain.from_iterable(map(self._chunk, text.split()))))

    def _chunk(self, chunk: str) -> list[str]:
        tokens = self._tokens.get(chunk)
        if tokens is None:
            tokens = segment(chunk).split()
            if len(chunk) < 24:
                self._tokens[chunk] = tokens
        return tokens


@contextmanager
def keeping_given_times(*models):
    """bulk_create stamps ``auto_now_add`` fields with now: keep the generated times instead."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Command(BaseCommand):
    help = (
        "Generate the forums' scale data set (threads and posts in English, French and Chinese) "
        "in bulk, written by the members already there (run seed_scale first). Refuses to run on "
        "a database with posts unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--threads", type=int, default=20_000)
        parser.add_argument("--posts", type=int, default=500_000)
        parser.add_argument("--long-threads", type=int, default=4, help="threads of --long-size")
        parser.add_argument("--long-size", type=int, default=5_000, help="posts in a long thread")
        parser.add_argument("--readers", type=int, default=2_000, help="members who follow/read")
        parser.add_argument("--batch", type=int, default=10_000, help="rows per INSERT")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--force",
            action="store_true",
            help="run although posts exist: deletes every thread, post and follow first",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "The scale data set is for benchmarks and is never made in production."
            )
        threads, posts = options["threads"], options["posts"]
        long_threads = min(options["long_threads"], threads)
        if (
            threads < 1
            or options["batch"] < 1
            or posts < threads + long_threads * (options["long_size"] - 1)
        ):
            raise CommandError(
                "--threads and --batch must be positive, and --posts at least one per thread "
                "plus the long threads' posts."
            )
        if Post.objects.exists() and not options["force"]:
            raise CommandError(
                f"{Post.objects.count()} posts already exist: the scale data set goes into a "
                "database of its own. Use --force to delete every thread and post first."
            )
        if not User.objects.filter(is_active=True).exists():
            raise CommandError("No members to write the posts: run seed_scale first.")
        self.batch = options["batch"]
        self.progress = options["verbosity"] > 0
        self.timings: list[tuple[str, float]] = []
        started = time.perf_counter()
        with transaction.atomic():
            if options["force"]:
                with self.phase("delete earlier set"):
                    self._delete_all()
            self._generate(options, long_threads)
        with self.phase("vacuum analyze"):
            if connection.vendor == "postgresql":
                tables = ", ".join(
                    model._meta.db_table for model in (Thread, Post, ReadPosition, ThreadFollow)
                )
                with connection.cursor() as cursor:
                    verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
                    cursor.execute(f"{verb} {tables}")
        self._report(time.perf_counter() - started)

    @contextmanager
    def phase(self, name: str):
        started = time.perf_counter()
        yield
        self.timings.append((name, time.perf_counter() - started))

    def bar(self, total: int, description: str):
        # disable=None: no bar when the output is not a terminal (a log would get every refresh).
        return tqdm(
            total=total,
            desc=f"{description:<22}",
            unit=" rows",
            disable=None if self.progress else True,
        )

    # Phases ---------------------------------------------------------------------------------------

    def _delete_all(self):
        if connection.vendor == "postgresql":
            tables = [model._meta.db_table for model in (Thread, Post, CategoryFollow)]
            with connection.cursor() as cursor:
                # Deferred foreign-key checks still pending in this transaction block TRUNCATE.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            Thread.objects.update(accepted_post=None)
            Post.objects.all().delete()
            Thread.objects.all().delete()
            CategoryFollow.objects.all().delete()
        Tag.objects.update(thread_count=0)
        Category.objects.update(thread_count=0, post_count=0, last_posted_at=None)

    def _generate(self, options, long_threads: int):
        rng = random.Random(options["seed"])  # noqa: S311 - reproducible data, not secrets
        now = timezone.now()
        words = vocabularies(rng)
        search_text = self.search_text = SearchText()
        with self.phase("categories and tags"):
            categories = self._categories()
            tags = self._tags(words)
        authors = defaultdict(list)
        for pk, language in User.objects.filter(is_active=True).values_list("pk", "language"):
            authors[language].append(pk)
        everyone = list(chain.from_iterable(authors.values()))
        references = {
            "sector": list(Sector.objects.values_list("pk", flat=True)),
            "city_region": list(CityRegion.objects.values_list("pk", flat=True)),
            "knowledge_stage": list(KnowledgeStage.objects.values_list("pk", flat=True)),
        }
        sizes = self._sizes(rng, options["threads"], options["posts"], long_threads, options)
        with self.phase("threads"):
            threads = self._threads(
                rng, now, words, categories, tags, authors, everyone, references, sizes
            )

        with self.phase("posts"):
            self._posts(rng, words, threads, authors, everyone, search_text)
        with self.phase("counters"):
            self._counters(threads, tags)
        with self.phase("follows and reading"):
            self._readers(rng, threads, categories, everyone, options["readers"])

    def _categories(self) -> list[tuple[Category, int]]:
        sectors = dict(Sector.objects.values_list("slug", "pk"))
        rows = []
        for position, (slug, en, fr, zh, restriction, sector, weight) in enumerate(CATEGORIES):
            category, _created = Category.objects.get_or_create(
                slug=slug,
                defaults={
                    "name_en": en,
                    "name_fr": fr,
                    "name_zh_hans": zh,
                    "restriction": restriction,
                    "kind": Category.Kind.SECTOR if sector else Category.Kind.TOPIC,
                    "sector_id": sectors.get(sector) if sector else None,
                    "position": position,
                },
            )
            rows.append((category, weight))
        return rows

    def _tags(self, words) -> dict[str, list[Tag]]:
        """Tags per language: the language's 40 most common words."""
        names = {language: vocabulary.words[:40] for language, vocabulary in words.items()}
        wanted = {name.lower()[:40] for name in chain.from_iterable(names.values())}
        existing = set(Tag.objects.filter(name__in=wanted).values_list("name", flat=True))
        Tag.objects.bulk_create([Tag(name=name) for name in sorted(wanted - existing)])
        by_name = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)}
        return {
            language: [by_name[name.lower()[:40]] for name in listed]
            for language, listed in names.items()
        }

    @staticmethod
    def _sizes(rng, threads: int, posts: int, long_threads: int, options) -> list[int]:
        """Posts per thread: the long threads first, then a long-tailed spread of the rest."""
        sizes = [options["long_size"]] * long_threads + [1] * (threads - long_threads)
        others = list(range(long_threads, threads))
        extra = posts - sum(sizes)
        if others and extra > 0:
            weights = [rng.paretovariate(1.5) for _ in others]
            for index, count in Counter(rng.choices(others, weights=weights, k=extra)).items():
                sizes[index] += count
        return sizes

    def _threads(self, rng, now, words, categories, tags, authors, everyone, references, sizes):
        """Thread rows with their plans: (thread, language, tag ids, post times)."""
        span = timedelta(days=365 * YEARS).total_seconds()
        category_rows = [category for category, _weight in categories]
        category_weights = [weight for _category, weight in categories]
        open_categories = [c for c in category_rows if c.restriction == Category.Restriction.NONE]
        languages, language_weights = zip(*LANGUAGE_WEIGHTS.items(), strict=True)
        plans = []
        for size in sizes:
            language = rng.choices(languages, language_weights)[0]
            started = now - timedelta(seconds=span if size > 1000 else rng.uniform(0, span))
            # Replies arrive over a few days, a few months for busy threads, never in the future.
            lasting = min((now - started).total_seconds(), rng.expovariate(1 / 86400) * size)
            times = sorted(rng.uniform(0, lasting) for _ in range(size - 1))
            times = [started, *(started + timedelta(seconds=offset) for offset in times)]
            category = rng.choices(category_rows, category_weights)[0]
            if size > 1000:  # the long threads are in open categories, for everyone to read
                category = rng.choice(open_categories)
            title = words[language].title(rng)[:200]
            thread_tags = rng.sample(tags[language], rng.choice((0, 1, 1, 2, 3)))
            # The opening post carries the title and tags (names in the tags' ordering).
            opening = " ".join([title, *sorted(tag.name for tag in thread_tags)])
            thread = Thread(
                category_id=category.pk,
                author_id=rng.choice(authors.get(language) or everyone),
                title=title,
                search_text=self.search_text(opening),
                sector_id=self._maybe(rng, references["sector"], 0.5, category.sector_id),
                city_region_id=self._maybe(rng, references["city_region"], 0.4),
                knowledge_stage_id=self._maybe(rng, references["knowledge_stage"], 0.4),
                language=language,
                created_at=started,
                last_posted_at=times[-1],
                post_count=size,
            )
            thread.opening_words = opening
            plans.append((thread, language, [tag.pk for tag in thread_tags], times))
        with keeping_given_times(Thread), self.bar(len(plans), "threads") as bar:
            for chunk in chunks(plans, self.batch):
                Thread.objects.bulk_create([thread for thread, *_rest in chunk])
                bar.update(len(chunk))
        tag_links = Thread.tags.through
        tag_links.objects.bulk_create(
            [
                tag_links(thread_id=thread.pk, tag_id=tag)
                for thread, _language, thread_tags, _times in plans
                for tag in thread_tags
            ],
            batch_size=self.batch,
        )
        for thread, _language, thread_tags, _times in plans:
            thread.tag_ids = thread_tags
        return plans

    @staticmethod
    def _maybe(rng, choices, probability, given=None):
        if given:
            return given
        return rng.choice(choices) if choices and rng.random() < probability else None

    def _posts(self, rng, words, plans, authors, everyone, search_text):
        fields = [
            "thread_id",
            "number",
            "author_id",
            "body",
            "html",
            "language",
            "created_at",
            "helpful_count",
            "search_text",
            "tokens",
        ]
        total = sum(len(times) for *_rest, times in plans)

        # Posts are written in the order members wrote them, as a live forum's table holds them.
        posts = sorted(
            (created, index, number)
            for index, (*_thread, times) in enumerate(plans)
            for number, created in enumerate(times, 1)
        )
        regulars = []
        for _thread, language, *_rest in plans:
            pool = authors.get(language) or everyone
            regulars.append(rng.sample(pool, min(12, len(pool))))

        def rows():
            for created, index, number in posts:
                thread, language, tag_ids, _times = plans[index]
                post_language = language if rng.random() < 0.9 else rng.choice(list(words))
                paragraphs = words[post_language].paragraphs(rng, rng.choice((1, 1, 2, 3)))
                author = thread.author_id if number == 1 else rng.choice(regulars[index])
                body = "\n\n".join(paragraphs)
                text = f"{thread.opening_words} {body}" if number == 1 else body
                yield (
                    thread.pk,
                    number,
                    author,
                    body,
                    "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs),
                    post_language,
                    created,
                    min(int(rng.paretovariate(2.0)) - 1, 40),
                    search_text(text),
                    post_tokens(
                        category=thread.category_id,
                        tags=tag_ids,
                        sector=thread.sector_id,
                        city_region=thread.city_region_id,
                        knowledge_stage=thread.knowledge_stage_id,
                        author=author,
                        language=post_language,
                    ),
                )

        with self.bar(total, "posts") as bar:
            if connection.vendor == "postgresql":
                columns = ", ".join(Post._meta.get_field(name).column for name in fields)
                statement = f"COPY {Post._meta.db_table} ({columns}) FROM STDIN"
                with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
                    for row in rows():
                        copy.write_row(row)
                        bar.update(1)
            else:
                with keeping_given_times(Post):
                    for chunk in chunks(rows(), self.batch):
                        Post.objects.bulk_create(
                            [Post(**dict(zip(fields, row, strict=True))) for row in chunk]
                        )
                        bar.update(len(chunk))

    def _counters(self, plans, tags):
        """Threads' helpful counts, categories' and tags' counts, as the services keep them."""
        in_thread = Post.objects.filter(thread=OuterRef("pk")).order_by().values("thread")
        Thread.objects.update(
            helpful_count=Coalesce(
                Subquery(in_thread.annotate(total=Sum("helpful_count")).values("total")), 0
            )
        )
        by_category = defaultdict(lambda: [0, 0, None])
        tag_counts = Counter()
        for thread, _language, thread_tags, times in plans:
            counts = by_category[thread.category_id]
            counts[0] += 1
            counts[1] += len(times)
            counts[2] = max(filter(None, (counts[2], times[-1])))
            tag_counts.update(thread_tags)
        for pk, (threads, posts, last) in by_category.items():
            Category.objects.filter(pk=pk).update(
                thread_count=threads, post_count=posts, last_posted_at=last
            )
        for pk, count in tag_counts.items():
            Tag.objects.filter(pk=pk).update(thread_count=count)

    def _readers(self, rng, plans, categories, everyone, readers: int):
        """Some members follow threads and categories and have read threads part of the way."""
        members = rng.sample(everyone, min(readers, len(everyone)))
        threads = [thread for thread, *_rest in plans]
        long_ones = [thread for thread in threads if thread.post_count > 1000]
        follows, positions, category_follows = [], [], []
        for member in members:
            read = rng.sample(threads, min(len(threads), rng.randint(10, 60)))
            read += rng.sample(long_ones, min(len(long_ones), rng.randint(0, 2)))
            for thread in dict.fromkeys(read):
                last_read = rng.choice((thread.post_count, rng.randint(1, thread.post_count)))
                positions.append(ReadPosition(member_id=member, thread=thread, last_read=last_read))
                if rng.random() < 0.3:
                    follows.append(ThreadFollow(member_id=member, thread=thread))
            for category, _weight in rng.sample(categories, rng.choice((0, 0, 1, 2))):
                category_follows.append(CategoryFollow(member_id=member, category=category))
        for model, rows, description in (
            (ReadPosition, positions, "reading positions"),
            (ThreadFollow, follows, "thread follows"),
            (CategoryFollow, category_follows, "category follows"),
        ):
            with self.bar(len(rows), description) as bar:
                for chunk in chunks(rows, self.batch):
                    model.objects.bulk_create(chunk)
                    bar.update(len(chunk))

    def _report(self, elapsed: float):
        counts = {
            "categories": Category.objects.count(),
            "threads": Thread.objects.count(),
            "posts": Post.objects.count(),
            "tags": Tag.objects.count(),
            "reading positions": ReadPosition.objects.count(),
            "thread follows": ThreadFollow.objects.count(),
        }
        self.stdout.write("Rows:")
        for name, count in counts.items():
            self.stdout.write(f"  {name:<22} {count:>10,}")
        self.stdout.write("Time per phase:")
        for name, seconds in self.timings:
            self.stdout.write(f"  {name:<22} {seconds:>9.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Forum data set ready in {elapsed:.1f} s."))

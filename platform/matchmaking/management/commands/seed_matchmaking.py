"""Matchmaking's part of the scale data set (DESIGN.md, "Data, search and scale"), for
benchmarks.

Run after ``seed_scale``: 20,000 help requests of the scale SMEs in English, French and Chinese,
each naming expertise tags the members hold and a corridor (a Chinese and a Canadian city-region),
in every state of their life, with their engagements (pending, declined, under way, completed)
and feedback on the completed ones. One SME, whose first member the benchmark signs in as, gets
``--bench-requests`` open requests of its own, each different, to rank.

Written in bulk, with the tokens the services would file each request under (its sectors, the
tags its text is written from, its city-regions and languages).
"""

import random
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from core.markdown import render_post
from matchmaking import services
from matchmaking.models import Engagement, Feedback, HelpRequest
from members.management.commands.seed_scale import SCALE_DOMAIN
from members.models import (
    CityRegion,
    ExpertiseTag,
    KnowledgeStage,
    Language,
    Membership,
    Organisation,
    Profile,
    Sector,
)

DEFAULT_SEED = 20261201
LANGUAGES = {"en": ("eng", 0.45), "zh-hans": ("cmn", 0.35), "fr": ("fra", 0.20)}
TEMPLATES = {
    "en": (
        "Advice on {tag} for our {sector} business",
        "Our {sector} company in {china} wants to sell in {canada}. We need advice on {tag} "
        "and {tag2}: who has done it before, what it costs and how long it takes.",
    ),
    "fr": (
        "Conseils sur {tag} pour notre entreprise ({sector})",
        "Notre entreprise de {china} ({sector}) veut vendre à {canada}. Nous cherchons des "
        "conseils sur {tag} et {tag2} : qui l'a déjà fait, combien cela coûte et en combien de "
        "temps.",
    ),
    "zh-hans": (
        "寻求{tag}方面的建议（{sector}）",
        "我们是{china}的{sector}企业，希望进入{canada}市场，需要{tag}和{tag2}方面的建议："
        "谁做过、费用多少、需要多长时间。",
    ),
}
# Share of requests in each state, and of each way their engagements went.
STATES = (("open", 0.40), ("in_progress", 0.20), ("resolved", 0.25), ("closed", 0.15))


class Command(BaseCommand):
    help = "Generate help requests, engagements and feedback for benchmarks (after seed_scale)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=20_000)
        parser.add_argument(
            "--bench-requests", type=int, default=150, help="open requests of the bench SME"
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
        parser.add_argument("--force", action="store_true", help="delete every help request first")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "The scale data set is for benchmarks and is never made in production."
            )
        if options["requests"] < 1 or options["bench_requests"] < 1:
            raise CommandError("--requests and --bench-requests must be positive.")
        if HelpRequest.objects.exists() and not options["force"]:
            raise CommandError("Help requests exist already: use --force to replace them.")
        started = time.perf_counter()
        self.progress = options["verbosity"] > 0
        self.rng = random.Random(options["seed"])  # noqa: S311 - made-up data, not secrets
        with transaction.atomic():
            HelpRequest.objects.all().delete()
            self._load_reference()
            self._generate(options["requests"], options["bench_requests"])
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE matchmaking_helprequest")
                cursor.execute("VACUUM ANALYZE matchmaking_engagement")
        self.stdout.write(
            f"help requests ready in {time.perf_counter() - started:.1f} s: "
            f"{HelpRequest.objects.count():,} requests, {Engagement.objects.count():,} "
            f"engagements, {Feedback.objects.count():,} feedback"
        )

    def _load_reference(self) -> None:
        smes = Organisation.objects.filter(
            kind=Organisation.Kind.SME, website__contains=f".{SCALE_DOMAIN}/"
        )
        members = {}
        for organisation_id, user_id in Membership.objects.filter(
            organisation__in=smes
        ).values_list("organisation_id", "user_id"):
            members.setdefault(organisation_id, []).append(user_id)
        if not members:
            raise CommandError("No scale SME with members: run seed_scale first.")
        self.smes = sorted(members.items())
        self.sectors = list(Sector.objects.all())
        self.china = list(CityRegion.objects.filter(country__code="CN"))
        self.canada = list(CityRegion.objects.filter(country__code="CA"))
        self.languages = {code: Language.objects.get(code=code) for code, _ in LANGUAGES.values()}
        self.stages = list(KnowledgeStage.objects.all())
        # Tags the members advise on, as often as they do: requests name what experts offer.
        advised = Profile.advice_topics.through.objects.values_list("expertisetag_id", flat=True)
        self.tag_ids = list(advised[:200_000])
        self.tag_names = dict(ExpertiseTag.objects.values_list("pk", "name"))
        self.experts = list(
            Profile.objects.filter(offers_expertise=True, open_to_requests=True, paused=False)
            .exclude(findable_as="")
            .values_list("pk", flat=True)
        )

    def _generate(self, total: int, bench: int) -> None:
        now = timezone.now()
        bench_sme, bench_members = self.smes[0]
        plans = [(bench_sme, bench_members, "open") for _ in range(bench)]
        states = [state for state, _share in STATES]
        weights = [share for _state, share in STATES]
        for _ in range(max(total - bench, 0)):
            organisation, members = self.rng.choice(self.smes[1:] or self.smes)
            plans.append((organisation, members, self.rng.choices(states, weights)[0]))
        requests, relations = [], []
        for organisation, members, state in tqdm(
            plans, desc="help requests", disable=not self.progress
        ):
            request, ties = self._request(organisation, members, state, now)
            requests.append(request)
            relations.append(ties)
        HelpRequest.objects.bulk_create(requests, batch_size=2_000)
        self._relations(requests, relations)
        self._engagements(requests, now)

    def _request(self, organisation: int, members: list[int], state: str, now):
        rng = self.rng
        language = rng.choices(list(LANGUAGES), [w for _c, w in LANGUAGES.values()])[0]
        sectors = rng.sample(self.sectors, rng.choice((1, 1, 2)))
        china, canada = rng.choice(self.china), rng.choice(self.canada)
        tags = list(dict.fromkeys(rng.choice(self.tag_ids) for _ in range(2)))
        names = [self.tag_names[pk] for pk in tags]
        title, body = TEMPLATES[language]
        words = {
            "tag": names[0],
            "tag2": names[-1],
            "sector": sectors[0].name_zh_hans if language == "zh-hans" else sectors[0].name_en,
            "china": china.name_zh_hans if language == "zh-hans" else china.name_en,
            "canada": canada.name_zh_hans if language == "zh-hans" else canada.name_en,
        }
        description = body.format(**words)
        published = now - timedelta(days=rng.randint(1, 700), minutes=rng.randint(0, 1440))
        spoken = [self.languages[LANGUAGES[language][0]]]
        if language != "en" and rng.random() < 0.5:
            spoken.append(self.languages["eng"])
        live = state in ("open", "in_progress")
        request = HelpRequest(
            organisation_id=organisation,
            author_id=members[0],
            contact_id=rng.choice(members),
            title=title.format(**words)[:160],
            description=description,
            description_html=render_post(description, allow_images=False).html,
            deliverable=rng.choice(("A short plan", "Un plan d'action", "一份行动计划")),
            kind=rng.choice(HelpRequest.Kind.values),
            size=rng.choice(HelpRequest.Size.values),
            deadline=(now + timedelta(days=rng.randint(5, 120))).date()
            if live
            else (published + timedelta(days=60)).date(),
            knowledge_stage=rng.choice(self.stages),
            language_required=rng.random() < 0.2,
            status=state,
            closure=rng.choice(("withdrawn", "expired")) if state == "closed" else "",
            created_at=published - timedelta(hours=2),
            published_at=published,
            closed_at=None if live else published + timedelta(days=rng.randint(5, 60)),
            tokens=" ".join(
                [f"s{s.pk}" for s in sectors]
                + [f"t{pk}" for pk in sorted(tags)]
                + [f"k{china.pk}", f"k{canada.pk}"]
                + [f"l{language.pk}" for language in spoken]
            ),
        )
        return request, (sectors, [china, canada], spoken)

    def _relations(self, requests, relations) -> None:
        through = HelpRequest.sectors.through
        sectors, regions, languages = [], [], []
        for request, (its_sectors, its_regions, its_languages) in zip(
            requests, relations, strict=True
        ):
            sectors += [through(helprequest_id=request.pk, sector_id=s.pk) for s in its_sectors]
            regions += [
                HelpRequest.city_regions.through(helprequest_id=request.pk, cityregion_id=r.pk)
                for r in its_regions
            ]
            languages += [
                HelpRequest.languages.through(helprequest_id=request.pk, language_id=lang.pk)
                for lang in its_languages
            ]
        through.objects.bulk_create(sectors, batch_size=5_000)
        HelpRequest.city_regions.through.objects.bulk_create(regions, batch_size=5_000)
        HelpRequest.languages.through.objects.bulk_create(languages, batch_size=5_000)

    def _engagements(self, requests, now) -> None:
        """Under way for requests in progress, completed with feedback for resolved ones, and a
        pending or declined invitation here and there on open ones."""
        rng, engagements = self.rng, []
        completed = Engagement.Status.COMPLETED
        for request in requests:
            if request.organisation_id == self.smes[0][0]:
                continue  # the bench SME's requests rank every expert afresh
            expert = rng.choice(self.experts)
            status = {
                "in_progress": Engagement.Status.ACCEPTED,
                "resolved": Engagement.Status.COMPLETED,
            }.get(request.status)
            if status is None:
                if request.status != "open" or rng.random() > 0.3:
                    continue
                status = rng.choice((Engagement.Status.PENDING, Engagement.Status.DECLINED))
            created = request.published_at + timedelta(hours=rng.randint(1, 48))
            engagements.append(
                Engagement(
                    request=request,
                    expert_id=expert,
                    origin=rng.choice(Engagement.Origin.values),
                    started_by_id=request.author_id,
                    status=status,
                    created_at=created,
                    expires_at=max(created, now - timedelta(hours=1)) + Engagement.ANSWER_WITHIN,
                    answered_at=None if status == Engagement.Status.PENDING else created,
                    completed_at=request.closed_at
                    if status == Engagement.Status.COMPLETED
                    else None,
                )
            )
        Engagement.objects.bulk_create(engagements, batch_size=5_000)
        feedback = [
            Feedback(
                engagement=engagement,
                side=side,
                author_id=engagement.expert_id if side == "expert" else engagement.started_by_id,
                rating=rng.choice((4, 5, 5, 5)),
                private_score=rng.randint(2, 5),
                comment="",
                knowledge_stage=rng.choice(self.stages),
                hours=rng.randint(1, 30),
                created_at=engagement.completed_at,
            )
            for engagement in engagements
            if engagement.status == completed
            for side in ("sme", "expert")
        ]
        Feedback.objects.bulk_create(feedback, batch_size=5_000)
        services.refresh_records(engagement.expert_id for engagement in engagements)

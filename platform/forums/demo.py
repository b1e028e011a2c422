"""Demo threads for `make run`: conversations in the three languages between the demo members.

Written through the services, as members would write them, then dated back over the past weeks
(so the demo members' daily limits and pauses are not spent, and lists show a believable history).
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from forums import services
from forums.models import Category, Post, Thread
from members.models import CityRegion, KnowledgeStage, Sector, User

DEMO_DOMAIN = "@demo.knowbridge.local"
MENTION = re.compile(r"\{handle:([a-z.]+)\}")


@dataclass(frozen=True)
class DemoReply:
    author: str  # the demo e-mail's local part
    body: str  # "{handle:li.wei}" becomes that member's handle, for @mentions
    helpful_from: tuple[str, ...] = ()
    accepted: bool = False


@dataclass(frozen=True)
class DemoThread:
    author: str
    category: str
    title: str
    body: str
    language: str
    days_ago: int
    tags: tuple[str, ...] = ()
    sector: str | None = None
    region: str | None = None
    stage: str | None = None
    replies: tuple[DemoReply, ...] = field(default_factory=tuple)


DEMO_THREADS = (
    DemoThread(
        author="li.wei",
        category="market-entry",
        title="在多伦多设立子公司的经验",
        language="zh-hans",
        days_ago=12,
        tags=("子公司", "税务"),
        sector="ict-software",
        region="toronto",
        stage="business-practices",
        body=(
            "我们去年帮一家深圳的物联网公司在多伦多设立了子公司，分享几点经验：\n\n"
            "1. **先选联邦注册还是安省注册**：联邦注册的名称保护覆盖全国。\n"
            "2. 至少 25% 的董事须为加拿大居民。\n"
            "3. 银行开户比预想的慢，请预留四到六周。\n\n"
            "大家在开户和招聘第一位本地员工时遇到过什么问题？"
        ),
        replies=(
            DemoReply(
                author="marie.tremblay",
                body=(
                    "Merci pour ce partage ! Au Québec, il faut aussi s'immatriculer au "
                    "Registraire des entreprises, même pour une société fédérale."
                ),
                helpful_from=("li.wei",),
            ),
            DemoReply(
                author="arjun.mehta",
                body=(
                    "@{handle:li.wei} for the bank account, what worked for our clients was "
                    "opening it with a bank that has a China desk (several of the big five "
                    "do). Bring:\n\n"
                    "- the certificate of incorporation and the by-laws\n"
                    "- a notarised register of directors\n"
                    "- proof of a Canadian address\n\n"
                    "It took two weeks instead of six."
                ),
                helpful_from=("li.wei", "chen.jing"),
                accepted=True,
            ),
        ),
    ),
    DemoThread(
        author="marie.tremblay",
        category="regulation-law",
        title="Exporter du sirop d'érable vers Shanghai : étiquetage et douanes",
        language="fr",
        days_ago=8,
        tags=("exportation", "étiquetage"),
        sector="agri-food",
        region="shanghai",
        stage="market-information",
        body=(
            "Érable Fine Foods prépare un premier envoi vers Shanghai. D'après nos lectures, "
            "l'étiquette chinoise doit être apposée **avant** l'arrivée et l'exportateur doit "
            "être enregistré auprès de la GACC.\n\n"
            "Quelqu'un a-t-il déjà fait l'enregistrement GACC ? Combien de temps cela a-t-il pris ?"
        ),
        replies=(
            DemoReply(
                author="chen.jing",
                body=(
                    "我们去年为一家加拿大食品企业办理过 GACC 注册，大约用了三个月。"
                    "中文标签需要包括产品名称、配料表、原产国和国内代理商信息。"
                ),
                helpful_from=("marie.tremblay",),
            ),
            DemoReply(
                author="olivia.brown",
                body=(
                    "Our office runs a free session on food exports to China every spring; "
                    "the next one is listed in the Events category."
                ),
            ),
        ),
    ),
    DemoThread(
        author="arjun.mehta",
        category="talent-immigration",
        title="Hiring your first engineer in Shenzhen: what we learned",
        language="en",
        days_ago=5,
        tags=("hiring", "shenzhen"),
        sector="ict-software",
        region="shenzhen",
        stage="business-practices",
        body=(
            "Three things we would do differently:\n\n"
            "- use an employer of record for the first year instead of a representative office;\n"
            "- budget for the *social insurance* contributions, about a third on top of salary;\n"
            "- write the job post in Chinese first, not as a translation.\n\n"
            "```text\nEoR first year: ~12% of salary in fees\n```"
        ),
        replies=(
            DemoReply(
                author="li.wei",
                body="同意第三点。用中文写的招聘启事收到的简历多了一倍。",
                helpful_from=("arjun.mehta",),
            ),
        ),
    ),
    DemoThread(
        author="olivia.brown",
        category="events",
        title="Trade mission to Chengdu in March: who is going?",
        language="en",
        days_ago=2,
        tags=("trade mission", "chengdu"),
        region="chengdu",
        body=(
            "The Ottawa Asia Trade Office is organising a clean tech trade mission to Chengdu "
            "from 16 to 20 March. Reply here if you would like to join or to meet the "
            "delegation there."
        ),
    ),
)


def load_demo_threads() -> tuple[int, int]:
    """The demo threads not there yet; returns (created, already there)."""
    members = {
        user.email.removesuffix(DEMO_DOMAIN): user
        for user in User.objects.filter(email__endswith=DEMO_DOMAIN).select_related("profile")
    }
    created = 0
    for demo in DEMO_THREADS:
        if not Thread.objects.filter(title=demo.title, author=members[demo.author]).exists():
            _write(demo, members)
            created += 1
    return created, len(DEMO_THREADS) - created


@transaction.atomic
def _write(demo: DemoThread, members: dict[str, User]) -> None:
    thread = services.start_thread(
        author=members[demo.author],
        category=Category.objects.get(slug=demo.category),
        title=demo.title,
        body=demo.body,
        tags=demo.tags,
        sector=Sector.objects.filter(slug=demo.sector).first(),
        city_region=CityRegion.objects.filter(slug=demo.region).first(),
        knowledge_stage=KnowledgeStage.objects.filter(slug=demo.stage).first(),
        language=demo.language,
    )
    started = timezone.now() - timedelta(days=demo.days_ago)
    _date_back(thread.posts.get(number=1), started)
    handles = {name: user.profile.handle for name, user in members.items()}
    for hours, reply in enumerate(demo.replies, start=1):
        body = MENTION.sub(lambda match: handles[match[1]], reply.body)
        post = services.post_reply(author=members[reply.author], thread=thread, body=body)
        _date_back(post, started + timedelta(hours=3 * hours))
        for name in reply.helpful_from:
            services.set_helpful(member=members[name], post=post, helpful=True)
        if reply.accepted:
            services.accept_answer(actor=members[demo.author], post=post)
    last = thread.posts.order_by("-number").values_list("created_at", flat=True).first()
    Thread.objects.filter(pk=thread.pk).update(created_at=started, last_posted_at=last)
    Category.objects.filter(pk=thread.category_id).update(last_posted_at=timezone.now())


def _date_back(post: Post, when) -> None:
    Post.objects.filter(pk=post.pk).update(created_at=when)

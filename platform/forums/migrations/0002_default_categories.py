"""The forums' first categories: the topics members asked for, then one per sector, named and
described in English, French (Canadian usage) and Simplified Chinese.

Rows are keyed on their slug and written with ``update_or_create``, so running the seed again
corrects names without duplicating anything; staff reorder, restrict or add categories in the
admin afterwards. Sector categories take the sectors' own slugs and names.
"""

from django.db import migrations

# (slug, English, French, Simplified Chinese, (description en, fr, zh))
TOPICS = (
    (
        "market-entry",
        "Market entry",
        "Entrée sur le marché",
        "市场进入",
        (
            "First steps into Canada or China: market research, choosing a city-region, "
            "setting up an entity, finding the first customers.",
            "Premiers pas au Canada ou en Chine : étude de marché, choix d'une région, "
            "création d'une entité, premiers clients.",
            "进入加拿大或中国市场的第一步：市场调研、选择城市区域、设立实体、寻找首批客户。",
        ),
    ),
    (
        "business-practices",
        "Business practices",
        "Pratiques d'affaires",
        "商业惯例",
        (
            "How things are done: negotiation, contracts, partners, distributors, "
            "and the habits that differ between the two countries.",
            "Comment les choses se font : négociation, contrats, partenaires, distributeurs "
            "et les habitudes qui diffèrent d'un pays à l'autre.",
            "做事的方式：谈判、合同、合作伙伴、分销商，以及两国之间不同的商业习惯。",
        ),
    ),
    (
        "regulation-law",
        "Regulation and law",
        "Réglementation et droit",
        "法规与法律",
        (
            "Licences, compliance, customs, tax, intellectual property and disputes, "
            "as members met them. Not legal advice.",
            "Permis, conformité, douanes, fiscalité, propriété intellectuelle et litiges, "
            "tels que les membres les ont vécus. Pas un avis juridique.",
            "许可证、合规、海关、税务、知识产权与纠纷——成员的亲身经历，不构成法律意见。",
        ),
    ),
    (
        "finance-investment",
        "Finance and investment",
        "Finance et investissement",
        "金融与投资",
        (
            "Banking, payments, financing, investors and moving capital between "
            "Canada and China.",
            "Banques, paiements, financement, investisseurs et circulation des capitaux "
            "entre le Canada et la Chine.",
            "银行、支付、融资、投资者，以及加中两国之间的资金往来。",
        ),
    ),
    (
        "technology-transfer",
        "Technology transfer",
        "Transfert de technologie",
        "技术转让",
        (
            "Licensing, joint research, commercialising research and protecting know-how "
            "across borders.",
            "Licences, recherche conjointe, commercialisation de la recherche et protection "
            "du savoir-faire à l'international.",
            "技术许可、联合研究、科研成果转化，以及跨境保护专有技术。",
        ),
    ),
    (
        "talent-immigration",
        "Talent and immigration",
        "Talents et immigration",
        "人才与移民",
        (
            "Hiring, work permits, credentials, settling in and building a career "
            "between the two countries.",
            "Recrutement, permis de travail, reconnaissance des diplômes, installation "
            "et carrière entre les deux pays.",
            "招聘、工作许可、资历认证、安家落户，以及在两国之间发展职业。",
        ),
    ),
    (
        "events",
        "Events",
        "Événements",
        "活动",
        (
            "Trade missions, fairs, meetups and webinars worth knowing about.",
            "Missions commerciales, salons, rencontres et webinaires à connaître.",
            "值得关注的贸易代表团、展会、聚会和网络研讨会。",
        ),
    ),
)
TOPIC_SPACING = 10  # room to slot a category in between without renumbering
SECTORS_FROM = 100


def _texts(en, fr, zh, descriptions):
    return {
        "name_en": en,
        "name_fr": fr,
        "name_zh_hans": zh,
        "description_en": descriptions[0],
        "description_fr": descriptions[1],
        "description_zh_hans": descriptions[2],
    }


def seed_categories(apps, schema_editor):
    category = apps.get_model("forums", "Category")
    sector = apps.get_model("members", "Sector")
    for index, (slug, en, fr, zh, descriptions) in enumerate(TOPICS, start=1):
        category.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": "topic",
                "position": index * TOPIC_SPACING,
                **_texts(en, fr, zh, descriptions),
            },
        )
    for index, row in enumerate(sector.objects.order_by("name_en"), start=SECTORS_FROM):
        descriptions = (
            f"Doing business in {row.name_en.lower()}: experience, contacts and questions.",
            f"Faire des affaires dans ce secteur ({row.name_fr}) : expériences, contacts "
            "et questions.",
            f"{row.name_zh_hans}行业：经验、人脉与问题。",
        )
        category.objects.update_or_create(
            slug=row.slug,
            defaults={
                "kind": "sector",
                "sector": row,
                "position": index,
                **_texts(row.name_en, row.name_fr, row.name_zh_hans, descriptions),
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0001_initial"),
        ("members", "0004_reference_data"),
    ]

    operations = [migrations.RunPython(seed_categories, migrations.RunPython.noop)]

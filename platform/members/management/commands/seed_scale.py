"""The scale data set of DESIGN.md ("Data, search and scale"), for benchmarks.

Members and organisations with realistic text in English, French and Chinese, written in bulk:
one password hash for everyone, ``bulk_create`` in batches, the many-to-many rows written directly,
and the search text computed here with the same parts the services use. Every e-mail address is in
a reserved domain (RFC 2606 ``.invalid``), so the generated rows are easy to tell from real ones.

The forums' part (threads and posts written by these members) is ``manage.py seed_forums``, run
after this one (``make bench`` runs both): members sit below forums and do not call them.
"""

import random
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import chain, islice

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from core.search import segment
from members import directory
from members.demo import DEMO_MEMBERS
from members.indexing import organisation_search_parts, profile_search_parts
from members.models import (
    CityRegion,
    Corridor,
    Country,
    EngagementType,
    ExpertiseTag,
    KnowledgeStage,
    Language,
    Membership,
    Organisation,
    Profile,
    ProfileLanguage,
    Sector,
    User,
    Visibility,
)

SCALE_DOMAIN = "scale.knowbridge.invalid"
SCALE_PASSWORD = "knowbridge-scale-2026"  # noqa: S105 - generated benchmark data only
DEFAULT_SEED = 20260101

# --- Word lists -----------------------------------------------------------------------------------


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CHINESE_SURNAMES = words(
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng "
    "Liang Xie Song Tang Han Feng Deng Cao Peng"
)
CHINESE_GIVEN = words(
    "Wei Fang Jing Min Lei Yan Jun Hao Xin Ying Tao Ming Na Qiang Yu Chen Xiaoming Jiahui Zihan "
    "Yiming Haoran Xinyi Yuting Zhiwei Shu Lan Bo Rui Kai Ning"
)
CHINESE_HANZI = ("王芳", "李伟", "张敏", "刘洋", "陈静", "杨帆", "黄磊", "赵丽", "吴昊", "周婷")
CHINESE_HANZI += ("徐明", "孙悦", "马骏", "朱琳", "胡军", "郭晶", "林涛", "高翔", "罗欣", "郑毅")
HONG_KONG_NAMES = (
    "Kelvin Chan",
    "Winnie Wong",
    "Raymond Leung",
    "Cecilia Lau",
    "Alvin Cheung",
    "Karen Ho",
    "Vincent Tsang",
    "Michelle Yip",
)
SOUTH_ASIAN_GIVEN = words(
    "Priya Arjun Rahul Ananya Vikram Sanjay Deepa Kavya Imran Ayesha Farhan Nadia Rohan Meera "
    "Harpreet Gurpreet Tanvir Nusrat Dinesh Lakshmi Aditya Sunita Bilal Zainab"
)
SOUTH_ASIAN_FAMILY = words(
    "Sharma Patel Mehta Singh Gupta Iyer Reddy Khan Chaudhry Hossain Rahman Perera Fernando Nair "
    "Kaur Gill Sandhu Malik Qureshi Desai Banerjee Joshi"
)
FILIPINO_GIVEN = words(
    "Maria Jose Angelica Mark Kristine Paolo Jasmine Carlo Rowena Ramon Ma. Teresa Jericho"
)
FILIPINO_FAMILY = words(
    "Santos Reyes Cruz Bautista Ocampo Garcia Mendoza Torres Villanueva Aquino Castillo Ramos"
)
VIETNAMESE_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
VIETNAMESE_MIDDLE = ("Văn", "Thị", "Minh", "Đức", "Thanh", "Quốc")
VIETNAMESE_GIVEN = ("An", "Bình", "Linh", "Hoa", "Tuấn", "Mai", "Hương", "Khánh", "Dũng", "Trang")
FRANCOPHONE_GIVEN = words(
    "Marie Jean-François Sophie Mathieu Isabelle Étienne Geneviève Olivier Chloé Benoît Amélie "
    "Karim Yasmine Mamadou Aïcha Hélène François Nathalie Sébastien Élodie Fatou Rachid"
)
FRANCOPHONE_FAMILY = words(
    "Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier "
    "Bélanger Lévesque Benali Diallo Haddad Lefebvre Dubois Moreau Traoré Bouaziz"
)
ANGLOPHONE_GIVEN = words(
    "Olivia James Emma Liam Sarah Michael Emily David Jessica Daniel Hannah Ryan Megan Andrew "
    "Rachel Kevin Laura Patrick"
)
ANGLOPHONE_FAMILY = words(
    "Brown Smith Wilson MacDonald Campbell Anderson Taylor Thompson Clarke Robinson Walker Young "
    "Stewart Murray O'Brien Fraser"
)
OTHER_NAMES = (
    ("Kim", "Min-jun"),
    ("Park", "Ji-woo"),
    ("Lee", "Seo-yeon"),
    ("Choi", "Hyun-woo"),
    ("Ahmadi", "Reza"),
    ("Hosseini", "Sara"),
    ("Rezaei", "Ali"),
    ("Karimi", "Maryam"),
    ("Okafor", "Chinedu"),
    ("Adeyemi", "Ngozi"),
    ("Bakare", "Tunde"),
    ("Eze", "Funmilayo"),
    ("García", "Ana"),
    ("Rodríguez", "Carlos"),
    ("Martínez", "Lucía"),
    ("Silva", "João"),
    ("Mansour", "Layla"),
    ("Nasser", "Youssef"),
    ("Kovalenko", "Olena"),
    ("Bondarenko", "Iryna"),
)


@dataclass(frozen=True)
class Origin:
    name: str
    weight: float
    countries: tuple[str, ...]
    writes: dict  # writing language ("en", "fr", "zh", "zh+en") → weight
    site_language: dict  # the account's language → weight
    spoken: tuple[str, ...]  # mother tongues, first one most likely


ORIGINS = (
    Origin(
        "chinese",
        0.38,
        ("CN",),
        {"zh": 0.5, "zh+en": 0.2, "en": 0.3},
        {"zh-hans": 0.6, "en": 0.35, "fr": 0.05},
        ("cmn", "yue", "wuu", "nan"),
    ),
    Origin(
        "south_asian",
        0.14,
        ("IN", "PK", "BD", "LK"),
        {"en": 0.95, "fr": 0.05},
        {"en": 0.95, "fr": 0.05},
        ("hin", "pan", "urd", "ben", "tam", "guj"),
    ),
    Origin("filipino", 0.06, ("PH",), {"en": 1.0}, {"en": 1.0}, ("tgl",)),
    Origin(
        "vietnamese",
        0.05,
        ("VN",),
        {"en": 0.6, "fr": 0.4},
        {"en": 0.6, "fr": 0.4},
        ("vie",),
    ),
    Origin(
        "francophone",
        0.12,
        ("FR", "DZ", "MA", "CA"),
        {"fr": 0.85, "en": 0.15},
        {"fr": 0.85, "en": 0.15},
        ("fra", "ara"),
    ),
    Origin(
        "anglophone", 0.12, ("CA", "GB", "US", "JM"), {"en": 1.0}, {"en": 0.9, "fr": 0.1}, ("eng",)
    ),
    Origin(
        "other",
        0.13,
        ("KR", "IR", "NG", "MX", "BR", "CO", "EG", "UA"),
        {"en": 0.9, "fr": 0.1},
        {"en": 0.9, "fr": 0.1},
        ("kor", "fas", "yor", "spa", "por", "ara", "ukr"),
    ),
)
OTHER_COUNTRY_LANGUAGE = {
    "KR": "kor",
    "IR": "fas",
    "NG": "yor",
    "MX": "spa",
    "CO": "spa",
    "BR": "por",
    "EG": "ara",
    "UA": "ukr",
}
OTHER_COUNTRY_NAMES = {
    "KR": OTHER_NAMES[0:4],
    "IR": OTHER_NAMES[4:8],
    "NG": OTHER_NAMES[8:12],
    "MX": OTHER_NAMES[12:15],
    "CO": OTHER_NAMES[12:15],
    "BR": OTHER_NAMES[15:16],
    "EG": OTHER_NAMES[16:18],
    "UA": OTHER_NAMES[18:20],
}

# (sector slug, English, French, Chinese)
ROLES = (
    ("ict-software", "Software architect", "Architecte logiciel", "软件架构师"),
    ("ict-software", "Data scientist", "Scientifique des données", "数据科学家"),
    ("ict-software", "Cybersecurity consultant", "Consultante en cybersécurité", "网络安全顾问"),
    ("ict-software", "Cloud engineer", "Ingénieur infonuagique", "云计算工程师"),
    (
        "finance-banking",
        "Fintech product lead",
        "Responsable produit fintech",
        "金融科技产品负责人",
    ),
    ("finance-banking", "Investment banker", "Banquier d'affaires", "投资银行家"),
    ("finance-banking", "Risk manager", "Gestionnaire des risques", "风险管理经理"),
    ("finance-banking", "Chartered accountant", "Comptable professionnelle agréée", "注册会计师"),
    (
        "telecommunications",
        "Telecom network engineer",
        "Ingénieure en réseaux de télécommunication",
        "通信网络工程师",
    ),
    (
        "telecommunications",
        "5G solutions architect",
        "Architecte de solutions 5G",
        "5G解决方案架构师",
    ),
    (
        "automotive",
        "Automotive supply-chain manager",
        "Gestionnaire d'approvisionnement automobile",
        "汽车供应链经理",
    ),
    (
        "automotive",
        "EV battery engineer",
        "Ingénieur en batteries de véhicules électriques",
        "电动汽车电池工程师",
    ),
    ("mining-energy", "Mining engineer", "Ingénieure des mines", "采矿工程师"),
    ("mining-energy", "Geologist", "Géologue", "地质学家"),
    (
        "mining-energy",
        "Energy policy analyst",
        "Analyste des politiques énergétiques",
        "能源政策分析师",
    ),
    (
        "clean-technology",
        "Clean-tech researcher",
        "Chercheuse en technologies propres",
        "清洁技术研究员",
    ),
    (
        "clean-technology",
        "Energy storage engineer",
        "Ingénieur en stockage d'énergie",
        "储能工程师",
    ),
    ("clean-technology", "ESG advisor", "Conseiller ESG", "ESG顾问"),
    (
        "life-sciences-health",
        "Clinical research manager",
        "Gestionnaire de recherche clinique",
        "临床研究经理",
    ),
    (
        "life-sciences-health",
        "Medical device regulatory specialist",
        "Spécialiste réglementaire des dispositifs médicaux",
        "医疗器械注册专员",
    ),
    ("life-sciences-health", "Biomedical researcher", "Chercheur biomédical", "生物医学研究员"),
    (
        "agri-food",
        "Agri-food export manager",
        "Directrice des exportations agroalimentaires",
        "农产品出口经理",
    ),
    ("agri-food", "Food safety auditor", "Auditeur en salubrité alimentaire", "食品安全审核员"),
    (
        "education",
        "International education consultant",
        "Conseillère en éducation internationale",
        "国际教育顾问",
    ),
    (
        "education",
        "University partnerships officer",
        "Agent des partenariats universitaires",
        "高校合作专员",
    ),
    (
        "manufacturing",
        "Lean manufacturing engineer",
        "Ingénieur en production allégée",
        "精益生产工程师",
    ),
    ("manufacturing", "Quality manager", "Directrice de la qualité", "质量经理"),
    ("manufacturing", "Sourcing manager", "Responsable des achats", "采购经理"),
    (
        "transportation-logistics",
        "Supply-chain consultant",
        "Consultant en chaîne d'approvisionnement",
        "供应链顾问",
    ),
    ("transportation-logistics", "Customs broker", "Courtière en douane", "报关经纪人"),
    (
        "transportation-logistics",
        "Cross-border logistics manager",
        "Gestionnaire de logistique transfrontalière",
        "跨境物流经理",
    ),
    ("professional-services", "Corporate lawyer", "Avocate d'affaires", "公司律师"),
    ("professional-services", "Trade commissioner", "Déléguée commerciale", "商务专员"),
    (
        "professional-services",
        "International trade advisor",
        "Conseillère en commerce international",
        "国际贸易顾问",
    ),
    ("professional-services", "Management consultant", "Conseiller en gestion", "管理咨询顾问"),
    ("professional-services", "Tax advisor", "Fiscaliste", "税务顾问"),
    ("real-estate-construction", "Real estate developer", "Promoteur immobilier", "房地产开发商"),
    (
        "real-estate-construction",
        "Construction project manager",
        "Chargée de projets de construction",
        "建筑项目经理",
    ),
    (
        "tourism",
        "Tourism marketing manager",
        "Responsable du marketing touristique",
        "旅游营销经理",
    ),
    ("aerospace", "Aerospace engineer", "Ingénieure en aérospatiale", "航空航天工程师"),
    (
        "creative-industries",
        "Film co-production producer",
        "Productrice de coproductions cinématographiques",
        "电影合拍制片人",
    ),
    ("creative-industries", "Game designer", "Concepteur de jeux vidéo", "游戏设计师"),
)

GENERIC_ROLES = (
    ("International business consultant", "Consultant en affaires internationales", "国际商务顾问"),
    ("Entrepreneur", "Entrepreneure", "创业者"),
    ("Business analyst", "Analyste d'affaires", "商业分析师"),
)

# Expertise tags by sector (None: any sector), as (English, French, Chinese).
TAGS = (
    (None, "market entry", "entrée sur le marché", "市场进入"),
    (None, "export financing", "financement à l'exportation", "出口融资"),
    (None, "business development", "développement des affaires", "业务拓展"),
    (None, "government relations", "relations gouvernementales", "政府关系"),
    (None, "negotiation", "négociation", "商务谈判"),
    (None, "intellectual property", "propriété intellectuelle", "知识产权"),
    (None, "tax planning", "planification fiscale", "税务筹划"),
    (None, "mergers and acquisitions", "fusions et acquisitions", "并购"),
    (None, "project management", "gestion de projet", "项目管理"),
    (None, "Mandarin interpretation", "interprétation en mandarin", "中英口译"),
    (None, "trade compliance", "conformité commerciale", "贸易合规"),
    (None, "venture capital", "capital de risque", "风险投资"),
    ("ict-software", "machine learning", "apprentissage automatique", "机器学习"),
    ("ict-software", "cloud architecture", "architecture infonuagique", "云架构"),
    ("ict-software", "cybersecurity", "cybersécurité", "网络安全"),
    ("ict-software", "data privacy", "protection des données", "数据合规"),
    ("ict-software", "e-commerce platforms", "plateformes de commerce électronique", "跨境电商"),
    ("finance-banking", "fintech", "technologie financière", "金融科技"),
    ("finance-banking", "payments", "paiements", "移动支付"),
    ("finance-banking", "banking regulation", "réglementation bancaire", "银行监管"),
    ("finance-banking", "foreign exchange", "change de devises", "外汇管理"),
    ("finance-banking", "transfer pricing", "prix de transfert", "转让定价"),
    ("telecommunications", "5G networks", "réseaux 5G", "5G网络"),
    ("telecommunications", "spectrum licensing", "licences de spectre", "频谱许可"),
    ("automotive", "electric vehicles", "véhicules électriques", "新能源汽车"),
    (
        "automotive",
        "auto parts sourcing",
        "approvisionnement en pièces automobiles",
        "汽车零部件采购",
    ),
    ("mining-energy", "mineral exploration", "exploration minière", "矿产勘探"),
    ("mining-energy", "critical minerals", "minéraux critiques", "关键矿产"),
    ("mining-energy", "hydrogen", "hydrogène", "氢能"),
    ("clean-technology", "energy storage", "stockage d'énergie", "储能"),
    ("clean-technology", "battery recycling", "recyclage des batteries", "电池回收"),
    ("clean-technology", "ESG reporting", "divulgation ESG", "ESG报告"),
    ("clean-technology", "carbon markets", "marchés du carbone", "碳交易"),
    ("life-sciences-health", "clinical trials", "essais cliniques", "临床试验"),
    (
        "life-sciences-health",
        "medical device registration",
        "homologation des dispositifs médicaux",
        "医疗器械注册",
    ),
    ("life-sciences-health", "traditional Chinese medicine", "médecine chinoise", "中医药"),
    ("agri-food", "food safety", "salubrité des aliments", "食品安全"),
    ("agri-food", "seafood exports", "exportation de produits de la mer", "海产品出口"),
    ("agri-food", "maple products", "produits de l'érable", "枫糖产品"),
    ("education", "international student recruitment", "recrutement international", "国际招生"),
    ("education", "edtech", "technologies éducatives", "教育科技"),
    ("manufacturing", "lean manufacturing", "production allégée", "精益生产"),
    ("manufacturing", "quality management", "gestion de la qualité", "质量管理"),
    ("manufacturing", "supplier development", "développement des fournisseurs", "供应商开发"),
    ("manufacturing", "industrial robotics", "robotique industrielle", "工业机器人"),
    ("transportation-logistics", "supply chain", "chaîne d'approvisionnement", "供应链"),
    ("transportation-logistics", "customs", "douanes", "海关合规"),
    (
        "transportation-logistics",
        "cross-border logistics",
        "logistique transfrontalière",
        "跨境物流",
    ),
    ("transportation-logistics", "port logistics", "logistique portuaire", "港口物流"),
    ("professional-services", "business law", "droit des affaires", "商法"),
    ("professional-services", "immigration law", "droit de l'immigration", "移民法"),
    ("professional-services", "international trade", "commerce international", "国际贸易"),
    ("professional-services", "accounting standards", "normes comptables", "会计准则"),
    (
        "real-estate-construction",
        "real estate investment",
        "investissement immobilier",
        "房地产投资",
    ),
    ("real-estate-construction", "green building", "bâtiment durable", "绿色建筑"),
    ("tourism", "destination marketing", "marketing de destination", "旅游营销"),
    ("aerospace", "aircraft maintenance", "maintenance aéronautique", "飞机维修"),
    ("creative-industries", "film co-production", "coproduction cinématographique", "电影合拍"),
    ("creative-industries", "game localisation", "localisation de jeux", "游戏本地化"),
)

BIO_SENTENCES = {
    "en": (
        "I have {years} years of experience in {sector} between {china} and {canada}.",
        "Before moving to Canada in {arrival}, I worked in {home} as {role_a}.",
        "I help small and medium enterprises with {topic1} and {topic2}.",
        "Happy to take advice calls with SMEs looking at the Chinese market.",
        "My focus is {topic1}; I also mentor newcomers in {sector}.",
        "Based in {canada}, I travel to {china} several times a year.",
        "I can make introductions to partners in {china} and {canada}.",
    ),
    "fr": (
        "J'ai {years} ans d'expérience en {sector} entre {canada} et {china}.",
        "Avant d'immigrer au Canada en {arrival}, j'ai travaillé à {home}.",
        "J'accompagne les PME sur {topic1} et {topic2}.",
        "Disponible pour du mentorat et des appels-conseils avec des PME québécoises.",
        "Établie à {canada}, je me rends à {china} plusieurs fois par an.",
        "Je peux vous mettre en relation avec des partenaires à {china}.",
    ),
    "zh": (
        "我在{china}和{canada}之间从事{sector}工作{years}年。",
        "{arrival}年移民加拿大之前，我在{home}担任{role}。",
        "擅长{topic1}和{topic2}，愿意帮助中小企业开拓中加两地市场。",
        "可以提供咨询通话、导师指导和商务引荐。",
        "目前常驻{canada}，每年多次往返{china}。",
        "熟悉两地的法规与商业惯例，欢迎交流。",
    ),
}
HEADLINES = {
    "en": (
        "{role} · {Sector}",
        "{role}, {canada} ↔ {china}",
        "{role} helping SMEs enter the Chinese market",
        "{years} years in {sector}; {topic1}",
    ),
    "fr": (
        "{role} · {Sector}",
        "{role} à {canada}",
        "{role}, accompagnement des PME vers la Chine",
    ),
    "zh": ("{role} · {Sector}", "{canada}{role}", "{role}，专注{topic1}"),
    "zh+en": ("{role} · {role_en}, {china_en} ↔ {canada_en}",),
}
EMPLOYER_WORDS = (
    "Maple",
    "Northern",
    "Pacific Rim",
    "Great Lakes",
    "True North",
    "Harbourfront",
    "Cedar",
    "Aurora",
    "Silk Road",
    "Laurentian",
    "Lotus",
    "Jade",
    "Summit",
    "Boréal",
)
ORG_CORES_EN = (
    "Trading",
    "Logistics",
    "Clean Energy",
    "Capital",
    "Foods",
    "Robotics",
    "Analytics",
    "Health",
    "Advisory",
    "Biotech",
    "Minerals",
    "Software",
    "Learning",
    "Design",
    "Travel",
)
ORG_SUFFIXES_EN = ("Inc.", "Ltd.", "Group", "Partners", "Co.", "Corporation", "")
ORG_CORES_FR = ("Conseil", "Logistique", "Aliments", "Technologies", "Énergie", "Solutions")
ORG_PLACES_FR = (
    "Saint-Laurent",
    "Boréal",
    "Horizon",
    "Laurentides",
    "Nordique",
    "Beauce",
    "Érable",
    "Outaouais",
)
ORG_CITIES_ZH = ("深圳", "上海", "苏州", "杭州", "广州", "成都", "北京", "南京", "宁波", "厦门")
ORG_WORDS_ZH = ("华加", "中加", "枫叶", "远航", "创新", "恒信", "鼎盛", "新能", "智联", "绿源")
ORG_TRADES_ZH = ("供应链", "贸易", "科技", "新能源", "物流", "咨询", "生物", "食品", "教育", "投资")
ORG_SUFFIXES_ZH = ("有限公司", "集团", "股份有限公司", "")
ORG_DESCRIPTIONS = {
    "en": (
        "{name} works in {sector} between {canada} and {china}.",
        "We are looking for partners and distributors in {china}.",
        "Founded in {founded}, we help customers with {topic1} and {topic2}.",
        "Our team speaks English, French and Mandarin.",
    ),
    "fr": (
        "{name} œuvre en {sector} entre {canada} et {china}.",
        "Nous cherchons des partenaires et des distributeurs à {china}.",
        "Fondée en {founded}, l'entreprise accompagne ses clients en {topic1}.",
    ),
    "zh": (
        "{name}是一家{sector}企业，业务覆盖{china}和{canada}。",
        "公司成立于{founded}年，主要从事{topic1}和{topic2}。",
        "我们正在寻找加拿大的合作伙伴和经销商。",
    ),
}

FACILITATOR_DESCRIPTIONS = {
    "en": (
        "{name} helps Canadian and Chinese SMEs in {sector} find partners.",
        "We connect companies in {canada} with customers and investors in {china}.",
        "Ask us about {topic1} and {topic2}.",
    ),
    "fr": (
        "{name} aide les PME canadiennes et chinoises en {sector} à trouver des partenaires.",
        "Nous mettons en relation les entreprises de {canada} et de {china}.",
        "Parlez-nous de {topic1}.",
    ),
    "zh": (
        "{name}帮助中加两国{sector}领域的中小企业寻找合作伙伴。",
        "我们为{canada}和{china}的企业牵线搭桥。",
        "欢迎咨询{topic1}和{topic2}。",
    ),
}

LISTINGS = {"public": 0.55, "members": 0.38, "hidden": 0.07}
VISIBILITIES = {"public": 0.3, "members": 0.55, "private": 0.15}
LEVELS = ("basic", "conversational", "professional", "native")
TWO_YEARS = timedelta(days=730)


# --- Plans: plain values first, rows second -------------------------------------------------------


@dataclass
class MemberPlan:
    email: str
    display_name: str
    language: str
    date_joined: object
    is_active: bool
    profile: dict
    sectors: list = field(default_factory=list)
    expertise: list = field(default_factory=list)  # tag names
    advice_topics: list = field(default_factory=list)  # tag names
    engagement_types: list = field(default_factory=list)
    knowledge_stages: list = field(default_factory=list)
    home_regions: list = field(default_factory=list)
    spoken: list = field(default_factory=list)  # (language id, level)
    corridors: list = field(default_factory=list)  # (China region id, Canada region id, sector id)


@dataclass
class OrganisationPlan:
    fields: dict
    sectors: list
    city_regions: list


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def lower_first(text: str) -> str:
    """'Finance and banking' → 'finance and banking', but 'ICT and software' stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


class Generator:
    """Realistic members and organisations from the word lists, reproducible for a seed."""

    def __init__(self, rng: random.Random, now):
        self.rng = rng
        self.now = now
        self.sectors = {sector.slug: sector for sector in Sector.objects.all()}
        regions = list(CityRegion.objects.select_related("country"))
        self.canada = [region for region in regions if region.country.code == "CA"]
        self.china = [region for region in regions if region.country.code == "CN"]
        self.regions_by_country = {}
        for region in regions:
            self.regions_by_country.setdefault(region.country.code, []).append(region)
        self.countries = {country.code: country for country in Country.objects.all()}
        self.languages = {language.code: language for language in Language.objects.all()}
        self.engagement_types = list(EngagementType.objects.values_list("pk", flat=True))
        self.knowledge_stages = list(KnowledgeStage.objects.values_list("pk", flat=True))
        if not (self.sectors and self.canada and self.china and self.languages):
            raise CommandError("Reference data is missing: run `manage.py migrate` first.")
        self.sector_by_pk = {sector.pk: sector for sector in self.sectors.values()}
        self.region_by_pk = {region.pk: region for region in regions}
        self.roles = {}
        for slug, *names in ROLES:
            if slug in self.sectors:
                self.roles.setdefault(slug, []).append(names)
        self.tags = {}
        for slug, *names in TAGS:
            if slug is None or slug in self.sectors:
                self.tags.setdefault(slug, []).append(names)
        self.sector_slugs = list(self.sectors)
        # A few sectors dominate, as in the field: ICT, finance, trade services, clean tech.
        heavy = {"ict-software": 4, "finance-banking": 3, "professional-services": 3}
        heavy |= {"clean-technology": 2, "transportation-logistics": 2, "manufacturing": 2}
        self.sector_weights = [heavy.get(slug, 1) for slug in self.sector_slugs]

    # Members --------------------------------------------------------------------------------------

    def member(self, number: int) -> MemberPlan:
        rng = self.rng
        origin = rng.choices(ORIGINS, weights=[origin.weight for origin in ORIGINS])[0]
        country = rng.choice(origin.countries)
        writes = pick(rng, origin.writes)
        last_active = self.now - TWO_YEARS * rng.random() ** 1.8  # most were active lately
        joined = last_active - timedelta(days=rng.uniform(0, 900))
        sectors = self._sectors()
        region = rng.choice(self.canada) if rng.random() < 0.92 else None
        china = rng.choice(self.china)
        home = self._home_region(country)
        role_names = rng.choice((sectors and self.roles.get(sectors[0].slug)) or GENERIC_ROLES)
        article = "an" if role_names[0][0] in "AEIOU" else "a"
        tag_pool = self._tag_pool(sectors)
        offers = rng.random() < 0.72
        seeks = rng.random() < (0.2 if offers else 0.7)
        facilitator = rng.random() < 0.08 or not (offers or seeks)
        years = rng.randint(2, 30)
        topics = [self._tag_name(rng.choice(tag_pool), writes) for _ in range(2)]
        values = {
            "role": self._in(role_names, writes),
            "role_en": role_names[0],
            "role_a": f"{article} {lower_first(role_names[0])}",
            "sector": self._sector_name(sectors, writes),
            "Sector": self._sector_name(sectors, writes, capital=True),
            "canada": self._region_name(region or self.canada[0], writes),
            "canada_en": (region or self.canada[0]).name_en,
            "china": self._region_name(china, writes),
            "china_en": china.name_en,
            "home": self._region_name(home, writes)
            if home
            else self._country_name(country, writes),
            "years": years,
            "arrival": rng.randint(1995, 2023),
            "topic1": topics[0],
            "topic2": topics[1],
        }
        headline = (
            rng.choice(HEADLINES[writes]).format(**values)[:140] if rng.random() < 0.9 else ""
        )
        bio = self._paragraph(BIO_SENTENCES[writes.split("+")[0]], values, rng.randint(0, 4))
        plan = MemberPlan(
            email=f"member{number:06d}@{SCALE_DOMAIN}",
            display_name=self._display_name(origin, country),
            language=pick(rng, origin.site_language),
            date_joined=joined,
            is_active=rng.random() < 0.99,
            profile={
                "offers_expertise": offers,
                "seeks_help": seeks,
                "represents_facilitator": facilitator,
                "onboarded_at": joined + timedelta(minutes=rng.randint(3, 600))
                if rng.random() < 0.96
                else None,
                "headline": headline,
                "bio": bio,
                "photo": "",
                "canadian_region_id": region.pk if region else None,
                "country_of_origin_id": self.countries[country].pk
                if country in self.countries and rng.random() < 0.8
                else None,
                "years_in_canada": rng.randint(0, 35) if rng.random() < 0.7 else None,
                "years_experience": years if rng.random() < 0.8 else None,
                "current_role": self._in(role_names, writes) if rng.random() < 0.75 else "",
                "employer": self._employer() if rng.random() < 0.6 else "",
                "hours_per_month": rng.choice((2, 4, 5, 8, 10, 15, 20)) if offers else None,
                "open_to_requests": offers and rng.random() < 0.6,
                "paused": rng.random() < 0.08,
                "listing": pick(rng, LISTINGS),
                "last_active_at": last_active,
                **{
                    f"{name}_visibility": pick(rng, VISIBILITIES)
                    for name in Profile.SENSITIVE_FIELDS
                },
            },
            sectors=[sector.pk for sector in sectors],
        )
        self._relations(plan, origin, country, sectors, tag_pool, writes, home, offers)
        return plan

    def _relations(self, plan, origin, country, sectors, tag_pool, writes, home, offers):
        rng = self.rng
        if offers and rng.random() < 0.85:
            plan.expertise = self._tags(tag_pool, writes, rng.randint(1, 6))
        if offers and rng.random() < 0.55:
            plan.advice_topics = self._tags(tag_pool, writes, rng.randint(1, 4))
        if offers and rng.random() < 0.6:
            plan.engagement_types = rng.sample(self.engagement_types, rng.randint(1, 3))
        if rng.random() < 0.35:
            plan.knowledge_stages = rng.sample(self.knowledge_stages, rng.randint(1, 2))
        if home and rng.random() < 0.45:
            plan.home_regions = [home.pk]
        if rng.random() < 0.95:
            plan.spoken = self._spoken(origin, country, writes)
        if offers and sectors and rng.random() < 0.35:
            plan.corridors = list(
                dict.fromkeys(
                    (rng.choice(self.china).pk, rng.choice(self.canada).pk, sector.pk)
                    for sector in rng.sample(sectors, min(len(sectors), rng.randint(1, 2)))
                )
            )

    def _sectors(self) -> list:
        if self.rng.random() < 0.08:
            return []
        count = self.rng.choices((1, 2, 3), weights=(5, 3, 1))[0]
        slugs = dict.fromkeys(self.rng.choices(self.sector_slugs, self.sector_weights, k=count))
        return [self.sectors[slug] for slug in slugs]

    def _tag_pool(self, sectors) -> list:
        pool = list(self.tags.get(None, []))
        for sector in sectors:
            pool += self.tags.get(sector.slug, []) * 3  # one's own sector's topics come first
        return pool

    def _tags(self, pool, writes, count) -> list[str]:
        names = (self._tag_name(self.rng.choice(pool), writes) for _ in range(count))
        return list(dict.fromkeys(names))

    def _tag_name(self, names, writes) -> str:
        # People tag in the language they write, and often in English too; some make their own
        # tag by naming a place, which gives the long tail of rare tags real directories have.
        rng = self.rng
        writes = "en" if writes != "en" and rng.random() < 0.3 else writes
        name = self._in(names, writes)
        if rng.random() < 0.1:
            china = rng.choice(self.china)
            name = {
                "en": f"{name} in {china.name_en}",
                "fr": f"{name} à {china.name_fr}",
            }.get(writes, f"{china.name_zh_hans}{name}")
        return name[:60]

    @staticmethod
    def _in(names, writes) -> str:
        english, french, chinese = names
        return {"en": english, "fr": french}.get(writes, chinese)

    @staticmethod
    def _region_name(region, writes) -> str:
        return Generator._in((region.name_en, region.name_fr, region.name_zh_hans), writes)

    def _country_name(self, code, writes) -> str:
        country = self.countries.get(code)
        return self._region_name(country, writes) if country else code

    def _sector_name(self, sectors, writes, *, capital=False) -> str:
        if sectors:
            sector = sectors[0]
            name = self._in((sector.name_en, sector.name_fr, sector.name_zh_hans), writes)
        else:
            name = self._in(("Trade", "Commerce", "贸易"), writes)
        return name if capital else lower_first(name)

    def _home_region(self, country):
        regions = self.regions_by_country.get(country) if country != "CA" else None
        return self.rng.choice(regions) if regions else None

    def _spoken(self, origin, country, writes) -> list[tuple[int, str]]:
        rng = self.rng
        mother = OTHER_COUNTRY_LANGUAGE.get(country) or (
            origin.spoken[0] if rng.random() < 0.7 else rng.choice(origin.spoken)
        )
        if country == "CA" and origin.name == "francophone":
            mother = "fra"
        codes = {mother: "native"}
        if rng.random() < 0.9:
            codes.setdefault("eng", rng.choice(LEVELS[1:]))
        if writes == "fr" or rng.random() < 0.12:
            codes.setdefault("fra", rng.choice(LEVELS))
        if origin.name == "chinese" and rng.random() < 0.3:
            codes.setdefault(rng.choice(origin.spoken[1:]), rng.choice(LEVELS))
        return [
            (self.languages[code].pk, level)
            for code, level in codes.items()
            if code in self.languages
        ]

    def _display_name(self, origin, country) -> str:
        rng = self.rng
        if origin.name == "chinese":
            roll = rng.random()
            if roll < 0.2:
                return rng.choice(CHINESE_HANZI)
            if roll < 0.3:
                return rng.choice(HONG_KONG_NAMES)
            return f"{rng.choice(CHINESE_SURNAMES)} {rng.choice(CHINESE_GIVEN)}"
        if origin.name == "south_asian":
            return f"{rng.choice(SOUTH_ASIAN_GIVEN)} {rng.choice(SOUTH_ASIAN_FAMILY)}"
        if origin.name == "filipino":
            return f"{rng.choice(FILIPINO_GIVEN)} {rng.choice(FILIPINO_FAMILY)}"
        if origin.name == "vietnamese":
            family, middle, given = (
                rng.choice(VIETNAMESE_FAMILY),
                rng.choice(VIETNAMESE_MIDDLE),
                rng.choice(VIETNAMESE_GIVEN),
            )
            return f"{family} {middle} {given}" if rng.random() < 0.6 else f"{given} {family}"
        if origin.name == "francophone":
            return f"{rng.choice(FRANCOPHONE_GIVEN)} {rng.choice(FRANCOPHONE_FAMILY)}"
        if origin.name == "anglophone":
            return f"{rng.choice(ANGLOPHONE_GIVEN)} {rng.choice(ANGLOPHONE_FAMILY)}"
        family, given = rng.choice(OTHER_COUNTRY_NAMES.get(country, OTHER_NAMES))
        return f"{family} {given}" if country == "KR" else f"{given} {family}"

    def _employer(self) -> str:
        return f"{self.rng.choice(EMPLOYER_WORDS)} {self.rng.choice(ORG_CORES_EN)}"

    def _paragraph(self, sentences, values, count) -> str:
        """``count`` of the sentences, in their order (they read as a story)."""
        chosen = sorted(self.rng.sample(range(len(sentences)), min(count, len(sentences))))
        joiner = "" if sentences[0].endswith("。") else " "
        return joiner.join(sentences[index].format(**values) for index in chosen)

    # Organisations --------------------------------------------------------------------------------

    def organisation(self, number: int) -> OrganisationPlan:
        rng = self.rng
        kind = pick(rng, {"sme": 0.7, "public": 0.08, "private": 0.15, "university": 0.07})
        writes = pick(rng, {"en": 0.45, "fr": 0.2, "zh": 0.35})
        sectors = self._sectors() or [self.sectors[rng.choice(self.sector_slugs)]]
        canada, china = rng.choice(self.canada), rng.choice(self.china)
        name, category = self._organisation_name(kind, writes, canada, china)
        topics = [self._in(rng.choice(self._tag_pool(sectors)), writes) for _ in range(2)]
        founded = rng.randint(1950, 2024)
        values = {
            "name": name,
            "sector": self._sector_name(sectors, writes),
            "canada": self._region_name(canada, writes),
            "china": self._region_name(china, writes),
            "founded": founded,
            "topic1": topics[0],
            "topic2": topics[1],
        }
        regions = [canada] + ([china] if rng.random() < 0.6 else [])
        if rng.random() < 0.2:
            regions.append(rng.choice(self.canada))
        return OrganisationPlan(
            fields={
                "name": name[:160],
                "kind": kind,
                "category": category,
                "description": self._paragraph(
                    (ORG_DESCRIPTIONS if kind == "sme" else FACILITATOR_DESCRIPTIONS)[writes],
                    values,
                    rng.randint(1, 3),
                ),
                "size": rng.choice(("1-9", "10-49", "50-249", "250+", "")),
                "founded": founded if rng.random() < 0.8 else None,
                "website": f"https://org{number:05d}.{SCALE_DOMAIN}/",
                "verified": rng.random() < 0.3,
                "last_active_at": self.now - TWO_YEARS * rng.random() ** 1.5,
            },
            sectors=[sector.pk for sector in sectors],
            city_regions=list(dict.fromkeys(region.pk for region in regions)),
        )

    def _organisation_name(self, kind, writes, canada, china) -> tuple[str, str]:
        rng = self.rng
        if kind == "public":
            category = rng.choice(
                ("government_agency", "business_association", "chamber_of_commerce")
            )
            return rng.choice(
                {
                    "en": (
                        f"{canada.name_en} Asia Trade Office",
                        f"Canada–China Business Association of {canada.name_en}",
                    ),
                    "fr": (
                        f"Chambre de commerce Canada-Chine de {canada.name_fr}",
                        f"Bureau de commerce Québec-Asie de {canada.name_fr}",
                    ),
                    "zh": (
                        f"加中商会（{canada.name_zh_hans}）",
                        f"{china.name_zh_hans}中小企业服务中心",
                    ),
                }[writes]
            ), category
        if kind == "private":
            category = rng.choice(("consulting_firm", "law_firm", "bank", "accounting_firm"))
            family = rng.choice(ANGLOPHONE_FAMILY + FRANCOPHONE_FAMILY + CHINESE_SURNAMES)
            other = rng.choice(ANGLOPHONE_FAMILY + CHINESE_SURNAMES)
            return {
                "consulting_firm": f"{family} {rng.choice(('Advisory', 'Conseil', 'Consulting'))}",
                "law_firm": f"{family} & {other} LLP",
                "bank": f"{rng.choice(EMPLOYER_WORDS)} {rng.choice(('Bank', 'Banque', '银行'))}",
                "accounting_firm": f"{family} {other} CPA",
            }[category], category
        if kind == "university":
            return rng.choice(
                {
                    "en": (
                        f"{canada.name_en} Institute of Technology",
                        f"{canada.name_en} Centre for Asia-Pacific Research",
                    ),
                    "fr": (f"Université de {canada.name_fr}", f"Institut Asie de {canada.name_fr}"),
                    "zh": (f"{china.name_zh_hans}大学加拿大研究中心",),
                }[writes]
            ), ""
        if writes == "zh":
            return (
                rng.choice(ORG_CITIES_ZH)
                + rng.choice(ORG_WORDS_ZH)
                + rng.choice(ORG_TRADES_ZH)
                + rng.choice(ORG_SUFFIXES_ZH)
            ), ""
        if writes == "fr":
            return f"{rng.choice(ORG_CORES_FR)} {rng.choice(ORG_PLACES_FR)} inc.", ""
        suffix = rng.choice(ORG_SUFFIXES_EN)
        return f"{rng.choice(EMPLOYER_WORDS)} {rng.choice(ORG_CORES_EN)} {suffix}".strip(), ""


# --- Search text ----------------------------------------------------------------------------------


class SearchText:
    """``segment(" ".join(filter(None, parts)))``, as the services compute it, but each distinct
    part is segmented once.

    It is the same text: a space never belongs to a token, so the tokens of the joined text are
    the tokens of each part in turn, and keeping each token's first occurrence over the whole
    sequence gives the same result whether the parts were deduplicated first or not.
    """

    def __init__(self):
        self._tokens: dict[str, list[str]] = {}

    def __call__(self, parts: Iterable[str]) -> str:
        return " ".join(dict.fromkeys(chain.from_iterable(map(self._segment, filter(None, parts)))))

    def _segment(self, part: str) -> list[str]:
        tokens = self._tokens.get(part)
        if tokens is None:
            tokens = self._tokens[part] = segment(part).split()
        return tokens


# --- The command ----------------------------------------------------------------------------------


def by_name(rows: list) -> list:
    """Reference rows in their models' ordering (by English name)."""
    return sorted(rows, key=lambda row: row.name_en)


def chunks(items: list, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Command(BaseCommand):
    help = (
        "Generate the benchmark scale data set (members and organisations with English, French and "
        "Chinese text) in bulk. Refuses to run on a database with other members unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=100_000)
        parser.add_argument("--organisations", type=int, default=2_000)
        parser.add_argument("--batch", type=int, default=5_000, help="rows per INSERT")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--force",
            action="store_true",
            help="run although members exist: replaces the earlier scale data set, keeps the rest",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "The scale data set is for benchmarks and is never made in production."
            )
        if options["members"] < 1 or options["organisations"] < 0 or options["batch"] < 1:
            raise CommandError(
                "--members and --batch must be positive, --organisations not negative."
            )
        demo = [member.email for member in DEMO_MEMBERS]
        others = User.objects.exclude(email__in=demo)
        if others.exists() and not options["force"]:
            raise CommandError(
                f"{others.count()} members besides the demo ones already exist: the scale data set "
                "goes into a database of its own. Use --force to replace an earlier scale data set "
                f"(members @{SCALE_DOMAIN}; other members are kept)."
            )
        self.batch = options["batch"]
        self.progress = options["verbosity"] > 0
        self.timings: list[tuple[str, float]] = []
        started = time.perf_counter()
        if options["force"]:
            self._delete_earlier()
        with transaction.atomic():
            self._generate(options)
        with self.phase("vacuum analyze"):
            if connection.vendor == "postgresql":
                # Statistics for the planner, and the visibility map and hint bits a database in
                # use has (without them the first reads write and index-only scans read the heap).
                # VACUUM cannot run in a transaction (a test's, say): ANALYZE alone there.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self._report(time.perf_counter() - started)

    @contextmanager
    def phase(self, name: str):
        started = time.perf_counter()
        yield
        self.timings.append((name, time.perf_counter() - started))

    def bar(self, total: int, description: str):
        return tqdm(total=total, desc=f"{description:<26}", unit=" rows", disable=not self.progress)

    def each(self, items, description: str):
        return tqdm(items, desc=f"{description:<26}", disable=not self.progress)

    def insert(self, model, rows: list, description: str) -> list:
        created = []
        with self.bar(len(rows), description) as bar:
            for chunk in chunks(rows, self.batch):
                created += model.objects.bulk_create(chunk, batch_size=self.batch)
                bar.update(len(chunk))
        return created

    # Phases ---------------------------------------------------------------------------------------

    def _delete_earlier(self):
        with self.phase("delete earlier set"):
            users = list(
                User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").values_list("pk", flat=True)
            )
            organisations = Organisation.objects.filter(website__contains=f".{SCALE_DOMAIN}/")
            organisations.delete()
            with self.bar(len(users), "deleting members") as bar:
                for chunk in chunks(users, self.batch):
                    User.objects.filter(pk__in=chunk).delete()
                    bar.update(len(chunk))

    def _generate(self, options):
        rng = random.Random(options["seed"])  # noqa: S311 - reproducible data, not secrets
        now = timezone.now()
        generator = Generator(rng, now)
        search_text = SearchText()
        with self.phase("plan members"):
            plans = [
                generator.member(number)
                for number in self.each(range(1, options["members"] + 1), "planning members")
            ]
        with self.phase("expertise tags"):
            tags = self._tags(plans)
        with self.phase("users"):
            password = make_password(SCALE_PASSWORD)  # one hash for everyone
            users = self.insert(
                User,
                [
                    User(
                        email=plan.email,
                        display_name=plan.display_name,
                        language=plan.language,
                        password=password,
                        date_joined=plan.date_joined,
                        is_active=plan.is_active,
                    )
                    for plan in plans
                ],
                "users",
            )
            user_ids = self._ids(users, plans)
        with self.phase("e-mail addresses"):
            self.insert(
                EmailAddress,
                [
                    EmailAddress(user_id=pk, email=plan.email, verified=True, primary=True)
                    for pk, plan in zip(user_ids, plans, strict=True)
                ],
                "e-mail addresses",
            )
        organisation_plans = [
            generator.organisation(number) for number in range(1, options["organisations"] + 1)
        ]
        joined = self._memberships(generator.rng, organisation_plans, user_ids, plans)
        kinds = defaultdict(set)
        for index, pk, _role in joined:
            kinds[pk].add(organisation_plans[index].fields["kind"])
        with self.phase("search text (members)"):
            texts = [
                search_text(self._profile_parts(plan, generator, tags))
                for plan in self.each(plans, "segmenting members")
            ]
        with self.phase("profiles"):
            self.insert(
                Profile,
                [
                    Profile(
                        user_id=pk,
                        search_text=text,
                        findable_as=self._findable_as(plan),
                        tokens=self._tokens(pk, plan, kinds[pk]),
                        **plan.profile,
                    )
                    for pk, plan, text in zip(user_ids, plans, texts, strict=True)
                ],
                "profiles",
            )
        with self.phase("profile relations"):
            self._profile_relations(user_ids, plans, tags)
        with self.phase("organisations"):
            self._organisations(generator, search_text, organisation_plans, joined)

    def _tags(self, plans) -> dict[str, int]:
        """The id of every tag name the plans use, creating the tags that do not exist yet."""
        names = dict.fromkeys(
            chain.from_iterable(chain(plan.expertise, plan.advice_topics) for plan in plans)
        )
        by_key = {ExpertiseTag.normalise(name): name for name in names}
        existing = dict(ExpertiseTag.objects.filter(key__in=by_key).values_list("key", "pk"))
        ExpertiseTag.objects.bulk_create(
            [
                # What ExpertiseTag.save() would store; bulk_create does not call it.
                ExpertiseTag(name=" ".join(name.split()).strip(" ,;.#"), key=key)
                for key, name in by_key.items()
                if key not in existing
            ],
            batch_size=self.batch,
        )
        ids = dict(ExpertiseTag.objects.filter(key__in=by_key).values_list("key", "pk"))
        self.tag_names = dict(ExpertiseTag.objects.filter(key__in=by_key).values_list("pk", "name"))
        return {name: ids[ExpertiseTag.normalise(name)] for name in names}

    def _ids(self, users: list, plans: list) -> list[int]:
        if all(user.pk for user in users):
            return [user.pk for user in users]
        emails = dict(
            User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").values_list("email", "pk")
        )
        return [emails[plan.email] for plan in plans]

    def _profile_parts(self, plan: MemberPlan, generator: Generator, tags: dict) -> list[str]:
        region = plan.profile["canadian_region_id"]
        ties = [region] if region else []
        ties += [china for china, _canada, _sector in plan.corridors]
        ties += [canada for _china, canada, _sector in plan.corridors]
        if plan.profile["home_regions_visibility"] == Visibility.PUBLIC:
            ties += plan.home_regions
        return profile_search_parts(
            display_name=plan.display_name,
            headline=plan.profile["headline"],
            bio=plan.profile["bio"],
            current_role=plan.profile["current_role"],
            # As the services read them back: stored spellings, in the models' orderings.
            expertise=self._tag_names(plan.expertise, tags),
            advice_topics=self._tag_names(plan.advice_topics, tags),
            sectors=by_name([generator.sector_by_pk[pk] for pk in plan.sectors]),
            city_regions=[generator.region_by_pk[pk] for pk in ties],
        )

    @staticmethod
    def _findable_as(plan: MemberPlan) -> str:
        """As access.findable_listing says it, from the plan."""
        profile = plan.profile
        findable = plan.is_active and profile["onboarded_at"] is not None
        return (
            profile["listing"] if findable and profile["listing"] != Profile.Listing.HIDDEN else ""
        )

    @staticmethod
    def _tokens(pk: int, plan: MemberPlan, organisation_kinds) -> str:
        """As indexing files a profile, from the plan."""
        profile = plan.profile
        return directory.tokens_of(
            pk=pk,
            sectors=plan.sectors,
            languages=[language for language, _level in plan.spoken],
            engagement_types=plan.engagement_types,
            canadian_region=profile["canadian_region_id"],
            corridor_regions=[r for china, canada, _s in plan.corridors for r in (china, canada)],
            country=profile["country_of_origin_id"],
            country_visibility=profile["country_of_origin_visibility"],
            available=profile["open_to_requests"] and not profile["paused"],
            organisation_kinds=organisation_kinds,
        )

    def _tag_names(self, names: list[str], tags: dict) -> list[str]:
        stored = {self.tag_names[tags[name]] for name in names}
        return sorted(stored, key=ExpertiseTag.normalise)

    def _profile_relations(self, user_ids: list[int], plans: list[MemberPlan], tags: dict):
        pairs = list(zip(user_ids, plans, strict=True))
        for relation, values in (
            ("sectors", lambda plan: plan.sectors),
            ("expertise", lambda plan: {tags[name] for name in plan.expertise}),
            ("advice_topics", lambda plan: {tags[name] for name in plan.advice_topics}),
            ("engagement_types", lambda plan: plan.engagement_types),
            ("knowledge_stages", lambda plan: plan.knowledge_stages),
            ("home_regions", lambda plan: plan.home_regions),
        ):
            self._m2m(Profile, relation, [(pk, values(plan)) for pk, plan in pairs])
        self.insert(
            ProfileLanguage,
            [
                ProfileLanguage(profile_id=pk, language_id=language, level=level)
                for pk, plan in pairs
                for language, level in plan.spoken
            ],
            "spoken languages",
        )
        self.insert(
            Corridor,
            [
                Corridor(
                    profile_id=pk, china_region_id=china, canada_region_id=canada, sector_id=sector
                )
                for pk, plan in pairs
                for china, canada, sector in plan.corridors
            ],
            "corridors",
        )

    def _m2m(self, model, relation: str, rows: Iterable[tuple[int, Iterable[int]]]):
        m2m = model._meta.get_field(relation)
        through = m2m.remote_field.through
        source, target = m2m.m2m_column_name(), m2m.m2m_reverse_name()
        self.insert(
            through,
            [through(**{source: pk, target: other}) for pk, others in rows for other in others],
            f"{model._meta.model_name} {relation.replace('_', ' ')}",
        )

    def _organisations(self, generator, search_text, organisation_plans, joined):
        taken = set(Organisation.objects.values_list("slug", flat=True))
        rows = []
        for plan in self.each(organisation_plans, "segmenting organisations"):
            parts = organisation_search_parts(
                name=plan.fields["name"],
                description=plan.fields["description"],
                sectors=by_name([generator.sector_by_pk[pk] for pk in plan.sectors]),
                city_regions=by_name([generator.region_by_pk[pk] for pk in plan.city_regions]),
            )
            rows.append(
                Organisation(
                    slug=self._slug(plan.fields["name"], taken),
                    search_text=search_text(parts),
                    **plan.fields,
                )
            )
        organisations = self.insert(Organisation, rows, "organisations")
        if organisations and not all(organisation.pk for organisation in organisations):
            slugs = dict(Organisation.objects.values_list("slug", "pk"))
            for organisation in organisations:
                organisation.pk = slugs[organisation.slug]
        self._m2m(
            Organisation,
            "sectors",
            (
                (org.pk, plan.sectors)
                for org, plan in zip(organisations, organisation_plans, strict=True)
            ),
        )
        self._m2m(
            Organisation,
            "city_regions",
            (
                (org.pk, plan.city_regions)
                for org, plan in zip(organisations, organisation_plans, strict=True)
            ),
        )
        self.insert(
            Membership,
            [
                Membership(organisation_id=organisations[index].pk, user_id=pk, role=role)
                for index, pk, role in joined
            ],
            "memberships",
        )

    @staticmethod
    def _memberships(rng, organisation_plans, user_ids, plans) -> list[tuple[int, int, str]]:
        """Who joins which organisation (by its place in the plans) in which role: 1–5 members
        each, the first one the owner; SMEs are run by those who seek help."""
        seekers = [
            pk for pk, plan in zip(user_ids, plans, strict=True) if plan.profile["seeks_help"]
        ]
        facilitators = [
            pk
            for pk, plan in zip(user_ids, plans, strict=True)
            if plan.profile["represents_facilitator"]
        ]
        memberships = []
        for index, organisation in enumerate(organisation_plans):
            pool = {"sme": seekers, "public": facilitators, "private": facilitators}.get(
                organisation.fields["kind"], user_ids
            ) or user_ids
            size = rng.choices((1, 2, 3, 4, 5), weights=(4, 3, 2, 1, 1))[0]
            people = dict.fromkeys(rng.choice(pool) for _ in range(size))
            for position, pk in enumerate(people):
                role = Membership.Role.OWNER if position == 0 else Membership.Role.MEMBER
                memberships.append((index, pk, role))
        return memberships

    def _slug(self, name: str, taken: set) -> str:
        """As services.unique_slug names them, against the slugs already taken."""
        base = slugify(name, allow_unicode=True)[:160] or "organisation"
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        return slug

    def _report(self, elapsed: float):
        counts = {
            "members": User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").count(),
            "profiles": Profile.objects.count(),
            "organisations": Organisation.objects.count(),
            "memberships": Membership.objects.count(),
            "expertise tags": ExpertiseTag.objects.count(),
            "profile sectors": Profile.sectors.through.objects.count(),
            "profile expertise": Profile.expertise.through.objects.count(),
            "spoken languages": ProfileLanguage.objects.count(),
            "corridors": Corridor.objects.count(),
        }
        self.stdout.write("Rows:")
        for name, count in counts.items():
            self.stdout.write(f"  {name:<22} {count:>10,}")
        self.stdout.write("Time per phase:")
        for name, seconds in self.timings:
            self.stdout.write(f"  {name:<22} {seconds:>9.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Scale data set ready in {elapsed:.1f} s."))

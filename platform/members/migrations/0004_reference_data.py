"""Seed the reference data: sectors, countries, city-regions, languages, engagement types and
knowledge stages, named in English, French (Canadian usage) and Simplified Chinese.

Rows are keyed on their slug or code and written with ``update_or_create``, so running the seed
again corrects names without duplicating anything. Staff may add rows in the admin afterwards.
"""

from django.db import migrations

# (slug, English, French, Simplified Chinese)
SECTORS = (
    ("telecommunications", "Telecommunications", "Télécommunications", "电信"),
    ("finance-banking", "Finance and banking", "Finance et services bancaires", "金融与银行业"),
    ("automotive", "Automotive", "Industrie automobile", "汽车"),
    ("mining-energy", "Mining and energy", "Mines et énergie", "矿业与能源"),
    ("ict-software", "ICT and software", "TIC et logiciels", "信息通信技术与软件"),
    ("clean-technology", "Clean technology", "Technologies propres", "清洁技术"),
    (
        "life-sciences-health",
        "Life sciences and health",
        "Sciences de la vie et santé",
        "生命科学与医疗健康",
    ),
    ("agri-food", "Agri-food", "Agroalimentaire", "农业食品"),
    ("education", "Education", "Éducation", "教育"),
    ("manufacturing", "Manufacturing", "Fabrication", "制造业"),
    (
        "transportation-logistics",
        "Transportation and logistics",
        "Transport et logistique",
        "交通运输与物流",
    ),
    ("professional-services", "Professional services", "Services professionnels", "专业服务"),
    (
        "real-estate-construction",
        "Real estate and construction",
        "Immobilier et construction",
        "房地产与建筑业",
    ),
    ("tourism", "Tourism", "Tourisme", "旅游业"),
    ("aerospace", "Aerospace", "Aérospatiale", "航空航天"),
    (
        "creative-industries",
        "Creative industries and culture",
        "Industries créatives et culture",
        "文化创意产业",
    ),
)

# (ISO 3166-1 alpha-2, English, French, Simplified Chinese). Hong Kong is a city-region of China.
COUNTRIES = (
    ("CA", "Canada", "Canada", "加拿大"),
    ("CN", "China", "Chine", "中国"),
    ("IN", "India", "Inde", "印度"),
    ("PH", "Philippines", "Philippines", "菲律宾"),
    ("VN", "Vietnam", "Vietnam", "越南"),
    ("PK", "Pakistan", "Pakistan", "巴基斯坦"),
    ("IR", "Iran", "Iran", "伊朗"),
    ("NG", "Nigeria", "Nigéria", "尼日利亚"),
    ("KR", "South Korea", "Corée du Sud", "韩国"),
    ("GB", "United Kingdom", "Royaume-Uni", "英国"),
    ("FR", "France", "France", "法国"),
    ("US", "United States", "États-Unis", "美国"),
    ("MX", "Mexico", "Mexique", "墨西哥"),
    ("BR", "Brazil", "Brésil", "巴西"),
    ("BD", "Bangladesh", "Bangladesh", "孟加拉国"),
    ("LK", "Sri Lanka", "Sri Lanka", "斯里兰卡"),
    ("DZ", "Algeria", "Algérie", "阿尔及利亚"),
    ("MA", "Morocco", "Maroc", "摩洛哥"),
    ("EG", "Egypt", "Égypte", "埃及"),
    ("UA", "Ukraine", "Ukraine", "乌克兰"),
    ("CO", "Colombia", "Colombie", "哥伦比亚"),
    ("JM", "Jamaica", "Jamaïque", "牙买加"),
)

# (slug, country code, English, French, Simplified Chinese)
CITY_REGIONS = (
    # Canada. Kitchener and Cambridge belong to Waterloo Region.
    ("toronto", "CA", "Toronto", "Toronto", "多伦多"),
    ("waterloo-region", "CA", "Waterloo Region", "Région de Waterloo", "滑铁卢地区"),
    ("ottawa", "CA", "Ottawa", "Ottawa", "渥太华"),
    ("montreal", "CA", "Montréal", "Montréal", "蒙特利尔"),
    ("quebec-city", "CA", "Québec City", "Ville de Québec", "魁北克市"),
    ("vancouver", "CA", "Vancouver", "Vancouver", "温哥华"),
    ("calgary", "CA", "Calgary", "Calgary", "卡尔加里"),
    ("edmonton", "CA", "Edmonton", "Edmonton", "埃德蒙顿"),
    ("winnipeg", "CA", "Winnipeg", "Winnipeg", "温尼伯"),
    ("halifax", "CA", "Halifax", "Halifax", "哈利法克斯"),
    ("hamilton", "CA", "Hamilton", "Hamilton", "汉密尔顿"),
    ("saskatoon", "CA", "Saskatoon", "Saskatoon", "萨斯卡通"),
    ("regina", "CA", "Regina", "Regina", "里贾纳"),
    ("victoria", "CA", "Victoria", "Victoria", "维多利亚"),
    ("london-ontario", "CA", "London (Ontario)", "London (Ontario)", "伦敦（安大略省）"),
    # China
    ("beijing", "CN", "Beijing", "Pékin", "北京"),
    ("shanghai", "CN", "Shanghai", "Shanghai", "上海"),
    ("shenzhen", "CN", "Shenzhen", "Shenzhen", "深圳"),
    ("guangzhou", "CN", "Guangzhou", "Guangzhou", "广州"),
    ("hong-kong", "CN", "Hong Kong", "Hong Kong", "香港"),
    ("greater-bay-area", "CN", "Greater Bay Area", "Région de la Grande Baie", "粤港澳大湾区"),
    ("suzhou", "CN", "Suzhou", "Suzhou", "苏州"),
    ("hangzhou", "CN", "Hangzhou", "Hangzhou", "杭州"),
    ("nanjing", "CN", "Nanjing", "Nanjing", "南京"),
    ("chengdu", "CN", "Chengdu", "Chengdu", "成都"),
    ("chongqing", "CN", "Chongqing", "Chongqing", "重庆"),
    ("wuhan", "CN", "Wuhan", "Wuhan", "武汉"),
    ("tianjin", "CN", "Tianjin", "Tianjin", "天津"),
    ("xian", "CN", "Xi’an", "Xi’an", "西安"),
    ("qingdao", "CN", "Qingdao", "Qingdao", "青岛"),
    ("dalian", "CN", "Dalian", "Dalian", "大连"),
    ("xiamen", "CN", "Xiamen", "Xiamen", "厦门"),
    ("ningbo", "CN", "Ningbo", "Ningbo", "宁波"),
    ("shenyang", "CN", "Shenyang", "Shenyang", "沈阳"),
    # Other countries of origin
    ("mumbai", "IN", "Mumbai", "Mumbai", "孟买"),
    ("delhi-ncr", "IN", "Delhi NCR", "Région de la capitale de Delhi", "德里国家首都区"),
    ("bengaluru", "IN", "Bengaluru", "Bengaluru", "班加罗尔"),
    ("chennai", "IN", "Chennai", "Chennai", "金奈"),
    ("hyderabad", "IN", "Hyderabad", "Hyderabad", "海得拉巴"),
    ("manila", "PH", "Manila", "Manille", "马尼拉"),
    ("cebu", "PH", "Cebu", "Cebu", "宿务"),
    ("ho-chi-minh-city", "VN", "Ho Chi Minh City", "Hô Chi Minh-Ville", "胡志明市"),
    ("hanoi", "VN", "Hanoi", "Hanoï", "河内"),
    ("karachi", "PK", "Karachi", "Karachi", "卡拉奇"),
    ("lahore", "PK", "Lahore", "Lahore", "拉合尔"),
    ("islamabad", "PK", "Islamabad", "Islamabad", "伊斯兰堡"),
    ("tehran", "IR", "Tehran", "Téhéran", "德黑兰"),
    ("isfahan", "IR", "Isfahan", "Ispahan", "伊斯法罕"),
    ("lagos", "NG", "Lagos", "Lagos", "拉各斯"),
    ("abuja", "NG", "Abuja", "Abuja", "阿布贾"),
    ("seoul", "KR", "Seoul", "Séoul", "首尔"),
    ("busan", "KR", "Busan", "Busan", "釜山"),
    ("london-uk", "GB", "London (UK)", "Londres", "伦敦（英国）"),
    ("paris", "FR", "Paris", "Paris", "巴黎"),
    ("lyon", "FR", "Lyon", "Lyon", "里昂"),
    ("new-york", "US", "New York", "New York", "纽约"),
    (
        "san-francisco-bay-area",
        "US",
        "San Francisco Bay Area",
        "Région de la baie de San Francisco",
        "旧金山湾区",
    ),
    ("seattle", "US", "Seattle", "Seattle", "西雅图"),
    ("mexico-city", "MX", "Mexico City", "Mexico", "墨西哥城"),
    ("sao-paulo", "BR", "São Paulo", "São Paulo", "圣保罗"),
    ("dhaka", "BD", "Dhaka", "Dhaka", "达卡"),
    ("colombo", "LK", "Colombo", "Colombo", "科伦坡"),
    ("algiers", "DZ", "Algiers", "Alger", "阿尔及尔"),
    ("casablanca", "MA", "Casablanca", "Casablanca", "卡萨布兰卡"),
    ("cairo", "EG", "Cairo", "Le Caire", "开罗"),
    ("kyiv", "UA", "Kyiv", "Kyiv", "基辅"),
    ("bogota", "CO", "Bogotá", "Bogota", "波哥大"),
    ("kingston-jamaica", "JM", "Kingston (Jamaica)", "Kingston (Jamaïque)", "金斯敦（牙买加）"),
)

# (ISO 639-3, English, French, Simplified Chinese)
LANGUAGES = (
    ("eng", "English", "Anglais", "英语"),
    ("fra", "French", "Français", "法语"),
    ("cmn", "Mandarin", "Mandarin", "普通话"),
    ("yue", "Cantonese", "Cantonais", "粤语"),
    ("hin", "Hindi", "Hindi", "印地语"),
    ("pan", "Punjabi", "Pendjabi", "旁遮普语"),
    ("urd", "Urdu", "Ourdou", "乌尔都语"),
    ("tgl", "Tagalog", "Tagalog", "他加禄语"),
    ("vie", "Vietnamese", "Vietnamien", "越南语"),
    ("fas", "Persian (Farsi)", "Persan (farsi)", "波斯语"),
    ("ara", "Arabic", "Arabe", "阿拉伯语"),
    ("spa", "Spanish", "Espagnol", "西班牙语"),
    ("por", "Portuguese", "Portugais", "葡萄牙语"),
    ("kor", "Korean", "Coréen", "韩语"),
    ("jpn", "Japanese", "Japonais", "日语"),
    ("deu", "German", "Allemand", "德语"),
    ("ita", "Italian", "Italien", "意大利语"),
    ("rus", "Russian", "Russe", "俄语"),
    ("ukr", "Ukrainian", "Ukrainien", "乌克兰语"),
    ("ben", "Bengali", "Bengali", "孟加拉语"),
    ("tam", "Tamil", "Tamoul", "泰米尔语"),
    ("guj", "Gujarati", "Gujarati", "古吉拉特语"),
    ("yor", "Yoruba", "Yoruba", "约鲁巴语"),
    ("wuu", "Shanghainese (Wu)", "Shanghaïen (wu)", "上海话（吴语）"),
    ("nan", "Hokkien (Min Nan)", "Hokkien (min nan)", "闽南语"),
)

# (slug, English, French, Simplified Chinese), in the order they are offered.
ENGAGEMENT_TYPES = (
    ("advice-call", "Advice call", "Appel-conseil", "咨询通话"),
    ("mentoring", "Mentoring", "Mentorat", "导师指导"),
    (
        "market-entry",
        "Market-entry guidance",
        "Conseils pour l’entrée sur le marché",
        "市场进入指导",
    ),
    (
        "introductions",
        "Introductions and referrals",
        "Mises en relation et recommandations",
        "引荐与推荐",
    ),
    ("partnership", "Partnership", "Partenariat", "合作伙伴关系"),
)

# (slug, position, English, French, Simplified Chinese)
KNOWLEDGE_STAGES = (
    (
        "market-information",
        1,
        "Acquiring market information",
        "Acquérir de l’information sur le marché",
        "获取市场信息",
    ),
    (
        "business-practices",
        2,
        "Learning business practices",
        "Apprendre les pratiques d’affaires",
        "学习商业惯例",
    ),
    (
        "knowledge-creation",
        3,
        "Creating knowledge together",
        "Créer des connaissances ensemble",
        "共同创造知识",
    ),
)


def _names(en, fr, zh):
    return {"name_en": en, "name_fr": fr, "name_zh_hans": zh}


def seed_reference_data(apps, schema_editor):
    sector = apps.get_model("members", "Sector")
    country = apps.get_model("members", "Country")
    city_region = apps.get_model("members", "CityRegion")
    language = apps.get_model("members", "Language")
    engagement_type = apps.get_model("members", "EngagementType")
    knowledge_stage = apps.get_model("members", "KnowledgeStage")

    for slug, en, fr, zh in SECTORS:
        sector.objects.update_or_create(slug=slug, defaults=_names(en, fr, zh))
    countries = {}
    for code, en, fr, zh in COUNTRIES:
        countries[code], _ = country.objects.update_or_create(
            code=code, defaults=_names(en, fr, zh)
        )
    for slug, code, en, fr, zh in CITY_REGIONS:
        city_region.objects.update_or_create(
            slug=slug, defaults={"country": countries[code], **_names(en, fr, zh)}
        )
    for code, en, fr, zh in LANGUAGES:
        language.objects.update_or_create(code=code, defaults=_names(en, fr, zh))
    for slug, en, fr, zh in ENGAGEMENT_TYPES:
        engagement_type.objects.update_or_create(slug=slug, defaults=_names(en, fr, zh))
    for slug, position, en, fr, zh in KNOWLEDGE_STAGES:
        knowledge_stage.objects.update_or_create(
            slug=slug, defaults={"position": position, **_names(en, fr, zh)}
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0003_profiles_and_organisations")]

    operations = [migrations.RunPython(seed_reference_data, migrations.RunPython.noop)]

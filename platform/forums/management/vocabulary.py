"""Words for the forums' scale data set, per language, most frequent first.

Posts draw their words with a Zipf-like law (the word of rank r with weight 1/r^s), so that, as in
real forums, a few words are in most posts (searching them is what makes naive ranking slow) and
most words are rare. Each language has a head of common words written out here and a long tail of
made-up names (firms, products, places) built from syllables, each of which few posts hold.
"""

import random
from itertools import accumulate

ENGLISH = """
market china canada business bank company customs visa export import supplier partner
contract price tax regulation shanghai toronto shenzhen vancouver montreal beijing license
office team product customer payment invoice factory quality shipping logistics account
investment capital loan lawyer accountant permit approval registration trademark patent
agent distributor retail online platform wechat alibaba tariff duty freight container port
warehouse inventory sample order deposit negotiation meeting translation mandarin culture
trust relationship guanxi banquet hiring salary immigration residency study student school
university research grant startup investor valuation fund equity joint venture subsidiary
branch headquarters manager director engineer consultant advisor mentor experience advice
question answer problem solution process timeline delay cost budget risk compliance audit
certificate standard inspection testing safety food wine seafood maple cosmetics medical
device software cloud data privacy security server website app hosting domain filing icp
battery electric vehicle mining energy solar hydrogen carbon recycling agriculture dairy
pork canola lumber aircraft tourism film game education fintech payments remittance
exchange currency yuan dollar transfer pricing withholding treaty dividend profit loss
margin growth strategy pilot trial fair exhibition canton expo delegation mission embassy
consulate trade commissioner association chamber network event webinar workshop seminar
"""

FRENCH = """
marché chine canada entreprise banque société douane visa exportation importation
fournisseur partenaire contrat prix impôt réglementation québec montréal shanghai pékin
licence bureau équipe produit client paiement facture usine qualité expédition logistique
compte investissement capital prêt avocat comptable permis approbation enregistrement
marque brevet agent distributeur détail plateforme tarif droits fret conteneur port
entrepôt inventaire échantillon commande dépôt négociation réunion traduction mandarin
culture confiance relation banquet embauche salaire immigration résidence études étudiant
école université recherche subvention jeune pousse investisseur évaluation fonds
coentreprise filiale succursale siège directeur ingénieur consultant conseiller mentor
expérience conseil question réponse problème solution processus échéancier délai coût
budget risque conformité vérification certificat norme inspection essais sécurité
alimentation vin fruits mer érable cosmétiques médical logiciel infonuagique données
confidentialité serveur site application hébergement batterie véhicule électrique mines
énergie solaire hydrogène carbone recyclage agriculture laitier porc canola bois avion
tourisme film jeu éducation paiements change devise yuan dollar transfert retenue traité
dividende profit perte marge croissance stratégie projet essai salon exposition délégation
mission ambassade consulat commerce délégué association chambre réseau événement atelier
séminaire électricité aéronautique hôtellerie économie développement francophonie
"""

CHINESE = """
市场 中国 加拿大 企业 银行 公司 海关 签证 出口 进口 供应商 合作伙伴 合同 价格 税务
法规 上海 多伦多 深圳 温哥华 蒙特利尔 北京 许可证 办公室 团队 产品 客户 付款 发票 工厂
质量 运输 物流 账户 投资 资本 贷款 律师 会计师 审批 注册 商标 专利 代理 经销商 零售
电商 平台 微信 关税 货运 集装箱 港口 仓库 库存 样品 订单 定金 谈判 会议 翻译 文化 信任
关系 招聘 工资 移民 居留 留学 学生 学校 大学 研究 资助 创业 投资人 估值 基金 股权 合资
子公司 分公司 总部 经理 总监 工程师 顾问 导师 经验 建议 问题 答案 解决方案 流程 时间表
延误 成本 预算 风险 合规 审计 证书 标准 检验 测试 安全 食品 葡萄酒 海鲜 枫糖 化妆品
医疗器械 软件 云计算 数据 隐私 服务器 网站 应用 备案 电池 电动汽车 矿业 能源 太阳能
氢能 碳排放 回收 农业 乳制品 猪肉 油菜籽 木材 飞机 旅游 电影 游戏 教育 金融科技 支付
汇款 外汇 人民币 美元 转让定价 预提税 税收协定 股息 利润 亏损 增长 战略 试点 展会 广交会
博览会 代表团 大使馆 领事馆 贸易专员 商会 协会 网络 活动 研讨会 讲座 供应链 知识产权
"""

# Function words joined between the drawn ones, so sentences read as sentences.
JOINERS = {
    "en": ("the", "and", "to", "of", "in", "for", "with", "our", "we", "is", "was", "on"),
    "fr": ("le", "la", "les", "et", "de", "des", "du", "pour", "avec", "nous", "est", "en"),
    "zh": ("的", "了", "在", "和", "是", "我们", "需要", "可以"),
}
OPENERS = {
    "en": ("Has anyone", "How do you handle", "Advice needed on", "Experience with", "Question:"),
    "fr": ("Quelqu'un a-t-il", "Comment gérer", "Conseils sur", "Retour d'expérience :"),
    "zh": ("请教", "如何处理", "求助：", "分享经验：", "有没有人了解"),
}

SYLLABLES = """
ka ro mi ten vor lin sa del qua zen bri tor ma nel pha cor ven ix ul dra sto gan fel mor rin tav
bel cas dor eno fim gal hes jor kel lum nor ost
"""
HAN_SYLLABLES = "华恒鑫瑞达泰盛通信源宏博安康汇丰远航智创晟鼎嘉禾润泽兴隆昌明东方澜峰"


def _made_up(rng: random.Random, count: int, *, han: bool) -> list[str]:
    names: dict[str, None] = {}
    syllables = SYLLABLES.split()
    while len(names) < count:
        if han:
            name = "".join(rng.choice(HAN_SYLLABLES) for _ in range(rng.choice((2, 3)))) + "科技"
        else:
            name = "".join(rng.choice(syllables) for _ in range(rng.choice((2, 3, 3, 4))))
        names.setdefault(name)
    return list(names)


class Vocabulary:
    """One language's words, drawn with a Zipf-like law (exponent ``s``)."""

    def __init__(self, language: str, head: str, rng: random.Random, *, tail: int, s=1.05):
        self.language = language
        self.words = head.split() + _made_up(rng, tail, han=language == "zh")
        self.cumulative = list(accumulate(1 / rank**s for rank in range(1, len(self.words) + 1)))
        self.joiners = JOINERS[language]
        self.openers = OPENERS[language]

    def draw(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def sentence(self, rng: random.Random, length: int) -> str:
        drawn = self.draw(rng, length)
        words = []
        for index, word in enumerate(drawn):
            words.append(word)
            if index % 2 and index < length - 1:
                words.append(rng.choice(self.joiners))
        if self.language == "zh":
            return "".join(words) + rng.choice("。。。！？")
        text = " ".join(words)
        return text[0].upper() + text[1:] + rng.choice("...?!")

    def title(self, rng: random.Random) -> str:
        words = self.draw(rng, rng.randint(3, 7))
        if self.language == "zh":
            return rng.choice(self.openers) + "".join(words)
        return f"{rng.choice(self.openers)} {' '.join(words)}"

    def paragraphs(self, rng: random.Random, count: int) -> list[str]:
        separator = "" if self.language == "zh" else " "
        return [
            separator.join(self.sentence(rng, rng.randint(5, 12)) for _ in range(rng.randint(1, 4)))
            for _ in range(count)
        ]


def vocabularies(rng: random.Random, *, tail: int = 3000) -> dict[str, Vocabulary]:
    """By site language code."""
    return {
        "en": Vocabulary("en", ENGLISH, rng, tail=tail),
        "fr": Vocabulary("fr", FRENCH, rng, tail=tail),
        "zh-hans": Vocabulary("zh", CHINESE, rng, tail=tail),
    }

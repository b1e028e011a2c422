"""The catalogs speak the project's glossary (shared/GLOSSARY.md): one term per idea in each
language, the terms it rules out, each language's typography, complete entries and the same
placeholders as the English.

Every catalog entry is checked, the project's own and the allauth and Django strings it carries
(members.account_strings). When a test fails, it lists each entry and what to change; fix the
.po, then run `make messages`. ``python -m tests.test_glossary`` prints the figures.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest

from core.chinese import traditional

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ("fr", "zh_Hans", "zh_Hant")
CHINESE = ("zh_Hans", "zh_Hant")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PLACEHOLDER = re.compile(r"%\([^)]+\)[-+ #0]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[a-z_]*\}")
_MARKUP = re.compile(r"<[^>]*>|&[a-z]+;|https?://\S+")

# Words a language's text never holds (placeholders, markup and addresses aside).
FORBIDDEN = {
    "fr": [
        (re.compile(r"\be-?mails?\b", re.IGNORECASE), "« e-mail » : courriel"),
    ],
    "zh": [
        (re.compile(r"e-?mail", re.IGNORECASE), "Email: 电子邮箱、邮箱地址、邮件"),
        (re.compile("走廊"), "走廊: 经贸通道"),
        (re.compile("控制台"), "控制台: 个人主页"),
        (re.compile("你"), "你: 您"),
        (re.compile("双因素|双重认证|两步验证"), "two-factor: 双重身份验证"),
    ],
}
# An English word in the source, and the glossary's term its translation must hold.
TERMS = [
    (r"\bheadline\b", {"fr": "accroche", "zh": "一句话简介"}),
    (r"\bdashboard\b", {"fr": "tableau de bord", "zh": "个人主页"}),
    (r"\btwo-factor\b", {"fr": "deux facteurs", "zh": "双重身份验证"}),
    (r"\bcorridors?\b", {"fr": "corridors? d'affaires", "zh": "经贸通道"}),
    (r"\bdigests?\b", {"fr": "bulletin", "zh": "简报"}),
    (r"\bunsubscribe\b", {"fr": "désabonn", "zh": "退订"}),
    (r"\bsign(?:ing)?[ -]?up\b", {"fr": "inscri", "zh": "注册"}),
    (r"\blog(?:ging)?[ -]?in\b|\bsign(?:ing)?[ -]in\b", {"fr": "connect|connexion", "zh": "登录"}),
]
# Entries where an English word of TERMS means something else, and what the glossary's idea is.
NOT_THE_GLOSSARY_IDEA = {
    ("Open the dashboard for every figure, chart and export", r"\bdashboard\b"): "reports",
    ("Every figure, chart and export is on the dashboard:", r"\bdashboard\b"): "reports",
}
# In French a non-breaking space (U+00A0, or the narrow U+202F) goes before : ; ? ! and inside
# « »; in Chinese sentences punctuation is full width.
FRENCH_SPACING = [
    (re.compile(r" [:;?!»]"), "an ordinary space before : ; ? ! »: a non-breaking one"),
    (re.compile(r"« "), "an ordinary space after «: a non-breaking one"),
    (re.compile(r"[^\s\u00a0\u202f(\[][;?!](?=\s|$)"), "no space before ; ? !"),
    (re.compile(r"[^\W\d][:](?=\s|$)"), "no space before :"),
    (re.compile(r"«[^\s\u00a0\u202f]|[^\s\u00a0\u202f]»"), "« » without non-breaking spaces"),
]
CHINESE_PUNCTUATION = [
    (re.compile(rf"[{_HAN}][,.:;?!]|[,:;?!](?=[{_HAN}])"), "ASCII , . : ; ? ! in Chinese"),
    (re.compile(rf"[{_HAN}]\(|\)[{_HAN}]"), "ASCII ( ) in Chinese: （ ）"),
]


@dataclass(frozen=True)
class Text:
    """One translated form of an entry and the English it translates."""

    entry: polib.POEntry
    english: str
    translated: str

    @property
    def name(self) -> str:
        context = f"{self.entry.msgctxt} | " if self.entry.msgctxt else ""
        return f"{context}{self.entry.msgid[:70]!r}"


def catalog(locale: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"))


def texts(po: polib.POFile) -> Iterator[Text]:
    for entry in po:
        if entry.obsolete:
            continue
        if not entry.msgid_plural:
            yield Text(entry, entry.msgid, entry.msgstr)
            continue
        forms = len(entry.msgstr_plural)
        for index, translated in sorted(entry.msgstr_plural.items()):
            singular = index == 0 and forms > 1
            yield Text(entry, entry.msgid if singular else entry.msgid_plural, translated)


def words(text: str) -> str:
    """What a reader reads: without placeholders, markup and addresses."""
    return _MARKUP.sub(" ", _PLACEHOLDER.sub(" ", text))


def family(locale: str) -> str:
    return "zh" if locale in CHINESE else locale


def in_script(term: str, locale: str) -> str:
    return traditional(term) if locale == "zh_Hant" else term


def incomplete(locale: str, text: Text) -> list[str]:
    if text.entry.fuzzy:
        return ["fuzzy"]
    return [] if text.translated else ["untranslated"]


def placeholders(locale: str, text: Text) -> list[str]:
    expected = sorted(_PLACEHOLDER.findall(text.english))
    found = sorted(_PLACEHOLDER.findall(text.translated))
    if not text.translated or expected == found:
        return []
    # A language may leave the count out of a singular form ("un fil", not "1 fil").
    if text.english == text.entry.msgid and set(found) <= set(expected):
        return []
    return [f"placeholders {found} instead of {expected}"]


def forbidden_terms(locale: str, text: Text) -> list[str]:
    read = words(text.translated)
    forbidden = FORBIDDEN.get(family(locale), [])
    if locale == "zh_Hant":
        forbidden = [*forbidden, (re.compile("雙因素|稽核"), "雙重身份驗證, 審核")]
    return [advice for pattern, advice in forbidden if pattern.search(read)]


def glossary_terms(locale: str, text: Text) -> list[str]:
    """The glossary's term (a pattern) wherever the English names its idea; the administrators'
    reports dashboard, say, is not the member's dashboard (个人主页)."""
    problems = []
    for english, terms in TERMS:
        if (text.entry.msgid, english) in NOT_THE_GLOSSARY_IDEA:
            continue
        term = in_script(terms[family(locale)], locale)
        found = re.search(term, text.translated, re.IGNORECASE)
        if re.search(english, text.english, re.IGNORECASE) and not found:
            problems.append(f"says {english!r} without the glossary's {term!r}")
    return problems if text.translated else []


def typography(locale: str, text: Text) -> list[str]:
    rules = CHINESE_PUNCTUATION if locale in CHINESE else FRENCH_SPACING
    read = words(text.translated)
    return [advice for pattern, advice in rules if pattern.search(read)]


# Characters OpenCC converts on their own that Traditional text also writes: 批准 (approve).
TRADITIONAL_TOO = {"准"}


def left_in_simplified(locale: str, text: Text) -> list[str]:
    """A Traditional entry holding characters that only Simplified Chinese writes (发, 邮 …)."""
    if locale != "zh_Hant":
        return []
    simplified_only = sorted(
        char
        for char in set(re.findall(f"[{_HAN}]", text.translated)) - TRADITIONAL_TOO
        if traditional(char) != char
    )
    return [f"Simplified characters: {''.join(simplified_only)}"] if simplified_only else []


CHECKS = [
    incomplete,
    placeholders,
    forbidden_terms,
    glossary_terms,
    typography,
    left_in_simplified,
]


def violations(locale: str) -> tuple[int, list[str]]:
    """How many entries were read, and what is wrong with them, one line each."""
    po = catalog(locale)
    problems = []
    for text in texts(po):
        for check in CHECKS:
            problems += [f"{text.name}: {problem}" for problem in check(locale, text)]
    return len([entry for entry in po if not entry.obsolete]), problems


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_speaks_the_glossary(locale):
    checked, problems = violations(locale)
    assert checked > 1000
    assert not problems, f"{locale}: {len(problems)} of {checked} entries to fix:\n  " + (
        "\n  ".join(problems)
    )


@pytest.mark.parametrize(
    ("locale", "translated", "problem"),
    [
        ("fr", "Votre adresse e-mail", "« e-mail » : courriel"),
        ("fr", "Courriel : « Bonjour»", "« » without non-breaking spaces"),
        ("fr", "Vraiment?", "no space before ; ? !"),
        ("fr", "Courriel:", "no space before :"),
        ("zh_Hans", "首选Email", "Email: 电子邮箱、邮箱地址、邮件"),
        ("zh_Hans", "你的密码", "你: 您"),
        ("zh_Hans", "请登录.", "ASCII , . : ; ? ! in Chinese"),
        ("zh_Hans", "显示名称:", "ASCII , . : ; ? ! in Chinese"),
        ("zh_Hans", "走廊", "走廊: 经贸通道"),
        ("zh_Hant", "雙因素身份認證", "雙重身份驗證, 審核"),
    ],
)
def test_each_rule_finds_what_it_is_for(locale, translated, problem):
    entry = polib.POEntry(msgid="Some text", msgstr=translated)
    text = Text(entry, entry.msgid, translated)
    found = forbidden_terms(locale, text) + typography(locale, text)
    assert problem in found


def test_glossary_terms_and_placeholders_are_checked():
    entry = polib.POEntry(msgid="Your %(name)s headline", msgstr="Votre titre")
    text = Text(entry, entry.msgid, entry.msgstr)
    assert glossary_terms("fr", text) == [
        r"says '\\bheadline\\b' without the glossary's 'accroche'"
    ]
    assert placeholders("fr", text) == []  # a singular form may leave a placeholder out
    plural = Text(entry, "Your %(count)d headlines", "Vos accroches")
    assert placeholders("fr", plural) == ["placeholders [] instead of ['%(count)d']"]
    half_converted = Text(entry, entry.msgid, "您的一句話简介")
    assert left_in_simplified("zh_Hant", half_converted) == ["Simplified characters: 简"]
    assert left_in_simplified("zh_Hant", Text(entry, entry.msgid, "您的一句話簡介")) == []


if __name__ == "__main__":
    for locale in LOCALES:
        checked, problems = violations(locale)
        print(f"{locale}: {checked} entries checked, {len(problems)} violations")

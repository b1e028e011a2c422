"""Simplified and Traditional Chinese (OpenCC).

The site writes Chinese in Simplified characters: its catalog, its reference data, its search
index. Readers of Traditional characters (zh-hant) get the same words converted with Taiwan's
phrasing (s2twp: 软件 → 軟體, 信息 → 資訊), and search writes every text and query in Simplified
characters so that each script finds the other.
"""

import re
from functools import lru_cache

import opencc
from django.utils.translation import get_language

TRADITIONAL = "zh-hant"

# Runs of Han characters: only they are converted (OpenCC refuses what UTF-8 cannot encode, such
# as a lone surrogate from a numeric character reference in a feed).
_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+")


@lru_cache(maxsize=2)
def _converter(config: str) -> opencc.OpenCC:
    """Loaded when first needed: s2twp's phrase tables cost a process about 43 MB, which a
    process that never serves a zh-hant reader need not carry."""
    return opencc.OpenCC(config)


def simplified(text: str) -> str:
    """Chinese text in Simplified characters; Simplified and Latin text come back as they were.
    Character by character (t2s): 軟體 becomes 软体, not 软件."""
    return _HAN_RUN.sub(lambda run: _converter("t2s").convert(run.group()), text)


@lru_cache(maxsize=4096)  # reference data names: a few hundred short strings
def traditional(text: str) -> str:
    """Chinese text in Traditional characters, with the phrasing of Taiwan."""
    return _HAN_RUN.sub(lambda run: _converter("s2twp").convert(run.group()), text)


def reading_traditional() -> bool:
    return (get_language() or "").lower() == TRADITIONAL


def in_reader_script(text: str) -> str:
    """Text the site keeps in Simplified characters (reference data), as the active language
    reads it: converted to Traditional for zh-hant, unchanged for every other language."""
    return traditional(text) if text and reading_traditional() else text

"""Simplified and Traditional Chinese, and which one the reader reads."""

import pytest
from django.utils import translation

from core.chinese import in_reader_script, simplified, traditional


def test_traditional_text_is_written_in_simplified_characters():
    assert simplified("電池供應鏈，廣州") == "电池供应链，广州"
    assert simplified("Montréal 电池") == "Montréal 电池"


def test_simplified_text_is_written_in_traditional_characters_with_taiwan_phrasing():
    assert traditional("多伦多的软件公司") == "多倫多的軟體公司"


@pytest.mark.parametrize("hostile", ["電\ud800池", "\x00電", "", "\U00020000電"])
def test_what_utf_8_cannot_encode_is_left_as_it_is(hostile):
    assert simplified(hostile).replace("电", "電") == hostile


def test_reference_data_follows_the_readers_script():
    with translation.override("zh-hant"):
        assert in_reader_script("广州") == "廣州"
    for language in ("zh-hans", "fr", "en"):
        with translation.override(language):
            assert in_reader_script("广州") == "广州"

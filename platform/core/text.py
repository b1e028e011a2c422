"""What people write, weighed fairly across scripts, and the checks every written field shares."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Han, kana and Hangul carry a word or a syllable each: a six-character Chinese title says as much
# as an English one of twenty letters, so each counts as three.
_WIDE = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002ebef]"
)
SPACES = re.compile(r"\s+")
WIDE_WEIGHT = 3


def written_length(text: str) -> int:
    """Length as a reader weighs it: runs of white space count once, a CJK character three."""
    text = SPACES.sub(" ", text).strip()
    return len(text) + (WIDE_WEIGHT - 1) * len(_WIDE.findall(text))


def check_text(text: str, *, minimum: int, maximum: int, too_short) -> str:
    """``text`` as given, or a ValidationError: NUL characters, more than ``maximum`` characters,
    or less than ``minimum`` as ``written_length`` weighs it (``too_short`` says what to do)."""
    if "\x00" in text:
        raise ValidationError(_("Remove the NUL characters from the text."), code="null")
    if len(text) > maximum:
        raise ValidationError(
            _("Keep it to %(limit)d characters (it has %(length)d).")
            % {"limit": maximum, "length": len(text)},
            code="max_length",
        )
    if written_length(text) < minimum:
        raise ValidationError(too_short, code="min_length")
    return text

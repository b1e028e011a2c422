"""``DateTimes()``: what ``date_format(localtime(moment), "DATETIME_FORMAT")`` says, for the many
moments of one page at a small part of its cost.

Why: ``date_format`` costs 60–80 µs a call on the reference machine (it looks the format up, makes
a ``DateFormat`` and translates month names and "a.m." through lazy strings), and a thread page
shows twenty posts' dates. Each format character depends on one part of a moment (its month, its
day, its hour and minute…): Django's ``DateFormat`` writes it once per language and value of that
part, and the text is kept, so a page mostly joins pieces already written.
"""

from datetime import datetime
from functools import lru_cache

from django.utils import timezone
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.formats import get_format
from django.utils.translation import get_language


def _month(moment: datetime) -> int:
    return moment.month


def _day(moment: datetime) -> int:
    return moment.day


def _year(moment: datetime) -> int:
    return moment.year


def _date(moment: datetime):
    return moment.date()


def _hour(moment: datetime) -> int:
    return moment.hour


def _minute(moment: datetime) -> int:
    return moment.minute


def _hour_and_minute(moment: datetime) -> tuple[int, int]:
    return moment.hour, moment.minute


# What each format character's text depends on. The others (seconds, time zones, whole
# timestamps) are written every time.
_DEPENDS_ON = {
    **dict.fromkeys("bEFmMnN", _month),
    **dict.fromkeys("djS", _day),
    **dict.fromkeys("yYL", _year),
    **dict.fromkeys("DlwzWot", _date),
    **dict.fromkeys("aAgGhH", _hour),
    "i": _minute,
    **dict.fromkeys("fP", _hour_and_minute),
}
_KEPT_AT_MOST = 20_000  # pieces, all languages together; a day's dates and every minute fit

_pieces: dict[tuple, str] = {}


class DateTimes:
    """``when(moment)``: an aware ``moment`` written in ``format`` (a format's name or a format, as
    ``date_format`` takes them), in the active language and time zone (both read once, when the
    object is made for a page)."""

    def __init__(self, format: str = "DATETIME_FORMAT"):
        self.zone = timezone.get_current_timezone()
        self.language = get_language()
        self.tokens = _tokens(get_format(format))

    def __call__(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        return "".join(
            self._piece(character, local) if character else text for character, text in self.tokens
        )

    def _piece(self, character: str, local: datetime) -> str:
        depends_on = _DEPENDS_ON.get(character)
        if depends_on is None:
            return str(getattr(DateFormat(local), character)())
        key = (self.language, character, depends_on(local))
        piece = _pieces.get(key)
        if piece is None:
            if len(_pieces) >= _KEPT_AT_MOST:
                _pieces.clear()
            piece = _pieces[key] = str(getattr(DateFormat(local), character)())
        return piece


@lru_cache(maxsize=64)
def _tokens(format_string: str) -> tuple[tuple[str, str], ...]:
    """A Django date format as (character, "") for each format character and ("", text) for
    each run of plain text, as ``DateFormat.format`` splits it."""
    tokens = []
    for index, piece in enumerate(re_formatchars.split(str(format_string))):
        if index % 2:
            tokens.append((piece, ""))
        elif piece:
            tokens.append(("", re_escaped.sub(r"\1", piece)))
    return tuple(tokens)

"""Indicator values imported from CSV by staff (the admin's form and ``manage.py
import_indicators`` both call ``import_values``).

The file has a line per value: ``indicator,date,value`` (the indicator's key), or ``date,value``
when one indicator is chosen for the whole file. A first line naming the columns is optional
(``indicator``/``slug``/``key``, ``date``, ``value``, in English, French or Chinese, any order).

Tolerated, because that is what spreadsheets write: UTF-8 with or without a byte-order mark (and
UTF-16 with one), commas, semicolons or tabs between fields, a decimal comma when there is no
point ("1,5"), spaces as thousands separators, a trailing "%". Dates are ISO (2025-03-31,
2025/03/31) or a period, stored at its first day: a month (2025-03), a quarter (2025-Q1) or a
year (2025).

Good lines are written and bad ones reported, each with its line number and why: a date or a
number that does not read, an unknown indicator, a value too large for the column. A value for a
date already there replaces it (within the file too: the last line wins). Whatever the file, the
answer is a report or a ValidationError with a message for staff, never an exception of another
kind: the file is read up to a size limit, decoded with care, and parsed by the csv module.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from economy.models import Indicator, IndicatorValue

MAX_BYTES = 2 * 1024 * 1024
MAX_REPORTED_ERRORS = 200
# The column is DecimalField(max_digits=18, decimal_places=6).
DECIMAL_PLACES = 6
LARGEST = Decimal(10) ** (18 - DECIMAL_PLACES)

HEADERS = {
    "indicator": {"indicator", "slug", "key", "indicateur", "clé", "cle", "指标", "代码"},
    "date": {"date", "day", "period", "période", "periode", "日期", "时间"},
    "value": {"value", "valeur", "数值", "值"},
}
ISO_DAY = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
MONTH = re.compile(r"(\d{4})[-/](\d{1,2})")
QUARTER = re.compile(r"(\d{4})[- ]?[Qq]([1-4])")
YEAR = re.compile(r"\d{4}")
SPACES = re.compile(r"[\s\u00a0\u202f]+")


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self):
        return _("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)
    more_errors: int = 0  # beyond the ones listed

    @property
    def written(self) -> int:
        return self.created + self.updated

    def add_error(self, line: int, message: str) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(LineError(line, message))
        else:
            self.more_errors += 1


def size_limit() -> int:
    return getattr(settings, "INDICATOR_CSV_MAX_BYTES", MAX_BYTES)


def import_values(
    *,
    file: BinaryIO | bytes,
    indicator: Indicator | None = None,
    progress: Callable[[int], None] | None = None,
    max_bytes: int | None = None,
) -> ImportReport:
    """Read ``file`` (bytes or a binary file) and write its values, in one transaction; see the
    module's docstring.

    ``indicator`` is the one the file is about when it has no indicator column. ``progress`` is
    called with the number of lines read since its last call. ``max_bytes`` replaces the size
    limit (``size_limit()``), for a command staff run on the server. Raises ValidationError when
    the file as a whole cannot be read (too large, not text, empty, no indicator to file it
    under).
    """
    text = _decode(_read_bounded(file, max_bytes or size_limit()))
    report = ImportReport()
    parsed = _parse(text, indicator=indicator, report=report, progress=progress)
    try:
        _write(parsed, report)
    except IntegrityError:  # another import wrote one of these dates in the meantime
        raise ValidationError(
            _("Another import was writing these values at the same time: import the file again."),
            code="concurrent",
        ) from None
    return report


# --- Reading the file -------------------------------------------------------------------------


def _read_bounded(file: BinaryIO | bytes, limit: int) -> bytes:
    data = file if isinstance(file, bytes) else file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file is larger than %(limit)d KB: split it and import each part.")
            % {"limit": limit // 1024},
            code="too_large",
        )
    return data


def _decode(data: bytes) -> str:
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise ValidationError(
            _(
                "The file is not in UTF-8. In your spreadsheet, save it as “CSV UTF-8” and "
                "import it again."
            ),
            code="encoding",
        ) from None
    if "\x00" in text:
        raise ValidationError(_("The file is not a CSV text file."), code="binary")
    if not text.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    return text


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:4096]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


@dataclass(frozen=True)
class _Columns:
    indicator: int | None
    date: int
    value: int


def _no_indicator() -> str:
    return _("Choose the indicator these values are for, or add a column with its key.")


def _columns_of(first: list[str]) -> tuple[_Columns, bool]:
    """The columns, from the first line: a header naming them, or their number (two: date and
    value; more: indicator, date and value); and whether the first line was that header."""
    header = _columns_of_header(first)
    if header is not None:
        return header, True
    return (_Columns(None, 0, 1) if len(first) == 2 else _Columns(0, 1, 2)), False


def _columns_of_header(cells: list[str]) -> _Columns | None:
    names = [cell.strip().casefold() for cell in cells]
    found = {}
    for column, aliases in HEADERS.items():
        for position, name in enumerate(names):
            if name in aliases:
                found[column] = position
                break
    if "date" in found and "value" in found:
        return _Columns(found.get("indicator"), found["date"], found["value"])
    return None


def _parse(
    text: str,
    *,
    indicator: Indicator | None,
    report: ImportReport,
    progress: Callable[[int], None] | None,
) -> dict[tuple[int, date], Decimal]:
    """(indicator id, date) → value: the last line for each date wins."""
    known = {row.slug: row.pk for row in Indicator.objects.only("pk", "slug")}
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    values: dict[tuple[int, date], Decimal] = {}
    columns = None
    try:
        for cells in reader:
            line = reader.line_num
            if progress is not None:
                progress(1)
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                columns, is_header = _columns_of(cells)
                if columns.indicator is None and indicator is None:
                    raise ValidationError(_no_indicator(), code="no_indicator")
                if is_header:
                    continue
            entry = _entry(cells, columns, indicator=indicator, known=known)
            if isinstance(entry, str):
                report.add_error(line, entry)
            else:
                values[entry[0], entry[1]] = entry[2]
    except csv.Error as error:
        report.add_error(reader.line_num, _("This line cannot be read as CSV (%s).") % error)
    return values


def _entry(cells, columns: _Columns, *, indicator, known) -> tuple[int, date, Decimal] | str:
    """(indicator id, date, value), or what is wrong with the line."""
    needed = max(position for position in columns.__dict__.values() if position is not None)
    if len(cells) <= needed:
        return _("Expected %(count)d fields, found %(found)d.") % {
            "count": needed + 1,
            "found": len(cells),
        }
    if columns.indicator is None:
        indicator_id = indicator.pk
    else:
        key = cells[columns.indicator].strip()
        indicator_id = known.get(key)
        if indicator_id is None:
            return _("Unknown indicator “%(key)s”.") % {"key": key[:60]}
        if indicator is not None and indicator_id != indicator.pk:
            return _("This line is for “%(key)s”, not for the indicator chosen.") % {
                "key": key[:60]
            }
    day = parse_date(cells[columns.date])
    if day is None:
        return _(
            "“%(date)s” is not a date (write 2025-03-31, or 2025-03 for a month, 2025-Q1 for "
            "a quarter)."
        ) % {"date": cells[columns.date].strip()[:40]}
    value = parse_number(cells[columns.value])
    if value is None:
        return _("“%(value)s” is not a number.") % {"value": cells[columns.value].strip()[:40]}
    if abs(value) >= LARGEST:
        return _("%(value)s is too large for an indicator.") % {"value": value}
    return indicator_id, day, value


def parse_date(text: str) -> date | None:
    text = text.strip()
    try:
        if match := ISO_DAY.fullmatch(text):
            return date(*map(int, match.groups()))
        if match := QUARTER.fullmatch(text):
            return date(int(match[1]), 3 * int(match[2]) - 2, 1)
        if match := MONTH.fullmatch(text):
            return date(int(match[1]), int(match[2]), 1)
        if YEAR.fullmatch(text):
            return date(int(text), 1, 1)
    except ValueError:  # 2025-02-30, month 13, year 0
        return None
    return None


def parse_number(text: str) -> Decimal | None:
    """A finite number with up to six decimals (rounded to six), or None."""
    text = SPACES.sub("", text).removesuffix("%").replace("\u2212", "-")
    if "," in text:
        if "." in text or text.count(",") > 1:
            return None  # 1,234.5 or 1.234,5: ambiguous; write 1234.5
        text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value.quantize(Decimal(1).scaleb(-DECIMAL_PLACES))


# --- Writing ----------------------------------------------------------------------------------


@transaction.atomic
def _write(values: dict[tuple[int, date], Decimal], report: ImportReport) -> None:
    """New values created, changed ones updated, in a few queries per indicator."""
    by_indicator: dict[int, dict[date, Decimal]] = {}
    for (indicator_id, day), value in values.items():
        by_indicator.setdefault(indicator_id, {})[day] = value
    for indicator_id, dated in by_indicator.items():
        existing = {
            row.date: row
            for row in IndicatorValue.objects.filter(
                indicator_id=indicator_id, date__range=(min(dated), max(dated))
            )
        }
        new, changed = [], []
        for day, value in dated.items():
            row = existing.get(day)
            if row is None:
                new.append(IndicatorValue(indicator_id=indicator_id, date=day, value=value))
            elif row.value != value:
                row.value = value
                changed.append(row)
            else:
                report.unchanged += 1
        IndicatorValue.objects.bulk_create(new, batch_size=1000)
        IndicatorValue.objects.bulk_update(changed, ["value"], batch_size=1000)
        report.created += len(new)
        report.updated += len(changed)


def describe(report: ImportReport) -> Iterable[str]:
    """The report in sentences, for staff (admin messages, the command's output)."""
    yield _("%(created)d values added, %(updated)d changed, %(unchanged)d already there.") % {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }
    for error in report.errors:
        yield str(error)
    if report.more_errors:
        yield _("… and %(count)d more lines with errors.") % {"count": report.more_errors}

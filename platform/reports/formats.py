"""Figures written out as the dashboard and the monthly mail show them, in the active language."""

from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

UNITS = {"seconds": "s", "percent": "%", "hours": "h", "money": "CAD"}


def show(value, kind: str) -> str:
    """``value`` of a column of ``kind`` (see ``selectors.Column``); "–" when there is none."""
    if value is None or value == "":
        return "–"
    if kind == "text":
        return str(value)
    if kind == "date":
        return date_format(_as_date(value), "SHORT_DATE_FORMAT")
    if kind == "percent":
        return _("%(value)s%%") % {"value": number_format(value, 1, use_l10n=True)}
    if kind == "seconds":
        return duration(value)
    if kind == "hours":
        return _("%(value)s h") % {"value": number_format(value, 1, use_l10n=True)}
    if kind == "money":
        return _("%(value)s CAD") % {
            "value": number_format(round(value), 0, use_l10n=True, force_grouping=True)
        }
    if kind == "rating":
        return number_format(value, 2, use_l10n=True)
    if isinstance(value, float) and not value.is_integer():
        return number_format(value, 1, use_l10n=True, force_grouping=True)
    return number_format(int(value), 0, use_l10n=True, force_grouping=True)


def duration(seconds) -> str:
    """Minutes under an hour, hours under two days, days beyond."""
    seconds = float(seconds)
    if seconds < 3600:
        return _("%(value)s min") % {"value": number_format(seconds / 60, 0, use_l10n=True)}
    if seconds < 48 * 3600:
        return _("%(value)s h") % {"value": number_format(seconds / 3600, 1, use_l10n=True)}
    return _("%(value)s d") % {"value": number_format(seconds / 86400, 1, use_l10n=True)}


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def cell(row: dict, column) -> str:
    """A table's cell; a table of single figures says each row's kind in the row."""
    kind = row.get("kind", column.kind) if column.key == "value" else column.kind
    return show(row.get(column.key), kind)


def shown_rows(table) -> list[list[str]]:
    """Each row's cells as the page shows them."""
    return [[cell(row, column) for column in table.columns] for row in table.rows]

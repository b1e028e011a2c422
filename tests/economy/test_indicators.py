"""Indicator values imported from CSV (good and bad lines, encodings, sizes), the series read
from them (latest value, change since a date, recent points), and the indicators' pages."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from economy import indicators, series
from economy.models import Indicator, IndicatorValue
from tests.members.factories import UserFactory, with_authenticator

pytestmark = pytest.mark.django_db


def indicator(slug: str = "cpi", **fields) -> Indicator:
    defaults = {"name_en": slug.upper(), "name_fr": slug.upper(), "name_zh_hans": slug, "unit": "%"}
    return Indicator.objects.create(slug=slug, **{**defaults, **fields})


def values_of(item: Indicator) -> dict[date, Decimal]:
    return dict(item.values.order_by("date").values_list("date", "value"))


# --- CSV import -----------------------------------------------------------------------------------


def test_a_file_with_an_indicator_column_and_a_header():
    cpi, pmi = indicator("cpi"), indicator("pmi")
    csv = b"indicator,date,value\ncpi,2025-01-31,0.5\npmi,2025-01-31,49.1\ncpi,2025-02-28,-0.7\n"

    report = indicators.import_values(file=csv)

    assert (report.created, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])
    assert values_of(cpi) == {date(2025, 1, 31): Decimal("0.5"), date(2025, 2, 28): Decimal("-0.7")}
    assert values_of(pmi) == {date(2025, 1, 31): Decimal("49.1")}


def test_one_indicator_chosen_and_two_columns_without_a_header():
    rate = indicator("cny-cad", unit="CNY")
    report = indicators.import_values(
        file=b"2025-03-03,5.0312\n2025-03-04,5.0297\n", indicator=rate
    )
    assert report.created == 2
    assert values_of(rate)[date(2025, 3, 4)] == Decimal("5.0297")


def test_a_date_already_there_gets_the_new_value_and_the_last_line_wins():
    cpi = indicator("cpi")
    IndicatorValue.objects.create(indicator=cpi, date=date(2025, 1, 1), value=Decimal("1"))
    IndicatorValue.objects.create(indicator=cpi, date=date(2025, 2, 1), value=Decimal("2"))
    csv = b"date,value\n2025-01,1.5\n2025-02,2\n2025-03,3\n2025-03,3.25\n"

    report = indicators.import_values(file=csv, indicator=cpi)

    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert values_of(cpi) == {
        date(2025, 1, 1): Decimal("1.5"),
        date(2025, 2, 1): Decimal("2"),
        date(2025, 3, 1): Decimal("3.25"),
    }


def test_bad_lines_are_reported_with_their_numbers_and_the_good_ones_written():
    cpi = indicator("cpi")
    csv = (
        "indicator,date,value\n"
        "cpi,2025-01-31,0.5\n"  # 2: good
        "gdp,2025-01-31,5.2\n"  # 3: unknown indicator
        "cpi,31/01/2025,0.5\n"  # 4: not a date
        "cpi,2025-02-30,0.5\n"  # 5: no such day
        "cpi,2025-03-31,abc\n"  # 6: not a number
        "cpi,2025-04-30,NaN\n"  # 7: not a finite number
        "cpi,2025-05-31\n"  # 8: a field missing
        "\n"  # 9: blank, skipped
        "cpi,2025-06-30,1e3\n"  # 10: exponent: not a number here
        "cpi,2025-07-31,1000000000000\n"  # 11: too large for the column
        "cpi,2025-08-31,1.2.3\n"  # 12
        "cpi,2025-09-30,\u22120.4\n"  # 13: good (a typographic minus)
    ).encode()

    report = indicators.import_values(file=csv)

    assert report.created == 2
    assert values_of(cpi) == {date(2025, 1, 31): Decimal("0.5"), date(2025, 9, 30): Decimal("-0.4")}
    assert [error.line for error in report.errors] == [3, 4, 5, 6, 7, 8, 10, 11, 12]
    messages = [str(error) for error in report.errors]
    assert messages[0] == "Line 3: Unknown indicator “gdp”."
    assert "“31/01/2025” is not a date" in messages[1]
    assert "“abc” is not a number." in messages[3]
    assert "Expected 3 fields, found 2." in messages[5]
    assert "too large" in messages[7]
    summary = list(indicators.describe(report))
    assert summary[0] == "2 values added, 0 changed, 0 already there."
    assert len(summary) == 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-31", date(2025, 3, 31)),
        ("2025/3/1", date(2025, 3, 1)),
        ("2025-03", date(2025, 3, 1)),
        ("2025-Q2", date(2025, 4, 1)),
        ("2025Q4", date(2025, 10, 1)),
        ("2025", date(2025, 1, 1)),
        (" 2025-03-31 ", date(2025, 3, 31)),
        ("2025-13", None),
        ("2025-Q5", None),
        ("0000-01-01", None),
        ("March 2025", None),
        ("", None),
    ],
)
def test_parse_date(text, expected):
    assert indicators.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5.2", Decimal("5.2")),
        ("-0.7", Decimal("-0.7")),
        ("+3", Decimal("3")),
        ("1,5", Decimal("1.5")),  # a decimal comma
        ("1 234,5", Decimal("1234.5")),
        ("1\u202f234.5", Decimal("1234.5")),
        ("5.2%", Decimal("5.2")),
        (".5", Decimal("0.5")),
        ("0.1234567", Decimal("0.123457")),  # six decimals, as the column keeps
        ("1,234.5", None),  # ambiguous
        ("1.234,5", None),
        ("1e3", None),
        ("Infinity", None),
        ("NaN", None),
        ("", None),
        ("--1", None),
    ],
)
def test_parse_number(text, expected):
    assert indicators.parse_number(text) == expected


@pytest.mark.parametrize(
    "encoded",
    [
        b"date,value\n2025-01-01,1\n",
        "\ufeffdate,value\n2025-01-01,1\n".encode(),  # UTF-8 with a byte-order mark (Excel)
        "date,value\r\n2025-01-01,1\r\n".encode("utf-16"),  # UTF-16 with its mark
        "日期;数值\n2025-01-01;1,0\n".encode(),  # Chinese headers, semicolons, a decimal comma
        b"Date\tValeur\n2025-01-01\t1\n",  # French headers, tabs
    ],
)
def test_encodings_and_separators_spreadsheets_write(encoded):
    cpi = indicator("cpi")
    report = indicators.import_values(file=encoded, indicator=cpi)
    assert report.errors == []
    assert values_of(cpi) == {date(2025, 1, 1): Decimal("1")}


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("date,value\n2025-01-01,café\n".encode("latin-1"), "encoding"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "encoding"),
        (b"date,value\x00\n", "binary"),
        (b"", "empty"),
        (b" \n\n", "empty"),
    ],
)
def test_files_that_are_not_csv_text_are_refused_whole(content, code):
    cpi = indicator("cpi")
    with pytest.raises(ValidationError) as refused:
        indicators.import_values(file=content, indicator=cpi)
    assert refused.value.code == code
    assert not IndicatorValue.objects.exists()


def test_a_file_over_the_limit_is_refused_without_reading_it_all(settings):
    settings.INDICATOR_CSV_MAX_BYTES = 1024

    class Endless:
        asked = 0

        def read(self, size=-1):
            assert size > 0  # never "read it all"
            self.asked += size
            return b"2025-01-01,1\n" * (size // 13 + 1)

    with pytest.raises(ValidationError) as refused:
        indicators.import_values(file=Endless(), indicator=indicator("cpi"))
    assert refused.value.code == "too_large"


def test_two_columns_need_an_indicator_chosen():
    with pytest.raises(ValidationError) as refused:
        indicators.import_values(file=b"2025-01-01,1\n")
    assert refused.value.code == "no_indicator"


def test_lines_for_another_indicator_than_the_one_chosen_are_errors():
    cpi, _pmi = indicator("cpi"), indicator("pmi")
    report = indicators.import_values(file=b"cpi,2025-01-01,1\npmi,2025-01-01,50\n", indicator=cpi)
    assert report.created == 1
    assert [error.line for error in report.errors] == [2]


def test_errors_beyond_the_listed_ones_are_counted(monkeypatch):
    monkeypatch.setattr(indicators, "MAX_REPORTED_ERRORS", 3)
    cpi = indicator("cpi")
    report = indicators.import_values(file=b"date,value\n" + b"x,1\n" * 10, indicator=cpi)
    assert len(report.errors) == 3
    assert report.more_errors == 7
    assert list(indicators.describe(report))[-1] == "… and 7 more lines with errors."


def test_progress_is_told_per_line():
    seen = []
    indicators.import_values(
        file=b"date,value\n2025-01-01,1\n2025-02-01,2\n",
        indicator=indicator(),
        progress=seen.append,
    )
    assert sum(seen) == 3


# --- Series ---------------------------------------------------------------------------------------


def fill(item: Indicator, *points: tuple[str, str]) -> None:
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=item, date=date.fromisoformat(day), value=Decimal(value))
        for day, value in points
    )


def test_readings_latest_change_and_points():
    cpi, pmi, empty = indicator("cpi"), indicator("pmi"), indicator("new")
    fill(cpi, ("2025-01-01", "0.5"), ("2025-02-01", "-0.7"), ("2025-03-01", "-0.1"))
    fill(pmi, ("2025-03-01", "50.2"))

    readings = {reading.indicator.slug: reading for reading in series.readings(points=2)}

    assert readings["cpi"].latest == series.Point(date(2025, 3, 1), Decimal("-0.1"))
    assert readings["cpi"].previous == series.Point(date(2025, 2, 1), Decimal("-0.7"))
    assert readings["cpi"].change == Decimal("0.6")
    assert [point.date for point in readings["cpi"].points] == [date(2025, 2, 1), date(2025, 3, 1)]
    assert readings["pmi"].latest.value == Decimal("50.2")
    assert readings["pmi"].previous is None
    assert readings["pmi"].change is None
    assert readings["pmi"].is_new
    assert readings["new"].latest is None
    assert readings["new"].points == []
    assert not readings["new"].is_new
    assert empty.pk == readings["new"].indicator.pk


def test_readings_since_a_date_compare_with_the_value_seen_then():
    cpi = indicator("cpi")
    fill(cpi, ("2025-01-01", "0.5"), ("2025-02-01", "-0.7"), ("2025-03-01", "-0.1"))

    (reading,) = series.readings(since=date(2025, 1, 15))
    assert reading.previous == series.Point(date(2025, 1, 1), Decimal("0.5"))
    assert reading.change == Decimal("-0.6")
    assert reading.is_new

    (nothing_new,) = series.readings(since=date(2025, 3, 10))
    assert nothing_new.is_same_point
    assert nothing_new.change is None
    assert not nothing_new.is_new

    (before_any,) = series.readings(since=date(2024, 1, 1))
    assert before_any.previous is None
    assert before_any.is_new


def test_readings_cost_two_queries_whatever_the_number_of_indicators():
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            series.readings(since=date(2025, 2, 1))
        return len(captured)

    fill(indicator("a"), ("2025-01-01", "1"), ("2025-02-01", "2"))
    few = count()
    for number in range(20):
        fill(
            indicator(f"i{number}"),
            *((f"2024-{month:02d}-01", str(month)) for month in range(1, 13)),
        )
    assert count() == few == 2


# --- Pages ----------------------------------------------------------------------------------------


def test_the_list_shows_each_indicator_with_its_latest_value_change_and_chart(client):
    cpi = indicator("cpi", name_en="Consumer prices", name_fr="Prix à la consommation")
    fill(cpi, ("2025-01-01", "0.5"), ("2025-02-01", "-0.7"), ("2025-03-01", "-0.1"))
    indicator("new", name_en="Not yet published")

    response = client.get("/economy/indicators/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Consumer prices" in page
    assert "-0.1" in page
    assert "+0.6" in page
    assert "(up)" in page
    assert '<svg class="sparkline"' in page
    assert '<title id="indicator-' in page
    assert "No value yet" in page
    assert "style=" not in page.split("<main", 1)[1]  # the CSP refuses inline styles

    client.cookies["django_language"] = "fr"
    page = client.get("/economy/indicators/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Prix à la consommation" in page
    assert "-0,1" in page  # a decimal comma in French


def test_an_indicators_page_lists_its_values_a_page_at_a_time(client, monkeypatch):
    from economy import indicator_views

    monkeypatch.setattr(indicator_views, "PAGE_SIZE", 2)
    cpi = indicator("cpi", name_en="Consumer prices", unit="%")
    fill(cpi, ("2025-01-01", "0.5"), ("2025-02-01", "-0.7"), ("2025-03-01", "-0.1"))

    first = client.get("/economy/indicators/cpi/")
    assert first.status_code == 200
    assert [row["day"] for row in first.context["page"].items] == ["2025-03-01", "2025-02-01"]
    cursor = first.context["page"].next_cursor
    second = client.get("/economy/indicators/cpi/", {"cursor": cursor})
    assert [row["day"] for row in second.context["page"].items] == ["2025-01-01"]
    assert second.context["page"].next_cursor is None
    forged = client.get("/economy/indicators/cpi/", {"cursor": "forged"})
    assert forged.status_code == 200  # the first page again
    assert client.get("/economy/indicators/nothing/").status_code == 404


def test_an_indicator_without_values_has_a_page(client):
    indicator("empty")
    response = client.get("/economy/indicators/empty/")
    assert response.status_code == 200
    assert "No value yet." in response.content.decode()


def count_queries(client, path: str) -> int:
    client.get(path)  # caches warm (session, reference data)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["/economy/indicators/", "/economy/indicators/cpi/"])
def test_indicator_pages_cost_a_fixed_number_of_queries(client, member, path):
    client.force_login(member)
    cpi = indicator("cpi")
    fill(cpi, ("2025-01-01", "1"), ("2025-02-01", "2"))
    small = count_queries(client, path)
    for number in range(15):
        item = indicator(f"i{number}")
        item.sectors.set([1, 2])
        fill(item, *((f"2024-{month:02d}-01", str(month)) for month in range(1, 13)))
    cpi.sectors.set([1, 2, 3])
    fill(cpi, *((f"2023-{month:02d}-01", str(month)) for month in range(1, 13)))
    assert count_queries(client, path) == small <= 8


# --- Admin ----------------------------------------------------------------------------------------

IMPORT = "/admin/economy/indicator/import-values/"


@pytest.fixture
def admin_client(client):
    client.force_login(with_authenticator(UserFactory(is_staff=True, is_superuser=True)))
    return client


def upload(content: bytes, name: str = "values.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_staff_import_a_csv_and_read_which_lines_were_refused(admin_client):
    cpi = indicator("cpi", name_en="Consumer prices")
    assert (
        "Import values from CSV" in admin_client.get("/admin/economy/indicator/").content.decode()
    )
    assert admin_client.get(IMPORT, {"indicator": cpi.pk}).status_code == 200

    response = admin_client.post(
        IMPORT, {"indicator": cpi.pk, "file": upload(b"date,value\n2025-01,0.5\n2025-02,zero\n")}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 values added, 0 changed, 0 already there." in page
    assert "Line 3: “zero” is not a number." in page
    assert values_of(cpi) == {date(2025, 1, 1): Decimal("0.5")}
    listing = admin_client.get("/admin/economy/indicator/").content.decode()
    assert "Consumer prices" in listing


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("date,value\n2025-01,é\n".encode("latin-1"), "not in UTF-8"),
        (b"", "The submitted file is empty."),  # Django's own check
        (b"2025-01-01,1\n", "Choose the indicator"),
    ],
)
def test_a_file_refused_whole_is_a_form_error_not_a_crash(admin_client, content, message):
    indicator("cpi")
    response = admin_client.post(IMPORT, {"indicator": "", "file": upload(content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_staff_without_the_permission_may_not_import(client):
    client.force_login(with_authenticator(UserFactory(is_staff=True)))
    assert client.get(IMPORT).status_code == 403


# --- Command --------------------------------------------------------------------------------------


def test_the_command_imports_a_file_and_lists_the_lines_refused(tmp_path):
    cpi = indicator("cpi")
    path = tmp_path / "cpi.csv"
    path.write_bytes("\ufeffdate,value\n2025-01,0.5\n2025-02,x\n".encode())
    out, err = StringIO(), StringIO()

    call_command("import_indicators", str(path), "--indicator", "cpi", stdout=out, stderr=err)

    assert values_of(cpi) == {date(2025, 1, 1): Decimal("0.5")}
    assert "1 values added, 0 changed, 0 already there." in out.getvalue()
    assert "Line 3: “x” is not a number." in out.getvalue()
    assert "1 lines not imported." in err.getvalue()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--indicator", "nope"], "No indicator has the key 'nope'."),
        ([], "Choose the indicator"),
    ],
)
def test_the_command_refuses_with_a_message(tmp_path, arguments, message):
    indicator("cpi")
    path = tmp_path / "values.csv"
    path.write_bytes(b"2025-01,1\n")
    with pytest.raises(CommandError, match=message):
        call_command("import_indicators", str(path), *arguments)
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_indicators", str(tmp_path / "missing.csv"))


def test_the_command_may_raise_the_size_limit(tmp_path, settings):
    settings.INDICATOR_CSV_MAX_BYTES = 10
    cpi = indicator("cpi")
    path = tmp_path / "values.csv"
    path.write_bytes(b"date,value\n2025-01,1\n")
    with pytest.raises(CommandError, match="larger than"):
        call_command("import_indicators", str(path), "--indicator", "cpi")
    call_command("import_indicators", str(path), "--indicator", "cpi", "--max-bytes", "1000")
    assert values_of(cpi) == {date(2025, 1, 1): Decimal("1")}

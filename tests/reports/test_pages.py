"""The dashboard page: the last 90 days by default, a chosen range, the knowledge network's
sector, and bad ranges named on the form (400), never a server error."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports import views
from tests.reports.factories import MARCH, administrator, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(administrator())
    return client


def test_the_dashboard_shows_the_last_90_days_by_default(admin_client):
    page = admin_client.get("/reports/")
    today = timezone.localdate()
    assert page.status_code == 200
    assert page.context["report"].period.end == today
    assert page.context["report"].period.start == today - timedelta(days=89)


def test_the_dashboard_shows_every_section_with_charts_and_exports(admin_client):
    build_world()
    page = admin_client.get("/reports/?from=2026-03-01&to=2026-03-31")
    html = page.content.decode()
    for title in (
        "Members",
        "Forum activity",
        "Help requests",
        "Fairness",
        "Digests",
        "Moderation",
        "The knowledge network",
    ):
        assert f">{title}</h2>" in html
    assert html.count("<svg") >= 10
    assert 'role="img"' in html
    assert "/reports/export/requests-funnel.csv?from=2026-03-01&amp;to=2026-03-31" in html
    assert "/reports/network.graphml?from=2026-03-01&amp;to=2026-03-31" in html
    assert "Suzhou ↔ Toronto · Automotive" in html


def test_the_sector_narrows_the_network_and_its_exports(admin_client):
    build_world()
    page = admin_client.get("/reports/?from=2026-03-01&to=2026-03-31&sector=ict-software")
    assert page.context["report"].table("network-edges").rows == []
    assert "network.csv?from=2026-03-01&amp;to=2026-03-31&amp;sector=ict-software" in (
        page.content.decode()
    )


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-03-31&to=2026-03-01", "to", "The end of the range comes before its start."),
        ("from=yesterday&to=2026-03-01", "from", "Enter a valid date."),
        ("from=1999-12-31&to=2026-03-01", "from", "Choose a date from 2000-01-01 to 2099-12-31."),
        ("from=2000-01-01&to=2026-03-01", "to", "Choose a range of ten years at most."),
        ("from=2026-03-01&to=2026-02-30", "to", "Enter a valid date."),
        ("from=2026-03-01&to=99999-01-01", "to", "Enter a valid date."),
        ("sector=nothing", "sector", "Select a valid choice."),
    ],
    ids=["reversed", "not-a-date", "too-early", "too-long", "no-such-day", "year-99999", "sector"],
)
def test_a_bad_range_is_named_on_the_form(admin_client, query, field, message):
    page = admin_client.get(f"/reports/?{query}")
    assert page.status_code == 400
    assert message in " ".join(page.context["form"].errors[field])
    assert "report" not in page.context


@pytest.mark.parametrize(
    "path",
    ["/reports/export/members-totals.csv", "/reports/network.csv", "/reports/network.graphml"],
)
def test_a_bad_range_refuses_an_export_with_the_reason(admin_client, path):
    response = admin_client.get(f"{path}?from=2026-03-31&to=2026-03-01")
    assert response.status_code == 400
    assert "The end of the range comes before its start." in response.content.decode()


def test_an_unknown_table_is_not_found(admin_client):
    assert admin_client.get("/reports/export/members-nothing.csv").status_code == 404
    assert admin_client.get("/reports/export/nothing.csv").status_code == 404


def test_the_api_names_the_field_of_a_bad_range(client):
    client.force_login(administrator())
    response = client.get("/api/v1/reports/?from=2026-03-31&to=2026-03-01")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["attr"], error["code"]) == ("to", "before_start")


def test_the_api_gives_the_dashboards_figures(client):
    build_world()
    client.force_login(administrator())
    answer = client.get(f"/api/v1/reports/?from={MARCH.start}&to={MARCH.end}").json()
    assert (answer["start"], answer["end"], answer["sector"]) == ("2026-03-01", "2026-03-31", None)
    tables = {table["key"]: table for section in answer["sections"] for table in section["tables"]}
    funnel = {row["key"]: row["requests"] for row in tables["requests-funnel"]["rows"]}
    assert funnel == {"posted": 4, "matched": 3, "engaged": 2, "resolved": 1}
    assert {"key": "median", "label": "Median", "kind": "seconds"} in tables["requests-timing"][
        "columns"
    ]


def test_a_long_table_shows_its_first_rows_and_its_csv_holds_them_all(admin_client, monkeypatch):
    build_world()
    monkeypatch.setattr(views, "MAX_SHOWN_ROWS", 2)
    page = admin_client.get(f"/reports/?from={MARCH.start}&to={MARCH.end}")
    [by_region] = [
        rows
        for _section, tables in page.context["sections"]
        for table, _c, rows in tables
        if table.key == "requests-by-region"
    ]
    assert len(by_region) == 2
    assert "The first 2 rows of 4; the CSV file holds them all." in page.content.decode()
    export = admin_client.get(
        f"/reports/export/requests-by-region.csv?from={MARCH.start}&to={MARCH.end}"
    )
    assert len(export.content.decode().strip().splitlines()) == 1 + 4

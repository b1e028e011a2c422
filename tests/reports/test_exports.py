"""The exports parse and hold what the dashboard shows: every table as CSV (raw numbers, the
row's key first), the knowledge network as a CSV edge list and as GraphML."""

import csv
import io
from xml.etree import ElementTree

import pytest
from django.core.cache import cache

from members.models import Sector
from reports.formats import UNITS
from tests.reports.factories import MARCH, administrator, build_world

pytestmark = pytest.mark.django_db

RANGE = f"from={MARCH.start}&to={MARCH.end}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


@pytest.fixture
def dashboard(client):
    build_world()
    client.force_login(administrator())
    page = client.get(f"/reports/?{RANGE}")
    assert page.status_code == 200
    return client, page.context["report"]


def download(client, path: str) -> list[list[str]]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.content.decode())))


def written(value) -> str:
    return "" if value is None else str(value)


def test_every_table_exports_what_the_dashboard_shows(dashboard):
    client, report = dashboard
    for table in report.tables():
        header, *lines = download(client, f"/reports/export/{table.key}.csv?{RANGE}")
        assert header[:2] == ["key", table.columns[0].label], table.key
        assert len(lines) == len(table.rows), table.key
        for line, row in zip(lines, table.rows, strict=True):
            expected = [row["key"], *(written(row.get(c.key)) for c in table.columns)]
            assert line[: len(expected)] == expected, table.key


def test_durations_are_exported_in_seconds(dashboard):
    client, _report = dashboard
    header, *lines = download(client, f"/reports/export/requests-timing.csv?{RANGE}")
    assert "Median (s)" in header
    first_invitation = next(line for line in lines if line[0] == "first_invitation")
    assert first_invitation[header.index("Median (s)")] == str(18 * 3600)


def test_single_figures_say_their_unit(dashboard):
    client, _report = dashboard
    header, *lines = download(client, f"/reports/export/fairness-totals.csv?{RANGE}")
    assert header == ["key", "Measure", "Value", "Unit"]
    share = next(line for line in lines if line[0] == "busiest_share")
    assert share[2:] == ["50.0", UNITS["percent"]]


def test_the_network_as_an_edge_list(dashboard):
    client, _report = dashboard
    header, *lines = download(client, f"/reports/network.csv?{RANGE}")
    assert header == [
        "source",
        "source_name",
        "target",
        "target_name",
        "engagements",
        "experts",
        "smes",
    ]
    assert sorted(lines) == [
        ["toronto", "Toronto", "shanghai", "Shanghai", "1", "1", "1"],
        ["waterloo-region", "Waterloo Region", "suzhou", "Suzhou", "1", "1", "1"],
    ]


def test_the_network_as_graphml(dashboard):
    client, _report = dashboard
    response = client.get(f"/reports/network.graphml?{RANGE}&sector=automotive")
    assert response["Content-Type"].startswith("application/graphml+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own export
    graph = root.find(f"{GRAPHML}graph")
    assert graph.get("edgedefault") == "undirected"
    nodes = {
        node.get("id"): {data.get("key"): data.text for data in node}
        for node in graph.iter(f"{GRAPHML}node")
    }
    assert nodes["canada:toronto"] == {"name": "Toronto", "side": "canada"}
    assert nodes["china:suzhou"] == {"name": "Suzhou", "side": "china"}
    edges = {
        (edge.get("source"), edge.get("target")): {d.get("key"): d.text for d in edge}
        for edge in graph.iter(f"{GRAPHML}edge")
    }
    assert edges == {
        ("canada:toronto", "china:shanghai"): {"engagements": "1", "experts": "1", "smes": "1"},
        ("canada:waterloo-region", "china:suzhou"): {
            "engagements": "1",
            "experts": "1",
            "smes": "1",
        },
    }


def test_an_empty_network_is_still_a_graph(dashboard):
    client, _report = dashboard
    response = client.get(f"/reports/network.graphml?{RANGE}&sector=mining-energy")
    graph = ElementTree.fromstring(response.content).find(f"{GRAPHML}graph")  # noqa: S314
    assert list(graph.iter(f"{GRAPHML}edge")) == []


def test_a_name_a_spreadsheet_would_run_is_written_as_text(dashboard):
    client, _report = dashboard
    Sector.objects.filter(slug="automotive").update(name_en="=HYPERLINK(1)")
    cache.clear()  # the sectors' names are cached
    _header, *lines = download(client, f"/reports/export/members-by-sector.csv?{RANGE}")
    assert ["automotive", "'=HYPERLINK(1)", "3", "2"] in lines

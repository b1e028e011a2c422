"""With a read replica configured, reports and their exports read there and nothing else does;
writes always go to the primary. The replica here is a second connection to the test database,
named as ``DATABASE_REPLICA_URL`` names it: what the test commits, it sees."""

import pytest
from django.conf import settings
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from core.replica import REPLICA, read_alias, reading_replica
from members.models import Sector
from tests.reports.factories import MARCH, administrator, build_world

RANGE = f"from={MARCH.start}&to={MARCH.end}"


def test_without_a_replica_everything_reads_the_primary():
    with reading_replica():
        assert read_alias() == "default"


@pytest.fixture(scope="module")
def replica_alias(django_db_setup, django_db_blocker):
    """Set up before the tests' database access is (module scope first), so that they may name
    it; kept for the module's remaining tests."""
    primary = connections["default"].settings_dict
    connections.settings[REPLICA] = dict(primary)
    with override_settings(DATABASES={**settings.DATABASES, REPLICA: primary}):
        yield
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def replica(replica_alias, seeded_transactional_db):
    return connections[REPLICA]


pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.filterwarnings("ignore:Overriding setting DATABASES"),  # as meant, see above
]


def report_queries(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if "UNION ALL" in query["sql"]]


def dashboard_and_export(client) -> tuple[bytes, bytes]:
    client.force_login(administrator())
    page = client.get(f"/reports/?{RANGE}")
    export = client.get(f"/reports/export/members-by-sector.csv?{RANGE}")
    assert page.status_code == export.status_code == 200
    return page.context["report"], export.content


def test_reports_and_exports_read_on_the_replica(replica, client):
    build_world()
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(replica) as replicated,
    ):
        report, export = dashboard_and_export(client)
    assert len(report_queries(replicated)) == 2  # the dashboard's, the export's
    assert report_queries(primary) == []
    assert b"automotive" in export  # the replica's figures, not an empty report
    assert any(table.rows for table in report.tables())


def test_writes_go_to_the_primary_even_while_reading_the_replica(replica):
    with reading_replica():
        assert read_alias() == REPLICA
        sector = Sector.objects.create(slug="robotics", name_en="Robotics")
    assert sector._state.db == "default"
    assert read_alias() == "default"

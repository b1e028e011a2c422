import pytest
from django.core.management import call_command

from economy.demo import SCHEDULED, UPDATES
from economy.models import EconomyUpdate, FeedSource, Indicator
from members.models import User
from tests.members.factories import with_authenticator

pytestmark = pytest.mark.django_db


def test_the_demo_shows_updates_in_three_languages_and_work_for_the_editor(capsys, client):
    call_command("load_demo")
    call_command("load_demo")
    assert "Demo economy updates: already there." in capsys.readouterr().out
    visible = EconomyUpdate.objects.visible()
    assert set(visible.values_list("title", flat=True)) == {update["title"] for update in UPDATES}
    assert set(visible.values_list("language", flat=True)) == {"en", "fr", "zh-hans"}

    page = client.get("/economy/").content.decode()
    assert UPDATES[2]["title"] in page
    assert SCHEDULED["title"] not in page  # tomorrow's
    assert (
        "<strong>"
        in client.get(visible.get(language="zh-hans").get_absolute_url()).content.decode()
    )

    client.force_login(with_authenticator(User.objects.get(email="editor@demo.knowbridge.local")))
    assert (
        "aerospace cluster looks for partners"
        in client.get("/economy/desk/?tab=draft").content.decode()
    )
    assert "Guangzhou port" in client.get("/economy/desk/?tab=review").content.decode()
    assert SCHEDULED["title"] in client.get("/economy/desk/?tab=scheduled").content.decode()

    assert Indicator.objects.count() == 3
    assert all(indicator.values.count() == 24 for indicator in Indicator.objects.all())
    assert "CNY/CAD" in client.get("/economy/indicators/").content.decode()
    assert not FeedSource.objects.filter(active=True).exists()  # nothing made up is fetched

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from members.demo import DEMO_MEMBERS, DEMO_PASSWORD
from members.models import User

pytestmark = pytest.mark.django_db


def test_demo_members_can_log_in_and_loading_twice_duplicates_nothing(client, capsys):
    call_command("load_demo")
    call_command("load_demo")
    output = capsys.readouterr().out
    assert "Demo members: 0 created, 8 already there." in output
    assert DEMO_PASSWORD in output
    assert User.objects.count() == len(DEMO_MEMBERS) == 8
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 8
    response = client.post(
        "/accounts/login/", {"login": "li.wei@demo.knowbridge.local", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_demo_staff_belong_to_their_groups():
    call_command("load_demo")
    moderator = User.objects.get(email="moderator@demo.knowbridge.local")
    assert moderator.is_staff
    assert not moderator.is_superuser
    assert list(moderator.groups.values_list("name", flat=True)) == ["Moderators"]
    assert User.objects.get(email="admin@demo.knowbridge.local").is_superuser


def test_demo_data_is_never_loaded_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("load_demo")
    assert not User.objects.exists()

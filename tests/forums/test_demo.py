import pytest
from django.core.management import call_command

from forums.demo import DEMO_THREADS
from forums.models import Post, Thread
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_demo_threads_are_written_as_members_write_them_and_not_twice(capsys):
    call_command("load_demo")
    call_command("load_demo")
    assert "Demo threads: 0 created, 4 already there." in capsys.readouterr().out
    assert Thread.objects.count() == len(DEMO_THREADS)
    subsidiary = Thread.objects.get(title="在多伦多设立子公司的经验")
    assert subsidiary.accepted_post.author.display_name == "Arjun Mehta"
    assert subsidiary.post_count == 3
    assert subsidiary.helpful_count == 3
    mention = Post.objects.get(thread=subsidiary, number=3).html
    assert 'class="mention"' in mention
    assert "@Li Wei" in mention
    li_wei = subsidiary.author
    assert Notification.objects.filter(recipient=li_wei, kind="forums.mention").exists()

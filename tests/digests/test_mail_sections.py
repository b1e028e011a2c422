"""Every section of a digest renders, in both parts of the mail and in the member's language:
an SME member's requests with their links, a professional's room for engagements, replies
counted in words."""

import pytest
from django.conf import settings

from digests import building, services
from digests.models import Delivery, Subscription
from members.models import User
from tests.digests.factories import make_due
from tests.digests.test_building import world  # noqa: F401 - the hand-built week, a fixture
from tests.matchmaking.factories import sector

pytestmark = pytest.mark.django_db


def mail_of(member) -> tuple[str, str]:
    delivery = Delivery.objects.get(member=member, status=Delivery.Status.CLAIMED)
    [digest] = building.load([delivery.items])
    message = services.compose(delivery, digest)
    return message.body, message.alternatives[0][0]


def test_each_section_in_french_in_both_parts(world):  # noqa: F811 - the fixture imported above
    owner, li = world["owner"], world["li"]
    User.objects.filter(pk__in=[owner.pk, li.pk]).update(language="fr")
    Subscription.objects.filter(pk=owner.pk).update(follows_profile=False)
    Subscription.objects.get(pk=owner.pk).sectors.set([sector("automotive")])
    make_due(owner)
    make_due(li)
    assert services.claim_batch(member_ids=[owner.pk, li.pk])["claimed"] == 2

    text, html = mail_of(owner)
    request = world["request"]
    assert "Les demandes d'aide de votre PME" in text
    assert f"/requests/{request.pk}/" in text
    assert f'href="{settings.SITE_URL}/requests/{request.pk}/"' in html

    text, html = mail_of(li)
    assert "Vous avez de la place pour 3 accompagnements de plus." in text
    assert "Vous avez de la place pour 3 accompagnements de plus." in html
    assert "1 réponse" in html  # each of the two threads has one reply
    assert "Fils de discussion les plus utiles de vos catégories" in html
    latest = world["cpi"].values.order_by("-date").first().date
    written = f"{latest.day} {FRENCH_MONTHS[latest.month - 1]} {latest.year}"
    # The indicator's figures and date as French writes them.
    assert f"CPI\u00a0: 0,5\u00a0% ({written}, +0,3)" in text
    assert f'CPI\u00a0: 0,5\u00a0% <span class="digest-hint">({written}, +0,3)' in html


FRENCH_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

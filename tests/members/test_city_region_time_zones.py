"""Every reference city-region says its time zone (the matching engine compares working hours);
staff can only give one that exists."""

import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from members.models import CityRegion

pytestmark = pytest.mark.django_db


def test_every_reference_city_region_has_a_known_time_zone():
    for region in CityRegion.objects.all():
        assert zoneinfo.ZoneInfo(region.time_zone), region.slug
    zones = dict(CityRegion.objects.values_list("slug", "time_zone"))
    assert zones["toronto"] == "America/Toronto"
    assert zones["vancouver"] == "America/Vancouver"
    assert zones["suzhou"] == "Asia/Shanghai"


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "../etc/passwd", "Toronto"])
def test_a_time_zone_that_does_not_exist_is_refused(name):
    region = CityRegion.objects.get(slug="toronto")
    region.time_zone = name
    with pytest.raises(ValidationError) as refused:
        region.full_clean()
    assert "time_zone" in refused.value.message_dict

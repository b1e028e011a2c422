"""Each city-region says its time zone (an IANA name), so that the matching engine can tell how
many working hours an expert shares with an SME. The reference city-regions get theirs here;
staff give one to the rows they add in the admin."""

from django.db import migrations, models

import members.models

# Reference city-regions (members 0004) by slug. Montréal and Québec City keep Eastern time, as
# America/Toronto does; Saskatchewan keeps Central Standard Time all year (America/Regina).
TIME_ZONES = {
    # Canada
    "toronto": "America/Toronto",
    "waterloo-region": "America/Toronto",
    "ottawa": "America/Toronto",
    "montreal": "America/Toronto",
    "quebec-city": "America/Toronto",
    "hamilton": "America/Toronto",
    "london-ontario": "America/Toronto",
    "vancouver": "America/Vancouver",
    "victoria": "America/Vancouver",
    "calgary": "America/Edmonton",
    "edmonton": "America/Edmonton",
    "winnipeg": "America/Winnipeg",
    "saskatoon": "America/Regina",
    "regina": "America/Regina",
    "halifax": "America/Halifax",
    # China
    "beijing": "Asia/Shanghai",
    "shanghai": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai",
    "guangzhou": "Asia/Shanghai",
    "hong-kong": "Asia/Hong_Kong",
    "greater-bay-area": "Asia/Shanghai",
    "suzhou": "Asia/Shanghai",
    "hangzhou": "Asia/Shanghai",
    "nanjing": "Asia/Shanghai",
    "chengdu": "Asia/Shanghai",
    "chongqing": "Asia/Shanghai",
    "wuhan": "Asia/Shanghai",
    "tianjin": "Asia/Shanghai",
    "xian": "Asia/Shanghai",
    "qingdao": "Asia/Shanghai",
    "dalian": "Asia/Shanghai",
    "xiamen": "Asia/Shanghai",
    "ningbo": "Asia/Shanghai",
    "shenyang": "Asia/Shanghai",
    # Other countries of origin
    "mumbai": "Asia/Kolkata",
    "delhi-ncr": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "hyderabad": "Asia/Kolkata",
    "manila": "Asia/Manila",
    "cebu": "Asia/Manila",
    "ho-chi-minh-city": "Asia/Ho_Chi_Minh",
    "hanoi": "Asia/Ho_Chi_Minh",
    "karachi": "Asia/Karachi",
    "lahore": "Asia/Karachi",
    "islamabad": "Asia/Karachi",
    "tehran": "Asia/Tehran",
    "isfahan": "Asia/Tehran",
    "lagos": "Africa/Lagos",
    "abuja": "Africa/Lagos",
    "seoul": "Asia/Seoul",
    "busan": "Asia/Seoul",
    "london-uk": "Europe/London",
    "paris": "Europe/Paris",
    "lyon": "Europe/Paris",
    "new-york": "America/New_York",
    "san-francisco-bay-area": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "mexico-city": "America/Mexico_City",
    "sao-paulo": "America/Sao_Paulo",
    "dhaka": "Asia/Dhaka",
    "colombo": "Asia/Colombo",
    "algiers": "Africa/Algiers",
    "casablanca": "Africa/Casablanca",
    "cairo": "Africa/Cairo",
    "kyiv": "Europe/Kyiv",
    "bogota": "America/Bogota",
    "kingston-jamaica": "America/Jamaica",
}


def set_time_zones(apps, schema_editor):
    city_region = apps.get_model("members", "CityRegion")
    for slug, time_zone in TIME_ZONES.items():
        city_region.objects.filter(slug=slug, time_zone="").update(time_zone=time_zone)


class Migration(migrations.Migration):
    dependencies = [("members", "0012_profile_taking_requests")]

    operations = [
        migrations.AddField(
            model_name="cityregion",
            name="time_zone",
            field=models.CharField(
                blank=True,
                help_text="Its IANA name, such as America/Toronto or Asia/Shanghai.",
                max_length=64,
                validators=[members.models.validate_time_zone],
                verbose_name="time zone",
            ),
        ),
        migrations.RunPython(set_time_zones, migrations.RunPython.noop),
    ]

"""The experience page: lists of languages, corridors, countries, designations and links, edited
together and saved at once. Posts start from what a browser sends for the page as rendered."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from members import services
from members.models import Country, Language, ProfileLanguage
from tests.members.factories import CityRegionFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("members:profile_experience")


class BrowserForm(HTMLParser):
    """The fields a browser submits for the page's form, as it shows them: text as written, a
    select at its selected option or else its first, checkboxes only when ticked. Rows kept in a
    <template> are not part of the form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self.in_template = 0
        self.select: str | None = None
        self.first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self.in_template += 1
        if self.in_template or not attrs.get("name"):
            if tag == "option" and self.select and not self.in_template:
                self._option(attrs)
            return
        if tag == "input" and attrs.get("type") not in ("submit", "checkbox"):
            self.data[attrs["name"]] = attrs.get("value", "")
        elif tag == "input" and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.data[attrs["name"]] = attrs.get("value", "on")
        elif tag == "select":
            self.select, self.first_option = attrs["name"], None

    def _option(self, attrs):
        if self.first_option is None:
            self.first_option = attrs.get("value", "")
            self.data.setdefault(self.select, self.first_option)
        if "selected" in attrs:
            self.data[self.select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template -= 1
        if tag == "select":
            self.select = None


def page_form(client) -> dict[str, str]:
    parser = BrowserForm()
    parser.feed(client.get(URL).content.decode())
    parser.data.pop("language", None)  # the footer's language switcher is another form
    parser.data.pop("next", None)
    return parser.data


@pytest.fixture
def corridor():
    china = CityRegionFactory(country__code="CN", country__name_en="China")
    return {
        "china_region": china.pk,
        "canada_region": CityRegionFactory().pk,
        "sector": SectorFactory().pk,
    }


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return member.profile


def row(prefix: str, index: int, **values) -> dict[str, str]:
    return {f"{prefix}-{index}-{name}": str(value) for name, value in values.items()}


def languages_of(profile):
    return sorted(
        (spoken.language.code, spoken.level) for spoken in profile.spoken.select_related("language")
    )


def test_saving_the_page_untouched_keeps_what_is_there(client, signed_in):
    english = Language.objects.get(code="eng")
    services.set_spoken_languages(profile=signed_in, entries=[(english, "native")])
    services.set_designations(profile=signed_in, entries=[("CPA", "Ontario")])

    response = client.post(URL, page_form(client))

    assert response.status_code == 302
    assert languages_of(signed_in) == [("eng", "native")]
    assert list(signed_in.designations.values_list("title", flat=True)) == ["CPA"]


def test_the_blank_language_row_is_ignored_when_only_a_corridor_is_added(
    client, signed_in, corridor
):
    data = page_form(client)
    assert data["languages-0-level"] == ProfileLanguage.Level.PROFESSIONAL
    data |= row("corridors", 0, **corridor)

    response = client.post(URL, data)

    assert response.status_code == 302
    assert signed_in.corridors.count() == 1
    assert languages_of(signed_in) == []


def test_a_level_chosen_without_a_language_is_no_entry(client, signed_in):
    data = page_form(client) | row("languages", 0, level="native")
    assert client.post(URL, data).status_code == 302
    assert languages_of(signed_in) == []


def test_several_rows_of_several_lists_are_saved_in_one_post(client, signed_in, corridor):
    other_corridor = corridor | {"sector": SectorFactory().pk}
    french, mandarin = Language.objects.get(code="fra"), Language.objects.get(code="cmn")
    data = page_form(client) | {
        "languages-TOTAL_FORMS": "3",
        "corridors-TOTAL_FORMS": "3",
        "designations-TOTAL_FORMS": "2",
    }
    data |= row("languages", 0, language=french.pk, level="conversational")
    data |= row("languages", 1, language=mandarin.pk, level="native")
    data |= row("languages", 2, language="", level="professional")
    data |= row("corridors", 0, **corridor) | row("corridors", 1, **other_corridor)
    data |= row("designations", 0, title="P.Eng.", jurisdiction="Ontario")

    response = client.post(URL, data)

    assert response.status_code == 302
    assert languages_of(signed_in) == [("cmn", "native"), ("fra", "conversational")]
    assert signed_in.corridors.count() == 2
    assert list(signed_in.designations.values_list("title", flat=True)) == ["P.Eng."]


def test_a_ticked_row_is_deleted(client, signed_in):
    english, french = Language.objects.get(code="eng"), Language.objects.get(code="fra")
    services.set_spoken_languages(
        profile=signed_in, entries=[(english, "native"), (french, "basic")]
    )
    data = page_form(client)
    french_row = next(
        key for key, value in data.items() if key.endswith("-language") and value == str(french.pk)
    )
    data[french_row.replace("-language", "-DELETE")] = "on"

    assert client.post(URL, data).status_code == 302
    assert languages_of(signed_in) == [("eng", "native")]


def test_a_bad_row_is_shown_with_its_error_and_everything_typed(client, signed_in, corridor):
    canada = Country.objects.get(code="CA")
    data = page_form(client) | {"countries-TOTAL_FORMS": "2"}
    data |= row("corridors", 0, **(corridor | {"sector": ""}))
    data |= row("designations", 0, title="Chartered Financial Analyst", jurisdiction="CFA 协会")
    data |= row("countries", 0, country=canada.pk, years="12")
    data |= row("countries", 1, country=canada.pk, years="99")

    response = client.post(URL, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("This field is required.") == 1
    assert page.count("Ensure this value is less than or equal to 70.") == 1
    for name, value in data.items():
        if name.startswith(("corridors-0", "designations-0", "countries-")) and value:
            assert typed(page, name, value), f"{name}={value} was lost"
    assert not signed_in.corridors.exists()
    assert not signed_in.designations.exists()


def typed(page: str, name: str, value: str) -> bool:
    """Whether the page shows ``value`` in the field ``name``, as a text value or a selection."""
    parser = BrowserForm()
    parser.feed(page)
    return parser.data.get(name) == value


def test_add_a_row_without_javascript_shows_one_more_row_and_saves_nothing(
    client, signed_in, corridor
):
    data = page_form(client) | row("corridors", 0, **(corridor | {"sector": ""}))
    data |= row("designations", 0, title="LL.B.", jurisdiction="Québec")

    response = client.post(URL, data | {"add": "corridors"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." not in page
    shown = BrowserForm()
    shown.feed(page)
    assert shown.data["corridors-TOTAL_FORMS"] == "2"
    assert shown.data["corridors-1-china_region"] == ""
    assert shown.data["languages-TOTAL_FORMS"] == "1"
    for name in ("corridors-0-china_region", "designations-0-title", "designations-0-jurisdiction"):
        assert shown.data[name] == data[name]
    assert not signed_in.corridors.exists()
    assert not signed_in.designations.exists()


def test_a_language_row_added_without_javascript_starts_at_the_usual_level(client, signed_in):
    response = client.post(URL, page_form(client) | {"add": "languages"})
    shown = BrowserForm()
    shown.feed(response.content.decode())
    assert shown.data["languages-1-level"] == ProfileLanguage.Level.PROFESSIONAL


def test_add_a_row_with_a_broken_management_form_is_no_error(client, signed_in):
    data = page_form(client) | {"add": "links", "links-TOTAL_FORMS": "many"}
    assert client.post(URL, data).status_code == 200


def test_no_more_than_twenty_rows_a_list(client, signed_in):
    data = page_form(client) | {"designations-TOTAL_FORMS": "21"}
    for index in range(21):
        data |= row("designations", index, title=f"Title {index}", jurisdiction="Ontario")
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "Please submit at most 20 forms." in response.content.decode()
    assert not signed_in.designations.exists()


def test_the_dashboard_leads_an_expert_without_corridors_to_the_corridors_list(client):
    expert = UserFactory()
    services.choose_intents(
        profile=expert.profile,
        offers_expertise=True,
        seeks_help=False,
        represents_facilitator=False,
    )
    services.update_profile(
        profile=expert.profile,
        headline="Fintech adviser",
        sectors=[SectorFactory()],
        expertise=["payments"],
        advice_topics=["market entry"],
    )
    services.finish_onboarding(profile=expert.profile)
    client.force_login(expert)

    dashboard = client.get(reverse("members:dashboard")).content.decode()

    assert f'href="{URL}#corridors"' in dashboard
    assert 'id="corridors"' in client.get(URL).content.decode()


def test_pressing_enter_in_a_field_saves_rather_than_adds_a_row(client, signed_in):
    """A browser submits a form on Enter with its first submit button (here: without JavaScript,
    when "Add a row" buttons are submit buttons too)."""
    page = client.get(URL).content.decode()
    form = page[page.index('<form method="post" novalidate>') :]
    first_button = re.search(r"<button[^>]*>[^<]*</button>", form).group(0)
    assert 'type="submit"' in first_button
    assert "name=" not in first_button
    assert ">Save</button>" in first_button

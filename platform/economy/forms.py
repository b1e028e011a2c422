"""The Editors' form for an update, the publishing form, and the public list's filters. They
check what one field can tell; the services decide the rest (lengths weighed across scripts,
the source's address, readiness)."""

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from economy.models import EconomyUpdate
from members.models import CityRegion, Sector


class UpdateForm(forms.ModelForm):
    source_url = forms.URLField(
        label=capfirst(EconomyUpdate._meta.get_field("source_url").verbose_name),
        max_length=EconomyUpdate._meta.get_field("source_url").max_length,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = EconomyUpdate
        fields = [
            "title",
            "summary",
            "body",
            "sectors",
            "city_regions",
            "source_name",
            "source_url",
            "language",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 14}),
            "sectors": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "body": _("Markdown: **bold**, lists, links. Images are shown as links."),
            "source_name": _("Who reported it first: a ministry, a statistics bureau, a paper."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].strip = False  # leading spaces start a Markdown code block
        self.fields["sectors"].queryset = Sector.objects.order_by("name_en")
        self.fields["city_regions"].queryset = CityRegion.objects.select_related(
            "country"
        ).order_by("name_en")


class PublishForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave it empty to publish now; a time still to come schedules the update."),
    )


class DiscardForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), max_length=500, required=False)


class UpdateFilterForm(forms.Form):
    """The public list's filters, read from the query string; keys, not ids, in the address."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.order_by("name_en"),
        to_field_name="slug",
        required=False,
        empty_label=_("All sectors"),
    )
    region = forms.ModelChoiceField(
        label=_("City-region"),
        queryset=CityRegion.objects.order_by("name_en"),
        to_field_name="slug",
        required=False,
        empty_label=_("All city-regions"),
    )
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("All languages")), *settings.LANGUAGES]

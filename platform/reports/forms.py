"""The dashboard's range and the knowledge network's sector, read from the query string."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members import reference
from members.models import Sector
from reports.periods import Period, check
from reports.selectors import sector_by_key


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReportForm(forms.Form):
    """``from`` and ``to`` (ISO dates, both included; the last 90 days when left out) and
    ``sector`` (a sector's key, or all)."""

    def __init__(self, data=None, **kwargs):
        default = Period.default()
        data = data.copy() if data is not None else {}
        for name, day in (("from", default.start), ("to", default.end)):
            if not data.get(name):
                data[name] = day.isoformat()
        super().__init__(data, **kwargs)
        self.fields["from"] = forms.DateField(
            label=pgettext_lazy("date range", "From"), widget=DateInput()
        )
        self.fields["to"] = forms.DateField(
            label=pgettext_lazy("date range", "To"), widget=DateInput()
        )
        self.fields["sector"] = forms.ChoiceField(
            label=_("Sector of the knowledge network"),
            required=False,
            choices=[("", _("All sectors"))]
            + [(row["key"], row["name"]) for row in reference.rows(Sector)],
        )

    def clean(self):
        data = super().clean()
        if "from" in data and "to" in data:
            try:
                data["period"] = check(data["from"], data["to"])
            except ValidationError as error:
                for name, messages in error.error_dict.items():
                    for message in messages:
                        self.add_error(name, message)
        return data

    def sector(self) -> Sector | None:
        return sector_by_key(self.cleaned_data.get("sector") or "")

"""What every app's forms share."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import fields
from django.utils.translation import gettext_lazy as _

# The empty choice of a list, in words (« — Choisir — », “— 请选择 —”) rather than a row of dashes.
EMPTY_CHOICE = _("— Choose —")


def label_empty_choices_in_words() -> None:
    """Make every empty choice Django offers say EMPTY_CHOICE: the one model fields with choices
    give their form fields and the admin's filters (``BLANK_CHOICE_DASH``, read as a default
    argument, so changed in place) and ``ModelChoiceField``'s ``empty_label``. Run once, when
    the core app is ready; django-filter reads ``FILTERS_EMPTY_CHOICE_LABEL`` from the settings."""
    fields.BLANK_CHOICE_DASH[:] = [("", EMPTY_CHOICE)]
    forms.ModelChoiceField.__init__.__kwdefaults__["empty_label"] = EMPTY_CHOICE


class RadioSelect(forms.RadioSelect):
    """Radio buttons without an empty choice when an answer is required (a model field without
    a default offers one to its form field, which a select needs and a set of buttons does not)."""

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        if not self.is_required:
            return groups
        return [group for group in groups if group[1][0]["value"] != ""]


class DateInput(forms.DateInput):
    """The browser's date picker; without it, a text box that takes YYYY-MM-DD."""

    input_type = "date"


def submitted(request, *, files: bool = False):
    """The data a form is bound to: only on POST, even an empty one (``POST or None`` is not)."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


def show_service_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on each field it names that the form has,
    the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)

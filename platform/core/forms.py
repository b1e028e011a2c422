"""What every app's forms share."""

from django import forms
from django.core.exceptions import ValidationError


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

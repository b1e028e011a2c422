"""Empty choices say what to do, in words, and radio buttons for a required answer offer none."""

from django import forms
from django.db import models
from django.test.utils import isolate_apps
from django.urls import get_resolver
from django.utils import translation

from core.forms import RadioSelect
from members.models import Sector


@isolate_apps("core")
def test_a_model_field_with_choices_offers_an_empty_choice_in_words():
    class Thing(models.Model):
        colour = models.CharField(max_length=5, choices=[("red", "Red")], blank=True)

        class Meta:
            app_label = "core"

        def __str__(self):
            return self.colour

    empty, _red = Thing._meta.get_field("colour").formfield().choices
    with translation.override("fr"):
        assert empty == ("", "— Choisir —")
    with translation.override("zh-hans"):
        assert str(empty[1]) == "— 请选择 —"


def test_a_model_choice_field_offers_an_empty_choice_in_words(db):
    field = forms.ModelChoiceField(Sector.objects.all())
    html = field.widget.render("sector", None)
    assert "— Choose —" in html
    assert "---------" not in html


def test_radio_buttons_for_a_required_answer_have_no_empty_one():
    field = forms.ChoiceField(choices=[("", "— Choose —"), ("sme", "SME")], widget=RadioSelect)
    html = field.widget.render("kind", "")
    assert 'value="sme"' in html
    assert 'value=""' not in html
    optional = forms.ChoiceField(
        choices=[("", "None"), ("sme", "SME")], widget=RadioSelect, required=False
    )
    assert 'value=""' in optional.widget.render("kind", "")


def project_forms() -> list[type[forms.BaseForm]]:
    """Every form class of the project's apps, made as its module was imported."""
    get_resolver().url_patterns  # noqa: B018  (imports every view, so every form)
    found, waiting = [], [forms.BaseForm]
    while waiting:
        cls = waiting.pop()
        waiting.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_APPS:
            found.append(cls)
    return found


PROJECT_APPS = {"core", "members", "notifications", "conversations", "forums", "matchmaking"}
PROJECT_APPS |= {"economy", "digests", "moderation", "reports"}


def empty_labels(field: forms.Field) -> list[str]:
    if isinstance(field, forms.ModelChoiceField):
        return [field.empty_label]
    if isinstance(field, forms.ChoiceField):
        return [label for value, label in field.choices if value == ""]
    return []


def test_no_form_of_the_project_offers_a_row_of_dashes(db):
    """Forms whose classes were made before the empty choice was put in words (the admin's
    autodiscovery imports them early) kept Django's dashes: the profile's city-region did."""
    forms_of_the_project = project_forms()
    dashes = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in forms_of_the_project
        for name, field in form.base_fields.items()
        if "---------" in empty_labels(field)
    ]
    assert len(forms_of_the_project) >= 50
    assert dashes == []

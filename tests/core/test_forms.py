"""Empty choices say what to do, in words, and radio buttons for a required answer offer none."""

from django import forms
from django.db import models
from django.test.utils import isolate_apps
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

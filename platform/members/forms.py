from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.validators import validate_email
from django.forms.formsets import DELETION_FIELD_NAME, TOTAL_FORM_COUNT
from django.utils.translation import gettext_lazy as _

from core.forms import EMPTY_CHOICE, RadioSelect
from core.images import portrait_jpeg
from members import reference
from members.directory import SortChoices
from members.models import (
    CANADA,
    CityRegion,
    Country,
    EngagementType,
    ExpertiseTag,
    Language,
    Membership,
    Organisation,
    Profile,
    ProfileLanguage,
    Sector,
    Visibility,
)


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("How other members see you. Your email address stays private."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["display_name", "email", "password1", "password2"]


class LoginForm(AllauthLoginForm):
    """Allauth's log-in form, with the address filled in from ``?email=`` as its sign-up form is
    (links from an invitation or a confirmed address)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.request.GET.get("email", "") if self.request else ""
        try:
            validate_email(email)
        except forms.ValidationError:
            return
        self.fields["login"].initial = email


class TagsField(forms.CharField):
    """Free tags typed as a comma-separated list; Chinese and full-width commas work too."""

    SEPARATORS = ("，", "、", ";", "；")

    def to_python(self, value):
        text = super().to_python(value)
        for separator in self.SEPARATORS:
            text = text.replace(separator, ",")
        return [tag.strip() for tag in text.split(",") if tag.strip()]

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(tag) for tag in value)
        return value

    default_validators = [ExpertiseTag.validate_names]


class IntentsForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = Profile.INTENT_FIELDS
        help_texts = {
            "offers_expertise": _("Share what you know and help SMEs when they ask."),
            "seeks_help": _("Post help requests for a small or medium enterprise."),
            "represents_facilitator": _(
                "A government agency, business association, consulting or law firm, bank…"
            ),
        }

    def clean(self):
        cleaned = super().clean()
        Profile.validate_intents(**cleaned)
        return cleaned


class ProfileForm(forms.ModelForm):
    expertise = TagsField(
        label=_("Areas of expertise"),
        required=False,
        help_text=_("Comma-separated, e.g. cross-border M&A, 供应链, fintech."),
    )
    advice_topics = TagsField(
        label=_("Topics I am willing to advise on"),
        required=False,
        help_text=_(
            "What you would gladly help an SME with, which may differ from your experience."
        ),
    )

    class Meta:
        model = Profile
        fields = Profile.EDITABLE
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 6}),
            "sectors": forms.CheckboxSelectMultiple,
            "engagement_types": forms.CheckboxSelectMultiple,
            "knowledge_stages": forms.CheckboxSelectMultiple,
            "listing": RadioSelect,
        }
        help_texts = {"bio": _("Markdown works: **bold**, *italics*, lists and links.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for relation in Profile.TAG_RELATIONS:
                self.initial.setdefault(
                    relation, [tag.name for tag in getattr(self.instance, relation).all()]
                )
        for name in ("sectors", "country_of_origin", "engagement_types", "knowledge_stages"):
            if name in self.fields:
                reference.cache_choices(self, name)
        if "canadian_region" in self.fields:
            reference.cache_choices(self, "canadian_region", country=CANADA)
        if "home_regions" in self.fields:
            self.fields["home_regions"].queryset = Profile.home_region_choices()
            self.fields["home_regions"].help_text = Profile.HOME_REGIONS_HELP
            reference.cache_choices(self, "home_regions", outside_country=CANADA)


class OnboardingExpertForm(ProfileForm):
    class Meta(ProfileForm.Meta):
        fields = ["headline", "sectors", "canadian_region", "open_to_requests"]
        labels = {"open_to_requests": _("Invite me to SMEs' help requests")}


class OnboardingOrganiserForm(ProfileForm):
    expertise = None
    advice_topics = None

    class Meta(ProfileForm.Meta):
        fields = ["headline", "sectors", "canadian_region"]


class PhotoForm(forms.Form):
    """Cleans to the portrait's JPEG bytes: the upload is decoded once, here."""

    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("A JPEG, PNG or WebP image of 5 MB at most; it is cropped to a square."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_photo(self) -> bytes:
        return portrait_jpeg(self.cleaned_data["photo"])


class VisibilityForm(forms.Form):
    LABELS = {
        "photo": _("Photo"),
        "employer": _("Employer"),
        "country_of_origin": _("Country of origin"),
        "years_in_canada": _("Years in Canada"),
        "home_regions": _("Ties to city-regions"),
        "designations": _("Professional designations"),
        "links": _("Links"),
    }

    def __init__(self, *args, profile: Profile, **kwargs):
        super().__init__(*args, **kwargs)
        for field in Profile.SENSITIVE_FIELDS:
            self.fields[field] = forms.ChoiceField(
                label=self.LABELS[field],
                choices=Visibility.choices,
                initial=profile.visibility_of(field),
            )


class EntryForm(forms.Form):
    """One row of a list on the experience page.

    A row counts as filled in only when a field without a preset value holds something: a blank
    row is ignored, whatever its presets (a language's level) say.
    """

    def has_changed(self):
        return any(
            self[name].data not in field.empty_values
            for name, field in self.fields.items()
            if name != DELETION_FIELD_NAME and field.initial is None
        )


class SpokenLanguageForm(EntryForm):
    language = reference.ReferenceChoiceField(
        Language.objects.all(), label=_("Language"), empty_label=EMPTY_CHOICE
    )
    level = forms.ChoiceField(
        choices=ProfileLanguage.Level.choices,
        initial=ProfileLanguage._meta.get_field("level").default,
        label=_("Level"),
    )


class CorridorForm(EntryForm):
    china_region = reference.ReferenceChoiceField(
        CityRegion.objects.filter(country__code="CN"),
        country="CN",
        label=_("City-region in China"),
        empty_label=EMPTY_CHOICE,
    )
    canada_region = reference.ReferenceChoiceField(
        CityRegion.objects.in_canada(),
        country=CANADA,
        label=_("City-region in Canada"),
        empty_label=EMPTY_CHOICE,
    )
    sector = reference.ReferenceChoiceField(
        Sector.objects.all(), label=_("Sector"), empty_label=EMPTY_CHOICE
    )


class CountryExperienceForm(EntryForm):
    country = reference.ReferenceChoiceField(
        Country.objects.all(), label=_("Country"), empty_label=EMPTY_CHOICE
    )
    years = forms.IntegerField(label=_("Years worked"), min_value=1, max_value=70)


class DesignationForm(EntryForm):
    title = forms.CharField(label=_("Designation"), max_length=80)
    jurisdiction = forms.CharField(label=_("Jurisdiction"), max_length=80)


class LinkForm(EntryForm):
    label = forms.CharField(label=_("Label"), max_length=60)
    url = forms.URLField(label=_("Address"), max_length=300, assume_scheme="https")


class EntriesFormSet(forms.BaseFormSet):
    def with_blank_row(self):
        """This formset as it was submitted, with one more blank row (at its presets) to fill in."""
        index = self.total_form_count()
        if index >= self.max_num:
            return self
        data = self.data.copy()
        data[self.management_form.add_prefix(TOTAL_FORM_COUNT)] = str(index + 1)
        row = self.form(prefix=self.add_prefix(index))
        for name, field in row.fields.items():
            if field.initial is not None:
                data[row.add_prefix(name)] = field.initial
        return type(self)(data, initial=self.initial, prefix=self.prefix)


def entries_formset(form_class):
    """Rows of ``form_class``, with one blank row to fill in and a "Delete" box on each."""
    return forms.formset_factory(
        form_class,
        formset=EntriesFormSet,
        extra=1,
        can_delete=True,
        max_num=20,
        validate_max=True,
    )


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"), max_length=300, required=False, assume_scheme="https"
    )

    class Meta:
        model = Organisation
        fields = Organisation.EDITABLE
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "sectors": forms.CheckboxSelectMultiple,
            "kind": RadioSelect,
        }
        help_texts = {
            "category": _("For facilitators: what kind of public or private body it is."),
            "description": _("Markdown works: **bold**, *italics*, lists and links."),
        }


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person to invite"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class MemberSearchForm(forms.Form):
    """The directory's filters, read from the query string so that results can be shared."""

    q = forms.CharField(label=_("Keywords"), max_length=200, required=False)
    sector = forms.MultipleChoiceField(
        choices=reference.key_choices(Sector), required=False, label=_("Sectors")
    )
    region = forms.ChoiceField(
        choices=reference.key_choices(CityRegion), required=False, label=_("City-region")
    )
    country = forms.ChoiceField(
        choices=reference.key_choices(Country), required=False, label=_("Country of origin")
    )
    language = forms.ChoiceField(
        choices=reference.key_choices(Language), required=False, label=_("Language")
    )
    engagement = forms.ChoiceField(
        choices=reference.key_choices(EngagementType),
        required=False,
        label=_("Engagement type"),
    )
    organisation_kind = forms.ChoiceField(
        choices=[("", _("Any organisation")), *Organisation.Kind.choices],
        required=False,
        label=_("Member of"),
    )
    available = forms.BooleanField(required=False, label=_("Open to help requests now"))
    sort = forms.ChoiceField(choices=SortChoices.choices, required=False, label=_("Sort by"))


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), max_length=200, required=False)
    kind = forms.ChoiceField(
        choices=[("", _("Any kind")), *Organisation.Kind.choices], required=False, label=_("Kind")
    )
    sector = forms.MultipleChoiceField(
        choices=reference.key_choices(Sector), required=False, label=_("Sectors")
    )
    region = forms.ChoiceField(
        choices=reference.key_choices(CityRegion), required=False, label=_("City-region")
    )
    sort = forms.ChoiceField(choices=SortChoices.choices, required=False, label=_("Sort by"))


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password

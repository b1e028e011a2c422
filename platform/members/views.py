from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.email_verification import send_verification_email_at_login
from allauth.account.stages import EmailVerificationStage, LoginStageController
from allauth.account.utils import has_verified_email
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import BooleanField
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import check_for_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.i18n import set_language

from core import staff_tools
from core.forms import submitted
from core.protected_files import protected_file
from members import access, directory, forms, presenters, selectors, services
from members.models import PHOTO_FOLDER, Invitation


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, remembering the choice on the account for e-mails too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and check_for_language(language):
        services.update_account(user=request.user, language=language)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    new_token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_api_token(user=request.user)
            messages.success(request, _("Your API token was revoked."))
            return redirect("members:api_token")
        new_token = services.issue_api_token(user=request.user)
        messages.success(request, _("A new API token was created. Copy it now."))
    return render(
        request,
        "members/api_token.html",
        {"token": new_token or selectors.api_token_for(request.user), "new_token": new_token},
    )


# --- Dashboard and onboarding ---------------------------------------------------------------------


def own_profile(request: HttpRequest, *parts):
    return access.access_own_profile(request.user, *parts)


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    profile = own_profile(request, *selectors.COMPLETENESS_PARTS)
    if profile.onboarded_at is None:
        if selectors.is_staff_account(request.user):
            return redirect("members:staff_home")
        return redirect("members:onboarding")
    return render(
        request,
        "members/dashboard.html",
        {
            "profile": profile,
            "completeness": selectors.completeness(profile),
            "organisations": [
                membership.organisation for membership in profile.user.memberships.all()
            ],
            "invitations": selectors.invitations_for(request.user),
        },
    )


STAFF_ROLES = {  # the staff groups' names, as staff read them
    "Editors": gettext_lazy("Editors"),
    "Moderators": gettext_lazy("Moderators"),
    "Administrators": gettext_lazy("Administrators"),
}


@login_required
@require_safe
def staff_home(request: HttpRequest) -> HttpResponse:
    if not selectors.is_staff_account(request.user):
        raise PermissionDenied
    roles = [STAFF_ROLES.get(name, name) for name in selectors.staff_groups(request.user)]
    tools = staff_tools.tools_for(request.user)
    return render(request, "members/staff_home.html", {"roles": roles, "tools": tools})


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request: HttpRequest) -> HttpResponse:
    profile = own_profile(request)
    form = forms.IntentsForm(submitted(request), instance=profile)
    if request.method == "POST" and form.is_valid():
        services.choose_intents(profile=profile, **form.cleaned_data)
        return redirect("members:onboarding_details")
    return render(
        request,
        "members/onboarding.html",
        {"form": form, "step": 1, "invitations": selectors.invitations_for(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def onboarding_details(request: HttpRequest) -> HttpResponse:
    profile = own_profile(request, "sectors", "expertise", "advice_topics")
    form_class = (
        forms.OnboardingExpertForm if profile.offers_expertise else forms.OnboardingOrganiserForm
    )
    form = form_class(submitted(request), instance=profile)
    if request.method == "POST" and form.is_valid():
        services.update_profile(profile=profile, **form.cleaned_data)
        services.finish_onboarding(profile=profile)
        messages.success(
            request, _("Welcome to KnowBridge! You can finish your profile at any time.")
        )
        if profile.seeks_help or profile.represents_facilitator:
            return redirect("organisations:create")
        return redirect("members:dashboard")
    return render(request, "members/onboarding.html", {"form": form, "step": 2, "profile": profile})


# --- Profile --------------------------------------------------------------------------------------


@require_safe
def profile_detail(request: HttpRequest, handle: str) -> HttpResponse:
    """A member's profile; its member may preview it ``?as=visitor`` or ``?as=member``."""
    profile = access.access_profile(request.user, handle)
    is_own = request.user.pk == profile.pk
    audience = request.GET.get("as") if is_own else None
    viewer = access.PREVIEW_AUDIENCES[audience]() if audience in access.PREVIEW_AUDIENCES else None
    return render(
        request,
        "members/profile_detail.html",
        {
            "profile": profile,
            "labels": selectors.labels_of(profile),
            "visible": access.visible_fields(viewer or request.user, profile),
            "is_own": is_own and viewer is None,
            "preview": audience if viewer else None,
            "preview_hidden": viewer is not None and not access.may_see_profile(viewer, profile),
        },
    )


@login_required
@require_safe
def my_profile(request: HttpRequest) -> HttpResponse:
    """The member's own profile, or with ``?as=`` its preview, at its public address."""
    handle = own_profile(request).handle
    audience = request.GET.get("as")
    query = f"?as={audience}" if audience in access.PREVIEW_AUDIENCES else ""
    return redirect(reverse("members:profile", args=[handle]) + query)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = own_profile(
        request,
        *selectors.COMPLETENESS_PARTS,
        "home_regions",
        "engagement_types",
        "knowledge_stages",
    )
    form = forms.ProfileForm(submitted(request), instance=profile)
    if request.method == "POST" and form.is_valid():
        services.update_profile(profile=profile, **form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("members:profile_edit")
    return render(
        request,
        "members/profile_edit.html",
        {"form": form, "profile": profile, "completeness": selectors.completeness(profile)},
    )


@dataclass(frozen=True)
class EntriesSection:
    """A list of small entries on the experience page, edited as a formset."""

    prefix: str
    title: str
    form: type
    save: Callable
    initial: Callable
    entry: Callable


EXPERIENCE_SECTIONS = (
    EntriesSection(
        "languages",
        gettext_lazy("Languages I speak"),
        forms.SpokenLanguageForm,
        services.set_spoken_languages,
        lambda p: [{"language": s.language_id, "level": s.level} for s in p.spoken.all()],
        lambda data: (data["language"], data["level"]),
    ),
    EntriesSection(
        "corridors",
        gettext_lazy("Corridors I have worked in"),
        forms.CorridorForm,
        services.set_corridors,
        lambda p: [
            {
                "china_region": c.china_region_id,
                "canada_region": c.canada_region_id,
                "sector": c.sector_id,
            }
            for c in p.corridors.all()
        ],
        lambda data: (data["china_region"], data["canada_region"], data["sector"]),
    ),
    EntriesSection(
        "countries",
        gettext_lazy("Years worked in each country"),
        forms.CountryExperienceForm,
        services.set_countries_worked,
        lambda p: [{"country": c.country_id, "years": c.years} for c in p.countries_worked.all()],
        lambda data: (data["country"], data["years"]),
    ),
    EntriesSection(
        "designations",
        gettext_lazy("Professional designations"),
        forms.DesignationForm,
        services.set_designations,
        lambda p: [
            {"title": d.title, "jurisdiction": d.jurisdiction} for d in p.designations.all()
        ],
        lambda data: (data["title"], data["jurisdiction"]),
    ),
    EntriesSection(
        "links",
        gettext_lazy("Links"),
        forms.LinkForm,
        services.set_links,
        lambda p: [{"label": link.label, "url": link.url} for link in p.links.all()],
        lambda data: (data["label"], data["url"]),
    ),
)


@login_required
@require_http_methods(["GET", "POST"])
def profile_experience(request: HttpRequest) -> HttpResponse:
    """Every list at once. "Add a row" (a submit button when the script that adds rows in place
    does not run) shows the page again as typed, with one more row in its section, saving nothing.
    """
    profile = own_profile(
        request, "spoken", "corridors", "countries_worked", "designations", "links"
    )
    adding = request.POST.get("add")
    formsets = [
        (section, experience_formset(request, profile, section, add_row=adding == section.prefix))
        for section in EXPERIENCE_SECTIONS
    ]
    if (
        request.method == "POST"
        and not adding
        and all(formset.is_valid() for _section, formset in formsets)
    ):
        with transaction.atomic():
            for section, formset in formsets:
                entries = [
                    section.entry(form.cleaned_data)
                    for form in formset
                    if form.cleaned_data and not form.cleaned_data.get("DELETE")
                ]
                section.save(profile=profile, entries=entries)
        messages.success(request, _("Your experience was saved."))
        return redirect("members:profile_experience")
    return render(
        request, "members/profile_experience.html", {"formsets": formsets, "adding": adding}
    )


def experience_formset(request: HttpRequest, profile, section: EntriesSection, *, add_row: bool):
    formset = forms.entries_formset(section.form)(
        submitted(request), initial=section.initial(profile), prefix=section.prefix
    )
    return formset.with_blank_row() if add_row else formset


@login_required
@require_http_methods(["GET", "POST"])
def profile_photo(request: HttpRequest) -> HttpResponse:
    profile = own_profile(request)
    form = forms.PhotoForm(*submitted(request, files=True))
    if request.method == "POST" and request.POST.get("action") == "remove":
        services.remove_photo(profile=profile)
        messages.success(request, _("Your photo was removed."))
        return redirect("members:profile_photo")
    if request.method == "POST" and form.is_valid():
        services.set_photo(profile=profile, jpeg=form.cleaned_data["photo"])
        messages.success(request, _("Your photo was saved."))
        return redirect("members:profile_photo")
    return render(request, "members/profile_photo.html", {"form": form, "profile": profile})


@require_safe
def photo(request: HttpRequest, file_name: str) -> HttpResponse:
    """A member's photo, for those who may see it; 404 for everyone else."""
    profile = access.access_photo(request.user, f"{PHOTO_FOLDER}/{file_name}")
    return protected_file(request, profile.photo, content_type="image/jpeg")


@login_required
@require_http_methods(["GET", "POST"])
def profile_privacy(request: HttpRequest) -> HttpResponse:
    profile = own_profile(request)
    form = forms.VisibilityForm(submitted(request), profile=profile)
    if request.method == "POST" and form.is_valid():
        services.set_field_visibility(profile=profile, visibility=form.cleaned_data)
        messages.success(request, _("Your privacy settings were saved."))
        return redirect("members:profile_privacy")
    return render(request, "members/profile_privacy.html", {"form": form, "profile": profile})


# --- Organisations --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = forms.OrganisationForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        organisation = services.create_organisation(creator=request.user, **form.cleaned_data)
        messages.success(request, _("%(name)s was created.") % {"name": organisation.name})
        return redirect("organisations:detail", slug=organisation.slug)
    return render(request, "members/organisation_form.html", {"form": form})


@require_safe
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = access.access_organisation(request.user, slug)
    return organisation_page(request, organisation, forms.InvitationForm())


def organisation_page(request, organisation, invitation_form, *, status: int = 200):
    """An organisation's page; its owners also see the invitations and ``invitation_form``."""
    is_owner = access.is_owner(organisation, request.user)
    return render(
        request,
        "members/organisation_detail.html",
        {
            "organisation": organisation,
            "is_owner": is_owner,
            "memberships": access.visible_memberships(request.user, organisation),
            "invitations": selectors.open_invitations(organisation) if is_owner else [],
            "invitation_form": invitation_form if is_owner else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = access.access_organisation(request.user, slug, for_write=True)
    form = forms.OrganisationForm(submitted(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.update_organisation(organisation=organisation, **form.cleaned_data)
        messages.success(request, _("Your changes were saved."))
        return redirect("organisations:detail", slug=organisation.slug)
    return render(
        request, "members/organisation_form.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_POST
def organisation_invite(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = access.access_organisation(request.user, slug, for_write=True)
    form = forms.InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invite_member(
                organisation=organisation, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("email", error)
    if form.errors:
        return organisation_page(request, organisation, form, status=400)
    messages.success(
        request, _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]}
    )
    return redirect("organisations:detail", slug=organisation.slug)


@login_required
@require_POST
def organisation_remove_member(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    organisation = access.access_organisation(request.user, slug)
    membership = access.access_membership(request.user, organisation, membership_id)
    try:
        services.remove_member(membership=membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user})
    return redirect("organisations:detail", slug=organisation.slug)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page the invitation mail links to. Whoever holds the link sees the invitation and may
    decline it; the member with the invited address accepts it."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation", "invited_by"), token=token
    )
    if request.method == "POST":
        if request.POST.get("action") == "decline":
            return decline_invitation(request, invitation)
        return accept_invitation(request, invitation)
    if not request.user.is_authenticated and invitation.is_open:
        # The link proves the address: signing up with it needs no verification mail, and
        # allauth's sign-up form fills it in.
        get_adapter(request).stash_verified_email(request, invitation.email)
    return invitation_page(request, invitation)


def accept_invitation(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.path)
    try:
        services.accept_invitation(invitation=invitation, user=request.user)
    except ValidationError as problem:
        return invitation_page(request, invitation, error=" ".join(problem.messages))
    messages.success(request, _("You joined %(name)s.") % {"name": invitation.organisation.name})
    return redirect("organisations:detail", slug=invitation.organisation.slug)


def decline_invitation(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    try:
        services.decline_invitation(invitation=invitation)
    except ValidationError as problem:
        return invitation_page(request, invitation, error=" ".join(problem.messages))
    messages.success(
        request,
        _("You declined the invitation to join %(name)s.") % {"name": invitation.organisation.name},
    )
    return redirect("members:dashboard" if request.user.is_authenticated else "home")


def invitation_page(request, invitation: Invitation, *, error: str | None = None):
    context = {"invitation": invitation, "error": error}
    if request.user.is_authenticated:
        context["addressed_to_viewer"] = selectors.has_verified_address(
            request.user, invitation.email
        )
    else:  # the ways in, each leading back here; the address is filled in
        back_here = {"next": request.path}
        context["signup_url"] = f"{reverse('account_signup')}?{urlencode(back_here)}"
        log_in_query = urlencode({**back_here, "email": invitation.email})
        context["login_url"] = f"{reverse('account_login')}?{log_in_query}"
    return render(request, "members/accept_invitation.html", context, status=400 if error else 200)


@require_POST
def resend_verification_mail(request: HttpRequest) -> HttpResponse:
    """The button on the "verify your email address" page: the same mail again, as often as
    allauth's rate limit for verification mails allows."""
    stage = LoginStageController.enter(request, EmailVerificationStage.key)
    if stage is None or stage.login.user is None:  # the sign-up or log-in was in another session
        messages.info(request, _("Log in, and we will send you a new link."))
        return redirect("account_login")
    if has_verified_email(stage.login.user, stage.login.email):  # confirmed in another browser
        messages.info(request, _("Your address is already confirmed. Log in to continue."))
        return redirect(f"{reverse('account_login')}?{urlencode({'email': stage.login.email})}")
    if not send_verification_email_at_login(request, stage.login):
        messages.warning(
            request,
            _(
                "We sent you a link a moment ago. Check your spam folder too; you can ask for "
                "another one in a few minutes."
            ),
        )
    return redirect("account_email_verification_sent")


# --- Directory ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: str  # as shown: "12", or "≈ 1,200" when estimated
    selected: bool


def shown_count(count: int, *, approximate: bool) -> str:
    number = number_format(count, force_grouping=True)
    return _("≈ %(count)s") % {"count": number} if approximate else number


def facet_options(form, name: str, counts: dict, *, approximate: bool) -> list[Option]:
    """The choices of filter ``name`` with how many results each would give; empty ones hidden."""
    selected = form.data.getlist(name)
    return [
        Option(
            value,
            label,
            shown_count(counts.get(value, 0), approximate=approximate),
            value in selected,
        )
        for value, label in form.fields[name].choices
        if counts.get(value) or value in selected
    ]


@dataclass(frozen=True)
class Suggestion:
    """A way out of an empty page: the same search without one filter."""

    label: str
    query: str
    results: str  # "12 results", or "more than 1,000 results" past what is counted


def results_text(count: int) -> str:
    if count > directory.EXACT_UP_TO:
        limit = number_format(directory.EXACT_UP_TO, force_grouping=True)
        return _("more than %(count)s results") % {"count": limit}
    return ngettext("%(count)s result", "%(count)s results", count) % {
        "count": number_format(count, force_grouping=True)
    }


def suggestions(form, search) -> list[Suggestion]:
    found = []
    for loosening in search.loosenings:
        field = form.fields[loosening.name]
        values = dict(getattr(field, "choices", ()))
        value = (
            "" if isinstance(field, BooleanField) else values.get(loosening.value, loosening.value)
        )
        label = f"{field.label}: {value}" if value else str(field.label)
        found.append(Suggestion(label, loosening.query, results_text(loosening.count)))
    return found


def member_count(results, query: str) -> str:
    """What a member search found, as its summary says it: "12 members match “fintech”"."""
    total = results.total
    if results.approximate and query:
        text = ngettext(
            "About %(shown)s member matches “%(query)s”.",
            "About %(shown)s members match “%(query)s”.",
            total,
        )
    elif results.approximate:
        text = ngettext("About %(shown)s member.", "About %(shown)s members.", total)
    elif query:
        text = ngettext(
            "%(shown)s member matches “%(query)s”", "%(shown)s members match “%(query)s”", total
        )
    else:
        text = ngettext("%(shown)s member", "%(shown)s members", total)
    return text % {"shown": number_format(total, force_grouping=True), "query": query}


def organisation_count(results, query: str) -> str:
    """What an organisation search found (organisations are always counted exactly)."""
    total = results.total
    if query:
        text = ngettext(
            "%(shown)s organisation matches “%(query)s”",
            "%(shown)s organisations match “%(query)s”",
            total,
        )
    else:
        text = ngettext("%(shown)s organisation", "%(shown)s organisations", total)
    return text % {"shown": number_format(total, force_grouping=True), "query": query}


def directory_page(request, search, form, template: str, facet_names: tuple[str, ...], count):
    """A directory page from its presenter's search; ``form`` only renders the filters and
    ``count`` says what was found."""
    facets = search.results.facets if search.results else {}
    approximate = bool(search.results and search.results.approximate)
    return render(
        request,
        template,
        {
            "form": form,
            "search": search,
            "page": search.results.page if search.results else None,
            "options": {
                name: facet_options(form, name, facets.get(name, {}), approximate=approximate)
                for name in facet_names
            },
            "available_count": shown_count(facets.get("available", 0), approximate=approximate),
            "result_count": search.results and count(search.results, search.filters.get("q") or ""),
            "suggestions": suggestions(form, search),
        },
        status=400 if search.errors else 200,
        using="jinja2",
    )


@require_safe
def member_directory(request: HttpRequest) -> HttpResponse:
    return directory_page(
        request,
        presenters.member_search(request),
        forms.MemberSearchForm(request.GET),
        "members/directory.jinja",
        directory.MEMBER_FACETS,
        member_count,
    )


@require_safe
def organisation_directory(request: HttpRequest) -> HttpResponse:
    return directory_page(
        request,
        presenters.organisation_search(request),
        forms.OrganisationSearchForm(request.GET),
        "members/organisation_directory.jinja",
        directory.ORGANISATION_FACETS,
        organisation_count,
    )


# --- Account data ---------------------------------------------------------------------------------


@login_required
@require_safe
def account_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "members/account_data.html",
        {"form": forms.DeleteAccountForm(user=request.user)},
    )


@login_required
@require_safe
def account_data_download(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(
        selectors.account_data(request.user), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="knowbridge-my-data.json"'
    return response


@login_required
@require_POST
def account_delete(request: HttpRequest) -> HttpResponse:
    form = forms.DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "members/account_data.html", {"form": form}, status=400)
    services.delete_account(user=request.user)
    logout(request)
    messages.success(
        request, _("Your account was deleted. Thank you for having been part of KnowBridge.")
    )
    return redirect("home")

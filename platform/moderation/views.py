from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.forms import show_service_error, submitted
from moderation import access, content, forms, selectors, services, targets


@login_required
@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, key: str, kind: str) -> HttpResponse:
    """Ask the moderators to look at something the member can see; back to it once flagged."""
    target = targets.resolve(request.user, kind, key)
    form = forms.FlagForm(submitted(request))
    if form.is_valid():
        try:
            services.flag(flagger=request.user, target=target, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Thank you: the moderators will look at it."))
            return redirect(target.url)
    return render(
        request,
        "moderation/flag.html",
        {"form": form, "target": target},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    access.require_moderator(request.user)
    show = request.GET.get("show", "waiting")
    if show not in selectors.FILTERS:
        show = "waiting"
    page = selectors.queue(show=show, cursor=request.GET.get("cursor"))
    return render(request, "moderation/queue.html", {"page": page, "show": show})


@login_required
@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, case_id: str) -> HttpResponse:
    """A case with its context and history, and the decision form."""
    the_case = access.access_case(request.user, case_id)
    selectors.annotate([the_case])
    form = forms.DecisionForm(
        submitted(request),
        initial={"body": content.markdown_of(the_case)},
        actions=services.actions_for(the_case, hidden=the_case.shown.hidden),
        suggested_days=services.next_suspension_days(the_case.author)
        if the_case.author
        else services.SUSPENSION_DAYS[0],
    )
    if form.is_valid():
        try:
            services.decide(moderator=request.user, case=the_case, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Done: the decision is in the audit log."))
            return redirect("moderation:queue")
    context = {"case": the_case, "form": form, "log": selectors.case_log(the_case)}
    status = 400 if form.is_bound else 200
    return render(request, "moderation/case.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def member(request: HttpRequest, member_id: str) -> HttpResponse:
    """What moderators know of a member, and their notes on them."""
    the_member = access.access_member(request.user, member_id)
    form = forms.NoteForm(submitted(request))
    if form.is_valid():
        try:
            services.add_note(moderator=request.user, member=the_member, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            return redirect("moderation:member", the_member.pk)
    context = {
        "member": the_member,
        "record": selectors.member_record(the_member),
        "form": form,
        "lift_form": forms.LiftForm(),
    }
    return render(request, "moderation/member.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def lift(request: HttpRequest, sanction_id: str) -> HttpResponse:
    sanction = access.access_sanction(request.user, sanction_id)
    form = forms.LiftForm(request.POST)
    if form.is_valid():
        try:
            services.lift(moderator=request.user, sanction=sanction, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Lifted: the member may sign in again."))
    else:
        messages.error(request, _("Say why you lift it."))
    return redirect("moderation:member", sanction.member_id)

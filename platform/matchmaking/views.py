"""Help request pages: "My requests", the guided form, the request's page with its readiness
check, and the buttons that move it through its life. Each calls the same services as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from conversations import access as conversation_access
from conversations import selectors as conversation_selectors
from conversations.downloads import attachment_response
from core.forms import show_service_error
from core.pagination import paginate
from matchmaking import access, forms, matching, selectors, services
from matchmaking.models import HelpRequest
from members import access as member_access
from members import selectors as member_selectors

PAGE_SIZE = 20


@login_required
@require_safe
def my_requests(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.requests_of_my_smes(request.user), "-created_at")
    context = {"page": page, "organisations": list(selectors.sme_organisations(request.user))}
    return render(request, "matchmaking/my_requests.html", context)


def _page(request: HttpRequest, rows, newest_first: str):
    """A page of ``rows``, newest first, from the ``?cursor=`` of the page before."""
    return paginate(
        rows,
        order=(newest_first, "-pk"),
        cursor=request.GET.get("cursor") or None,
        size=PAGE_SIZE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest, slug: str) -> HttpResponse:
    """``?invite=<handle>`` starts a request for an expert found in the directory: they are
    invited once it is published."""
    organisation = access.access_sme(request.user, slug)
    first_expert = None
    if request.GET.get("invite"):
        first_expert = member_access.access_profile(request.user, request.GET["invite"]).user
    form = forms.HelpRequestForm(
        request.POST or None, organisation=organisation, initial={"contact": request.user.pk}
    )
    if request.method == "POST" and form.is_valid():
        try:
            help_request = services.create_request(
                author=request.user,
                organisation=organisation,
                first_expert=first_expert,
                **form.cleaned_data,
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Draft saved. Check what it still needs, then publish."))
            return redirect(help_request)
    context = {"form": form, "organisation": organisation, "first_expert": first_expert}
    return render(request, "matchmaking/request_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_request(request: HttpRequest, request_id: int) -> HttpResponse:
    help_request = access.access_request(request.user, request_id, for_write=True)
    form = forms.HelpRequestForm(
        request.POST or None, instance=help_request, organisation=help_request.organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_request(request=help_request, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(help_request)
    context = {
        "form": form,
        "organisation": help_request.organisation,
        "help_request": help_request,
    }
    return render(request, "matchmaking/request_form.html", context)


@login_required
@require_safe
def request_page(request: HttpRequest, request_id: int) -> HttpResponse:
    help_request = access.access_request(request.user, request_id, for_page=True)
    return _request_page(request, help_request, forms.ReferralForm(viewer=request.user))


def _request_page(request, help_request, referral_form, status: int = 200) -> HttpResponse:
    sme_side = help_request.sme_side
    may_refer = access.may_refer(request.user, help_request)
    context = {
        "help_request": help_request,
        "sme_side": sme_side,
        "missing": services.missing_for_publishing(help_request)
        if sme_side and help_request.status == HelpRequest.Status.DRAFT
        else {},
        "may_review": access.may_review(request.user, help_request),
        "matches": _with_invitation_forms(
            matching.rank(help_request) if sme_side and help_request.matchable else []
        ),
        "engagements": selectors.engagements_on(help_request) if sme_side else [],
        "feedback": selectors.public_feedback(help_request),
        "may_offer": access.may_offer(request.user, help_request),
        "message_form": forms.MessageForm(),
        "referral_form": referral_form if may_refer else None,
        "referrals": selectors.referrals_on(help_request)
        if help_request.referred and access.sees_referrals(request.user, help_request)
        else [],
    }
    return render(request, "matchmaking/request.html", context, status=status)


def _with_invitation_forms(matches: list) -> list:
    """Each proposed expert with the form that invites them (their own field ids)."""
    for match in matches:
        match.form = forms.MessageForm(auto_id=f"id_invite_{match.profile.handle}_%s")
    return matches


# What the buttons of a request's page do: the service, and what the SME reads afterwards.
ACTIONS = {
    "publish": (services.publish_request, gettext_lazy("Published.")),
    "withdraw": (services.withdraw_request, gettext_lazy("Withdrawn: the request is closed.")),
    "resolve": (services.resolve_request, gettext_lazy("Marked resolved.")),
}


@login_required
@require_POST
def act_on_request(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    help_request = access.access_request(request.user, request_id, for_write=True)
    service, done = ACTIONS[action]
    try:
        changed = service(request=help_request, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
        _say_if_the_first_expert_was_not_invited(request, changed)
    return redirect(help_request)


def _say_if_the_first_expert_was_not_invited(request: HttpRequest, help_request) -> None:
    """A request started for an expert invites them once it takes experts; when they can no
    longer be invited, the SME hears why (and finds others among the proposed experts)."""
    expert = help_request.first_expert
    if expert is None or not help_request.matchable:
        return
    if help_request.engagements.filter(expert=expert).exists():
        return
    reason = selectors.why_not_available(expert) or _("They cannot be invited to it.")
    messages.warning(
        request,
        _("%(name)s was not invited: %(reason)s") % {"name": expert.display_name, "reason": reason},
    )


@login_required
@require_POST
def approve(request: HttpRequest, request_id: int) -> HttpResponse:
    help_request = access.access_request(request.user, request_id)
    if not access.may_review(request.user, help_request):
        raise PermissionDenied
    services.approve_request(request=help_request, actor=request.user)
    messages.success(request, _("Cleared for matching."))
    return redirect(help_request)


# --- Invitations, offers and engagements --------------------------------------------------------


@login_required
@require_POST
def invite(request: HttpRequest, request_id: int, handle: str) -> HttpResponse:
    help_request = access.access_request(request.user, request_id, for_write=True)
    expert = member_access.access_profile(request.user, handle).user
    form = forms.MessageForm(request.POST)
    if not form.is_valid():
        return _refused(request, form.errors["message"], help_request)
    try:
        services.invite_expert(
            request=help_request, expert=expert, actor=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        return _refused(request, error.messages, help_request)
    messages.success(
        request,
        _("%(name)s is invited: they have three days to answer.") % {"name": expert.display_name},
    )
    return redirect(help_request)


@login_required
@require_POST
def offer(request: HttpRequest, request_id: int) -> HttpResponse:
    help_request = access.access_request(request.user, request_id)
    form = forms.MessageForm(request.POST)
    if not form.is_valid():
        return _refused(request, form.errors["message"], help_request)
    try:
        engagement = services.offer_help(
            request=help_request, expert=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        return _refused(request, error.messages, help_request)
    messages.success(request, _("Offer sent: the SME has three days to answer."))
    return redirect(engagement)


@login_required
@require_POST
def refer(request: HttpRequest, request_id: int) -> HttpResponse:
    help_request = access.access_request(request.user, request_id, for_page=True)
    if not access.may_refer(request.user, help_request):
        raise PermissionDenied
    form = forms.ReferralForm(request.POST, viewer=request.user)
    if form.is_valid():
        try:
            services.refer(
                request=help_request,
                referred_by=request.user,
                note=form.cleaned_data["note"],
                **form.cleaned_data["to"],
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Referred: they and the SME have been told."))
            return redirect(help_request)
    return _request_page(request, help_request, form, status=400)


@login_required
@require_safe
def referrals(request: HttpRequest) -> HttpResponse:
    """The facilitator's ledger: whom they referred requests to, and how each ended."""
    ledger = selectors.referral_ledger(request.user)
    summary = selectors.ledger_summary(ledger)
    context = {
        "page": _page(request, ledger, "-created_at"),
        "summary": summary,
        "summary_total": sum(count for _key, _label, count in summary),
        "is_facilitator": member_selectors.is_facilitator(request.user),
    }
    return render(request, "matchmaking/referrals.html", context)


def _refused(request: HttpRequest, reasons, back_to) -> HttpResponse:
    for reason in reasons:
        messages.error(request, reason)
    return redirect(back_to)


@login_required
@require_safe
def engagement_page(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = access.access_engagement(request.user, engagement_id)
    return _engagement_page(request, engagement, forms.FeedbackForm())


@login_required
@require_POST
def feedback(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = access.access_engagement(request.user, engagement_id)
    if not access.may_give_feedback(request.user, engagement):
        raise PermissionDenied
    form = forms.FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.give_feedback(engagement=engagement, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Thank you: your feedback is recorded."))
            return redirect(engagement)
    return _engagement_page(request, engagement, form, status=400)


def _engagement_page(request, engagement, feedback_form, status: int = 200) -> HttpResponse:
    viewer = request.user
    takes_part = access.takes_part(viewer, engagement)
    context = {
        "engagement": engagement,
        "help_request": engagement.request,
        "may_answer": access.may_answer(viewer, engagement),
        "may_withdraw": access.may_withdraw(viewer, engagement),
        "may_complete": access.may_complete(viewer, engagement),
        "conversation": selectors.conversation_of(engagement) if takes_part else None,
        "staff_reads": access.reads_conversation_as_staff(viewer, engagement),
        "follow_ups": selectors.follow_ups_of(engagement)
        if engagement.sme_side or viewer.is_staff
        else [],
        "feedback": list(engagement.feedback.select_related("knowledge_stage")),
        "feedback_form": feedback_form if access.may_give_feedback(viewer, engagement) else None,
    }
    return render(request, "matchmaking/engagement.html", context, status=status)


# What the buttons of an engagement's page do: who may press them, the service, what it says.
ENGAGEMENT_ACTIONS = {
    "accept": (access.may_answer, services.accept, gettext_lazy("Accepted: the work can start.")),
    "decline": (access.may_answer, services.decline, gettext_lazy("Declined.")),
    "withdraw": (
        access.may_withdraw,
        services.withdraw_engagement,
        gettext_lazy("Taken back."),
    ),
    "complete": (
        access.may_complete,
        services.complete_engagement,
        gettext_lazy("Marked completed."),
    ),
}


@login_required
@require_POST
def act_on_engagement(request: HttpRequest, engagement_id: int, action: str) -> HttpResponse:
    engagement = access.access_engagement(request.user, engagement_id)
    allowed, service, done = ENGAGEMENT_ACTIONS[action]
    if not allowed(request.user, engagement):
        raise PermissionDenied
    options = {}
    if action == "decline":
        form = forms.ReasonForm(request.POST)
        if not form.is_valid():
            return _refused(request, form.errors["reason"], engagement)
        options = form.cleaned_data
    try:
        service(engagement=engagement, actor=request.user, **options)
    except ValidationError as error:
        return _refused(request, error.messages, engagement)
    messages.success(request, done)
    return redirect(engagement)


@login_required
@require_safe
def my_engagements(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.engagements_of(request.user), "-created_at")
    return render(request, "matchmaking/my_engagements.html", {"page": page})


@login_required
@require_safe
def requests_for_you(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.requests_for(request.user), "-published_at")
    rows = zip(page.items, matching.why_for(request.user, page.items), strict=True)
    return render(request, "matchmaking/for_you.html", {"page": page, "rows": list(rows)})


@login_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, handle: str) -> HttpResponse:
    """From a profile: invite its member to one of the viewer's SMEs' open requests, or start a
    request with them invited."""
    expert = member_access.access_profile(request.user, handle)
    live = list(selectors.requests_taking_experts(request.user))
    form = forms.AskForm(request.POST or None, requests=live)
    if request.method == "POST" and form.is_valid():
        help_request = form.cleaned_data["request"]
        try:
            services.invite_expert(
                request=help_request,
                expert=expert.user,
                actor=request.user,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is invited: they have three days to answer.")
                % {"name": expert.user.display_name},
            )
            return redirect(help_request)
    context = {
        "expert": expert,
        "form": form,
        "organisations": list(selectors.sme_organisations(request.user)),
        "refusal": selectors.why_not_available(expert.user),
    }
    return render(request, "matchmaking/ask.html", context)


@login_required
@require_safe
def engagement_conversation(request: HttpRequest, engagement_id: int) -> HttpResponse:
    """Staff read an engagement's conversation, without taking part in it; each reading is
    audited, as staff reading members' private words must be."""
    engagement = access.access_engagement(request.user, engagement_id)
    if not access.reads_conversation_as_staff(request.user, engagement):
        raise PermissionDenied
    conversation = selectors.conversation_of(engagement)
    page = None
    if conversation is not None:
        page = conversation_selectors.messages(
            conversation=conversation, cursor=request.GET.get("cursor") or None
        )
        services.record_staff_reading(engagement=engagement, reader=request.user)
    context = {"engagement": engagement, "help_request": engagement.request, "page": page}
    return render(request, "matchmaking/engagement_conversation.html", context)


@login_required
@require_safe
def engagement_attachment(
    request: HttpRequest, engagement_id: int, attachment_id: int
) -> HttpResponse:
    """A file sent in an engagement's conversation, for the staff who read it there; only that
    conversation's files, each download audited as a reading."""
    engagement = access.access_engagement(request.user, engagement_id)
    if not access.reads_conversation_as_staff(request.user, engagement):
        raise PermissionDenied
    conversation = selectors.conversation_of(engagement)
    if conversation is None:
        raise Http404
    attachment = conversation_access.attachment_in(conversation, attachment_id)
    services.record_staff_reading(engagement=engagement, reader=request.user)
    return attachment_response(request, attachment)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    follow_up = access.access_follow_up(request.user, follow_up_id)
    may_answer = access.may_answer_follow_up(request.user, follow_up)
    form = forms.FollowUpForm(request.POST or None)
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.answer_follow_up(
                    follow_up=follow_up, author=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                show_service_error(form, error)
            else:
                messages.success(request, _("Thank you: it helps us help the next SME."))
                return redirect(follow_up.engagement)
    context = {
        "follow_up": follow_up,
        "engagement": follow_up.engagement,
        "help_request": follow_up.engagement.request,
        "form": form if may_answer else None,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "matchmaking/follow_up.html", context, status=status)

import re

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from schemathesis.core.parameters import ParameterLocation

from config.wsgi import application
from conversations.models import Attachment, AttachmentKind
from economy import services as economy_services
from matchmaking import services as matchmaking_services
from matchmaking.models import Engagement, FollowUp
from members import services
from members.models import Country, Membership, Organisation, Profile
from tests.conversations.factories import conversation
from tests.forums.factories import PostFactory, ThreadFactory
from tests.matchmaking.factories import draft, expert, published, sector
from tests.members.factories import MembershipFactory, UserFactory


@pytest.fixture
def openapi(db):
    return Client().get("/api/schema/?format=json").json()


def test_schema_is_valid_openapi_3(openapi):
    assert openapi["openapi"].startswith("3.")
    validate(openapi)
    assert "/api/v1/account/" in openapi["paths"]
    assert {"tokenAuth", "cookieAuth"} <= set(openapi["components"]["securitySchemes"])


def test_interactive_docs_are_served_from_local_static_files(client):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page


# Write operations whose valid-looking input can still be refused with a documented 400, for rules
# a JSON schema cannot state: keys of reference data that staff edit (sectors, city-regions …), an
# organisation's category that must fit its kind, an address that is already a member, the last
# owner leaving, a photo's file that must be an image we can read; in messages, a handle that names
# no member or a member who does not accept messages from the caller; in the forums, a title or
# text too short once its Chinese characters are weighed, a reply or answer naming a post of
# another thread, a deleted post; and a member's trust level (how many posts or messages a day, the
# pause between two, links and mentions per post); in matchmaking, an SME that is not the caller's,
# a handle naming no member the caller may see or no member of the SME, a title too short once
# weighed, a request not ready to publish or in a state that refuses the change (published,
# ended, not live, waiting for review), an expert who cannot be asked now, an invitation already
# answered or expired, feedback given twice; in economy updates, a title too short once weighed,
# a source that is no web address, a time to publish at already gone by, an update already
# published (or not) or left without a summary or body; in digests, a time zone that is no IANA
# name, or ids of sectors, city-regions or indicators that do not exist; in moderation, a flag on
# one's own thing, or "other" without saying what is wrong. Every other check, and every other
# operation, keeps the defaults.
RULES_BEYOND_THE_SCHEMA = """
[[operations]]
include-operation-id = [
    "v1_profile_partial_update",
    "v1_organisations_create",
    "v1_organisations_partial_update",
    "v1_organisations_invitations_create",
    "v1_organisations_memberships_destroy",
    "v1_profile_photo_update",
    "v1_conversations_create",
    "v1_conversations_messages_create",
    "v1_blocks_create",
    "v1_forum_threads_create",
    "v1_forum_threads_partial_update",
    "v1_forum_threads_posts_create",
    "v1_forum_threads_accepted_answer_update",
    "v1_forum_posts_partial_update",
    "v1_forum_posts_helpful_update",
    "v1_help_requests_create",
    "v1_help_requests_partial_update",
    "v1_help_requests_publish_create",
    "v1_help_requests_withdraw_create",
    "v1_help_requests_resolve_create",
    "v1_help_requests_approve_create",
    "v1_help_requests_invitations_create",
    "v1_help_requests_offers_create",
    "v1_engagements_accept_create",
    "v1_engagements_decline_create",
    "v1_engagements_withdraw_create",
    "v1_engagements_complete_create",
    "v1_engagements_feedback_create",
    "v1_help_requests_referrals_create",
    "v1_follow_ups_create",
    "v1_economy_updates_create",
    "v1_economy_updates_partial_update",
    "v1_economy_updates_publish_create",
    "v1_economy_updates_unpublish_create",
    "v1_economy_updates_discard_create",
    "v1_digest_subscription_update",
    "v1_digest_subscription_partial_update",
    "v1_flags_create",
]
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "429"]
"""
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json",
    application,
    config=schemathesis.Config.from_str(RULES_BEYOND_THE_SCHEMA),
)


def filter_query(ctx, query):
    """A query string has no types: a case that sends a number, a boolean, null or an object
    where the schema says text arrives as text the schema admits (``region=0``, ``q=``,
    ``sector=false``), so it is not the negative case it claims to be, whether schemathesis
    hands the value over as it is or already written out. Such cases are left out; text that
    breaks the schema (a NUL, too long, a bad pattern) still goes."""
    return query is None or all(_is_text(value) for value in query.values())


def _is_text(value) -> bool:
    if isinstance(value, list):
        return all(_is_text(item) for item in value)
    return isinstance(value, str) and not WRITTEN_OUT_VALUE.fullmatch(value)


WRITTEN_OUT_VALUE = re.compile(r"true|false|null|-?\d+(\.\d+)?([eE][-+]?\d+)?")


fuzzing = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open():
    """Requests go through the real WSGI handler, which would close the test's connection after
    each one; Django's own test client disconnects the same signals."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def point_at_real_data(case, owner=None):
    """Requests with a valid path name real objects, so that fuzzing gets past the 404s to the
    bodies and answers behind them: an organisation that ``owner`` (or someone) owns, a
    colleague's membership in it and the colleague's public profile with one field kept private;
    an open forum category with a thread ``owner`` started and a reply in it; a draft help request
    of an SME ``owner`` owns, ready to publish; an engagement whose SME side ``owner`` is on (a
    completed one for feedback, else an expert's offer waiting for their answer), a follow-up
    asked on a completed one, and another SME's open request for ``owner`` made a facilitator to
    refer (matchmaking answers visitors 401 before it reads anything, so these only for a
    member); an economy update, a draft of ``owner``'s to change, publish or discard or else a
    published one, ``owner`` made an Editor for every economy update operation. Only what the
    path names is made: each example costs what its operation needs."""
    if owner is not None and case.path.startswith("/api/v1/economy-updates/"):
        owner.groups.add(Group.objects.get(name="Editors"))  # past the 403 to the bodies
    if not case.path_parameters or case.meta is None:
        return
    if case.meta.is_negative_at(ParameterLocation.PATH):
        return
    signed_in = owner is not None
    owner = owner or UserFactory()
    wanted = case.path_parameters.keys()
    real = {}
    if wanted & {"slug", "membership_id", "handle"}:
        real |= _organisation_with_a_colleague(owner)
    if wanted & {"category_slug", "thread_id", "post_id"}:
        real |= _thread_with_a_reply(owner)
    if signed_in and "request_id" in wanted:
        real["request_id"] = (
            _request_to_refer(owner)
            if case.path.endswith("/referrals/")
            else draft(owner, sme_member_of(owner)).pk
        )
    if signed_in and "follow_up_id" in wanted:
        real["follow_up_id"] = _follow_up_of(owner)
    if signed_in and "engagement_id" in wanted:
        real["engagement_id"] = _engagement_of(owner, completed=case.path.endswith("/feedback/"))
    if "update_id" in wanted:
        real["update_id"] = _economy_update(
            owner,
            draft=case.path.endswith(("/{update_id}/", "/publish/", "/discard/")) and signed_in,
        )
    if signed_in and wanted & {"conversation_id", "attachment_id"}:
        real |= _conversation_with_an_attachment(owner)
    for name in wanted & real.keys():
        case.path_parameters[name] = real[name]


def _organisation_with_a_colleague(owner) -> dict:
    organisation = services.create_organisation(creator=owner, name="Fuzzing Harbour", kind="sme")
    colleague = MembershipFactory(organisation=organisation)
    profile = colleague.user.profile
    services.update_profile(
        profile=profile,
        listing=Profile.Listing.PUBLIC,
        employer="Maple Harbour Trading",
        country_of_origin=Country.objects.get(code="CN"),
    )
    services.set_field_visibility(profile=profile, visibility={"employer": "private"})
    return {"slug": organisation.slug, "membership_id": colleague.pk, "handle": profile.handle}


def sme_member_of(owner):
    """An SME ``owner`` owns."""
    return MembershipFactory(user=owner, role=Membership.Role.OWNER).organisation


def _engagement_of(owner, *, completed: bool) -> int:
    request = published(owner, sme_member_of(owner), sectors=[sector("automotive")])
    helper = expert("Fuzzing Expert", sectors=[sector("automotive")]).user
    engagement = matchmaking_services.offer_help(request=request, expert=helper)
    if completed:
        matchmaking_services.accept(engagement=engagement, actor=owner)
        matchmaking_services.complete_engagement(engagement=engagement, actor=owner)
    return engagement.pk


def _request_to_refer(owner) -> int:
    """Another SME's open request, ``owner`` made a facilitator."""
    MembershipFactory(user=owner, organisation__kind=Organisation.Kind.PUBLIC_FACILITATOR)
    return published(sectors=[sector("automotive")]).pk


def _follow_up_of(owner) -> int:
    """A follow-up, due and asked, on a completed engagement whose SME side ``owner`` is on."""
    engagement = Engagement.objects.get(pk=_engagement_of(owner, completed=True))
    follow_up = engagement.follow_ups.get(after_days=30)
    FollowUp.objects.filter(pk=follow_up.pk).update(due_at=timezone.now())
    matchmaking_services.ask_follow_ups()
    return follow_up.pk


def _conversation_with_an_attachment(owner) -> dict:
    """A conversation of ``owner``'s whose message lists an attachment; its file is not stored
    (nothing is written under MEDIA_ROOT), so that its download answers 404."""
    chat = conversation(owner, UserFactory())
    attachment = Attachment.objects.create(
        message=chat.messages.get(),
        file="attachments/never-stored",
        name="plan.pdf",
        kind=AttachmentKind.PDF,
        size=100,
    )
    return {"conversation_id": chat.pk, "attachment_id": attachment.pk}


def _economy_update(owner, *, draft: bool) -> int:
    """An Editor's draft (for an Editor to change, publish or discard), else a published update
    (for everyone to read, and an Editor to unpublish)."""
    update = economy_services.create_update(
        author=owner,
        title="Shenzhen halves registration fees",
        summary="Foreign-invested start-ups pay half.",
        language="en",
    )
    if not draft:
        economy_services.publish_update(update=update, actor=owner)
    return update.pk


def _thread_with_a_reply(owner) -> dict:
    thread = ThreadFactory(author=owner)
    reply = PostFactory(thread=thread, author=UserFactory())
    return {"category_slug": thread.category.slug, "thread_id": thread.pk, "post_id": reply.pk}


@pytest.mark.django_db
@schema.hooks.apply(filter_query)
@schema.parametrize()
@fuzzing
def test_api_anonymous(case):
    """Whatever an anonymous caller sends: no server error, every answer as documented."""
    point_at_real_data(case)
    case.call_and_validate()


@pytest.mark.django_db
@schema.hooks.apply(filter_query)
@schema.parametrize()
@fuzzing
def test_api_as_a_member(case):
    member = UserFactory()
    token = Token.objects.create(user=member)
    point_at_real_data(case, owner=member)
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"})

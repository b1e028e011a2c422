"""Demo help requests for `make run`, written through the services: Érable Fine Foods (Marie
Tremblay's SME) looks for a distributor in Shanghai and has invited Li Wei, whom the Ottawa Asia
Trade Office also referred Chen Jing to; an earlier request on Chinese food labels was resolved
with Li Wei a month ago, both sides gave feedback, and the 30-day follow-up waits for Marie."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from matchmaking import services
from matchmaking.models import Engagement, FollowUp, HelpRequest
from members.models import CityRegion, Language, Organisation, Sector, User

SME = "Érable Fine Foods"
OPEN_TITLE = "Trouver un distributeur de produits de l'érable à Shanghai"
RESOLVED_TITLE = "Étiquetage en chinois de nos conserves pour l'importation"


@transaction.atomic
def load_demo_requests() -> bool:
    """The demo requests, unless they are there already; True when they were created."""
    if HelpRequest.objects.filter(title=OPEN_TITLE).exists():
        return False
    people = {
        user.email.split("@")[0]: user for user in User.objects.filter(email__contains="@demo.")
    }
    marie, li_wei = people["marie.tremblay"], people["li.wei"]
    sme = Organisation.objects.get(name=SME)
    _resolved_with_feedback(marie, li_wei, sme)
    request = _published(
        marie,
        sme,
        title=OPEN_TITLE,
        description=(
            "Nous produisons du sirop et des confitures d'érable à Montréal. Un importateur de "
            "Shanghai nous a contactés, mais nous ne savons pas comment choisir un distributeur "
            "fiable ni quelles marges sont normales dans la distribution alimentaire en Chine."
        ),
        deliverable="Une liste courte de distributeurs à rencontrer et les questions à leur poser.",
        in_scope="Conseils sur le choix et le contrat d'un distributeur\u00a0; présentations.",
        out_of_scope="La logistique d'exportation, déjà en place.",
        kind=HelpRequest.Kind.PARTNERS,
        size=HelpRequest.Size.SESSION,
        city_regions=["montreal", "shanghai"],
        languages=["fra", "eng", "cmn"],
    )
    services.invite_expert(
        request=request,
        expert=li_wei,
        actor=marie,
        message="Bonjour Li Wei, votre expérience de la chaîne logistique nous aiderait beaucoup.",
    )
    services.refer(
        request=request,
        referred_by=people["olivia.brown"],
        member=people["chen.jing"],
        note="Chen Jing worked with food importers in Suzhou and Shanghai for years.",
    )
    return True


def _published(author, sme, *, city_regions, languages, **fields) -> HelpRequest:
    request = services.create_request(
        author=author,
        organisation=sme,
        sectors=list(Sector.objects.filter(slug="agri-food")),
        city_regions=list(CityRegion.objects.filter(slug__in=city_regions)),
        languages=list(Language.objects.filter(code__in=languages)),
        deadline=timezone.localdate() + timedelta(days=45),
        **fields,
    )
    return services.publish_request(request=request, actor=author)


def _resolved_with_feedback(marie, li_wei, sme) -> None:
    request = _published(
        marie,
        sme,
        title=RESOLVED_TITLE,
        description=(
            "Nos conserves doivent porter une étiquette en chinois conforme à la norme GB 7718. "
            "Quelles mentions sont obligatoires, et qui peut vérifier nos étiquettes "
            "avant l'envoi\u00a0?"
        ),
        deliverable="La liste des mentions obligatoires et un contact pour la vérification.",
        kind=HelpRequest.Kind.REGULATION,
        size=HelpRequest.Size.QUESTION,
        city_regions=["montreal", "shanghai"],
        languages=["fra", "eng"],
    )
    invitation = services.invite_expert(request=request, expert=li_wei, actor=marie)
    engagement = services.accept(engagement=invitation, actor=li_wei)
    services.resolve_request(request=request, actor=marie)
    engagement.refresh_from_db()
    for author, rating, comment in (
        (
            marie,
            5,
            "Li Wei a relu nos étiquettes en deux jours\u00a0; tout était accepté à la douane.",
        ),
        (li_wei, 5, "Clear questions and quick answers: a pleasure to help."),
    ):
        services.give_feedback(
            engagement=engagement,
            author=author,
            rating=rating,
            private_score=rating,
            comment=comment,
            hours=2,
        )
    _date_back(engagement, days=31)
    services.ask_follow_ups()


def _date_back(engagement: Engagement, *, days: int) -> None:
    """As if the engagement had been completed ``days`` ago: its first follow-up is due."""
    back = timedelta(days=days)
    completed_at = timezone.now() - back
    Engagement.objects.filter(pk=engagement.pk).update(
        created_at=completed_at - timedelta(days=5), completed_at=completed_at
    )
    for follow_up in FollowUp.objects.filter(engagement=engagement):
        FollowUp.objects.filter(pk=follow_up.pk).update(due_at=follow_up.due_at - back)

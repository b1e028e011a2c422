"""The matching engine: the professionals most able and most willing to help with a request, best
first, each with the reasons in plain words.

A match earns points (``WEIGHTS``, the one place they live) for what ties the member to the
request: topics they are willing to advise on that the request's text names (willingness weighs
more than expertise or seniority), expertise it names, shared sectors, a corridor they worked
that joins two of the request's city-regions, ties to those city-regions, shared working
languages, the kind of engagement the request's size calls for, years of experience, and the
working hours their day shares with the SME's (``working_hours_shared``); engagements completed
before and the SMEs' private scores count for them, engagements pending or under way against
them. Only members who offer their expertise, are open to requests and not paused, have room
for one more engagement, may be found by members, were not asked about this request before and
are not the SME's own are ranked; when the SME needs a working language, only those who speak
one. A member who shares nothing but a language or a
city-region with the request is not proposed (``ABLE``).

Why it is fast at 100,000 members: each kind of tie is one lookup, answered from an index
(members 0014), for the request's own values (its sectors, its city-regions, the tags its text
names …) that yields (member, points) rows; they are joined to the profiles of the members who
take requests, read from a partial index that holds all the ranking reads of them (members
0015, so no table row is visited), added up per member and sorted, in one query. It counts in
hundredths of a point: whole numbers, exact, and on PostgreSQL much cheaper than its decimals.
No score is kept between requests: a changed profile counts at once.

The reasons are worked out in Python for the page's members only.
"""

import functools
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import rjieba
from django.db import connections
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.chinese import in_reader_script, simplified
from core.lists import join_list
from core.models import TranslatedName
from matchmaking.models import Engagement, ExpertRecord, HelpRequest
from members import reference
from members.access import SignedInMember, findable_listings
from members.models import (
    CANADA,
    CityRegion,
    Corridor,
    EngagementType,
    ExpertiseTag,
    Membership,
    Organisation,
    Profile,
    ProfileLanguage,
)

WEIGHTS = {
    "advice_topic": 6.0,  # willing to advise on a topic the request names, each
    "expertise": 2.5,  # expertise the request names, each
    "sector": 3.0,  # each shared sector
    "corridor": 5.0,  # each corridor worked between two of the request's city-regions
    "region": 1.5,  # lives in, or has ties to, one of the request's city-regions, each
    "language": 2.0,  # each shared working language
    "engagement_type": 1.0,  # offers the kind of engagement the request's size calls for
    "experience_year": 0.1,  # each year of professional experience, up to EXPERIENCE_CAP
    "helped": 1.0,  # each engagement completed before, up to HELPED_CAP
    "busy": 2.0,  # taken off for each invitation pending or engagement under way
    "rated": 1.0,  # per point of SMEs' average private score above 3 (below 3, taken off)
    # each working hour (WORKING_DAY in each one's time zone, today) the working day of the
    # city-region in Canada the member lives in shares with the SME's: 0 to 9 hours
    "time_zone": 0.25,
}
EXPERIENCE_CAP = 20
HELPED_CAP = 5
# Ties that make someone able to help; a language or a city-region shared, alone, does not.
ABLE = {"advice_topic", "expertise", "sector", "corridor"}
# The engagement types (members.EngagementType slugs) that suit each size of request.
ENGAGEMENT_FOR_SIZE = {
    HelpRequest.Size.QUESTION: ("advice-call",),
    HelpRequest.Size.SESSION: ("advice-call", "market-entry"),
    HelpRequest.Size.PROJECT: ("mentoring", "market-entry", "partnership"),
    HelpRequest.Size.INTRODUCTIONS: ("introductions",),
}
WORKING_DAY = (time(9), time(18))  # an expert's and an SME's, each in their own time zone
LONGEST_TERM = 4  # words (or Chinese words) in the longest expertise tag looked for
MOST_CANDIDATES = 5000  # phrases of a request's text looked up as tags


@dataclass
class Match:
    """A proposed professional: their profile, score and the reasons, in plain words."""

    profile: Profile
    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def why(self) -> str:
        """The reasons as one sentence."""
        return _("; ").join(self.reasons)


# --- What the request names -------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_WORDS = re.compile(rf"(?P<han>[{_HAN}]+)|[^\W_{_HAN}][\w+#.&'-]*[\w+#]|[^\W_{_HAN}]")


def text_of(request: HelpRequest) -> str:
    return "\n".join((request.title, request.description, request.deliverable, request.in_scope))


def phrases(text: str) -> set[str]:
    """Every run of up to ``LONGEST_TERM`` words of ``text``, as ``ExpertiseTag.normalise``
    writes a tag: casefolded, words joined by a space (Chinese words joined as written)."""
    found: set[str] = set()
    for line in unicodedata.normalize("NFC", text.casefold()).splitlines():
        words: list[tuple[str, bool]] = []
        for match in _WORDS.finditer(line):
            if match["han"]:
                words.extend((word, True) for word in rjieba.cut(match["han"]))
            else:
                words.append((match.group(), False))
        for start in range(len(words)):
            phrase = ""
            for word, han in words[start : start + LONGEST_TERM]:
                before_is_han = phrase and _HAN_END.search(phrase)
                phrase += word if not phrase or (han and before_is_han) else f" {word}"
                found.add(phrase)
        if len(found) > MOST_CANDIDATES:
            break
    return found


_HAN_END = re.compile(rf"[{_HAN}]$")


def named_tags(request: HelpRequest) -> list[int]:
    """The expertise tags the request's text names (a tag "supplier audits" in "we need
    supplier audits in Suzhou"; "供应链金融" in a Chinese sentence)."""
    return list(_named_tag_rows(request).values_list("pk", flat=True))


def _named_tag_rows(request: HelpRequest):
    """Tags are matched as written, and a request in Traditional characters also names the tags
    written in Simplified ones (most Chinese tags are)."""
    text = text_of(request)
    candidates = sorted(phrases(text) | phrases(simplified(text)))[:MOST_CANDIDATES]
    return ExpertiseTag.objects.filter(key__in=candidates)


def request_tokens(request: HelpRequest) -> str:
    """What "requests for you" files a request under: ``s`` its sectors, ``t`` the expertise
    tags its text names, ``k`` its city-regions, ``l`` its working languages."""
    tokens = [f"s{sector.pk}" for sector in request.sectors.all()]
    tokens += [f"t{pk}" for pk in sorted(named_tags(request))]
    tokens += [f"k{region.pk}" for region in request.city_regions.all()]
    tokens += [f"l{language.pk}" for language in request.languages.all()]
    return " ".join(tokens)


def able_tokens(profile: Profile) -> list[str]:
    """The tokens of the requests ``profile``'s member is able to help with: their sectors and
    the topics they advise on or know (a shared language or city-region alone is not enough)."""
    tags = {tag.pk for tag in profile.advice_topics.all()} | {
        tag.pk for tag in profile.expertise.all()
    }
    return [f"s{sector.pk}" for sector in profile.sectors.all()] + [f"t{pk}" for pk in sorted(tags)]


def why_for(member, requests: list[HelpRequest]) -> list[str]:
    """For each of ``requests``, in plain words, what makes ``member`` able to help with it:
    the sectors and topics of theirs it names."""
    profile = Profile.objects.prefetch_related("sectors", "advice_topics", "expertise").get(
        pk=member.pk
    )
    names = {f"s{sector.pk}": sector.name for sector in profile.sectors.all()}
    names |= {f"t{tag.pk}": tag.name for tag in profile.expertise.all()}
    names |= {f"t{tag.pk}": tag.name for tag in profile.advice_topics.all()}
    said = []
    for request in requests:
        tokens = set(request.tokens.split())
        sectors = sorted(names[t] for t in tokens & names.keys() if t.startswith("s"))
        topics = sorted(names[t] for t in tokens & names.keys() if t.startswith("t"))
        reasons = []
        if sectors:
            reasons.append(_("in your sector: %(sectors)s") % {"sectors": _list(sectors)})
        if topics:
            reasons.append(_("names %(topics)s") % {"topics": _list(topics)})
        said.append(_("; ").join(reasons))
    return said


# --- Working hours -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def working_hours_shared(zone: str, other: str, day: date) -> int:
    """The whole hours a working day in time zone ``zone`` on ``day`` shares with a working day
    in ``other`` (that day, or the one before or after across the date line), daylight saving
    time as it is then: Vancouver shares 1 hour with Shanghai in January, none in July."""
    start, end = _working_day(zoneinfo.ZoneInfo(zone), day)
    shared = timedelta()
    for offset in (-1, 0, 1):
        other_start, other_end = _working_day(zoneinfo.ZoneInfo(other), day + timedelta(offset))
        shared += max(min(end, other_end) - max(start, other_start), timedelta())
    return shared // timedelta(hours=1)


def _working_day(zone: zoneinfo.ZoneInfo, day: date) -> tuple[datetime, datetime]:
    start, end = (datetime.combine(day, moment, tzinfo=zone) for moment in WORKING_DAY)
    return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(frozen=True)
class SharedHours:
    """The working hours a city-region in Canada shares with the SME's, and where the SME
    works those hours."""

    hours: int
    place: str


def hours_shared_with_sme(
    sme_regions: list[int], request_regions: list[int], today: date
) -> dict[int, SharedHours]:
    """For each city-region in Canada (by pk) whose working day shares hours with the SME's, the
    most it shares with one of the places the SME works: its organisation's city-regions
    (``sme_regions``), or, when it names none, the request's city-regions outside Canada. A
    city-region without a (known) time zone shares nothing."""
    zoned = {row["pk"]: row for row in reference.rows(CityRegion) if _known(row["time_zone"])}
    canada = reference.country_pk(CANADA)
    places = [zoned[pk] for pk in sme_regions if pk in zoned] or [
        zoned[pk] for pk in request_regions if pk in zoned and zoned[pk]["country"] != canada
    ]
    places.sort(key=lambda place: place["name"])
    shared = {}
    for region in zoned.values():
        if region["country"] != canada:
            continue
        with_each = [
            SharedHours(
                working_hours_shared(region["time_zone"], place["time_zone"], today), place["name"]
            )
            for place in places
        ]
        best = max(with_each, key=lambda shared: shared.hours, default=None)
        if best and best.hours:
            shared[region["pk"]] = best
    return shared


def _known(zone: str) -> bool:
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


# --- Ranking ------------------------------------------------------------------------------------


def rank(request: HelpRequest, *, size: int = 10, today: date | None = None) -> list[Match]:
    """The ``size`` best matches for ``request``, best first, each with its reasons; working
    hours are compared on ``today`` (the site's date unless told)."""
    values = _values(request)
    if not any(values[key] for key in ("tags", "sectors", "regions")):
        return []  # nothing to be able to help with
    hours = hours_shared_with_sme(
        values["sme_regions"], values["regions"], today or timezone.localdate()
    )
    ranked = _scores(request, values, hours, size)
    if not ranked:
        return []
    pks = [pk for pk, _score in ranked]
    profiles = Profile.objects.select_related("user", "canadian_region").in_bulk(pks)
    reasons = _Reasons(values, hours, pks)
    return [
        Match(profile=profiles[pk], score=round(score, 2), reasons=reasons(profiles[pk]))
        for pk, score in ranked
    ]


def _values(request: HelpRequest) -> dict[str, list[int]]:
    """The request's own values each kind of tie is looked up by."""
    sizes = ENGAGEMENT_FOR_SIZE.get(request.size, ())
    tags, sme_regions = _named_tags_and_sme_regions(request)
    return {
        "tags": tags,
        "sectors": [sector.pk for sector in request.sectors.all()],
        "regions": [region.pk for region in request.city_regions.all()],
        "sme_regions": sme_regions,
        "languages": [language.pk for language in request.languages.all()],
        "engagement_types": [
            row["pk"] for row in reference.rows(EngagementType) if row["key"] in sizes
        ],
    }


def _named_tags_and_sme_regions(request: HelpRequest) -> tuple[list[int], list[int]]:
    """The expertise tags the request's text names and the city-regions of the SME asking, in
    one query (the request's page keeps to a fixed budget of queries)."""
    tags = _named_tag_rows(request).order_by().annotate(kind=Value("tag"))
    regions = (
        Organisation.city_regions.through.objects.filter(organisation_id=request.organisation_id)
        .order_by()
        .annotate(kind=Value("region"))
        .values_list("kind", "cityregion_id")
    )
    found: dict[str, list[int]] = {"tag": [], "region": []}
    for kind, pk in tags.values_list("kind", "pk").union(regions, all=True):
        found[kind].append(pk)
    return found["tag"], found["region"]


def _table(relation) -> tuple[str, str, str]:
    """An M2M of Profile: its table, the profile column and the other column."""
    through = relation.through._meta
    profile_column = next(
        f.column for f in through.fields if f.is_relation and f.related_model is Profile
    )
    other = next(
        f.column
        for f in through.fields
        if f.is_relation and f.related_model is not Profile and f.column != profile_column
    )
    return through.db_table, profile_column, other


def _in(column: str, values: list) -> tuple[str, list]:
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


# The SQL below is written from the models' table and column names and this module's constants
# only (hence the noqa S608 marks); every value from a request or a viewer is a bound parameter.


def _parts(values: dict[str, list[int]]) -> tuple[list[str], list]:
    """One ``SELECT member, points, able`` per kind of tie read from a link table: the ties
    that make a member able to help, and ties to the request's city-regions abroad. (Languages,
    engagement types and the city-region in Canada are read from the profile's tokens, for the
    able members only: read from their link tables they were most of the rows.)"""
    parts, params = [], []

    # Weights are written into the SQL (constants of this module, not input): a bound number
    # would leave PostgreSQL to guess the type of a UNION's column.
    def add(sql: str, weight: str, condition: tuple[str, list]) -> None:
        points = f"{_points(weight)} AS points, {int(weight in ABLE)} AS able"
        parts.append(sql.format(points=points, where=condition[0]))
        params.extend(condition[1])

    for relation, key, weight in (
        (Profile.advice_topics, "tags", "advice_topic"),
        (Profile.expertise, "tags", "expertise"),
        (Profile.sectors, "sectors", "sector"),
        (Profile.home_regions, "regions", "region"),
    ):
        if values[key]:
            table, member, other = _table(relation)
            add(
                f"SELECT {member} AS member, {{points}} FROM {table} WHERE {{where}}",  # noqa: S608
                weight,
                _in(other, values[key]),
            )
    if values["regions"]:
        china = _in("china_region_id", values["regions"])
        canada = _in("canada_region_id", values["regions"])
        add(
            f"SELECT profile_id AS member, {{points}} FROM {Corridor._meta.db_table} "  # noqa: S608
            "WHERE {where}",
            "corridor",
            (f"{china[0]} AND {canada[0]}", [*china[1], *canada[1]]),
        )
    return parts, params


_PADDED_TOKENS = "(' ' || p.tokens || ' ')"


def _has_token(prefix: str, pk: int) -> tuple[str, list]:
    return f"{_PADDED_TOKENS} LIKE %s", [f"% {prefix}{pk} %"]


def _bonus(values: dict[str, list[int]], hours: dict[int, SharedHours]) -> tuple[str, list]:
    """The points read from the profile row alone, as SQL and its parameters: what its tokens
    (``members.directory.tokens_of``) share with the request (its working languages, the
    engagement its size calls for), its city-region in Canada being one of the request's, and
    the working hours that city-region shares with the SME's."""
    terms, params = [], []

    def add(condition: tuple[str, list], points: int) -> None:
        terms.append(f"(CASE WHEN {condition[0]} THEN {points} ELSE 0 END)")
        params.extend(condition[1])

    for prefix, key, weight in (
        ("l", "languages", "language"),
        ("e", "engagement_types", "engagement_type"),
    ):
        for pk in values[key]:
            add(_has_token(prefix, pk), _points(weight))
    if values["regions"]:
        add(_in("p.canadian_region_id", values["regions"]), _points("region"))
    if hours:
        hours_of_region = " ".join(["WHEN %s THEN %s"] * len(hours))
        terms.append(
            f"(CASE p.canadian_region_id {hours_of_region} ELSE 0 END) * {_points('time_zone')}"
        )
        params.extend(value for pk, shared in hours.items() for value in (pk, shared.hours))
    return " + ".join(terms) or "0", params


def _points(weight: str) -> int:
    """``WEIGHTS[weight]`` in hundredths of a point: the SQL adds up whole numbers, which is
    exact and, on PostgreSQL, much cheaper than its exact decimals."""
    return round(WEIGHTS[weight] * 100)


def _cap(expression: str, cap: int) -> str:
    return f"(CASE WHEN {expression} > {cap} THEN {cap} ELSE {expression} END)"


def _scores(
    request: HelpRequest, values: dict, hours: dict[int, SharedHours], size: int
) -> list[tuple[int, float]]:
    """The ``size`` best (member, score): the points of each member's ties added up, with what
    their profile row and ``ExpertRecord`` add, for those able to help who take requests and
    have room for one more engagement."""
    parts, params = _parts(values)
    profiles = Profile._meta.db_table
    listings = _in("p.findable_as", findable_listings(SignedInMember()))
    years = "COALESCE(p.years_experience, 0)"
    experience = f"CASE WHEN {years} > {EXPERIENCE_CAP} THEN {EXPERIENCE_CAP} ELSE {years} END"
    language_filter, language_params = "", []
    if request.language_required and values["languages"]:
        conditions = [_has_token("l", pk) for pk in values["languages"]]
        language_filter = f" AND ({' OR '.join(condition for condition, _ in conditions)})"
        language_params = [param for _, its_params in conditions for param in its_params]
    bonus, bonus_params = _bonus(values, hours)
    # The SMEs' private scores, not the public ratings, which inflate; none counts as a 3.
    rated = (
        "(COALESCE(CAST(r.sme_score_total AS DOUBLE PRECISION) / NULLIF(r.sme_scores, 0), 3) - 3)"
    )
    # Members whose ties to the request make them able to help, with room for one more
    # engagement, the busy ones lower, those who helped before higher.
    sql = (
        "SELECT s.user_id, s.points "  # noqa: S608
        f"+ {_cap('COALESCE(r.completed, 0)', HELPED_CAP)} * {_points('helped')} "
        f"- (COALESCE(r.pending, 0) + COALESCE(r.under_way, 0)) * {_points('busy')} "
        f"+ {rated} * {_points('rated')} AS score "
        "FROM ("
        f"SELECT p.user_id, p.last_active_at, p.max_open_engagements, SUM(tie.points) "
        f"+ {experience} * {_points('experience_year')} + {bonus} AS points "
        f"FROM ({' UNION ALL '.join(parts)}) tie "
        f"JOIN {profiles} p ON p.user_id = tie.member "
        "WHERE p.offers_expertise AND p.open_to_requests AND NOT p.paused "
        f"AND {listings[0]}"
        f"{language_filter} "
        "GROUP BY p.user_id "
        "HAVING SUM(tie.able) > 0"
        ") s "
        f"LEFT JOIN {ExpertRecord._meta.db_table} r ON r.expert_id = s.user_id "
        "WHERE COALESCE(r.under_way, 0) < s.max_open_engagements "
        f"AND s.user_id NOT IN (SELECT user_id FROM {Membership._meta.db_table} "
        "WHERE organisation_id = %s) "
        f"AND s.user_id NOT IN (SELECT expert_id FROM {Engagement._meta.db_table} "
        "WHERE request_id = %s) "
        "ORDER BY score DESC, s.last_active_at DESC, s.user_id DESC "
        "LIMIT %s"
    )
    arguments = [
        *bonus_params,
        *params,
        *listings[1],
        *language_params,
        request.organisation_id,
        request.pk,
        size,
    ]
    with connections[HelpRequest.objects.db].cursor() as cursor:
        cursor.execute(sql, arguments)
        return [(pk, score / 100) for pk, score in cursor.fetchall()]


# --- Reasons ------------------------------------------------------------------------------------


# Names members wrote (tags, organisations), shown as written; reference data follows the reader.
_WRITTEN_BY_MEMBERS = {"advice", "expertise", "helped"}


class _Reasons:
    """``reasons(profile)``: why a ranked member is proposed, most telling first. What each
    member shares with the request is read in one query for all of the page's members."""

    def __init__(self, values: dict, hours: dict[int, SharedHours], pks: list[int]):
        self.values = values
        self.hours = hours
        self.shared: dict[tuple[str, int], list[str]] = {}
        for kind, pk, name in sorted(_shared(values, pks), key=lambda row: row[2]):
            written = name if kind in _WRITTEN_BY_MEMBERS else in_reader_script(name)
            self.shared.setdefault((kind, pk), []).append(written)

    def __call__(self, profile: Profile) -> list[str]:
        def shared(kind: str) -> str:
            return _list(self.shared.get((kind, profile.pk), []))

        reasons = []
        if shared("advice"):
            reasons.append(_("willing to advise on %(topics)s") % {"topics": shared("advice")})
        if shared("expertise"):
            reasons.append(_("expertise in %(topics)s") % {"topics": shared("expertise")})
        if shared("sector"):
            reasons.append(_("works in %(sectors)s") % {"sectors": shared("sector")})
        if shared("corridor"):
            corridors = self.shared[("corridor", profile.pk)]
            reasons.append(
                ngettext(
                    "worked the %(corridors)s corridor",
                    "worked the %(corridors)s corridors",
                    len(corridors),
                )
                % {"corridors": _list(corridors)}
            )
        if profile.canadian_region_id in self.values["regions"]:
            reasons.append(_("based in %(region)s") % {"region": profile.canadian_region.name})
        if shared("region"):
            reasons.append(_("ties to %(regions)s") % {"regions": shared("region")})
        if shared("language"):
            reasons.append(_("speaks %(languages)s") % {"languages": shared("language")})
        if profile.canadian_region_id in self.hours:
            shared_hours = self.hours[profile.canadian_region_id]
            reasons.append(
                ngettext(
                    "shares %(hours)d working hour with %(place)s",
                    "shares %(hours)d working hours with %(place)s",
                    shared_hours.hours,
                )
                % {"hours": shared_hours.hours, "place": shared_hours.place}
            )
        if shared("engagement"):
            reasons.append(_("offers: %(engagements)s") % {"engagements": shared("engagement")})
        helped = len(self.shared.get(("helped", profile.pk), []))
        if helped:
            reasons.append(
                ngettext("helped %(count)d SME", "helped %(count)d SMEs", helped)
                % {"count": helped}
            )
        if profile.years_experience:
            reasons.append(
                ngettext(
                    "%(years)d year of experience",
                    "%(years)d years of experience",
                    profile.years_experience,
                )
                % {"years": profile.years_experience}
            )
        return reasons


def _shared(values: dict, pks: list[int]) -> list[tuple[str, int, str]]:
    """(kind, member, name) for everything the members ``pks`` share with the request, names
    in the active language."""
    reads = []

    def read(kind: str, rows, name) -> None:
        rows = rows.annotate(member=F("profile_id"), kind=Value(kind), name=name)
        reads.append(rows.values_list("kind", "member", "name"))

    for kind, relation, key, other in (
        ("advice", Profile.advice_topics, "tags", "expertisetag"),
        ("expertise", Profile.expertise, "tags", "expertisetag"),
        ("sector", Profile.sectors, "sectors", "sector"),
        ("region", Profile.home_regions, "regions", "cityregion"),
        ("engagement", Profile.engagement_types, "engagement_types", "engagementtype"),
    ):
        if values[key]:
            rows = relation.through.objects.filter(
                profile_id__in=pks, **{f"{other}_id__in": values[key]}
            )
            read(kind, rows, F(f"{other}__name") if other == "expertisetag" else _name(other))
    if values["languages"]:
        rows = ProfileLanguage.objects.filter(
            profile_id__in=pks, language_id__in=values["languages"]
        )
        read("language", rows, _name("language"))
    if values["regions"]:
        rows = Corridor.objects.filter(
            profile_id__in=pks,
            china_region_id__in=values["regions"],
            canada_region_id__in=values["regions"],
        )
        read("corridor", rows, Concat(_name("china_region"), Value("–"), _name("canada_region")))
    helped = Engagement.objects.filter(expert_id__in=pks, status=Engagement.Status.COMPLETED)
    reads.append(
        helped.annotate(member=F("expert_id"), kind=Value("helped"))
        .values_list("kind", "member", "request__organisation__name")
        .distinct()
    )
    return list(reads[0].union(*reads[1:], all=True))


def _name(path: str):
    """The name of the reference item at ``path`` in the active language (English when it has
    none), as ``TranslatedName.name`` says it."""
    column = TranslatedName.name_field()
    english = F(f"{path}__name_en")
    if column == "name_en":
        return english
    return Coalesce(NullIf(F(f"{path}__{column}"), Value("")), english)


def _list(names: list[str]) -> str:
    return join_list(names)

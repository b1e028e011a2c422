"""Economy updates imported from the Atom and RSS feeds staff subscribe the platform to.

``import_all_feeds`` (the beat task) imports every active source that is due; ``import_feed``
one source (also the admin's "Import now"). Each source is fetched, parsed and written on its
own, and whatever goes wrong with one (no answer, an error status, a huge or hanging response,
XML that is not well-formed, an encoding that does not decode, an unexpected exception) is
recorded on it (``last_error``, ``failures`` in a row, ``checked_at``) and the next one goes
ahead. A source that keeps failing is tried less often (``is_due``).

Fetching (``fetch``) never lets feedparser touch the network or the disk: the body is read here
with urllib, then handed to feedparser as a stream of bytes.
- Only http and https, on redirects too; no proxy from the environment.
- Addresses that are not public (loopback, private, link-local, reserved…) are refused unless
  ``settings.FEEDS_ALLOW_PRIVATE_ADDRESSES`` (False by default; the tests serve feeds from
  127.0.0.1). The check is made on the address actually connected to, for each connection of
  the redirects, so a name that resolves differently the second time gains nothing.
- A timeout per connection and read (``FEEDS_TIMEOUT``) and for the whole response; a byte limit
  (``FEEDS_MAX_BYTES``) checked on Content-Length before reading and on the bytes read, chunk
  by chunk, so an endless body stops at the limit. Gzip is accepted and inflated up to the same
  limit.
- Conditional GET: the ETag and Last-Modified of the last answer are sent back; a 304 is a
  success with nothing new.

Each entry becomes an update unless its feed already gave it (same ``guid``: the entry's id, or
its link) or an update already links to the same article. What is kept of it:
- title and summary as plain text: tags stripped, even from what the feed calls plain text
  (script and style with their content, by nh3), entities decoded, white space collapsed,
  control and bidirectional characters removed, cut to the model's lengths. Templates escape
  them like any text.
- body: the entry's content (else its summary, unless the summary says it all) as plain text
  with its paragraphs, escaped for Markdown (``markdown_safe``) so that rendering it shows the
  text as written and nothing else (no markup, no images; addresses become links);
  ``body_html`` is it rendered as the Editors' pages render a body (``core.markdown``).
- link only when http(s); published at the entry's date (published, else updated), never later
  than now (a date still to come would schedule it), now when it has none.
- sectors and city-regions from ``economy.tagging`` over its text.
- published at once when the source is trusted, else waiting for an Editor's review; also
  waiting when the feed was decoded otherwise than it declared (the text may be garbled).
"""

import calendar
import functools
import hashlib
import http.client
import io
import ipaddress
import logging
import re
import socket
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import feedparser
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.markdown import BIDI_CONTROLS, render_post
from economy import tagging
from economy.indexing import index_update
from economy.models import (
    BODY_MAX_LENGTH,
    GUID_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    EconomyUpdate,
    FeedSource,
)

logger = logging.getLogger(__name__)

TIMEOUT = 10.0  # seconds, for connecting and for each read
TOTAL_TIMEOUT = 60.0  # seconds, for a whole response however slowly it trickles in
MAX_BYTES = 2 * 1024 * 1024
MAX_ENTRIES = 100  # per fetch: the newest a feed lists first
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
ERROR_MAX_LENGTH = 1000
RETRY_AFTER = timedelta(minutes=15)  # after one failure; doubled at each further one
RETRY_AFTER_AT_MOST = timedelta(days=1)
USER_AGENT = "KnowBridge-FeedReader/1.0"
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
SCHEMES = ("http", "https")
# What feedparser says about a feed it read all the same: noted on the source; when the text was
# decoded otherwise than declared (it may be garbled), its entries wait for review.
WARNINGS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


class FeedError(Exception):
    """A feed that could not be fetched or read; the message is for staff."""


def setting(name: str, default):
    return getattr(settings, f"FEEDS_{name}", default)


# --- Addresses ------------------------------------------------------------------------------------


def check_url(url: str) -> str:
    """``url`` if it is an http(s) address with a host and no credentials, else FeedError."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise FeedError(_("This is not a valid address.")) from None
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise FeedError(_("Only http and https addresses are fetched."))
    if parts.username or parts.password:
        raise FeedError(_("Addresses with a user name or password are not fetched."))
    return url.strip()


def validate_url(url: str) -> None:
    """``check_url`` as a form validator."""
    try:
        check_url(url)
    except FeedError as error:
        raise ValidationError(str(error), code="feed_url") from None


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") aside
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _connect(address, timeout=TIMEOUT, source_address=None, *, allow_private: bool):
    """``socket.create_connection`` that refuses addresses that are not public, checked on the
    address it connects to (resolved once here)."""
    host, port = address
    try:
        candidates = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise FeedError(_("The host name does not resolve (%s).") % error) from None
    failure: Exception | None = None
    for family, kind, protocol, _name, socket_address in candidates:
        if not allow_private and not is_public(socket_address[0]):
            failure = FeedError(
                _("The feed's address %(address)s is not public: it is not fetched.")
                % {"address": socket_address[0]}
            )
            continue
        connection = socket.socket(family, kind, protocol)
        try:
            connection.settimeout(timeout if isinstance(timeout, int | float) else TIMEOUT)
            if source_address:
                connection.bind(source_address)
            connection.connect(socket_address)
        except OSError as error:
            connection.close()
            failure = error
        else:
            return connection
    raise failure or FeedError(_("The host name does not resolve."))


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, allow_private: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = functools.partial(_connect, allow_private=allow_private)


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, allow_private: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = functools.partial(_connect, allow_private=allow_private)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, *, allow_private: bool):
        super().__init__()
        self.allow_private = allow_private

    def http_open(self, req):
        return self.do_open(
            functools.partial(_HTTPConnection, allow_private=self.allow_private), req
        )


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, *, allow_private: bool):
        super().__init__()
        self.allow_private = allow_private

    def https_open(self, req):
        return self.do_open(
            functools.partial(_HTTPSConnection, allow_private=self.allow_private),
            req,
            context=self._context,
        )


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in SCHEMES:
            raise FeedError(_("The feed redirects to an address that is not http or https."))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    """Only what a feed needs: http(s) with the address check, redirects, errors as HTTPError;
    no proxy, ftp, file or data handlers."""
    allow_private = bool(setting("ALLOW_PRIVATE_ADDRESSES", False))
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler({}),
        urllib.request.UnknownHandler(),
        _HTTPHandler(allow_private=allow_private),
        _HTTPSHandler(allow_private=allow_private),
        urllib.request.HTTPDefaultErrorHandler(),
        _RedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


# --- Fetching -------------------------------------------------------------------------------------


@dataclass
class Fetched:
    url: str
    not_modified: bool = False
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""


def fetch(source: FeedSource) -> Fetched:
    """The source's feed as bytes (or ``not_modified``), within the limits; FeedError else."""
    url = check_url(source.url)
    timeout = float(setting("TIMEOUT", TIMEOUT))
    limit = int(setting("MAX_BYTES", MAX_BYTES))
    request = urllib.request.Request(  # noqa: S310 - http(s) only: check_url and the opener
        url,
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip"},
    )
    if source.etag:
        request.add_header("If-None-Match", source.etag)
    if source.last_modified:
        request.add_header("If-Modified-Since", source.last_modified)
    deadline = time.monotonic() + float(setting("TOTAL_TIMEOUT", TOTAL_TIMEOUT))
    try:
        response = _opener().open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 304:
            return Fetched(url=url, not_modified=True)
        raise FeedError(
            _("The server answered %(status)d %(reason)s.")
            % {"status": error.code, "reason": str(error.reason)[:100]}
        ) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, FeedError):
            raise reason from None
        detail = _describe(reason) if isinstance(reason, Exception) else str(reason)
        raise FeedError(_("The feed could not be reached (%s).") % detail) from None
    except (OSError, http.client.HTTPException) as error:
        raise FeedError(_("The feed could not be read (%s).") % _describe(error)) from None
    with response:
        try:
            body = _read(response, limit=limit, deadline=deadline)
        except (OSError, http.client.HTTPException) as error:
            raise FeedError(_("The feed could not be read (%s).") % _describe(error)) from None
        headers = response.headers
        encoding = (headers.get("Content-Encoding") or "").strip().lower()
        if encoding in ("gzip", "x-gzip"):
            body = _inflate(body, limit=limit)
        elif encoding not in ("", "identity"):
            raise FeedError(_("The feed came in an encoding that is not read (%s).") % encoding)
        return Fetched(
            url=response.url or url,
            body=body,
            content_type=headers.get("Content-Type", ""),
            etag=_header(headers.get("ETag"), 500),
            last_modified=_header(headers.get("Last-Modified"), 100),
        )


def _describe(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return _("no answer in time")
    return str(error) or error.__class__.__name__


def _too_large(limit: int) -> FeedError:
    return FeedError(
        _("The feed is larger than %(limit)d KB: it is not read.") % {"limit": limit // 1024}
    )


def _read(response, *, limit: int, deadline: float) -> bytes:
    """The body, refused as soon as it is known to exceed ``limit`` bytes."""
    declared = response.headers.get("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise FeedError(_("The feed took too long to arrive."))
        chunk = response.read1(min(CHUNK, limit + 1 - size))  # what has arrived, not more
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)


def _inflate(body: bytes, *, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error:
        raise FeedError(_("The feed's compressed data is damaged.")) from None
    if len(data) > limit:
        raise _too_large(limit)
    return data


def _header(value: str | None, length: int) -> str:
    value = (value or "").strip()
    return value if len(value) <= length and value.isprintable() else ""


# --- Reading --------------------------------------------------------------------------------------


@dataclass
class Entry:
    guid: str
    link: str
    title: str
    summary: str
    body: str  # Markdown
    text: str  # the body as plain text, for tagging
    published_at: datetime


@dataclass
class Parsed:
    entries: list[Entry]
    warning: str = ""
    garbled: bool = False  # decoded otherwise than declared: an Editor should read it first


def parse(fetched: Fetched, *, now: datetime) -> Parsed:
    """The feed's entries (the first ``MAX_ENTRIES``), or FeedError when it is not a feed."""
    result = feedparser.parse(
        io.BytesIO(fetched.body),  # a stream: feedparser never opens a URL or a file itself
        response_headers={
            "content-type": fetched.content_type or "application/xml",
            "content-location": fetched.url,
        },
        resolve_relative_uris=True,
        sanitize_html=True,
    )
    warning, garbled = "", False
    if result.get("bozo"):
        problem = result.get("bozo_exception")
        if not isinstance(problem, WARNINGS):
            raise FeedError(_("The feed is not well-formed XML (%s).") % _short(problem))
        garbled = isinstance(problem, feedparser.CharacterEncodingOverride)
        if garbled:
            warning = _("Read with a warning (%s); its entries wait for review.") % _short(problem)
        else:
            warning = _("Read with a warning (%s).") % _short(problem)
    if not result.get("version") and not result.entries:
        raise FeedError(_("This is not an RSS or Atom feed."))
    entries = [entry for raw in result.entries[:MAX_ENTRIES] if (entry := _entry(raw, now))]
    return Parsed(entries=entries, warning=warning, garbled=garbled)


def _short(problem) -> str:
    return (str(problem) or problem.__class__.__name__)[:300]


def _entry(raw, now: datetime) -> Entry | None:
    link = _http_url(raw.get("link", ""))
    summary_text = plain_text(raw.get("summary", ""))
    contents = raw.get("content") or []
    content = contents[0].get("value", "") if contents else raw.get("summary", "")
    body = text_of_html(content)
    title = plain_text(raw.get("title", ""))
    if not title:
        title = summary_text or " ".join(body.split())
    if not title:
        return None  # nothing to show for it
    summary = cut(summary_text, SUMMARY_MAX_LENGTH)
    if " ".join(body.split()) == summary:
        body = ""  # RSS without content: the description is the summary already
    guid = (raw.get("id") or link or "").strip()
    if not guid:
        guid = "sha256:" + hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()
    elif len(guid) > GUID_MAX_LENGTH:
        guid = "sha256:" + hashlib.sha256(guid.encode()).hexdigest()
    return Entry(
        guid=guid,
        link=link,
        title=cut(title, TITLE_MAX_LENGTH),
        summary=summary,
        body=markdown_within(body, BODY_MAX_LENGTH),
        text=body,
        published_at=_date(raw, now),
    )


def _http_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > 1000 or urlsplit(url).scheme.lower() not in SCHEMES:
        return ""
    return url


def _date(raw, now: datetime) -> datetime:
    for name in ("published_parsed", "updated_parsed"):
        parsed = raw.get(name)
        if parsed:
            try:
                moment = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
            except (OverflowError, ValueError, OSError):
                continue
            return min(moment, now)
    return now


# --- Text -----------------------------------------------------------------------------------------

_BLOCKS = {
    *("p", "div", "section", "article", "header", "footer", "blockquote", "pre", "table"),
    *("tr", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", "figure"),
}
# C0 and C1 control characters but the line feed; zero-width and bidirectional marks.
_CONTROLS = {
    **dict.fromkeys([*range(0x00, 0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0)], None),
    **dict.fromkeys([0x200B, 0x200E, 0x200F, 0xFEFF], None),
    **BIDI_CONTROLS,
}
_LINE_SPACE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&!])")
_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))", re.MULTILINE)


class _Text(HTMLParser):
    """The text of (already cleaned) HTML, a blank line between blocks, "• " before items."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def text_of_html(markup: str) -> str:
    """Plain text with its paragraphs: script and style dropped with their content (nh3), other
    tags dropped, entities decoded, spaces collapsed, control characters removed."""
    cleaned = nh3.clean(markup or "", tags=_BLOCKS, attributes={}, strip_comments=True)
    parser = _Text()
    parser.feed(cleaned)
    parser.close()
    text = "".join(parser.parts).translate(_CONTROLS)
    lines = (_LINE_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def plain_text(text: str) -> str:
    """One line of plain text: a title or a summary. Tags are stripped even from what a feed
    calls plain text: RSS titles often carry escaped HTML ("&lt;b&gt;…")."""
    return " ".join(text_of_html(text).split())


def markdown_safe(text: str) -> str:
    """``text`` escaped so that Markdown shows it as written: every character Markdown gives a
    meaning to is backslash-escaped (CommonMark allows it before any ASCII punctuation), and so
    are a line's first "-", "+", "=" and the number of "1." or "1)", which would start a
    list or a heading. Paragraphs (blank lines) stay paragraphs; addresses become links."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda match: _escape_line_start(match.group(1)), escaped)


def markdown_within(text: str, length: int) -> str:
    """``markdown_safe(text)`` within ``length`` characters: the text is cut before it is
    escaped, so that no escape is cut in half."""
    escaped = markdown_safe(text)
    while len(escaped) > length:
        text = cut(text, len(text) - (len(escaped) - length) - 1)
        escaped = markdown_safe(text)
    return escaped


def _escape_line_start(start: str) -> str:
    return "\\" + start if not start.isdigit() else start + "\\"


def cut(text: str, length: int) -> str:
    """``text`` within ``length`` characters, cut at a space when there is one near the end."""
    if len(text) <= length:
        return text
    shortened = text[: length - 1]
    space = shortened.rfind(" ")
    if space > length * 0.8:
        shortened = shortened[:space]
    return shortened.rstrip() + "…"


# --- Importing ------------------------------------------------------------------------------------


@dataclass
class FeedResult:
    source: FeedSource
    created: list[int] = field(default_factory=list)  # the new updates' ids
    duplicates: int = 0
    not_modified: bool = False
    error: str = ""
    warning: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def is_due(source: FeedSource, now: datetime) -> bool:
    """Every run for a source that works; after ``n`` failures in a row, once ``RETRY_AFTER``
    × 2ⁿ⁻¹ (a day at most) has passed since it was last tried."""
    if not source.failures or source.checked_at is None:
        return True
    wait = min(RETRY_AFTER * 2 ** min(source.failures - 1, 16), RETRY_AFTER_AT_MOST)
    return source.checked_at + wait <= now


def import_all_feeds(*, now: datetime | None = None, progress=None) -> dict[str, int]:
    """Beat: every active source that is due, one after the other, each on its own. Returns
    counts for the log. ``progress`` (if given) is called with each FeedResult."""
    now = now or timezone.now()
    sources = [
        source
        for source in FeedSource.objects.filter(active=True).order_by("pk")
        if is_due(source, now)
    ]
    totals = {"sources": len(sources), "new": 0, "not_modified": 0, "failed": 0}
    for source in sources:
        result = import_feed(source=source)
        totals["new"] += len(result.created)
        totals["not_modified"] += int(result.not_modified)
        totals["failed"] += int(not result.ok)
        if progress is not None:
            progress(result)
    return totals


def import_feed(*, source: FeedSource) -> FeedResult:
    """Fetch, read and store one source. Never raises for what the feed or its server does:
    the error is recorded on the source and returned."""
    now = timezone.now()
    try:
        fetched = fetch(source)
        if fetched.not_modified:
            FeedSource.objects.filter(pk=source.pk).update(
                checked_at=now, succeeded_at=now, failures=0, last_error=""
            )
            return FeedResult(source=source, not_modified=True)
        parsed = parse(fetched, now=now)
        return _store(source, fetched, parsed, now=now)
    except FeedError as error:
        message = str(error)
    except Exception as error:  # a hostile feed may break anything: it must not stop the others
        logger.exception("Feed %s (%s) could not be imported", source.pk, source.url)
        message = _("Unexpected error (%s).") % error.__class__.__name__
    logger.warning("Feed %s (%s): %s", source.pk, source.url, message)
    FeedSource.objects.filter(pk=source.pk).update(
        checked_at=now, failures=F("failures") + 1, last_error=message[:ERROR_MAX_LENGTH]
    )
    return FeedResult(source=source, error=message)


@transaction.atomic
def _store(source: FeedSource, fetched: Fetched, parsed: Parsed, *, now: datetime) -> FeedResult:
    """The new entries as updates, and the source's state, in one transaction. The source's row
    is locked first, so two imports of it at once (a slow beat run and "Import now") do not
    both write the same entry."""
    source = FeedSource.objects.select_for_update().get(pk=source.pk)
    result = FeedResult(source=source, warning=parsed.warning)
    entries = parsed.entries
    known_guids = set(
        EconomyUpdate.objects.filter(
            feed=source, guid__in=[entry.guid for entry in entries]
        ).values_list("guid", flat=True)
    )
    links = [entry.link for entry in entries if entry.link]
    known_links = set(
        EconomyUpdate.objects.filter(source_url__in=links).values_list("source_url", flat=True)
        if links
        else []
    )
    status = (
        EconomyUpdate.Status.PUBLISHED
        if source.trusted and not parsed.garbled
        else EconomyUpdate.Status.REVIEW
    )
    for entry in entries:
        if entry.guid in known_guids or (entry.link and entry.link in known_links):
            result.duplicates += 1
            continue
        update = _create(source, entry, status)
        result.created.append(update.pk)
        known_guids.add(entry.guid)
        known_links.add(entry.link)
    source.etag, source.last_modified = fetched.etag, fetched.last_modified
    source.checked_at = source.succeeded_at = now
    source.failures = 0
    source.last_error = parsed.warning[:ERROR_MAX_LENGTH]
    source.save(
        update_fields=[
            "etag",
            "last_modified",
            "checked_at",
            "succeeded_at",
            "failures",
            "last_error",
        ]
    )
    return result


def _create(source: FeedSource, entry: Entry, status: str) -> EconomyUpdate:
    update = EconomyUpdate.objects.create(
        title=entry.title,
        summary=entry.summary,
        body=entry.body,
        body_html=render_post(entry.body, allow_images=False).html,
        source_name=cut(source.name, 200),
        source_url=entry.link,
        language=source.language,
        status=status,
        published_at=entry.published_at,
        feed=source,
        guid=entry.guid,
    )
    tags = tagging.tags_in("\n".join((entry.title, entry.summary, entry.text)))
    if tags.sectors:
        update.sectors.set(tags.sectors)
    if tags.city_regions:
        update.city_regions.set(tags.city_regions)
    index_update(update)
    return update

"""Members' Markdown, rendered to HTML that is safe to put in a page.

Two dialects share one parser set-up and one sanitiser design: profile bios (`render_markdown`:
no images, absolute links only) and forum posts and private messages (`render_post`: fenced code
with a language, same-site images, @mentions, and counts the trust levels need). Raw HTML is never
parsed as HTML (markdown-it escapes it); what markdown-it produces is then cleaned by nh3 as a
second line of defence, so a bug in either one alone does not let markup through.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

LINK_SCHEMES = ("http:", "https:", "mailto:")
LINK_REL = "nofollow noopener ugc"

# Members' content sits under the page's own h1 and h2, so "#" becomes h3 and so on down to h6.
HEADING_SHIFT = 2

# Generic on purpose: core does not know the members app's handle alphabet; the `mentions`
# callable decides which of these name a member.
MENTION = re.compile(r"(?<![\w@./+-])@([a-z0-9]{2,32})(?![\w@-])")

LANGUAGE = re.compile(r"[a-z0-9][a-z0-9+#_-]{0,31}")
LANGUAGE_CLASS = re.compile(r"language-[a-z0-9][a-z0-9+#_-]{0,31}")

# One leading "/" and then only URL characters: no "//host", no "/\host" (browsers read a
# backslash as a slash), no tab or newline (browsers drop them, so "/\t/host" is "//host").
SAME_SITE_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/%?#]*")
# Nor their percent-encoded forms, which some servers and proxies decode before routing.
ENCODED_TRICKS = re.compile(r"%(?:[01][0-9a-f]|7f|5c)", re.IGNORECASE)

# Bidirectional embeddings, overrides and isolates can reverse the text around them (a link that
# reads "gpj.exe" as "exe.jpg", or a snippet that spills into the page); letters carry their own
# direction, so members writing Arabic or Hebrew do not need them.
BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A)],
    None,
)

Mentionable = Callable[[list[str]], Mapping[str, tuple[str, str]]]


def _shift_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
            token.tag = f"h{level}"


def _is_allowed_link(url: str) -> bool:
    # Anything else (javascript:, data:, relative paths) stays visible as plain Markdown text.
    return url.strip().lower().startswith(LINK_SCHEMES)


def is_same_site_path(url: str) -> bool:
    """A path on this site ("/forums/t/1/"), never another host however the URL is spelt."""
    return bool(SAME_SITE_PATH.fullmatch(url)) and not ENCODED_TRICKS.search(url)


def _is_post_link(url: str) -> bool:
    return url.lower().startswith(LINK_SCHEMES) or is_same_site_path(url)


def _parser(*, images: bool) -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": True})
    parser.enable(["table", "strikethrough", "linkify"])
    # Addresses written out (https://…, www.…) become links; a bare name like "Alibaba.com" in
    # a sentence stays text, and so does not count against a new member's links.
    parser.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    if not images:
        parser.disable("image")
    parser.core.ruler.push("shift_headings", _shift_headings)
    return parser


def _cleaner(*, tags: Iterable[str], attributes: dict[str, set[str]], **options) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags={
            *("p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote"),
            *("ul", "ol", "li", "h3", "h4", "h5", "h6", "a"),
            *("table", "thead", "tbody", "tr", "th", "td"),
            *tags,
        },
        attributes={"*": set(), "a": {"href", "title"}, "ol": {"start"}, **attributes},
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
        **options,
    )


# Bios: images are off, so "![alt](url)" shows as "!" and a link and the alt text is not lost.
_bio_markdown = _parser(images=False)
_bio_markdown.validateLink = _is_allowed_link
_bio_cleaner = _cleaner(tags=(), attributes={})


def render_markdown(text: str) -> SafeString:
    """CommonMark (plus tables and ~~strikethrough~~) to sanitised HTML; blank text gives ""."""
    if not text or not text.strip():
        return mark_safe("")
    return mark_safe(_bio_cleaner.clean(_bio_markdown.render(text)))  # noqa: S308 - sanitised by nh3


# Posts: every link and image reaches the token pass below, so each one written is counted and
# the pass (not markdown-it's silent validateLink) decides what becomes of it.
_post_markdown = _parser(images=True)
_post_markdown.validateLink = lambda url: True


def _filter_post_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3's last word on the attributes the token pass is trusted to have set right."""
    if attribute == "class":
        allowed = value == "mention" if tag == "a" else bool(LANGUAGE_CLASS.fullmatch(value))
        return value if allowed else None
    if tag == "img" and attribute == "src":
        return value if is_same_site_path(value) else None
    if tag == "a" and attribute == "href":
        return value if _is_post_link(value) else None
    return value


_post_cleaner = _cleaner(
    tags=("img",),
    attributes={"a": {"href", "title", "class"}, "img": {"src", "alt", "title"}, "code": {"class"}},
    attribute_filter=_filter_post_attribute,
)


@dataclass(frozen=True)
class Rendered:
    """A post rendered: its HTML, its plain text, and what the author wrote that trust limits."""

    html: SafeString
    text: str = ""
    links: int = 0  # links written, autolinks included, whether or not they stayed links
    images: int = 0  # images written, whether or not they stayed images
    mentions: list[str] = field(default_factory=list)  # "@handle"s outside code and links


def render_post(
    text: str, *, mentions: Mentionable | None = None, allow_images: bool = True
) -> Rendered:
    """A forum post or private message to sanitised HTML, plain text and counts.

    `mentions` receives the handles written as "@handle" and returns {handle: (display name,
    url)} for those that name a member; they become links, the rest stay text. Images stay only
    when they point at this site and `allow_images` is true; otherwise they become a link (or just
    their alt text when the URL may not be a link).
    """
    text = (text or "").translate(BIDI_CONTROLS)
    if not text.strip():
        return Rendered(html=mark_safe(""))
    env: dict = {}
    tokens = _post_markdown.parse(text, env)
    counts = _Counts()
    for token in tokens:
        if token.type == "fence":
            token.info = _language(token.info)
        elif token.type == "inline" and token.children:
            token.children = _rewrite_inline(token.children, counts, allow_images=allow_images)
    found = _unique(
        handle for token in _mention_candidates(tokens) for handle in MENTION.findall(token.content)
    )
    if found:
        people = dict(mentions(found)) if mentions else {}
        for token in tokens:
            if token.type == "inline" and token.children:
                token.children = _link_mentions(token.children, people)
    html = _post_markdown.renderer.render(tokens, _post_markdown.options, env)
    return Rendered(
        html=mark_safe(_post_cleaner.clean(html)),  # noqa: S308 - sanitised by nh3
        text=_plain_text(tokens),
        links=counts.links,
        images=counts.images,
        mentions=found,
    )


@dataclass
class _Counts:
    links: int = 0
    images: int = 0


def _language(info: str) -> str:
    words = info.split()
    language = words[0].lower() if words else ""
    return language if LANGUAGE.fullmatch(language) else ""


def _rewrite_inline(children: list[Token], counts: _Counts, *, allow_images: bool) -> list[Token]:
    """Drop links to places a post may not link to, and decide each image's fate.

    Text inside a link is marked so that it is never read as a mention.
    """
    out: list[Token] = []
    kept: list[bool] = []  # one entry per open link: is it still a link?
    for token in children:
        if token.type == "link_open":
            counts.links += 1
            kept.append(_is_post_link(token.attrGet("href") or ""))
            if kept[-1]:
                out.append(token)
        elif token.type == "link_close":
            if kept.pop() if kept else False:
                out.append(token)
        elif token.type == "image":
            counts.images += 1
            out.extend(_image(token, allow_images=allow_images, in_link=bool(kept)))
        else:
            if token.type == "text" and kept:
                token.meta["in_link"] = True
            out.append(token)
    return out


def _image(token: Token, *, allow_images: bool, in_link: bool) -> list[Token]:
    src = token.attrGet("src") or ""
    if allow_images and is_same_site_path(src):
        return [token]
    alt = _text("".join(child.content for child in token.children or ()) or token.content)
    alt.meta["in_link"] = True
    if in_link or not _is_post_link(src):
        return [alt] if alt.content else []
    if not alt.content:
        alt.content = src
    return [Token("link_open", "a", 1, attrs={"href": src}), alt, Token("link_close", "a", -1)]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _mention_candidates(tokens: list[Token]) -> Iterable[Token]:
    for token in tokens:
        if token.type == "inline":
            for child in token.children or ():
                if child.type == "text" and not child.meta.get("in_link"):
                    yield child


def _unique(handles: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(handles))


def _link_mentions(children: list[Token], people: Mapping[str, tuple[str, str]]) -> list[Token]:
    out: list[Token] = []
    for token in children:
        if token.type != "text" or token.meta.get("in_link") or "@" not in token.content:
            out.append(token)
            continue
        start = 0
        for match in MENTION.finditer(token.content):
            name, url = people.get(match.group(1)) or ("", "")
            if not _is_post_link(url):
                continue
            out.append(_text(token.content[start : match.start()]))
            out.append(Token("link_open", "a", 1, attrs={"href": url, "class": "mention"}))
            out.append(_text(f"@{name}"))
            out.append(Token("link_close", "a", -1))
            start = match.end()
        out.append(_text(token.content[start:]))
    return [token for token in out if token.type != "text" or token.content]


BLOCK_ENDS = {
    *("paragraph_close", "heading_close", "fence", "code_block", "hr", "table_close"),
    *("bullet_list_close", "ordered_list_close"),
}
LINE_ENDS = {"tr_close"}
CELL_ENDS = {"th_close", "td_close"}


def _plain_text(tokens: list[Token]) -> str:
    """What a reader sees, without markup: for search, snippets and e-mail excerpts."""
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            parts.extend(_inline_text(token.children or ()))
        elif token.type in ("fence", "code_block"):
            parts.append(token.content)
        if token.type in LINE_ENDS or (token.type in BLOCK_ENDS and token.hidden):
            parts.append("\n")
        elif token.type in BLOCK_ENDS:
            parts.append("\n\n")
        elif token.type in CELL_ENDS:
            parts.append(" ")
    text = "".join(parts)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _inline_text(children: Iterable[Token]) -> Iterable[str]:
    for child in children:
        if child.type in ("text", "code_inline"):
            yield child.content
        elif child.type == "image":
            yield "".join(grandchild.content for grandchild in child.children or ())
        elif child.type in ("softbreak", "hardbreak"):
            yield "\n"

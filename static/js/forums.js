// Quote in place: on a thread page with the reply box, "Quote" fills the box with the post's text
// (or the part of it the reader selected) as a Markdown quote and says which post it answers.
// Without this script the link opens the reply page with the quote filled in by the server.
"use strict";

function quoted(text) {
  return text.trim().split("\n").map((line) => (line ? `> ${line}` : ">")).join("\n") + "\n\n";
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-quote]");
  const form = document.getElementById("reply-form");
  if (!link || !form) {
    return;
  }
  const body = form.querySelector("textarea");
  const post = link.closest("article.post");
  if (!body || !post) {
    return;
  }
  event.preventDefault();
  const content = post.querySelector(".post-body");
  const selection = window.getSelection();
  const selected = selection && content && content.contains(selection.anchorNode)
    ? selection.toString()
    : "";
  body.value += quoted(selected || (content ? content.innerText : ""));
  form.querySelector("input[name=reply_to]").value = link.dataset.quote;
  body.focus();
});

// A wide table in a post scrolls inside its box; one that does takes the keyboard focus, so that
// it can be scrolled without a mouse.
for (const table of document.querySelectorAll(".post-body table")) {
  if (table.scrollWidth > table.clientWidth) {
    table.tabIndex = 0;
  }
}

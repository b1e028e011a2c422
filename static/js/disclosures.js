// Disclosures marked data-open-when-wide (the directories' filters) come folded, so that on a
// phone the results come first. On wide screens the stylesheet shows their content even before
// this script runs (or without it); the script opens them there, so that what assistive
// technology announces matches what is shown, and follows the screen when it turns or resizes.
"use strict";

const narrow = window.matchMedia("(max-width: 40rem)");

function followScreenWidth() {
  for (const disclosure of document.querySelectorAll("details[data-open-when-wide]")) {
    disclosure.open = !narrow.matches;
  }
}

followScreenWidth();
narrow.addEventListener("change", followScreenWidth);

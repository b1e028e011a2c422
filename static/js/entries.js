// Lists edited as Django formsets (the experience page): "Add a row" copies the formset's blank
// row in place, so that several rows need one save. Without this script the button is a submit
// button and the server shows the page again with one more row.
"use strict";

const PLACEHOLDER = "__prefix__";

function numberRow(row, index) {
  for (const element of [row, ...row.querySelectorAll("*")]) {
    for (const attribute of element.attributes) {
      if (attribute.value.includes(PLACEHOLDER)) {
        attribute.value = attribute.value.replaceAll(PLACEHOLDER, String(index));
      }
    }
  }
}

function enableAddingRows(section) {
  const prefix = section.dataset.entries;
  const total = section.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const maxRows = Number(section.dataset.maxRows);
  const blankRow = section.querySelector("template");
  const rows = section.querySelector(".entry-rows");
  const button = section.querySelector("[data-add-row]");
  if (!total || !blankRow || !rows || !button) {
    return;
  }
  button.type = "button";
  button.addEventListener("click", () => {
    const index = Number(total.value);
    const row = blankRow.content.firstElementChild.cloneNode(true);
    numberRow(row, index);
    rows.append(row);
    total.value = String(index + 1);
    button.disabled = index + 1 >= maxRows;
    row.querySelector("input, select, textarea").focus();
  });
}

document.querySelectorAll("[data-entries]").forEach(enableAddingRows);

// The events page: create an event with its own participant fields, through the REST API.
"use strict";

(() => {
  const { t, api } = Roster;
  const $ = (id) => document.getElementById(id);
  const form = $("event-form");
  if (!form) return;
  const rows = $("event-fields").tBodies[0];

  /** A field's code from its label, as a code must be written (letters, digits, underscores). */
  function codeOf(label) {
    const words = label.normalize("NFD").replace(/[\u0300-\u036f]/g, "").match(/[A-Za-z0-9]+/g) ?? [];
    const code = words.map((word, index) => index === 0 ? word.toLowerCase() : word[0].toUpperCase() + word.slice(1).toLowerCase()).join("");
    return /^[A-Za-z]/.test(code) ? code : code ? `f${code}` : "";
  }

  function addRow() {
    const row = $("event-field-row").content.firstElementChild.cloneNode(true);
    const label = row.querySelector(".field-label");
    const code = row.querySelector(".field-code");
    label.addEventListener("input", () => { if (!code.dataset.edited) code.value = codeOf(label.value); });
    code.addEventListener("input", () => { code.dataset.edited = "true"; });
    row.querySelector(".remove-field").addEventListener("click", () => row.remove());
    rows.append(row);
    label.focus();
  }
  $("add-event-field").addEventListener("click", addRow);
  // A message goes as soon as what it spoke of is edited.
  form.addEventListener("input", (event) => {
    event.target.removeAttribute("aria-invalid");
    if (event.target.id === "event-name") $("event-name-error").textContent = "";
  });

  function instant(input) {
    return input.value ? new Date(input.value).toISOString() : undefined;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = $("event-form-error");
    box.hidden = true;
    $("event-name-error").textContent = "";
    $("event-name").removeAttribute("aria-invalid");
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    const fields = [...rows.rows].map((row) => {
      const type = row.querySelector(".field-type").value;
      const field = { code: row.querySelector(".field-code").value.trim(), label: row.querySelector(".field-label").value.trim(), type };
      const options = row.querySelector(".field-options").value.split(";").map((option) => option.trim()).filter(Boolean);
      if (options.length) field.options = options;
      return field;
    });
    const body = { name: $("event-name").value.trim(), fields, startsAt: instant($("event-starts")), endsAt: instant($("event-ends")) };
    const create = $("create-event");
    create.disabled = true;
    try {
      const created = await api("POST", "/api/v1/events", body);
      location.assign(`/events/${created.id}`);
    } catch (error) {
      box.textContent = error.message;
      box.hidden = false;
      for (const detail of error.details ?? []) {
        if (detail.field === "name") { $("event-name-error").textContent = detail.message; $("event-name").setAttribute("aria-invalid", "true"); }
        // A field's problem names it by its code, or by its place when it has none.
        const match = /^fields\[(\d+)\]$/.exec(detail.field ?? "");
        const row = match ? rows.rows[Number(match[1])] : [...rows.rows].find((candidate) => candidate.querySelector(".field-code").value.trim() === detail.field);
        row?.querySelectorAll("input").forEach((input) => input.setAttribute("aria-invalid", "true"));
      }
      create.disabled = false;
    }
  });
})();

// The event form: a new event on the events page (POST), an event edited on its own page (PATCH),
// with its time zone and its own participant fields, through the REST API.
"use strict";

(() => {
  const { t, api } = Roster;
  const $ = (id) => document.getElementById(id);
  const form = $("event-form");
  if (!form) return;
  const rows = $("event-fields").tBodies[0];
  const eventId = form.dataset.eventId;
  const zone = $("event-zone");

  // The zones the browser knows, offered as the name is typed; a new event starts in the
  // organiser's own.
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const name of Intl.supportedValuesOf?.("timeZone") ?? []) $("time-zones").append(Roster.el("option", { value: name }));
  if (!eventId && !zone.value && browserZone) zone.value = browserZone;

  /** A field's code from its label, as a code must be written (letters, digits, underscores). */
  function codeOf(label) {
    const words = label.normalize("NFD").replace(/[\u0300-\u036f]/g, "").match(/[A-Za-z0-9]+/g) ?? [];
    const code = words.map((word, index) => index === 0 ? word.toLowerCase() : word[0].toUpperCase() + word.slice(1).toLowerCase()).join("");
    return /^[A-Za-z]/.test(code) ? code : code ? `f${code}` : "";
  }

  /** A row of the field table; `field` fills it with a field the event already has, whose code
   *  then stays as it is (participants' values, imports and mappings name the field by it). */
  function addRow(field) {
    const row = $("event-field-row").content.firstElementChild.cloneNode(true);
    const label = row.querySelector(".field-label");
    const code = row.querySelector(".field-code");
    if (field) {
      label.value = field.label;
      code.value = field.code;
      code.readOnly = true;
      row.dataset.existing = field.code;
      row.querySelector(".field-type").value = field.type;
      row.querySelector(".field-options").value = (field.options ?? []).join("; ");
      row.querySelector(".field-max-length").value = field.maxLength ?? "";
      row.querySelector(".field-required").checked = Boolean(field.required);
    } else {
      label.addEventListener("input", () => { if (!code.dataset.edited) code.value = codeOf(label.value); });
      code.addEventListener("input", () => { code.dataset.edited = "true"; });
    }
    row.querySelector(".remove-field").addEventListener("click", () => row.remove());
    rows.append(row);
    if (!field) label.focus();
  }
  $("add-event-field").addEventListener("click", () => addRow());
  for (const field of JSON.parse($("event-fields-data")?.textContent || "[]")) addRow(field);

  // A message goes as soon as what it spoke of is edited.
  form.addEventListener("input", (event) => {
    event.target.removeAttribute("aria-invalid");
    const message = event.target.closest(".field, td")?.querySelector(".field-error");
    if (message) message.textContent = "";
  });

  /** The offset of `zone` from UTC at the instant `ms`, in milliseconds. */
  function offsetAt(ms, zone) {
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
    }).formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
    const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return wall - Math.floor(ms / 1000) * 1000;
  }

  /** The instant a `datetime-local` value names in `zone` (the browser's when none is valid). */
  function instant(input, zone) {
    if (!input.value) return undefined;
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(input.value);
    let valid = false;
    try { valid = Boolean(zone) && Boolean(new Intl.DateTimeFormat("en", { timeZone: zone })); } catch { valid = false; }
    if (!match || !valid) return new Date(input.value).toISOString();
    const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]));
    let guess = wall;
    for (let pass = 0; pass < 2; pass += 1) guess = wall - offsetAt(guess, zone);
    return new Date(guess).toISOString().replace(".000Z", "Z");
  }

  function clearErrors() {
    $("event-form-error").hidden = true;
    for (const message of form.querySelectorAll(".field-error")) message.textContent = "";
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  }

  /** Each problem the API found, beside the input it is about; the rest in the box at the end. */
  function showErrors(error) {
    const box = $("event-form-error");
    const unplaced = [];
    const inputs = { name: "event-name", startsAt: "event-starts", endsAt: "event-ends", timeZone: "event-zone" };
    const messages = { name: "event-name-error", startsAt: "event-starts-error", endsAt: "event-ends-error", timeZone: "event-timeZone-error" };
    for (const detail of error.details ?? []) {
      if (inputs[detail.field]) {
        $(inputs[detail.field]).setAttribute("aria-invalid", "true");
        $(messages[detail.field]).textContent = detail.message;
        continue;
      }
      // A field's problem names it by its code, or by its place when it has none.
      const match = /^fields\[(\d+)\]/.exec(detail.field ?? "");
      const row = match ? rows.rows[Number(match[1])] : [...rows.rows].find((candidate) => candidate.querySelector(".field-code").value.trim() === detail.field);
      if (!row) { unplaced.push(detail.message); continue; }
      row.querySelectorAll("input:not([type=checkbox])").forEach((input) => input.setAttribute("aria-invalid", "true"));
      const message = row.querySelector(".field-error");
      message.textContent = [message.textContent, detail.message].filter(Boolean).join(" · ");
    }
    box.textContent = unplaced.length ? unplaced.join(" · ") : error.details?.length ? t("form_fix_marked") : error.message;
    box.hidden = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    const fields = [...rows.rows].map((row) => {
      const field = { code: row.querySelector(".field-code").value.trim(), label: row.querySelector(".field-label").value.trim(), type: row.querySelector(".field-type").value };
      const options = row.querySelector(".field-options").value.split(";").map((option) => option.trim()).filter(Boolean);
      if (options.length) field.options = options;
      const maxLength = row.querySelector(".field-max-length").value;
      if (maxLength) field.maxLength = Number(maxLength);
      if (row.querySelector(".field-required").checked) field.required = true;
      return field;
    });
    const timeZone = zone.value.trim();
    const body = {
      name: $("event-name").value.trim(), fields, timeZone: timeZone || undefined,
      startsAt: instant($("event-starts"), timeZone), endsAt: instant($("event-ends"), timeZone),
    };
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    try {
      const saved = eventId ? await api("PATCH", `/api/v1/events/${encodeURIComponent(eventId)}`, body) : await api("POST", "/api/v1/events", body);
      location.assign(`/events/${saved.id}`);
    } catch (error) {
      showErrors(error);
      submit.disabled = false;
    }
  });
})();

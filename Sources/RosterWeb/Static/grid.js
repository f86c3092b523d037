// The participant grid and a participant's page, through the REST API: check-in and its undo,
// several check-ins at once, adding and editing a participant, the columns shown, the pages
// walked back; the import's count refresh.
"use strict";

(() => {
  const { t, api, el, localTime } = Roster;

  /** "Yes" and, when the answer has it, the check-in time in the browser's zone: the hour
   *  alone in a grid row (the date in its title), date and hour on a person's page. */
  function checkedIn(participant, inRow) {
    const yes = el("span", { class: "yes", role: "status" }, t("yes"));
    const at = participant?.checkedInAt;
    if (!at) return [yes];
    const time = el("time", { class: "checked-in-at", datetime: at, title: localTime(at) }, localTime(at, inRow ? "time" : "full"));
    time.dataset.local = "true";
    return [yes, " ", time];
  }
  const eventId = location.pathname.split("/")[2];
  const participants = `/api/v1/events/${eventId}/participants`;
  const $ = (id) => document.getElementById(id);

  /** Sets a person's attendance; on a participant's page the whole answer changes ("No" and its
   *  button become "Yes" and its undo), in the grid the button becomes "Yes". */
  async function setAttended(button, attended) {
    button.disabled = true;
    try {
      const answer = await api("PATCH", `${participants}/${button.dataset.participant}`, { hasAttended: attended });
      const cell = button.closest("#person-attended");
      if (cell) {
        cell.replaceChildren(...(attended
          ? checkedIn(answer, false)
          : [el("button", { type: "button", class: "check-in small", "data-participant": button.dataset.participant }, t("grid_check_in"))]));
        if (attended && $("edit-participant")) {
          cell.append(" ", el("button", { type: "button", class: "undo-check-in small", "data-participant": button.dataset.participant }, t("person_undo_check_in")));
        }
      } else {
        button.replaceWith(...checkedIn(answer, true));
      }
    } catch (error) {
      button.disabled = false;
      button.after(el("span", { class: "error-text", role: "alert" }, ` ${error.message}`));
    }
  }

  /** Sends a person in error again: the live sync takes them; the page's state follows by itself. */
  async function retryPerson(button) {
    button.disabled = true;
    try {
      await api("POST", `${participants}/${button.dataset.participant}/salesforce/retry`);
      $("person-retry-status").textContent = t("person_retry_queued");
    } catch (error) {
      button.disabled = false;
      $("person-retry-status").textContent = error.message;
    }
  }

  document.addEventListener("click", (event) => {
    const retry = event.target.closest("#person-retry");
    if (retry) return retryPerson(retry);
    const checkIn = event.target.closest("button.check-in");
    if (checkIn) return setAttended(checkIn, true);
    const undo = event.target.closest("button.undo-check-in");
    if (undo) return setAttended(undo, false);
  });

  // Several people checked in at once: tick their rows, press the button.
  const bulk = $("bulk-check-in");
  function selected() { return [...document.querySelectorAll("input.select-row:checked")].map((box) => box.value); }
  function showSelection() {
    if (!bulk) return;
    const count = selected().length;
    bulk.disabled = count === 0;
    bulk.textContent = count ? t("grid_bulk_check_in_count", { count }) : t("grid_bulk_check_in");
  }
  document.addEventListener("change", (event) => {
    if (event.target.id === "select-all") {
      for (const box of document.querySelectorAll("input.select-row")) box.checked = event.target.checked;
    }
    if (event.target.matches?.("input.select-row, #select-all")) showSelection();
  });
  document.addEventListener("live-update", showSelection);
  bulk?.addEventListener("click", async () => {
    const ids = selected();
    // Each check-in reaches the event's Salesforce campaign: say how many before they go.
    if (!window.confirm(t("grid_bulk_confirm", { count: ids.length }))) return;
    const status = $("bulk-status");
    bulk.disabled = true;
    let done = 0;
    const failed = [];
    for (const id of ids) {
      try {
        const answer = await api("PATCH", `${participants}/${id}`, { hasAttended: true });
        done += 1;
        const cell = document.querySelector(`tr[data-participant="${CSS.escape(id)}"] td.attended`);
        cell?.replaceChildren(...checkedIn(answer, true));
        const box = document.querySelector(`input.select-row[value="${CSS.escape(id)}"]`);
        if (box) box.checked = false;
      } catch (error) {
        failed.push(error.message);
      }
      status.textContent = t("grid_bulk_progress", { done, count: ids.length });
    }
    status.textContent = failed.length ? t("grid_bulk_failed", { done, failed: failed.length, error: failed[0] }) : t("grid_bulk_done", { count: done });
    status.className = failed.length ? "error-text" : "ok-text";
    if ($("select-all")) $("select-all").checked = false;
    showSelection();
  });

  // The custom fields shown as columns, chosen by ticking them.
  $("columns-form")?.addEventListener("submit", () => {
    $("cols-value").value = [...document.querySelectorAll("input.column-choice:checked")].map((box) => box.value).join(",");
  });

  // Previous page: keyset pages have no offset, so the pages walked through this list are kept
  // for the tab; without them (a page opened from a link) only the first page is offered.
  const trailKey = `roster-pages:${location.pathname}`;
  const here = location.pathname + location.search;
  const trail = JSON.parse(sessionStorage.getItem(trailKey) || "[]");
  $("next-page")?.addEventListener("click", () => sessionStorage.setItem(trailKey, JSON.stringify([...trail.filter((url) => url !== here), here])));
  const previous = $("previous-page");
  if (previous) {
    const page = Number(previous.dataset.page);
    const stored = trail.at(-1);
    if (stored) {
      previous.href = stored;
      previous.addEventListener("click", () => sessionStorage.setItem(trailKey, JSON.stringify(trail.slice(0, -1))));
    } else if (page > 2) {
      previous.hidden = true;
    }
  }

  /** The participant form's values as the API takes them. Adding leaves empty fields out, but
   *  for the required ones: sent empty, the API's rules name each (in the page's language) with
   *  the others; editing sends them empty so a value can be removed. */
  function formValues(form, editing) {
    const body = { fields: {} };
    for (const input of form.querySelectorAll("input[name]:not([type=checkbox])")) {
      const value = input.value.trim();
      if (value || editing || input.required) body[input.name] = value;
    }
    body.isRegistered = form.querySelector("#pf-isRegistered").checked;
    for (const input of form.querySelectorAll("[data-code]")) {
      const type = input.dataset.type;
      let value;
      if (type === "boolean") value = input.checked;
      else if (type === "multiselectList") value = [...input.selectedOptions].map((option) => option.value);
      else if (type === "nullableBoolean") value = input.value === "" ? null : input.value === "true";
      else if (type === "number") value = input.value === "" ? null : Number(input.value);
      else value = input.value === "" ? null : input.value;
      if (value !== null || editing) body.fields[input.dataset.code] = value;
    }
    return body;
  }

  /** The API's refusal shown beside the inputs it names, and in full above the button. */
  function showFormError(form, error) {
    const box = $("participant-form-error");
    box.textContent = error.message;
    box.hidden = false;
    for (const detail of error.details ?? []) {
      const message = form.querySelector(`#pf-${CSS.escape(detail.field ?? "")}-error`);
      const input = form.querySelector(`#pf-${CSS.escape(detail.field ?? "")}`);
      if (message) message.textContent = detail.message;
      input?.setAttribute("aria-invalid", "true");
    }
  }

  const personForm = $("participant-form");
  // A message goes as soon as the input it spoke of is edited.
  personForm?.addEventListener("input", (event) => {
    const input = event.target;
    input.removeAttribute("aria-invalid");
    const message = $(`${input.id}-error`);
    if (message) message.textContent = "";
  });
  personForm?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = personForm.dataset.participant;
    for (const message of personForm.querySelectorAll(".field-error")) message.textContent = "";
    for (const input of personForm.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    $("participant-form-error").hidden = true;
    const save = $("participant-save");
    save.disabled = true;
    try {
      const saved = id
        ? await api("PATCH", `${participants}/${id}`, formValues(personForm, true))
        : await api("POST", participants, formValues(personForm, false));
      location.assign(`/events/${eventId}/participants/${saved.id}`);
    } catch (error) {
      showFormError(personForm, error);
      save.disabled = false;
    }
  });

  /** The list's count, read again (after an import) for the filter and search the page shows. */
  async function refreshCount() {
    const count = $("grid-count");
    if (!count) return;
    const shown = new URLSearchParams(location.search);
    const query = new URLSearchParams({ limit: "1" });
    const synced = shown.get("synced");
    if (synced === "set") query.set("synced", "true");
    if (synced === "notset") query.set("synced", "false");
    if (shown.get("q")) query.set("q", shown.get("q"));
    const page = await api("GET", `${participants}?${query}`);
    const key = synced === "set" ? "grid_count_synced" : synced === "notset" ? "grid_count_not_synced" : "grid_count";
    count.textContent = t(key, { count: page.totalExact ? page.total : `${page.total}+` });
    count.dataset.total = String(page.total);
  }

  // The import (import.js) reads the count again once people were added.
  document.addEventListener("roster:imported", () => { refreshCount(); });
})();

// The Users screen (admins): invite someone with a one-time link to pass on, change a role and
// events, disable or enable, reset a password, through the REST API.
"use strict";

(() => {
  const { t, api } = Roster;
  const $ = (id) => document.getElementById(id);
  const form = $("invite-form");
  if (!form) return;

  /** The events a fieldset chooses: `null` for every event. */
  function chosenEvents(fieldset) {
    if (fieldset.querySelector(".every-event").checked) return null;
    return [...fieldset.querySelectorAll(".event-choice:checked")].map((box) => box.value);
  }
  // Ticking an event unticks "every event", and the other way round.
  document.addEventListener("change", (event) => {
    const fieldset = event.target.closest(".events-choice");
    if (!fieldset) return;
    if (event.target.classList.contains("event-choice") && event.target.checked) fieldset.querySelector(".every-event").checked = false;
    if (event.target.classList.contains("every-event") && event.target.checked) {
      for (const box of fieldset.querySelectorAll(".event-choice")) box.checked = false;
    }
  });

  function showLink(text, url) {
    $("invite-link-text").textContent = text;
    $("invite-link").value = url;
    $("invite-link-box").hidden = false;
    $("invite-link").select();
  }
  $("invite-copy").addEventListener("click", async () => {
    $("invite-link").select();
    try { await navigator.clipboard.writeText($("invite-link").value); } catch { document.execCommand?.("copy"); }
    $("invite-copy").textContent = t("users_copied");
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = $("invite-error");
    box.hidden = true;
    $("invite-email-error").textContent = "";
    $("invite-email").removeAttribute("aria-invalid");
    const events = chosenEvents($("invite-events"));
    const body = { email: $("invite-email").value.trim(), role: $("invite-role").value };
    if (events) body.events = events;
    try {
      const invited = await api("POST", "/api/v1/users", body);
      showLink(t("users_link_for", { email: invited.user.email }), invited.link.url);
      // The new user joins the list (its controls come with the next visit of the page).
      $("users").tBodies[0].prepend(Roster.el("tr", { "data-email": invited.user.email },
        Roster.el("th", { scope: "row" }, invited.user.email), Roster.el("td", {}, $("invite-role").selectedOptions[0].textContent),
        Roster.el("td", {}, invited.user.events ? invited.user.events.length : t("users_every_event")),
        Roster.el("td", {}, t("users_state_invited")), Roster.el("td")));
      form.reset();
    } catch (error) {
      const emailProblem = (error.details ?? []).find((detail) => detail.field === "email");
      if (emailProblem) {
        $("invite-email-error").textContent = emailProblem.message;
        $("invite-email").setAttribute("aria-invalid", "true");
      }
      box.textContent = error.message;
      box.hidden = false;
    }
  });

  $("users").addEventListener("click", async (event) => {
    const button = event.target.closest("button");
    const row = event.target.closest("tr[data-user]");
    if (!button || !row) return;
    const path = `/api/v1/users/${encodeURIComponent(row.dataset.user)}`;
    const error = row.querySelector(".user-error");
    error.textContent = "";
    button.disabled = true;
    try {
      if (button.classList.contains("user-reset")) {
        if (!confirm(t("users_reset_confirm", { email: row.dataset.email }))) return;
        const link = await api("POST", `${path}/reset`);
        showLink(t("users_reset_link_for", { email: row.dataset.email }), link.url);
        return;
      }
      let body;
      if (button.classList.contains("user-save")) {
        body = { role: row.querySelector(".user-role").value };
        const events = chosenEvents(row.querySelector(".events-choice"));
        if (events) body.events = events; else body.everyEvent = true;
      } else if (button.classList.contains("user-disable")) {
        body = { disabled: true };
      } else if (button.classList.contains("user-enable")) {
        body = { disabled: false };
      } else {
        return;
      }
      await api("PATCH", path, body);
      location.reload();
    } catch (failure) {
      error.textContent = failure.message;
    } finally {
      button.disabled = false;
    }
  });
})();

// A person's page: erasing them on their request, confirmed by typing their name, through
// `DELETE /api/v1/events/{eventId}/participants/{participantId}`.
"use strict";

(() => {
  const { t, api } = Roster;
  const $ = (id) => document.getElementById(id);
  const dialog = $("erase-dialog");
  if (!dialog) return;
  const form = $("erase-form");
  const typed = $("erase-confirm-name");
  const confirm = $("erase-confirm");
  const error = $("erase-error");
  const eventId = location.pathname.split("/")[2];
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim().toLowerCase();

  $("erase-open").addEventListener("click", () => {
    typed.value = "";
    confirm.disabled = true;
    error.hidden = true;
    dialog.showModal();
    typed.focus();
  });
  $("erase-cancel").addEventListener("click", () => dialog.close());
  // The name typed as it reads, in any case and with or without accents.
  typed.addEventListener("input", () => { confirm.disabled = fold(typed.value) !== fold(form.dataset.name); });
  form.addEventListener("submit", (event) => { event.preventDefault(); if (!confirm.disabled) confirm.click(); });

  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    error.hidden = true;
    const salesforce = $("erase-remove-member")?.checked ? "removeMember" : "keep";
    try {
      await api("DELETE", `/api/v1/events/${encodeURIComponent(eventId)}/participants/${encodeURIComponent(form.dataset.participant)}?salesforce=${salesforce}`);
      location.assign(`/events/${encodeURIComponent(eventId)}/participants?erased=1`);
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
      confirm.disabled = false;
    }
  });
})();

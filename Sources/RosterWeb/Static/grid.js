// The participant grid and a participant's page: check-in and CSV import, through the REST API.
"use strict";

(() => {
  const { t, api, el } = Roster;
  const eventId = location.pathname.split("/")[2];

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button.check-in");
    if (!button) return;
    button.disabled = true;
    try {
      await api("PATCH", `/api/v1/events/${eventId}/participants/${button.dataset.participant}`, { hasAttended: true });
      // On a participant's page the whole answer changes ("No" and its button become "Yes").
      const answer = el("span", { class: "yes", role: "status" }, t("yes"));
      const cell = button.closest("#person-attended");
      if (cell) cell.replaceChildren(answer); else button.replaceWith(answer);
    } catch (error) {
      button.disabled = false;
      button.after(el("span", { class: "error-text", role: "alert" }, ` ${error.message}`));
    }
  });

  /** The list's count, read again (after an import) for the filter and search the page shows. */
  async function refreshCount() {
    const count = document.getElementById("grid-count");
    if (!count) return;
    const shown = new URLSearchParams(location.search);
    const query = new URLSearchParams({ limit: "1" });
    const synced = shown.get("synced");
    if (synced === "set") query.set("synced", "true");
    if (synced === "notset") query.set("synced", "false");
    if (shown.get("q")) query.set("q", shown.get("q"));
    const page = await api("GET", `/api/v1/events/${eventId}/participants?${query}`);
    const key = synced === "set" ? "grid_count_synced" : synced === "notset" ? "grid_count_not_synced" : "grid_count";
    count.textContent = t(key, { count: page.total });
    count.dataset.total = String(page.total);
  }

  const form = document.getElementById("import-form");
  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const report = document.getElementById("import-report");
    const file = document.getElementById("import-file").files[0];
    report.replaceChildren();
    if (!file) { report.append(el("p", { class: "error-text", role: "alert" }, t("import_choose_file"))); return; }
    const submit = document.getElementById("import-submit");
    submit.disabled = true;
    report.append(el("p", { role: "status" }, t("import_running")));
    try {
      const result = await api("POST", `/api/v1/events/${eventId}/participants/import`, await file.text(), "text/csv");
      report.replaceChildren(el("p", { class: "ok-text", id: "import-summary" },
        t("import_done", { created: result.created, updated: result.updated, rejected: result.rejected.length })));
      if (result.rejected.length) {
        report.append(el("ul", { class: "issues errors", id: "import-rejected" },
          // The API numbers data rows from 1; the spreadsheet shows the header as row 1.
          result.rejected.map((row) => el("li", {}, t("import_row", { row: row.row + 1 }), " ", row.error))));
      }
      await refreshCount();
    } catch (error) {
      report.replaceChildren(el("p", { class: "error-text", role: "alert" }, error.message));
    } finally {
      submit.disabled = false;
    }
  });
})();

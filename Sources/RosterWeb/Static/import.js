// Roster back office: importing a spreadsheet in two steps. The file is sent as its bytes
// (never decoded by the browser, so Excel's Windows-1252 stays Roster's to read): first as a
// preview, which stores nothing and shows how each column is read, with a choice per column;
// then, once the organiser agrees, for good. The event's last imports are listed below.
"use strict";
(() => {
  const { t, api, el, localTime } = Roster;
  const $ = (id) => document.getElementById(id);
  const eventId = location.pathname.split("/")[2];
  const participants = `/api/v1/events/${eventId}/participants`;
  const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  const form = $("import-form");
  const fields = JSON.parse($("import-fields")?.textContent || "[]");
  let file = null;
  let columns = null; // header → field (or null), once the organiser changed a choice

  const typeOf = (chosen) => (/\.xlsx$/i.test(chosen.name) || chosen.type === XLSX ? XLSX : "text/csv");

  /** Sends the chosen file, its columns as chosen; a preview stores nothing. */
  function send(preview) {
    const query = new URLSearchParams({ fileName: file.name });
    if (preview) query.set("preview", "true");
    if (columns) query.set("columns", JSON.stringify(columns));
    return api("POST", `${participants}/import?${query}`, file, typeOf(file));
  }

  const outcomeText = (outcome) => t(`import_outcome_${outcome}`);
  const rowLabel = (row) => t("import_row", { row: row.sheetRow ?? row.row });

  /** How the file was read: its format, encoding and separator. */
  function formatText(result) {
    if (result.format === "xlsx") return t("import_read_xlsx");
    const separator = { ",": t("import_separator_comma"), ";": t("import_separator_semicolon"), "\t": t("import_separator_tab") }[result.separator] ?? result.separator;
    return t("import_read_csv", { encoding: result.encoding ?? "utf-8", separator });
  }

  /** The columns and the field each fills, each a choice the organiser may change. */
  function showColumns(result, examples) {
    const body = $("import-columns").querySelector("tbody");
    body.replaceChildren(...(result.columns ?? []).map((column, index) => {
      const select = el("select", { id: `import-column-${index}`, "data-header": column.header, "aria-label": t("import_column_for", { header: column.header }) },
        el("option", { value: "" }, t("import_not_imported")),
        fields.map((field) => el("option", { value: field.value, selected: field.value === column.field }, field.label)));
      select.addEventListener("change", () => {
        columns = Object.fromEntries([...body.querySelectorAll("select")].map((choice) => [choice.dataset.header, choice.value || null]));
        preview();
      });
      return el("tr", { class: column.field ? "" : "ignored" }, el("th", { scope: "row" }, column.header || "—"), el("td", {}, select),
        el("td", {}, examples?.[column.field] ?? ""));
    }));
  }

  function showRows(result) {
    const body = $("import-rows").querySelector("tbody");
    body.replaceChildren(...(result.rows ?? []).map((row) => el("tr", { class: row.outcome === "rejected" ? "rejected" : "" },
      el("td", {}, String(row.sheetRow ?? row.row)), el("td", { class: `outcome-${row.outcome}` }, outcomeText(row.outcome)),
      el("td", {}, row.participant?.email ?? ""), el("td", {}, row.participant?.firstName ?? ""), el("td", {}, row.participant?.lastName ?? ""),
      el("td", { class: "error-text" }, row.error ?? ""))));
  }

  /** The first row's value of each field, beside the column that fills it. */
  function examples(result) {
    const first = (result.rows ?? []).find((row) => row.participant)?.participant;
    if (!first) return {};
    const values = { ...first, ...(first.fields ?? {}) };
    return Object.fromEntries(Object.entries(values).filter(([key]) => key !== "fields").map(([key, value]) => [key, Array.isArray(value) ? value.join(", ") : String(value)]));
  }

  async function preview() {
    const section = $("import-preview");
    const confirm = $("import-confirm");
    const problem = $("import-preview-error");
    section.hidden = false;
    problem.hidden = true;
    confirm.disabled = true;
    $("import-preview-title").textContent = t("import_preview_of", { name: file.name });
    $("import-counts").textContent = t("import_checking");
    $("import-report").replaceChildren();
    let result;
    try {
      result = await send(true);
    } catch (error) {
      result = error.data;
      problem.textContent = error.message;
      problem.hidden = false;
      $("import-counts").textContent = "";
      if (!result?.columns) { $("import-format").textContent = ""; showColumns({}); showRows({}); return; }
    }
    $("import-format").textContent = formatText(result);
    showColumns(result, examples(result));
    showRows(result);
    if (!problem.hidden) return;
    $("import-counts").textContent = t("import_would", { total: result.total, created: result.created, updated: result.updated, rejected: result.rejectedCount });
    confirm.textContent = t("import_confirm", { count: result.created + result.updated });
    confirm.disabled = result.created + result.updated === 0;
  }

  form?.addEventListener("submit", (event) => {
    event.preventDefault();
    file = $("import-file").files[0];
    columns = null;
    if (!file) {
      $("import-report").replaceChildren(el("p", { class: "error-text", role: "alert" }, t("import_choose_file")));
      return;
    }
    preview();
  });

  $("import-cancel")?.addEventListener("click", () => {
    $("import-preview").hidden = true;
    file = null;
    form.reset();
  });

  /** What an import did: green only when every row went in. */
  function report(result, error) {
    const complete = !error && result.rejectedCount === 0;
    const summary = el("p", { class: complete ? "ok-text" : "warning-text", id: "import-summary", role: complete ? "status" : "alert" },
      t("import_done", { created: result.created ?? 0, updated: result.updated ?? 0, rejected: result.rejectedCount ?? 0 }));
    const parts = [summary];
    if (error) parts.push(el("p", { class: "error-text", id: "import-stopped" }, error.message));
    if (result.rejected?.length) {
      parts.push(el("ul", { class: "issues errors", id: "import-rejected" },
        result.rejected.map((row) => el("li", {}, rowLabel(row), " ", row.error))));
      if (result.rejectedCount > result.rejected.length) {
        parts.push(el("p", { class: "hint" }, t("import_more_rejected", { count: result.rejectedCount - result.rejected.length })));
      }
    }
    $("import-report").replaceChildren(...parts);
  }

  $("import-confirm")?.addEventListener("click", async () => {
    const confirm = $("import-confirm");
    confirm.disabled = true;
    $("import-report").replaceChildren(el("p", { role: "status" }, t("import_running")));
    try {
      report(await send(false));
      $("import-preview").hidden = true;
      form.reset();
    } catch (error) {
      if (error.data?.created !== undefined) {
        report(error.data, error);
        $("import-preview").hidden = true;
      } else {
        $("import-report").replaceChildren(el("p", { class: "error-text", role: "alert" }, error.message));
        confirm.disabled = false;
      }
    }
    document.dispatchEvent(new CustomEvent("roster:imported"));
    history();
  });

  /** The event's last imports. */
  async function history() {
    const table = $("import-history-table");
    if (!table) return;
    let imports;
    try { imports = (await api("GET", `${participants}/imports`)).items; } catch { return; }
    $("import-history-empty").hidden = imports.length > 0;
    table.hidden = imports.length === 0;
    table.querySelector("tbody").replaceChildren(...imports.map((item) => el("tr", {},
      el("td", {}, el("time", { datetime: item.at }, localTime(item.at))), el("td", {}, item.by ?? ""), el("td", {}, item.fileName ?? ""),
      el("td", {}, item.format === "csv" ? `CSV (${item.encoding ?? "utf-8"})` : item.format.toUpperCase()),
      el("td", {}, String(item.created)), el("td", {}, String(item.updated)), el("td", { class: item.rejected ? "warning-text" : "" }, String(item.rejected)),
      el("td", { class: item.complete ? "" : "error-text" }, item.complete ? t("yes") : t("import_stopped_at", { row: item.stoppedAtRow ?? "?" })))));
  }
  history();
})();

// Document search (/search): by id, case number or source file (q), state and date range;
// each result's timeline (the audit trail) and a link to its PDF. The query lives in the
// address, so a search can be bookmarked or sent to a colleague.

import { t } from "./i18n.js";
import {
  api, el, clear, formatTime, stateLabel, stateBadgeClass, reasonLabel, initChrome, showError, isTyping,
} from "./app.js";

const STATES = ["QUEUED", "RUNNING", "CLEARING", "FILED", "RESCAN_REQUESTED", "REJECTED", "REPLACED", "SPLIT", "QUARANTINED"];
const LIMIT = 200;

let results = [];
let selected = -1;
let shown = null;  // the document whose timeline is shown

const $ = (id) => document.getElementById(id);
const form = $("search-form");

function caseNumberOf(doc) {
  const corrected = doc.corrections && doc.corrections.case_number && doc.corrections.case_number.value;
  return corrected || (doc.proposal && doc.proposal.case_number) || "";
}

function renderStates() {
  const select = $("state");
  const value = select.value;
  while (select.options.length > 1) select.remove(1);
  for (const state of STATES) select.append(el("option", { value: state }, stateLabel(state)));
  select.value = value;
}

function renderResults() {
  const tbody = clear(document.querySelector("#results tbody"));
  results.forEach((doc, index) => {
    tbody.append(el("tr", {
      class: "result-row" + (index === selected ? " table-active" : ""),
      dataset: { id: doc.document_id },
      onclick: () => select(index),
      ondblclick: () => window.location.assign("/documents/" + encodeURIComponent(doc.document_id)),
    },
      el("td", { class: "font-monospace small" }, doc.document_id),
      el("td", { class: "text-truncate result-source", title: doc.source_file || "" }, doc.source_file || ""),
      el("td", {}, doc.tenant),
      el("td", {}, el("span", { class: "badge " + stateBadgeClass(doc.state) }, stateLabel(doc.state))),
      el("td", { class: "font-monospace" }, caseNumberOf(doc)),
      el("td", { class: "text-nowrap small" }, formatTime(doc.updated_ms))));
  });
  let count = results.length ? t("search.results", { n: results.length }) : t("search.none");
  if (results.length >= LIMIT) count += " " + t("search.more", { n: LIMIT });
  $("result-count").textContent = count;
  const row = tbody.children[selected];
  if (row) row.scrollIntoView({ block: "nearest" });
}

function detailText(detail) {
  if (detail === null || detail === undefined) return "";
  if (typeof detail !== "object") return String(detail);
  // {"note": "...", "case_number": "..."} reads better as "note: …; case_number: …"
  // hashes shortened for reading; the full text is in the title
  const short = (v) => (typeof v === "string" && /^[0-9a-f]{40,}$/.test(v) ? v.slice(0, 12) + "…" : v);
  return Object.entries(detail).map(([k, v]) => k + ": " + (typeof v === "string" ? short(v) : JSON.stringify(v))).join("; ");
}

function renderTimeline() {
  const pane = clear($("timeline-pane"));
  if (!shown) {
    pane.append(el("p", { class: "small text-secondary mb-0" }, t("search.pick")));
    return;
  }
  const d = shown;
  const href = "/documents/" + encodeURIComponent(d.document_id);
  pane.append(
    el("div", { class: "d-flex align-items-center gap-2 mb-1" },
      el("h2", { class: "h6 mb-0 font-monospace" }, d.document_id),
      el("span", { class: "badge " + stateBadgeClass(d.state) }, stateLabel(d.state))),
    el("div", { class: "small text-secondary mb-1" }, [d.source_file, d.tenant, caseNumberOf(d)].filter(Boolean).join(" · ")),
    el("div", { class: "small mb-1" + (d.reason ? "" : " d-none") },
      el("span", { class: "fw-semibold" }, reasonLabel(d.reason_kind) + ": "), d.reason || ""),
    el("div", { class: "d-flex gap-2 mb-2" },
      el("a", { class: "btn btn-sm btn-outline-primary", id: "pdf-link", href: href.replace("/documents/", "/api/documents/") + "/pdf", target: "_blank", rel: "noopener" }, t("search.pdf")),
      el("a", { class: "btn btn-sm btn-outline-secondary", href }, t("search.open"))),
    el("h3", { class: "h6" }, t("search.timeline")));
  const audit = Array.isArray(d.audit) ? d.audit : [];
  if (!audit.length) {
    pane.append(el("p", { class: "small text-secondary" }, t("doc.history.empty")));
    return;
  }
  // The details go under the action, so long values get the pane's width.
  pane.append(el("table", { class: "table table-sm small mb-0", id: "timeline" },
    el("thead", {}, el("tr", {}, el("th", {}, t("search.at")), el("th", {}, t("search.actor")), el("th", {}, t("search.action")))),
    el("tbody", {}, audit.map((a) => el("tr", {},
      el("td", { class: "text-nowrap" }, formatTime(a.at_ms)), el("td", { class: "text-nowrap" }, a.actor || ""),
      el("td", {}, el("div", { class: "fw-semibold" }, a.action || ""),
        el("div", { class: "text-secondary text-break", title: typeof a.detail === "string" ? a.detail : JSON.stringify(a.detail) }, detailText(a.detail))))))));
}

async function select(index) {
  if (index < 0 || index >= results.length) return;
  selected = index;
  renderResults();
  const id = results[index].document_id;
  try {
    const d = await api("/api/documents/" + encodeURIComponent(id));
    if (results[selected] && results[selected].document_id === id) {
      shown = d;
      renderTimeline();
    }
  } catch (error) {
    showError(error);
  }
}

function queryFromForm() {
  const params = new URLSearchParams();
  for (const name of ["q", "state", "from", "to"]) {
    const value = form.elements[name].value.trim();
    if (value) params.set(name, value);
  }
  return params;
}

async function search() {
  const params = queryFromForm();
  window.history.replaceState(null, "", "/search" + (params.toString() ? "?" + params.toString() : ""));
  params.set("limit", String(LIMIT));
  params.set("sort", "age");
  try {
    const data = await api("/api/documents?" + params.toString());
    results = data.documents || [];
    selected = results.length ? 0 : -1;
    shown = null;
    renderResults();
    renderTimeline();
    if (results.length === 1 || (results.length && params.get("q"))) select(0);
  } catch (error) {
    showError(error);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  search();
});

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.altKey || event.metaKey) return;
  if (isTyping(event)) {
    if (event.key === "Escape") event.target.blur();
    return;
  }
  switch (event.key) {
    case "j":
    case "ArrowDown":
      select(selected + 1);
      break;
    case "k":
    case "ArrowUp":
      select(selected - 1);
      break;
    case "Enter":
      if (results[selected]) window.location.assign("/documents/" + encodeURIComponent(results[selected].document_id));
      break;
    case "/":
      $("q").focus();
      break;
    default:
      return;
  }
  event.preventDefault();
});

document.addEventListener("zpe:lang", () => {
  renderStates();
  renderResults();
  renderTimeline();
});

initChrome();
renderStates();
const initial = new URLSearchParams(window.location.search);
for (const name of ["q", "state", "from", "to"]) if (initial.get(name)) form.elements[name].value = initial.get(name);
search();

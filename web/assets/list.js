// The clearing list (/): every CLEARING document of the operator's tenants with its reason,
// tenant, age and the machine's proposal; counts per reason as badges that filter; filters
// by tenant, reason and age; sorted by age. Keyboard: j/k or arrows move, Enter opens.

import { t, locale } from "./i18n.js";
import {
  api, el, clear, formatAge, reasonLabel, initChrome, showError, isTyping,
  loadListFilter, saveListFilter, clearingQuery, passesAgeFilter,
} from "./app.js";

const REFRESH_MS = 30000;
const AGE_BUCKETS = [
  ["age.under1h", 0, 3600],
  ["age.1to4h", 3600, 14400],
  ["age.4to24h", 14400, 86400],
  ["age.1to3d", 86400, 259200],
  ["age.over3d", 259200, Infinity],
];

const filter = Object.assign({ tenant: "", reason: "", minAge: "", sort: "-age" }, loadListFilter());
let counts = { total: 0, by_reason: {}, by_tenant: {} };
let session = { tenants: [] };
let documents = [];  // after the age filter, in display order
let selected = 0;
let chart = null;
let loadedAt = null;

const tbody = document.querySelector("#clearing-list tbody");

function proposalCell(doc) {
  const p = doc.proposal || {};
  const corrected = (doc.corrections && doc.corrections.case_number && doc.corrections.case_number.value) || null;
  const caseNumber = corrected || p.case_number;
  const parts = [];
  if (caseNumber) parts.push(el("span", { class: "font-monospace me-2" }, caseNumber));
  if (p.doc_type) {
    const pct = typeof p.doc_type_confidence === "number" ? " (" + Math.round(p.doc_type_confidence * 100) + " %)" : "";
    parts.push(el("span", { class: "text-secondary" }, p.doc_type + pct));
  }
  if (!parts.length) parts.push(el("span", { class: "text-secondary fst-italic" }, t("list.no_proposal")));
  return el("td", {}, parts);
}

function renderRows() {
  clear(tbody);
  documents.forEach((doc, index) => {
    const row = el("tr", {
      class: "clearing-row" + (index === selected ? " table-active" : ""),
      dataset: { id: doc.document_id },
      "aria-selected": index === selected ? "true" : "false",
      onclick: () => open(index),
    },
      el("td", {}, el("span", { class: "badge reason-badge reason-" + (doc.reason_kind || "other"), title: doc.reason || "" },
        reasonLabel(doc.reason_kind))),
      el("td", {}, el("a", { href: "/documents/" + encodeURIComponent(doc.document_id), class: "fw-semibold text-decoration-none doc-link" },
        doc.source_file || doc.document_id), el("div", { class: "small text-secondary font-monospace" }, doc.document_id)),
      el("td", {}, doc.tenant),
      el("td", { class: "text-nowrap", title: new Date(doc.created_ms || 0).toLocaleString(locale()) }, formatAge(doc.age_s)),
      proposalCell(doc),
      el("td", { class: "text-end" }, doc.page_count ?? ""));
    tbody.append(row);
  });
  const empty = document.getElementById("list-empty");
  empty.textContent = documents.length ? "" : t(filter.tenant || filter.reason || filter.minAge ? "list.empty_filtered" : "list.empty");
  empty.classList.toggle("d-none", documents.length > 0);
  const current = tbody.children[selected];
  if (current) current.scrollIntoView({ block: "nearest" });
}

function renderBadges() {
  const box = clear(document.getElementById("reason-badges"));
  const badge = (kind, label, n) =>
    el("button", {
      type: "button",
      class: "btn btn-sm " + (filter.reason === kind ? "btn-dark" : "btn-outline-secondary") + " count-badge",
      dataset: { reason: kind },
      "aria-pressed": filter.reason === kind ? "true" : "false",
      onclick: () => setFilter({ reason: filter.reason === kind && kind !== "" ? "" : kind }),
    }, label + " ", el("span", { class: "badge rounded-pill text-bg-light" }, String(n)));
  box.append(badge("", t("list.all_reasons"), counts.total || 0));
  const entries = Object.entries(counts.by_reason || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  for (const [kind, n] of entries) box.append(badge(kind, reasonLabel(kind), n));
  document.getElementById("total").textContent = t("list.total", { n: counts.total || 0 });
  renderOverduePackages();
  document.getElementById("updated").textContent = loadedAt ? t("list.updated", { time: loadedAt.toLocaleTimeString(locale()) }) : "";
}

// Court packages no receipt answered in time (docs/EGVP.md): a warning above the list.
function renderOverduePackages() {
  const box = clear(document.getElementById("overdue-packages"));
  const packages = counts.overdue_court_packages || [];
  box.classList.toggle("d-none", packages.length === 0);
  if (!packages.length) return;
  box.append(el("div", {}, t("list.overdue_packages", { n: packages.length })));
  const list = el("ul", { class: "mb-0 small" });
  for (const p of packages) {
    list.append(el("li", {}, p.package_id + " → " + p.court_id + " (" + p.tenant + ", " + p.case_number + ", " +
      new Date(p.written_ms).toLocaleString(locale()) + ")"));
  }
  box.append(list);
}

function renderFilters() {
  const tenants = new Set([...(session.tenants || []), ...Object.keys(counts.by_tenant || {})]);
  if (filter.tenant) tenants.add(filter.tenant);
  const tenantSelect = document.getElementById("filter-tenant");
  while (tenantSelect.options.length > 1) tenantSelect.remove(1);
  for (const tenant of [...tenants].sort()) tenantSelect.append(el("option", { value: tenant }, tenant));
  tenantSelect.value = filter.tenant;

  const reasons = new Set(Object.keys(counts.by_reason || {}));
  if (filter.reason) reasons.add(filter.reason);
  const reasonSelect = document.getElementById("filter-reason");
  while (reasonSelect.options.length > 1) reasonSelect.remove(1);
  for (const kind of [...reasons].sort()) reasonSelect.append(el("option", { value: kind }, reasonLabel(kind)));
  reasonSelect.value = filter.reason;

  document.getElementById("filter-age").value = filter.minAge;
  document.getElementById("sort-age").textContent =
    t("list.col.age") + ": " + t(filter.sort === "age" ? "list.sort.newest" : "list.sort.oldest") + (filter.sort === "age" ? " ↑" : " ↓");
}

function renderChart() {
  if (!window.Chart) return;  // the chart is an extra; the list works without it
  const values = AGE_BUCKETS.map(([, low, high]) => documents.filter((d) => d.age_s >= low && d.age_s < high).length);
  const labels = AGE_BUCKETS.map(([key]) => t(key));
  if (chart) {
    chart.data.labels = labels;
    chart.data.datasets[0].data = values;
    chart.update();
    return;
  }
  chart = new window.Chart(document.getElementById("age-chart"), {
    type: "bar",
    data: { labels, datasets: [{ data: values, backgroundColor: ["#6c757d", "#0d6efd", "#fd7e14", "#dc3545", "#842029"] }] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}

function render() {
  renderFilters();
  renderBadges();
  renderRows();
  renderChart();
}

async function load() {
  try {
    const [countData, listData, sessionData] = await Promise.all([
      api("/api/clearing/counts"),
      api(clearingQuery(filter)),
      session.user ? Promise.resolve(session) : api("/api/session"),
    ]);
    counts = countData || counts;
    session = sessionData || session;
    const keepId = documents[selected] ? documents[selected].document_id : sessionStorage.getItem("zpe.listSelected");
    documents = (listData.documents || []).filter((d) => passesAgeFilter(d, filter));
    const at = documents.findIndex((d) => d.document_id === keepId);
    selected = at >= 0 ? at : Math.min(selected, Math.max(0, documents.length - 1));
    loadedAt = new Date();
    render();
  } catch (error) {
    showError(error);
  }
}

function setFilter(change) {
  Object.assign(filter, change);
  saveListFilter(filter);
  selected = 0;
  sessionStorage.removeItem("zpe.listSelected");
  load();
}

function select(index) {
  if (!documents.length) return;
  selected = Math.max(0, Math.min(documents.length - 1, index));
  sessionStorage.setItem("zpe.listSelected", documents[selected].document_id);
  renderRows();
}

function open(index) {
  const doc = documents[index];
  if (!doc) return;
  sessionStorage.setItem("zpe.listSelected", doc.document_id);
  window.location.assign("/documents/" + encodeURIComponent(doc.document_id));
}

document.getElementById("filter-tenant").addEventListener("change", (e) => setFilter({ tenant: e.target.value }));
document.getElementById("filter-reason").addEventListener("change", (e) => setFilter({ reason: e.target.value }));
document.getElementById("filter-age").addEventListener("change", (e) => setFilter({ minAge: e.target.value }));
document.getElementById("sort-age").addEventListener("click", () => setFilter({ sort: filter.sort === "age" ? "-age" : "age" }));
document.getElementById("filters").addEventListener("submit", (e) => e.preventDefault());

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
      open(selected);
      break;
    case "/":
      document.getElementById("filter-tenant").focus();
      break;
    case "r":
      load();
      break;
    default:
      return;
  }
  event.preventDefault();
});

document.addEventListener("zpe:lang", render);
initChrome();
saveListFilter(filter);
load();
setInterval(() => {
  if (!document.hidden) load();
}, REFRESH_MS);

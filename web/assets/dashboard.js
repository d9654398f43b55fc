// The operations dashboard (/dashboard): today's figures per tenant, pages per minute over
// the last hours (Chart.js), documents in and out over 30 days, backlog per stage with the
// document waiting longest, clearing / quarantine / failures of the last 24 hours, and the
// stage workers; for an admin also the disk use per area of the home. Everything comes from
// GET /api/dashboard, already narrowed to the operator's tenants; it refreshes every 15 seconds.

import { t, has, locale } from "./i18n.js";
import { api, el, clear, formatAge, formatNumber, reasonLabel, initChrome, showError } from "./app.js";

const REFRESH_MS = 15000;
const HOURS = 3;
let data = null;
let throughputChart = null;
let daysChart = null;

function setText(id, text) {
  document.getElementById(id).textContent = text;
}

function seconds(value) {
  if (!value) return "0 s";
  return value < 120 ? formatNumber(value, 1) + " s" : formatAge(value);
}

function renderFigures() {
  const today = data.today.total;
  setText("fig-received", formatNumber(today.received));
  setText("fig-filed", formatNumber(today.filed));
  setText("fig-clearing", formatNumber(data.in_clearing.total));
  setText("fig-quarantined", formatNumber(today.quarantined));
  setText("fig-pages", formatNumber(today.pages_received));
  const latency = data.today.latency;
  setText("fig-latency", latency.count ? seconds(latency.p50_s) + " / " + seconds(latency.p95_s) : "–");
  setText("dash-tenants", t("dash.tenant_list", { tenants: data.tenants.join(", ") }));
  setText("throughput-avg", t("dash.avg", { n: formatNumber(data.throughput.pages_per_minute_avg, 2) }));
  setText("updated", t("list.updated", { time: new Date(data.generated_ms).toLocaleTimeString(locale()) }));
}

function renderBacklog() {
  const tbody = clear(document.querySelector("#backlog tbody"));
  for (const b of data.backlog) {
    const oldest = b.oldest_document_id
      ? el("span", {}, el("a", { href: "/search?q=" + encodeURIComponent(b.oldest_document_id), class: "font-monospace" },
          b.oldest_document_id), " · " + formatAge(b.oldest_waiting_s))
      : el("span", { class: "text-secondary" }, "–");
    tbody.append(el("tr", { class: "backlog-row", dataset: { stage: b.stage } },
      el("td", {}, b.stage), el("td", { class: "text-end" }, formatNumber(b.queued)),
      el("td", { class: "text-end" }, formatNumber(b.running)), el("td", {}, oldest)));
  }
}

function renderTenants() {
  const tbody = clear(document.querySelector("#tenant-table tbody"));
  for (const tenant of data.tenants) {
    const c = data.today.tenants[tenant] || {};
    tbody.append(el("tr", { class: "tenant-row", dataset: { tenant } },
      el("td", {}, tenant),
      ...["received", "filed", "clearing", "quarantined", "pages_received"].map((k) => el("td", { class: "text-end" }, formatNumber(c[k] || 0)))));
  }
}

function renderReasons() {
  const tbody = clear(document.querySelector("#reasons tbody"));
  const day = data.last_24h;
  const pct = (rate) => formatNumber(rate * 100, 1) + " %";
  for (const r of day.clearing_by_reason) {
    tbody.append(el("tr", {}, el("td", {}, t("dash.kind.clearing")), el("td", {}, reasonLabel(r.reason)),
      el("td", { class: "text-end" }, formatNumber(r.documents)), el("td", { class: "text-end" }, pct(r.rate))));
  }
  for (const r of day.quarantine_by_reason) {
    tbody.append(el("tr", {}, el("td", {}, t("dash.kind.quarantine")), el("td", { class: "small" }, r.reason),
      el("td", { class: "text-end" }, formatNumber(r.documents)), el("td", { class: "text-end" }, pct(r.rate))));
  }
  for (const f of day.failed_attempts) {
    tbody.append(el("tr", {}, el("td", {}, t("dash.kind.failure")), el("td", {}, f.stage + " · " + f.kind),
      el("td", { class: "text-end" }, formatNumber(f.attempts)), el("td", {}, "")));
  }
  if (!tbody.children.length) {
    tbody.append(el("tr", {}, el("td", { colspan: "4", class: "text-secondary" }, t("dash.no_reasons"))));
  }
}

function renderWorkers() {
  const tbody = clear(document.querySelector("#workers tbody"));
  const badge = { idle: "text-bg-success", busy: "text-bg-primary", gone: "text-bg-danger" };
  for (const w of data.workers) {
    const job = w.current_document_id
      ? el("a", { href: "/search?q=" + encodeURIComponent(w.current_document_id), class: "font-monospace" }, w.current_document_id)
      : el("span", { class: "text-secondary" }, w.state === "busy" ? t("dash.other_tenant") : "–");
    tbody.append(el("tr", { class: "worker-row", dataset: { state: w.state } },
      el("td", {}, w.stage), el("td", {}, w.host), el("td", { class: "small font-monospace" }, w.name),
      el("td", {}, t("dash.ago", { age: formatAge(w.seen_s_ago) })),
      el("td", {}, el("span", { class: "badge " + (badge[w.state] || "text-bg-secondary") }, t("dash.worker." + w.state))),
      el("td", {}, job)));
  }
  if (!data.workers.length) {
    tbody.append(el("tr", {}, el("td", { colspan: "6", class: "text-secondary" }, t("dash.no_workers"))));
  }
}

function bytesText(bytes) {
  if (typeof bytes !== "number") return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return formatNumber(value, unit ? 1 : 0) + " " + units[unit];
}

// Only an admin's answer carries "storage" (null until the storage policy first measured).
function renderStorage() {
  const section = document.getElementById("storage");
  section.hidden = !("storage" in data);
  if (section.hidden) return;
  const tbody = clear(document.querySelector("#storage-table tbody"));
  const usage = data.storage;
  if (!usage || !usage.areas) {
    setText("storage-measured", "");
    tbody.append(el("tr", {}, el("td", { colspan: "2", class: "text-secondary" }, t("dash.storage_none"))));
    return;
  }
  setText("storage-measured", t("dash.storage_measured", {
    time: new Date(usage.measured_ms).toLocaleString(locale()), free: bytesText(usage.free_bytes) }));
  for (const [area, bytes] of Object.entries(usage.areas)) {
    const key = "dash.area." + area;
    tbody.append(el("tr", { class: "storage-row", dataset: { area, bytes: String(bytes) } },
      el("td", {}, has(key) ? t(key) : area), el("td", { class: "text-end" }, bytesText(bytes))));
  }
}

function minuteLabel(ms) {
  return new Date(ms).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
}

function drawChart(existing, canvasId, config) {
  if (existing) {
    existing.data = config.data;
    existing.update();
    return existing;
  }
  return new window.Chart(document.getElementById(canvasId), config);
}

function renderCharts() {
  if (!window.Chart) return;  // the figures stand without the charts
  const minutes = data.throughput.minutes;
  throughputChart = drawChart(throughputChart, "throughput-chart", {
    type: "bar",
    data: {
      labels: minutes.map((m) => minuteLabel(m.minute_ms)),
      datasets: [{ label: t("dash.pages_per_minute"), data: minutes.map((m) => m.pages), backgroundColor: "#0d6efd" }],
    },
    options: {
      animation: false, maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { x: { ticks: { maxTicksLimit: 12 } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
  const days = data.days;
  daysChart = drawChart(daysChart, "days-chart", {
    type: "bar",
    data: {
      labels: days.map((d) => d.day.slice(5)),
      datasets: [
        { label: t("dash.col.received"), data: days.map((d) => d.total.received), backgroundColor: "#6c757d" },
        { label: t("dash.col.filed"), data: days.map((d) => d.total.filed), backgroundColor: "#198754" },
      ],
    },
    options: {
      animation: false, maintainAspectRatio: false,
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      scales: { x: { ticks: { maxTicksLimit: 10 } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
  document.body.dataset.charts = "drawn";
}

function render() {
  if (!data) return;
  renderFigures();
  renderBacklog();
  renderTenants();
  renderReasons();
  renderWorkers();
  renderStorage();
  renderCharts();
  document.body.dataset.loaded = String(data.generated_ms);
}

async function load() {
  try {
    data = await api("/api/dashboard?hours=" + HOURS);
    render();
  } catch (e) {
    showError(e);
  }
}

initChrome();
document.addEventListener("zpe:lang", () => {
  // Labels are built by the charts: draw them anew in the other language.
  if (throughputChart) throughputChart.destroy();
  if (daysChart) daysChart.destroy();
  throughputChart = daysChart = null;
  render();
});
// Charts.js loads with "defer": it is there once the document has been parsed.
window.addEventListener("load", () => {
  load();
  setInterval(load, REFRESH_MS);
});

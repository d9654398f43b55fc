// What every operator page shares: calls to the JSON API (docs/API.md) with the session's
// CSRF token, the navigation bar (language switch, logout), one-line outcome messages that
// survive a page change, and small DOM helpers that only ever set text (never innerHTML),
// so nothing a document contains can turn into markup.

import { t, applyI18n, setLang, locale, has } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, message, kind) {
    super(message);
    this.status = status;
    this.kind = kind || "";
  }
}

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

// fetch() against /api/: JSON in and out. No session any more → to the login page.
export async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") {
    headers["X-CSRF-Token"] = csrfToken();
    headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch (e) {
    throw new ApiError(0, t("error.network"), "network");
  }
  if (response.status === 401) {
    window.location.assign("/login");
    throw new ApiError(401, "session ended", "unauthenticated");
  }
  let data = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("application/json")) data = await response.json().catch(() => null);
  if (!response.ok) {
    const message = data && data.error ? data.error : response.status + " " + response.statusText;
    throw new ApiError(response.status, message, data && data.kind);
  }
  return data;
}

export function post(path, body) {
  return api(path, { method: "POST", body });
}

// el("td", {class: "x", title: "..."}, "text", childNode): builds DOM, text as text nodes.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function formatAge(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  if (s < 60) return t("age.s", { n: s });
  if (s < 3600) return t("age.m", { n: Math.floor(s / 60) });
  if (s < 86400) return t("age.h", { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
  return t("age.d", { d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600) });
}

export function formatTime(ms) {
  if (!ms) return "";
  return new Date(ms).toLocaleString(locale(), { dateStyle: "short", timeStyle: "medium" });
}

export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value !== "number") return String(value);
  return value.toLocaleString(locale(), { maximumFractionDigits: digits });
}

export function reasonLabel(kind) {
  const key = "reason." + (kind || "other");
  return has(key) ? t(key) : kind;
}

export function stateLabel(state) {
  const key = "state." + state;
  return has(key) ? t(key) : state;
}

export function stateBadgeClass(state) {
  return (
    {
      CLEARING: "text-bg-warning",
      FILED: "text-bg-success",
      REJECTED: "text-bg-danger",
      RESCAN_REQUESTED: "text-bg-info",
      QUARANTINED: "text-bg-danger",
      REPLACED: "text-bg-secondary",
      SPLIT: "text-bg-secondary",
    }[state] || "text-bg-light border"
  );
}

// A message for the page the operator lands on next (after an action moves them on).
export function flashLater(text, kind = "success") {
  sessionStorage.setItem("zpe.flash", JSON.stringify({ text, kind }));
}

export function showMessage(text, kind = "success", { sticky = false, action = null } = {}) {
  const area = document.getElementById("messages");
  if (!area) return;
  const box = el("div", { class: "alert alert-" + kind + " py-2 mb-2 d-flex align-items-center gap-2", role: "alert" },
    el("span", { class: "flex-grow-1" }, text));
  if (action) box.append(action);
  box.append(el("button", { type: "button", class: "btn-close", "aria-label": "OK", onclick: () => box.remove() }));
  clear(area).append(box);
  if (!sticky) setTimeout(() => box.remove(), 8000);
}

export function showFlash() {
  const raw = sessionStorage.getItem("zpe.flash");
  if (!raw) return;
  sessionStorage.removeItem("zpe.flash");
  try {
    const { text, kind } = JSON.parse(raw);
    showMessage(text, kind);
  } catch (e) {
    // a damaged message is dropped
  }
}

export function showError(error) {
  const text = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  showMessage(t("error.generic", { error: text }), "danger", { sticky: true });
}

// Keys typed into a field are the field's, not shortcuts.
export function isTyping(event) {
  const target = event.target;
  if (!target || !target.tagName) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

// The clearing list's filter, so "next document" in the detail view follows the same list.
export function loadListFilter() {
  try {
    return JSON.parse(sessionStorage.getItem("zpe.listFilter") || "{}");
  } catch (e) {
    return {};
  }
}

export function saveListFilter(filter) {
  sessionStorage.setItem("zpe.listFilter", JSON.stringify(filter));
}

export function clearingQuery(filter, extra = {}) {
  const params = new URLSearchParams({ state: "CLEARING", sort: filter.sort || "-age", limit: "500" });
  if (filter.tenant) params.set("tenant", filter.tenant);
  if (filter.reason) params.set("reason", filter.reason);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return "/api/documents?" + params.toString();
}

export function passesAgeFilter(doc, filter) {
  return !filter.minAge || (doc.age_s || 0) >= Number(filter.minAge);
}

// The clearing document after current_id in the list's order (or the first one still
// waiting when current_id has left the list), null when none is left.
export async function nextClearingId(currentId) {
  const filter = loadListFilter();
  const data = await api(clearingQuery(filter));
  const ids = (data.documents || []).filter((d) => passesAgeFilter(d, filter)).map((d) => d.document_id);
  const at = ids.indexOf(currentId);
  if (at >= 0) return ids.slice(at + 1).concat(ids.slice(0, at))[0] || null;
  return ids[0] || null;
}

// Language switch and the navigation bar; every page calls this first.
export function initChrome() {
  applyI18n();
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", () => setLang(button.dataset.lang));
  }
  const here = window.location.pathname;
  for (const link of document.querySelectorAll(".navbar .nav-link")) {
    const target = link.getAttribute("href");
    const active = target === here || (target === "/" && here.startsWith("/documents/"));
    link.classList.toggle("active", active);
    if (active) link.setAttribute("aria-current", "page");
  }
  showFlash();
}

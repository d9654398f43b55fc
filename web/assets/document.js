// The detail view (/documents/{id}): page thumbnails and a large page with the extracted
// fields' boxes drawn over it, the OCR text, the quality verdicts, the audit trail, a
// near-duplicate beside the filed document it resembles, and the operator's decision
// (release with corrections, file anyway, rescan, reject, rotate/drop a page, re-split).
// Every action sends the version the operator saw; a 409 says someone else was faster.

import { t, locale } from "./i18n.js";
import {
  api, post, el, clear, formatTime, formatNumber, reasonLabel, stateLabel, stateBadgeClass,
  initChrome, showMessage, showError, flashLater, isTyping, nextClearingId, ApiError,
} from "./app.js";

const docId = decodeURIComponent(window.location.pathname.replace(/\/+$/, "").split("/").pop());
const docPath = "/api/documents/" + encodeURIComponent(docId);
const FIELDS = ["case_number", "letter_date", "court_file_number", "court", "sender", "doc_type"];
const ZOOM_STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3];

let doc = null;        // GET /api/documents/{id}: the summary plus record, audit, held_at
let batch = null;      // the SPLIT batch this document belongs to (for re-split), if any
let page = 1;
let zoom = 1;
let busy = false;
let ocrText = null;

const $ = (id) => document.getElementById(id);

// ---- loading -------------------------------------------------------------------------

async function load({ keepInputs = false } = {}) {
  try {
    doc = await api(docPath);
  } catch (error) {
    $("doc-loading").textContent = error.status === 404 ? t("doc.not_found") : t("error.generic", { error: error.message });
    return;
  }
  const positions = doc.positions || {};
  if (!keepInputs && positions.case_number && positions.case_number.page) page = positions.case_number.page;
  page = Math.min(Math.max(1, page), Math.max(1, doc.page_count || 1));
  $("doc-loading").classList.add("d-none");
  $("doc-main").classList.remove("d-none");
  render({ keepInputs });
  if (!keepInputs && positions.case_number && positions.case_number.page === page) showPage(page, { scrollTo: "case_number" });
  loadText();
  loadBatch();
  if (!keepInputs && doc.state === "CLEARING") {
    $("case-number").focus();
    $("case-number").select();
  }
}

async function loadText() {
  try {
    const response = await fetch(docPath + "/text", { credentials: "same-origin" });
    ocrText = response.ok ? await response.text() : "";
  } catch (e) {
    ocrText = "";
  }
  renderText();
}

async function loadBatch() {
  const record = doc.record || {};
  let batchId = null;
  if (record.split && doc.state === "SPLIT") batchId = doc.document_id;
  else if (record.parent_document_id) batchId = record.parent_document_id;
  else if (record.split_from && record.split_from.document_id) batchId = record.split_from.document_id;
  if (!batchId) return;
  try {
    batch = batchId === doc.document_id ? doc : await api("/api/documents/" + encodeURIComponent(batchId));
    renderResplit();
  } catch (e) {
    batch = null;  // the batch is not visible: no re-split from here
  }
}

// ---- rendering -----------------------------------------------------------------------

function effective(field) {
  const corrected = doc.corrections && doc.corrections[field];
  if (corrected && corrected.value !== undefined && corrected.value !== null) return String(corrected.value);
  const value = (doc.proposal || {})[field];
  return value === null || value === undefined ? "" : String(value);
}

function render({ keepInputs = false } = {}) {
  document.title = (doc.source_file || doc.document_id) + " — " + t("app.title");
  $("doc-title").textContent = doc.source_file || doc.document_id;
  $("doc-title").title = doc.source_file || "";
  $("doc-id").textContent = doc.document_id;
  $("doc-tenant").textContent = doc.tenant;
  $("doc-received").textContent = formatTime(doc.created_ms);
  const state = $("doc-state");
  state.className = "badge " + stateBadgeClass(doc.state);
  state.textContent = stateLabel(doc.state);

  const inClearing = doc.state === "CLEARING";
  $("doc-reason").classList.toggle("d-none", !doc.reason);
  $("doc-reason-kind").textContent = reasonLabel(doc.reason_kind);
  $("doc-reason-text").textContent = doc.reason || "";
  $("doc-held-at").textContent = doc.held_at ? "(" + t("doc.held_at", { stage: doc.held_at }) + ")" : "";
  $("not-clearing").classList.toggle("d-none", inClearing);
  $("not-clearing").textContent = inClearing ? "" : t("doc.not_in_clearing", { state: stateLabel(doc.state) });
  for (const node of document.querySelectorAll(".clearing-only")) node.classList.toggle("d-none", !inClearing);
  for (const id of ["case-number", "doc-type", "letter-date", "court-file-number"]) $(id).disabled = !inClearing;

  if (!keepInputs) {
    $("case-number").value = effective("case_number");
    $("doc-type").value = effective("doc_type");
    $("letter-date").value = effective("letter_date");
    $("court-file-number").value = effective("court_file_number");
  }
  renderProposals();
  renderThumbs();
  renderPage();
  renderFields();
  renderQuality();
  renderHistory();
  renderDuplicate();
  renderText();
  renderResplit();
  checkCaseNumber();
}

function renderProposals() {
  const p = doc.proposal || {};
  const caseText = [];
  if (p.case_number) {
    caseText.push(t("doc.proposal", { value: p.case_number }));
    if (typeof p.case_number_confidence === "number") caseText.push(t("doc.confidence", { pct: Math.round(p.case_number_confidence * 100) }));
  }
  const corrected = doc.corrections && doc.corrections.case_number;
  if (corrected && corrected.by) caseText.push(t("doc.corrected_by", { by: corrected.by }));
  $("case-proposal").textContent = caseText.join(" · ");
  const typeText = [];
  if (p.doc_type) {
    typeText.push(t("doc.proposal", { value: p.doc_type }));
    if (typeof p.doc_type_confidence === "number") typeText.push(t("doc.confidence", { pct: Math.round(p.doc_type_confidence * 100) }));
  }
  $("type-proposal").textContent = typeText.join(" · ");
}

function pageUrl(n, size) {
  const params = new URLSearchParams();
  if (size) params.set("size", String(size));
  params.set("v", String(doc.version));  // a rotated or dropped page is a new image
  return docPath + "/pages/" + n + ".png?" + params.toString();
}

function renderThumbs() {
  const box = clear($("thumbs"));
  for (let n = 1; n <= (doc.page_count || 0); n++) {
    box.append(el("button", {
      type: "button",
      class: "thumb" + (n === page ? " active" : ""),
      dataset: { page: String(n) },
      "aria-current": n === page ? "page" : null,
      onclick: () => showPage(n),
    }, el("img", { src: pageUrl(n, 160), alt: t("doc.thumb", { n }), loading: "lazy" }), el("span", { class: "small" }, String(n))));
  }
}

function imageSizeFor() {
  // The longer side the displayed page needs, in image pixels (A4 portrait: the height).
  const width = $("viewer").clientWidth * zoom * (window.devicePixelRatio || 1);
  const needed = width * 1.42;
  if (needed <= 1200) return 1200;
  if (needed <= 2000) return 2000;
  return 0;  // full size
}

function renderPage() {
  $("page-label").textContent = t("doc.page_of", { n: page, total: doc.page_count || 0 });
  $("zoom-label").textContent = Math.round(zoom * 100) + " %";
  $("page-wrap").style.width = zoom * 100 + "%";
  const image = $("page-image");
  const url = pageUrl(page, imageSizeFor());
  if (image.getAttribute("src") !== url) {
    clear($("boxes"));
    image.onload = renderBoxes;
    image.setAttribute("src", url);
  } else {
    renderBoxes();
  }
  image.alt = t("doc.page_of", { n: page, total: doc.page_count || 0 });
  for (const thumb of document.querySelectorAll("#thumbs .thumb")) {
    const active = thumb.dataset.page === String(page);
    thumb.classList.toggle("active", active);
    if (active) thumb.scrollIntoView({ block: "nearest" });
  }
}

function fieldLabel(field) {
  return t("doc.field." + field);
}

// The fields' boxes on the shown page, in percent of the page so they follow the zoom. A
// box refers to the stored page image; after a rotation its size no longer matches, and
// the boxes are left out rather than drawn in the wrong place.
function renderBoxes() {
  const layer = clear($("boxes"));
  const image = $("page-image");
  if (!image.naturalWidth) return;
  const positions = doc.positions || {};
  for (const [field, position] of Object.entries(positions)) {
    if (!position || position.page !== page || !position.box) continue;
    const b = position.box;
    if (!b.page_width || !b.page_height) continue;
    const imageRatio = image.naturalWidth / image.naturalHeight;
    const boxRatio = b.page_width / b.page_height;
    if (Math.abs(imageRatio - boxRatio) > 0.02 * boxRatio) continue;
    const pad = 0.004;  // a little air around the words
    const box = el("div", {
      class: "field-box box-" + field,
      id: "box-" + field,
      title: fieldLabel(field) + ": " + effective(field),
      dataset: { field },
    });
    box.style.left = (b.left / b.page_width - pad) * 100 + "%";
    box.style.top = (b.top / b.page_height - pad) * 100 + "%";
    box.style.width = ((b.right - b.left) / b.page_width + 2 * pad) * 100 + "%";
    box.style.height = ((b.bottom - b.top) / b.page_height + 2 * pad) * 100 + "%";
    layer.append(box);
  }
}

function showPage(n, { scrollTo = null } = {}) {
  if (!doc || n < 1 || n > (doc.page_count || 0)) return;
  page = n;
  renderPage();
  if (scrollTo) {
    const reveal = () => {
      const box = $("box-" + scrollTo);
      if (box) {
        box.scrollIntoView({ block: "center", inline: "center" });
        box.classList.add("pulse");
        setTimeout(() => box.classList.remove("pulse"), 1200);
      }
    };
    if ($("page-image").complete) reveal();
    else $("page-image").addEventListener("load", reveal, { once: true });
  }
}

function setZoom(next) {
  zoom = Math.min(ZOOM_STEPS[ZOOM_STEPS.length - 1], Math.max(ZOOM_STEPS[0], next));
  renderPage();
}

function stepZoom(direction) {
  const index = ZOOM_STEPS.findIndex((z) => z >= zoom - 1e-9);
  setZoom(ZOOM_STEPS[Math.min(ZOOM_STEPS.length - 1, Math.max(0, index + direction))]);
}

function renderFields() {
  const pane = clear($("tab-fields"));
  const p = doc.proposal || {};
  const positions = doc.positions || {};
  const confidence = { case_number: p.case_number_confidence, doc_type: p.doc_type_confidence };
  const rows = [];
  for (const field of FIELDS) {
    const machine = p[field];
    const position = positions[field];
    const corrected = doc.corrections && doc.corrections[field];
    if ((machine === null || machine === undefined) && !position && !corrected) continue;
    const where = position && position.page
      ? el("button", { type: "button", class: "btn btn-link btn-sm p-0", onclick: () => showPage(position.page, { scrollTo: field }) },
        t("doc.on_page", { n: position.page }))
      : t("doc.no_position");
    const value = el("td", {}, machine === null || machine === undefined ? (position && position.text) || "" : String(machine));
    if (typeof confidence[field] === "number") value.append(el("span", { class: "text-secondary ms-1" }, "(" + Math.round(confidence[field] * 100) + " %)"));
    if (corrected && corrected.value !== undefined) {
      value.append(el("div", { class: "text-success" }, "→ " + corrected.value + " (" + t("doc.corrected_by", { by: corrected.by || "" }) + ")"));
    }
    const row = el("tr", { dataset: { field } },
      el("td", {}, el("span", { class: "swatch swatch-" + field }), fieldLabel(field)), value, el("td", {}, where));
    row.addEventListener("mouseenter", () => { const b = $("box-" + field); if (b) b.classList.add("hover"); });
    row.addEventListener("mouseleave", () => { const b = $("box-" + field); if (b) b.classList.remove("hover"); });
    rows.push(row);
  }
  if (!rows.length) {
    pane.append(el("p", { class: "small text-secondary mb-0" }, t("doc.no_fields")));
    return;
  }
  pane.append(el("table", { class: "table table-sm small mb-0" },
    el("thead", {}, el("tr", {}, el("th", {}, t("doc.field")), el("th", {}, t("doc.value")), el("th", {}, t("doc.where")))),
    el("tbody", {}, rows)));
  const suggestions = Array.isArray(p.suggestions) ? p.suggestions : [];
  if (suggestions.length) {
    const box = el("div", { class: "mt-2 small" }, t("doc.registry.nearest") + " ");
    for (const s of suggestions) {
      const number = typeof s === "string" ? s : s && s.case_number;
      if (number) box.append(caseButton(number));
    }
    pane.append(box);
  }
}

function renderText() {
  const pre = $("ocr-text");
  if (ocrText === null) return;
  clear(pre);
  if (!ocrText.trim()) {
    pre.append(el("span", { class: "text-secondary" }, t("doc.no_text")));
    return;
  }
  ocrText.split("\f").forEach((text, index) => {
    if (!text.trim() && index > 0) return;
    pre.append(el("span", { class: "text-secondary d-block" }, t("doc.text_page", { n: index + 1 })), text.trim() + "\n");
  });
}

const MEASURES = ["effective_dpi", "sharpness", "contrast", "brightness", "residual_skew_deg", "ink_coverage", "edge_touch"];

function measureText(name, value) {
  if (value === null || value === undefined) return "";
  if (name === "edge_touch" && typeof value === "object") {
    return ["top", "bottom", "left", "right"].map((k) => formatNumber(value[k], 3)).join(" / ");
  }
  if (name === "ink_coverage") return formatNumber(value, 5);
  return formatNumber(value, 2);
}

function renderQuality() {
  const pane = clear($("tab-quality"));
  const verdicts = ((doc.record || {}).quality || {}).verdicts;
  if (!Array.isArray(verdicts) || !verdicts.length) {
    pane.append(el("p", { class: "small text-secondary mb-0" }, t("doc.no_quality")));
    return;
  }
  const head = el("tr", {}, el("th", {}, t("doc.quality.page")),
    verdicts.map((v) => el("th", { class: "text-end" }, String(v.source_page ?? v.page ?? ""))));
  const verdictRow = el("tr", {}, el("th", {}, t("doc.quality.verdict")), verdicts.map((v) => {
    const cls = v.verdict === "ok" ? "text-bg-success" : v.verdict === "blank" ? "text-bg-secondary" : "text-bg-danger";
    const key = "doc.quality.verdict." + v.verdict;
    return el("td", { class: "text-end" }, el("span", { class: "badge " + cls }, t(key) === key ? v.verdict : t(key)));
  }));
  const rows = MEASURES.map((name) => el("tr", {}, el("th", { class: "fw-normal" }, t("doc.quality." + name)),
    verdicts.map((v) => el("td", { class: "text-end font-monospace" }, measureText(name, (v.measured || {})[name])))));
  const reasons = el("tr", {}, el("th", { class: "fw-normal" }, t("doc.quality.reasons")),
    verdicts.map((v) => el("td", { class: "small" }, (Array.isArray(v.reasons) ? v.reasons : []).join("; "))));
  pane.append(el("table", { class: "table table-sm small mb-0" }, el("thead", {}, head), el("tbody", {}, verdictRow, rows, reasons)));
}

export function auditDetail(detail) {
  if (detail === null || detail === undefined) return "";
  if (typeof detail !== "object") return String(detail);
  // {"note": "...", "case_number": "..."} reads better as "note: …; case_number: …"
  // hashes shortened for reading; the full text is in the title
  const short = (v) => (typeof v === "string" && /^[0-9a-f]{40,}$/.test(v) ? v.slice(0, 12) + "…" : v);
  return Object.entries(detail).map(([k, v]) => k + ": " + (typeof v === "string" ? short(v) : JSON.stringify(v))).join("; ");
}

function renderHistory() {
  const pane = clear($("tab-history"));
  const audit = Array.isArray(doc.audit) ? doc.audit : [];
  if (!audit.length) {
    pane.append(el("p", { class: "small text-secondary mb-0" }, t("doc.history.empty")));
    return;
  }
  pane.append(el("table", { class: "table table-sm small mb-0" }, el("tbody", {}, audit.map((a) =>
    el("tr", {}, el("td", { class: "text-nowrap" }, formatTime(a.at_ms)), el("td", {}, a.actor || ""),
      el("td", {}, a.action || ""), el("td", { class: "text-break" }, auditDetail(a.detail)))))));
}

function renderDuplicate() {
  const dup = doc.near_duplicate;
  const pane = $("dup-pane");
  const toggle = $("compare-toggle");
  if (!dup || !dup.document_id) {
    pane.classList.add("d-none");
    toggle.classList.add("d-none");
    return;
  }
  toggle.classList.remove("d-none");
  pane.classList.toggle("d-none", toggle.getAttribute("aria-pressed") !== "true");
  $("dup-detail").textContent = t("doc.dup.detail", {
    id: dup.document_id,
    case: dup.case_number || "",
    pct: typeof dup.similarity === "number" ? Math.round(dup.similarity * 100) : "?",
    when: formatTime(dup.filed_at_ms),
  });
  const href = "/documents/" + encodeURIComponent(dup.document_id);
  $("dup-link").setAttribute("href", href);
  const image = $("dup-image");
  const src = "/api/documents/" + encodeURIComponent(dup.document_id) + "/pages/1.png?size=1200";
  if (image.getAttribute("src") !== src) image.setAttribute("src", src);
  image.alt = t("doc.dup.other");
}

function renderResplit() {
  const show = Boolean(batch) && doc.state !== "FILED";
  $("resplit-tab-item").classList.toggle("d-none", !show);
  if (!show) return;
  const sourcePages = (doc.record || {}).source_pages;
  $("resplit-intro").textContent = t("doc.resplit.intro", {
    batch: batch.document_id,
    n: batch.page_count || "?",
    pages: Array.isArray(sourcePages) ? sourcePages.join(", ") : JSON.stringify(sourcePages ?? ""),
  });
  const split = (batch.record || {}).split || {};
  if (!$("first-pages").value && Array.isArray(split.documents)) {
    const firsts = split.documents.map((d) => (Array.isArray(d.source_pages) ? d.source_pages[0] : null)).filter((n) => Number.isInteger(n));
    $("first-pages").value = firsts.join(", ");
  }
  if (!$("separator-pages").value && Array.isArray(split.separators)) $("separator-pages").value = split.separators.join(", ");
}

// ---- the case number against the registry --------------------------------------------

let checkSeq = 0;
let checkTimer = null;

function caseButton(number) {
  return el("button", {
    type: "button",
    class: "btn btn-outline-secondary btn-sm py-0 px-1 me-1 mb-1 font-monospace nearest-case",
    onclick: () => {
      $("case-number").value = number;
      checkCaseNumber();
      $("case-number").focus();
    },
  }, number);
}

function checkCaseNumber() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(runCheck, 120);
}

async function runCheck() {
  const value = $("case-number").value.trim();
  const stateBox = clear($("registry-state"));
  const nearest = clear($("registry-nearest"));
  $("case-number").classList.remove("is-valid", "is-invalid");
  if (!value || !doc) return;
  const seq = ++checkSeq;
  stateBox.append(el("span", { class: "text-secondary" }, t("doc.registry.checking")));
  let result;
  try {
    const params = new URLSearchParams({ tenant: doc.tenant, case_number: value });
    result = await api("/api/registry/check?" + params.toString());
  } catch (error) {
    if (seq === checkSeq) clear(stateBox).append(el("span", { class: "text-danger" }, error.message));
    return;
  }
  if (seq !== checkSeq) return;  // the operator typed on; an older answer is stale
  clear(stateBox);
  let cls = "text-bg-secondary";
  let key = "doc.registry." + result.state;
  if (!result.well_formed) key = "doc.registry.malformed";
  else if (result.state === "open") cls = "text-bg-success";
  else if (result.state === "closed") cls = "text-bg-danger";
  else if (result.state === "unknown") cls = "text-bg-warning";
  stateBox.append(el("span", { class: "badge " + cls, id: "registry-badge", dataset: { state: result.well_formed ? result.state : "malformed" } }, t(key)));
  $("case-number").classList.add(result.well_formed && result.state === "open" ? "is-valid" : "is-invalid");
  const numbers = Array.isArray(result.nearest) ? result.nearest : [];
  if (numbers.length) {
    nearest.append(el("span", { class: "text-secondary me-1" }, t("doc.registry.nearest")));
    for (const number of numbers.slice(0, 5)) nearest.append(caseButton(String(number)));
  }
}

// ---- actions -------------------------------------------------------------------------

function corrections() {
  const out = {};
  const p = doc.proposal || {};
  const fields = { case_number: "case-number", doc_type: "doc-type", letter_date: "letter-date", court_file_number: "court-file-number" };
  for (const [field, id] of Object.entries(fields)) {
    const value = $(id).value.trim();
    const machine = p[field] === null || p[field] === undefined ? "" : String(p[field]);
    if (value && value !== machine) out[field] = value;
  }
  return out;
}

function setBusy(on) {
  busy = on;
  for (const button of document.querySelectorAll("#decision button, .viewer-toolbar .clearing-only button")) button.disabled = on;
}

function reportFailure(error) {
  if (error instanceof ApiError && error.status === 409) {
    const reload = el("button", { type: "button", class: "btn btn-sm btn-outline-danger", onclick: () => window.location.reload() }, t("doc.reload"));
    showMessage(t("doc.conflict"), "danger", { sticky: true, action: reload });
  } else {
    showError(error);
  }
}

// An action that ends the document's clearing: report the outcome, go to the next one.
async function decide(path, body, outcomeKey) {
  if (busy || !doc) return;
  setBusy(true);
  try {
    const summary = await post(docPath + path, Object.assign({ version: doc.version }, body));
    const text = t(outcomeKey, { id: summary.document_id || doc.document_id, state: stateLabel(summary.state) });
    const next = await nextClearingId(doc.document_id).catch(() => null);
    if (next && next !== doc.document_id) {
      flashLater(text);
      window.location.assign("/documents/" + encodeURIComponent(next));
    } else {
      flashLater(text + " " + t("doc.outcome.last"));
      window.location.assign("/");
    }
  } catch (error) {
    reportFailure(error);
    setBusy(false);
  }
}

// A page transform: the document stays in clearing and is shown again.
async function transformPage(path, body, outcomeKey) {
  if (busy || !doc) return;
  setBusy(true);
  const n = page;
  try {
    await post(docPath + "/pages/" + n + path, Object.assign({ version: doc.version }, body));
    await load({ keepInputs: true });
    showMessage(t(outcomeKey, { n }), "success");
  } catch (error) {
    reportFailure(error);
  } finally {
    setBusy(false);
  }
}

function release() {
  if (!doc || doc.state !== "CLEARING") return;
  decide("/release", { corrections: corrections() }, "doc.outcome.release");
}

let noteAction = null;

function askNote(kind) {
  if (!doc || doc.state !== "CLEARING" || busy) return;
  noteAction = kind;
  $("note-title").textContent = t("doc.note." + kind + "_title");
  $("note-label").textContent = t("doc.note." + kind + "_label");
  $("note-text").value = "";
  $("note-text").classList.remove("is-invalid");
  window.bootstrap.Modal.getOrCreateInstance($("note-dialog")).show();
}

$("note-dialog").addEventListener("shown.bs.modal", () => $("note-text").focus());
$("note-text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    $("note-form").requestSubmit();
  }
});
$("note-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("note-text").value.trim();
  if (!text && noteAction !== "file_anyway") {
    $("note-text").classList.add("is-invalid");
    return;
  }
  window.bootstrap.Modal.getOrCreateInstance($("note-dialog")).hide();
  if (noteAction === "rescan") decide("/rescan", { note: text }, "doc.outcome.rescan");
  else if (noteAction === "reject") decide("/reject", { reason: text }, "doc.outcome.reject");
  else if (noteAction === "file_anyway") decide("/file-anyway", { note: text }, "doc.outcome.file_anyway");
});

function pageList(text) {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const numbers = parts.map((p) => Number(p));
  return numbers.every((n) => Number.isInteger(n) && n > 0) ? numbers : null;
}

$("resplit-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!batch || busy) return;
  const firstPages = pageList($("first-pages").value);
  const separatorPages = pageList($("separator-pages").value);
  if (!firstPages || !firstPages.length || !separatorPages) {
    showMessage(t("doc.resplit.bad_list"), "danger");
    return;
  }
  setBusy(true);
  try {
    const answer = await post("/api/documents/" + encodeURIComponent(batch.document_id) + "/resplit",
      { version: batch.version, first_pages: firstPages, separator_pages: separatorPages });
    const ids = answer.documents || [];
    flashLater(t("doc.resplit.done", { ids: ids.join(", ") }));
    window.location.assign(ids.length ? "/documents/" + encodeURIComponent(ids[0]) : "/");
  } catch (error) {
    reportFailure(error);
    setBusy(false);
  }
});

async function goNext() {
  try {
    const next = await nextClearingId(docId);
    if (next && next !== docId) window.location.assign("/documents/" + encodeURIComponent(next));
    else showMessage(t("doc.outcome.last"), "info");
  } catch (error) {
    showError(error);
  }
}

// ---- wiring --------------------------------------------------------------------------

$("decision").addEventListener("submit", (event) => event.preventDefault());  // Enter alone never releases
$("release").addEventListener("click", release);
$("file-anyway").addEventListener("click", () => askNote("file_anyway"));
$("rescan").addEventListener("click", () => askNote("rescan"));
$("reject").addEventListener("click", () => askNote("reject"));
$("rotate-page").addEventListener("click", () => transformPage("/rotate", { degrees: 90 }, "doc.outcome.rotate"));
$("drop-page").addEventListener("click", () => {
  if (window.confirm(t("doc.drop_confirm", { n: page }))) transformPage("/drop", {}, "doc.outcome.drop");
});
$("zoom-in").addEventListener("click", () => stepZoom(1));
$("zoom-out").addEventListener("click", () => stepZoom(-1));
$("zoom-fit").addEventListener("click", () => setZoom(1));
$("case-number").addEventListener("input", checkCaseNumber);
$("compare-toggle").addEventListener("click", () => {
  const toggle = $("compare-toggle");
  toggle.setAttribute("aria-pressed", toggle.getAttribute("aria-pressed") === "true" ? "false" : "true");
  toggle.classList.toggle("active", toggle.getAttribute("aria-pressed") === "true");
  renderDuplicate();
  renderPage();
});
window.addEventListener("resize", () => { if (doc) renderPage(); });

document.addEventListener("keydown", (event) => {
  if (document.querySelector(".modal.show")) return;  // the note dialog has the keyboard
  const key = event.key;
  if ((key === "Enter" && (event.ctrlKey || event.metaKey)) || (event.altKey && (event.code === "KeyA" || key === "a"))) {
    event.preventDefault();
    release();
    return;
  }
  if (key === "Escape") {
    event.preventDefault();
    window.location.assign("/");
    return;
  }
  if (event.ctrlKey || event.altKey || event.metaKey || isTyping(event)) return;
  switch (key) {
    case "c":
      $("case-number").focus();
      $("case-number").select();
      break;
    case "n":
      goNext();
      break;
    case "+":
    case "=":
      stepZoom(1);
      break;
    case "-":
      stepZoom(-1);
      break;
    case "0":
      setZoom(1);
      break;
    case "PageDown":
      showPage(page + 1);
      break;
    case "PageUp":
      showPage(page - 1);
      break;
    default:
      return;
  }
  event.preventDefault();
});

document.addEventListener("zpe:lang", () => { if (doc) render({ keepInputs: true }); });
initChrome();
load();

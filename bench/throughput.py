#!/usr/bin/python3
"""Helpers of bench/throughput.sh (see bench/BENCHMARKS.md). Standard library, Pillow and
bench/eval_ocr.py's CER only.

  throughput.py corpus OUT LETTERS_DIR MIN_PAGES LONG_DIR LONG_PAGES
      Copies the first letters of LETTERS_DIR until they hold at least MIN_PAGES pages to
      OUT/letters/, and builds OUT/long/case-file.tif (exactly LONG_PAGES pages, whole
      letters of LONG_DIR in order, joined with tiffcp) with a truth file of all its pages.
  throughput.py pages CORPUS OUT_DIR
      Every page of every corpus file as a single-page PNG (resolution kept), for tesseract.
  throughput.py rss ROOT_PID OUT_JSON
      Samples VmHWM of ROOT_PID and its descendants every 0.2 s until ROOT_PID ends.
  throughput.py rss-series ROOT_PID JOBS_DB OUT_JSON
      Every second until ROOT_PID ends: VmRSS, VmHWM and CPU seconds (user + system, all
      threads) of each process below it, and the pages of documents that reached a terminal
      state (from the job store), for bench/rss_flatness.sh.
  throughput.py rss-table SERIES_JSON STEP_PAGES
      The tables of bench/rss_flatness.sh: per process, RSS and peak RSS each time another
      STEP_PAGES pages were finished, and at the end; then CPU seconds per process and per
      role (a restarted worker's processes add up) with CPU ms per finished page.
  throughput.py report RESULTS_DIR QUICK
      Reads everything the run wrote and prints the table (also results.md, results.json).
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eval_ocr import levenshtein, words  # noqa: E402

TRUTH = ".truth.json"


def truth_files(folder):
    return sorted(glob.glob(os.path.join(folder, "*" + TRUTH)))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def corpus(out, letters_dir, min_pages, long_dir, long_pages):
    os.makedirs(os.path.join(out, "letters"))
    os.makedirs(os.path.join(out, "long"))
    pages = 0
    for truth in truth_files(letters_dir):
        if pages >= min_pages:
            break
        image = truth[: -len(TRUTH)]
        shutil.copy(image, os.path.join(out, "letters"))
        shutil.copy(truth, os.path.join(out, "letters"))
        pages += load(truth)["pages"]
    if pages < min_pages:
        sys.exit(f"corpus: only {pages} pages of letters in {letters_dir}, need {min_pages}")
    chosen, texts, artefacts, total = [], [], [], 0
    for truth in truth_files(long_dir):
        t = load(truth)
        if total + t["pages"] > long_pages:
            continue
        chosen.append(truth[: -len(TRUTH)])
        texts.append(t["text"])
        artefacts += t.get("artefacts", [])
        total += t["pages"]
        if total == long_pages:
            break
    if total != long_pages:
        sys.exit(f"corpus: only {total} pages for the long document in {long_dir}, need {long_pages}")
    target = os.path.join(out, "long", "case-file.tif")
    subprocess.run(["tiffcp", *chosen, target], check=True)
    with open(target + TRUTH, "w", encoding="utf-8") as f:
        json.dump({"file": "case-file.tif", "pages": total, "format": "tiff (mixed)", "text": "\f".join(texts),
                   "artefacts": artefacts, "made_from": [os.path.basename(c) for c in chosen]}, f, ensure_ascii=False)
    print(f"corpus: {pages} pages of letters, one {total}-page document")


def corpus_images(folder):
    return sorted(p for p in glob.glob(os.path.join(folder, "*", "*")) if not p.endswith(TRUTH))


def pages(corpus_dir, out_dir):
    from PIL import Image, ImageSequence
    os.makedirs(out_dir, exist_ok=True)
    for path in corpus_images(corpus_dir):
        with Image.open(path) as image:
            for number, frame in enumerate(ImageSequence.Iterator(image), 1):
                dpi = frame.info.get("dpi", (300, 300))
                page = frame.copy()
                if page.mode not in ("1", "L", "RGB"):
                    page = page.convert("RGB")
                page.save(os.path.join(out_dir, f"{os.path.basename(path)}-p{number:04d}.png"),
                          dpi=tuple(round(float(d)) for d in dpi))


def descendants(root):
    children = {}
    for status in glob.glob("/proc/[0-9]*/status"):
        try:
            with open(status) as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            children.setdefault(int(fields["PPid"]), []).append(int(fields["Pid"]))
        except (OSError, KeyError, ValueError):
            continue
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def rss(root, out_json):
    peaks = {}
    root = int(root)
    while os.path.exists(f"/proc/{root}"):
        for pid in descendants(root):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
                with open(f"/proc/{pid}/status") as f:
                    hwm = next((int(line.split()[1]) for line in f if line.startswith("VmHWM:")), 0)
            except OSError:
                continue
            known_cmd, known_hwm = peaks.get(pid, ("", 0))
            peaks[pid] = (cmd or known_cmd, max(known_hwm, hwm))  # an exiting process has no cmdline
        time.sleep(0.2)
    with open(out_json, "w") as f:
        json.dump({f"{pid} {cmd}": hwm for pid, (cmd, hwm) in peaks.items()}, f, indent=1)


TERMINAL_PAGES = ("select coalesce(sum(json_extract(record, '$.page_count')), 0) from documents "
                  "where state in ('FILED', 'CLEARING', 'QUARANTINED', 'REJECTED')")


def rss_series(root, jobs_db, out_json):
    samples = []
    root = int(root)
    started = time.time()
    while os.path.exists(f"/proc/{root}"):
        pages = None
        if os.path.exists(jobs_db):
            done = subprocess.run(["sqlite3", "-readonly", jobs_db, TERMINAL_PAGES], capture_output=True, text=True)
            pages = int(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip().isdigit() else None
        processes = {}
        for pid in descendants(root):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
                with open(f"/proc/{pid}/status") as f:
                    fields = {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in f)
                              if k in ("VmRSS", "VmHWM")}
                cpu_s = cpu_seconds(pid)
            except (OSError, ValueError, IndexError):
                continue
            if cmd:
                processes[f"{pid} {process_role(cmd)}"] = [fields.get("VmRSS", 0), fields.get("VmHWM", 0), cpu_s]
        if pages is not None:
            samples.append({"t": round(time.time() - started, 1), "pages": pages, "kb": processes})
        time.sleep(1.0)
    with open(out_json, "w") as f:
        json.dump(samples, f)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of all threads of PID (fields 14 and 15 of /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        after_name = f.read().rsplit(")", 1)[1].split()
    return (int(after_name[11]) + int(after_name[12])) / CLOCK_TICKS


def process_role(cmd):
    """'worker ocr', 'dispatcher', ... from a zpe command line; the command otherwise."""
    parts = cmd.split()
    if not parts or not os.path.basename(parts[0]).startswith("zpe"):  # ZPE_BIN may be a renamed copy
        return os.path.basename(parts[0]) if parts else "?"
    if "worker" in parts:
        at = parts.index("worker")
        stage = next((p for p in parts[at + 1:] if not p.startswith("-")), "?")
        return f"worker {stage}"
    for role in ("dispatcher", "intake", "archiver", "run", "web", "sink"):
        if role in parts:
            return role
    return "zpe"


def rss_table(series_json, step):
    samples = load(series_json)
    if not samples:
        sys.exit("rss-table: no samples")
    names = sorted({name for s in samples for name in s["kb"]}, key=lambda n: (n.split(" ", 1)[1], int(n.split()[0])))
    total = samples[-1]["pages"]
    marks = list(range(step, total + 1, step))
    if not marks or marks[-1] != total:
        marks.append(total)

    def at_mark(pages):
        return next((s for s in samples if s["pages"] >= pages), samples[-1])

    header = "| process | " + " | ".join(f"{m} pages" for m in marks) + " | peak |"
    lines = [f"RSS / peak RSS in MB of each process, sampled every second; columns: when that many pages "
             f"had reached a terminal state ({total} pages, {samples[-1]['t']:.0f} s)", "",
             header, "|---|" + "---:|" * (len(marks) + 1)]
    for name in names:
        cells = []
        for m in marks:
            kb = at_mark(m)["kb"].get(name)
            cells.append(f"{kb[0] // 1024} / {kb[1] // 1024}" if kb else "–")
        peak = max((s["kb"][name][1] for s in samples if name in s["kb"]), default=0)
        lines.append(f"| {name.split(' ', 1)[1]} (pid {name.split()[0]}) | " + " | ".join(cells) + f" | {peak // 1024} |")
    # CPU: the last sample of each process (a process's CPU only grows; one that ended between
    # samples loses at most its last second).
    cpu = {name: max((s["kb"][name][2] for s in samples if name in s["kb"] and len(s["kb"][name]) > 2), default=None)
           for name in names}
    if total > 0 and any(v is not None for v in cpu.values()):
        roles = {}
        for name, seconds in cpu.items():
            if seconds is not None:
                roles[name.split(" ", 1)[1]] = roles.get(name.split(" ", 1)[1], 0.0) + seconds
        all_cpu = sum(roles.values())
        lines += ["", f"CPU seconds (user + system) by role over the run, and CPU ms per finished page ({total} pages)",
                  "", "| role | CPU s | ms/page | share |", "|---|---:|---:|---:|"]
        for role, seconds in sorted(roles.items(), key=lambda kv: -kv[1]):
            lines.append(f"| {role} | {seconds:.1f} | {1000 * seconds / total:.0f} | {100 * seconds / all_cpu:.1f} % |")
        lines.append(f"| all | {all_cpu:.1f} | {1000 * all_cpu / total:.0f} | 100 % |")
    print("\n".join(lines))


# ---- report ----------------------------------------------------------------------------


def pdf_text_pages(pdf):
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True, text=True, timeout=120)
    return out.stdout.split("\f") if out.returncode == 0 else None


def cer_of(truth_text, pages_text):
    """(errors, characters): page against page when the page counts agree, else whole."""
    truth_pages = truth_text.split("\f")
    if pages_text is None:
        expected = words(truth_text)
        return len(expected), len(expected)
    pages_text = pages_text[: len(truth_pages)] if len(pages_text) > len(truth_pages) and not "".join(
        pages_text[len(truth_pages):]).strip() else pages_text
    if len(pages_text) == len(truth_pages):
        pairs = zip(truth_pages, pages_text)
    else:
        pairs = [(truth_text, " ".join(pages_text))]
    errors = chars = 0
    for truth, text in pairs:
        expected = words(truth)
        errors += levenshtein(words(text), expected)
        chars += len(expected)
    return errors, chars


def kind_of(truth):
    kinds = {a.get("color") for a in truth.get("artefacts", [])}
    if len(kinds) != 1 or truth["file"] == "case-file.tif":
        return "long" if truth["file"] == "case-file.tif" else "mixed"
    return "bilevel" if kinds == {"bilevel"} else "grey"


def time_v(path):
    """(max RSS kB, wall s) from a /usr/bin/time -v output file."""
    text = open(path).read()
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    return rss_kb, seconds


def measure_outputs(docs, pdf_for):
    """Per document: errors, chars, pdf bytes (None when the tool made no PDF)."""
    rows = []
    for doc in docs:
        pdfs = pdf_for(doc)
        if not pdfs or not all(os.path.exists(p) for p in pdfs):
            rows.append(dict(doc, pdf_bytes=None, errors=len(words(doc["text"])), chars=len(words(doc["text"]))))
            continue
        text_pages = []
        for pdf in pdfs:
            got = pdf_text_pages(pdf)
            text_pages += (got[:-1] if got and got[-1].strip() == "" else got or [""])
        errors, chars = cer_of(doc["text"], text_pages)
        rows.append(dict(doc, pdf_bytes=sum(os.path.getsize(p) for p in pdfs), errors=errors, chars=chars))
    return rows


def summarise(name, rows, seconds, rss_kb, extra=None):
    total_pages = sum(r["pages"] for r in rows)
    out = {"tool": name, "pages": total_pages, "seconds": seconds,
           "pages_per_s": total_pages / seconds if seconds else None,
           "cer": sum(r["errors"] for r in rows) / max(1, sum(r["chars"] for r in rows)),
           "cer_letters": sum(r["errors"] for r in rows if r["kind"] != "long")
           / max(1, sum(r["chars"] for r in rows if r["kind"] != "long")),
           "cer_long": sum(r["errors"] for r in rows if r["kind"] == "long")
           / max(1, sum(r["chars"] for r in rows if r["kind"] == "long")),
           "missing": [r["file"] for r in rows if r["pdf_bytes"] is None],
           "larger_than_input": [r["file"] for r in rows if r["pdf_bytes"] and r["pdf_bytes"] > r["input_bytes"]],
           "peak_rss_kb": rss_kb}
    for kind in ("bilevel", "grey", "long"):
        kept = [r for r in rows if r["kind"] == kind and r["pdf_bytes"] is not None]
        out["bytes_per_page_" + kind] = sum(r["pdf_bytes"] for r in kept) / max(1, sum(r["pages"] for r in kept)) \
            if kept else None
    out.update(extra or {})
    return out


def percentile(values, p):  # nearest rank
    s = sorted(values)
    return s[max(0, min(len(s) - 1, -(-p * len(s) // 100) - 1))] if s else None


def zpe_figures(results):
    """PDF paths per source file, batch latencies and per-role peak RSS of the zpe run."""
    import sqlite3
    home = os.path.join(results, "zpe-home")
    db = sqlite3.connect(os.path.join(home, "var", "jobs.sqlite"))
    pdfs, states, latencies = {}, {}, []
    for source, state, record, created in db.execute(
            "SELECT source_file, state, record, created_ms FROM documents ORDER BY id"):
        states[state] = states.get(state, 0) + 1
        pdf = json.loads(record).get("pdf")
        if pdf and source:
            found = glob.glob(os.path.join(home, "var", "blobs", "**", pdf["sha256"]), recursive=True)
            if found:
                pdfs.setdefault(source, []).append(found[0])
    for (ms,) in db.execute(
            "SELECT MAX(a.at_ms) - d.created_ms FROM documents d JOIN audit a ON a.document_id = d.id "
            "WHERE a.action IN ('filed','to_clearing','quarantined','split','rejected') GROUP BY d.id"):
        latencies.append(ms)
    peaks = load(os.path.join(results, "zpe-rss.json"))
    workers = {k: v for k, v in peaks.items() if " worker " in k}
    return pdfs, states, latencies, peaks, workers


def idle_latency(results):
    path = os.path.join(results, "latency.txt")
    if not os.path.exists(path):
        return None
    match = re.search(r"rename -> terminal\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", open(path).read())
    return {"n": int(match.group(1)), "p50_ms": int(match.group(2)), "p95_ms": int(match.group(3))} if match else None


def fmt(value, spec, unit=""):
    return "–" if value is None else format(value, spec) + unit


def report(results, quick):
    corpus_dir = os.path.join(results, "corpus")
    docs = []
    for truth_path in truth_files(os.path.join(corpus_dir, "letters")) + truth_files(os.path.join(corpus_dir, "long")):
        truth = load(truth_path)
        image = truth_path[: -len(TRUTH)]
        docs.append({"file": os.path.basename(image), "pages": truth["pages"], "text": truth["text"],
                     "kind": kind_of(truth), "input_bytes": os.path.getsize(image)})
    wall = load(os.path.join(results, "wall.json"))
    tools = []

    # (a) zpe run --until-idle
    pdfs, states, latencies, peaks, workers = zpe_figures(results)
    rows = measure_outputs(docs, lambda d: pdfs.get(d["file"]))
    worker_peak = max(workers.values(), default=None)
    tools.append(summarise("(a) zpe run --until-idle, all stages", rows, wall["zpe"], worker_peak, {
        "states": states, "latency_p50_ms": percentile(latencies, 50), "latency_p95_ms": percentile(latencies, 95),
        "peak_rss_kb_all_processes": max(peaks.values(), default=None),
        "peak_rss_kb_by_worker": {k.split(" ", 1)[1]: v for k, v in workers.items()}}))

    # (b), (c) ocrmypdf, file by file
    for key, label in (("ocrmypdf", "(b) ocrmypdf --jobs 2"), ("ocrmypdf-o2", "(c) ocrmypdf --jobs 2 --optimize 2")):
        folder = os.path.join(results, key)
        rows = measure_outputs(docs, lambda d, f=folder: [os.path.join(f, d["file"] + ".pdf")])
        rss_values = [time_v(t)[0] for t in glob.glob(os.path.join(folder, "*.time"))]
        tools.append(summarise(label, rows, wall[key], max(rss_values, default=None)))

    # (d) bare tesseract, one process per page, 2 in parallel
    folder = os.path.join(results, "tesseract")
    rows = measure_outputs(docs, lambda d: sorted(glob.glob(os.path.join(folder, glob.escape(d["file"]) + "-p*.pdf"))))
    rss_values = [time_v(t)[0] for t in glob.glob(os.path.join(folder, "*.time"))]
    tools.append(summarise("(d) tesseract CLI per page, xargs -P2", rows, wall["tesseract"], max(rss_values, default=None)))

    # (e) ZPE's OCR stage alone
    folder = os.path.join(results, "ocr-stage")
    stage_json = os.path.join(results, "ocr-stage.json")
    stage = load(stage_json) if os.path.exists(stage_json) and os.path.getsize(stage_json) else None
    rows = measure_outputs(docs, lambda d: [os.path.join(folder, d["file"] + ".pdf")])
    tools.append(summarise("(e) ZPE OCR stage alone (model loaded once, 2 threads)", rows,
                           stage["all"]["seconds"] if stage else None,
                           time_v(os.path.join(results, "ocr-stage.time"))[0] if stage else None,
                           {"letters_pages_per_s": stage["letters"]["pages_per_s"] if stage else None,
                            "long_pages_per_s": stage["long"]["pages_per_s"] if stage else None}))
    if not stage:  # not run: no figures rather than 100 % errors
        tools[-1].update(cer=None, cer_letters=None, cer_long=None, missing=[], larger_than_input=[], not_run=True)

    inputs = {"tool": "input scans"}
    for kind in ("bilevel", "grey", "long"):
        kept = [d for d in docs if d["kind"] == kind]
        inputs["bytes_per_page_" + kind] = sum(d["input_bytes"] for d in kept) / max(1, sum(d["pages"] for d in kept)) \
            if kept else None

    zpe, ocrmypdf, optimized, _, alone = tools
    ratio = lambda a, b: a / b if a is not None and b else None  # noqa: E731
    ratios = {"pages_per_s_vs_ocrmypdf": ratio(zpe["pages_per_s"], ocrmypdf["pages_per_s"]),
              "pages_per_s_vs_ocr_stage": ratio(zpe["pages_per_s"], alone["pages_per_s"]),
              "bytes_bilevel_vs_optimize2": ratio(zpe["bytes_per_page_bilevel"], optimized["bytes_per_page_bilevel"]),
              "bytes_grey_vs_optimize2": ratio(zpe["bytes_per_page_grey"], optimized["bytes_per_page_grey"]),
              "bytes_long_vs_optimize2": ratio(zpe["bytes_per_page_long"], optimized["bytes_per_page_long"])}
    idle = idle_latency(results)
    letter_pages = sum(d["pages"] for d in docs if d["kind"] != "long")

    def target(label, value, ok):
        unmeasured = value.startswith("–")
        return {"target": label, "measured": value, "result": "NOT MEASURED" if unmeasured else "PASS" if ok else "MISS"}

    targets = [
        target("ZPE end-to-end >= 85% of its OCR stage alone (pages/s)",
               fmt(ratios["pages_per_s_vs_ocr_stage"], ".0%"), (ratios["pages_per_s_vs_ocr_stage"] or 0) >= 0.85),
        target(f"ZPE >= 1.2 pages/s sustained on the {letter_pages}+{docs[-1]['pages']}-page corpus",
               fmt(zpe["pages_per_s"], ".2f", " pages/s"), (zpe["pages_per_s"] or 0) >= 1.2),
        target("ZPE >= 3x OCRmyPDF pages/s", fmt(ratios["pages_per_s_vs_ocrmypdf"], ".2f", "x"),
               (ratios["pages_per_s_vs_ocrmypdf"] or 0) >= 3),
        target("ZPE CER no worse than OCRmyPDF's", f"{zpe['cer']:.2%} vs {ocrmypdf['cer']:.2%}",
               zpe["cer"] <= ocrmypdf["cer"]),
        target("bytes/page <= OCRmyPDF --optimize 2, bilevel / grey / long doc",
               " / ".join(fmt(ratios[k], ".2f", "x") for k in
                          ("bytes_bilevel_vs_optimize2", "bytes_grey_vs_optimize2", "bytes_long_vs_optimize2")),
               all((ratios[k] or 9) <= 1 for k in
                   ("bytes_bilevel_vs_optimize2", "bytes_grey_vs_optimize2", "bytes_long_vs_optimize2"))),
        target("no ZPE PDF larger than its input file", f"{len(zpe['larger_than_input'])} of {len(docs)} larger",
               not zpe["larger_than_input"] and not zpe["missing"]),
        target("p95 latency <= 2 s, one-page letter, idle pipeline (bench/latency.sh)",
               fmt(idle and idle["p95_ms"], "d", " ms") + (f" (n={idle['n']})" if idle else ""),
               idle is not None and idle["p95_ms"] <= 2000),
        target(f"peak RSS per worker <= 300 MB (flat across a 500-page batch: this run has "
               f"{zpe['pages']} pages)", fmt(worker_peak and worker_peak / 1024, ".0f", " MB"),
               worker_peak is not None and worker_peak <= 300 * 1024),
    ]

    kb = lambda v: fmt(v and v / 1024, ".0f")  # noqa: E731
    lines = [f"{'QUICK TRIAL (--quick)' if quick else 'Full run'}: {letter_pages} pages of letters + one "
             f"{docs[-1]['pages']}-page document, {len(docs)} files, {sum(d['pages'] for d in docs)} pages", "",
             "| tool | pages/s | CER letters | CER long doc | KiB/page bilevel | KiB/page grey | KiB/page long doc "
             "| > input | peak RSS MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for t in tools + [inputs]:
        lines.append("| " + " | ".join([
            t["tool"], fmt(t.get("pages_per_s"), ".2f"),
            fmt(t.get("cer_letters"), ".2%"), fmt(t.get("cer_long"), ".2%"),
            kb(t.get("bytes_per_page_bilevel")), kb(t.get("bytes_per_page_grey")), kb(t.get("bytes_per_page_long")),
            "–" if "larger_than_input" not in t or t.get("not_run") else str(len(t["larger_than_input"])),
            kb(t.get("peak_rss_kb"))]) + " |")
    lines += ["", f"ZPE: states {zpe['states']}; intake-to-terminal latency in this batch (documents.created_ms to "
                  f"the terminal audit record) p50 {zpe['latency_p50_ms']} ms, p95 {zpe['latency_p95_ms']} ms; "
                  f"largest process of the run {kb(zpe['peak_rss_kb_all_processes'])} MB (peak RSS column: "
                  f"largest worker)",
              f"OCR stage alone: letters {fmt(alone['letters_pages_per_s'], '.2f')} pages/s (two stage instances), "
              f"long document {fmt(alone['long_pages_per_s'], '.2f')} pages/s (page_threads = 2)"
              + ("" if stage else " — NOT RUN (see ocr-stage.time)"),
              "Ratios (same run): ZPE/OCRmyPDF pages/s " + fmt(ratios["pages_per_s_vs_ocrmypdf"], ".2f", "x")
              + ", ZPE/OCR stage alone " + fmt(ratios["pages_per_s_vs_ocr_stage"], ".0%")
              + ", bytes/page ZPE vs --optimize 2: bilevel " + fmt(ratios["bytes_bilevel_vs_optimize2"], ".2f", "x")
              + ", grey " + fmt(ratios["bytes_grey_vs_optimize2"], ".2f", "x")
              + ", long doc " + fmt(ratios["bytes_long_vs_optimize2"], ".2f", "x"), "",
              "| target (issue 12 item 5) | measured | |", "|---|---|---|"]
    lines += [f"| {t['target']} | {t['measured']} | {t['result']} |" for t in targets]
    missing = {t["tool"]: t["missing"] for t in tools if t["missing"]}
    if missing:
        lines += ["", f"Documents without an output PDF (CER counted as 100%): {missing}"]
    table = "\n".join(lines) + "\n"
    with open(os.path.join(results, "results.md"), "w") as f:
        f.write(table)
    with open(os.path.join(results, "results.json"), "w") as f:
        json.dump({"tools": tools, "inputs": inputs, "ratios": ratios, "targets": targets,
                   "idle_latency": idle, "wall_seconds": wall}, f, indent=1)
    print(table)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "corpus":
        corpus(args[0], args[1], int(args[2]), args[3], int(args[4]))
    elif command == "pages":
        pages(args[0], args[1])
    elif command == "rss":
        rss(args[0], args[1])
    elif command == "rss-series":
        rss_series(args[0], args[1], args[2])
    elif command == "rss-table":
        rss_table(args[0], int(args[1]))
    elif command == "report":
        report(args[0], args[1] == "1")
    else:
        sys.exit(__doc__)

#!/usr/bin/python3
"""Measures the searchable PDFs of a finished `zpe run`: the character error rate (CER)
of each PDF's text layer against the sample's ground truth, bytes per page by image
kind (the sample's ground-truth colour: bilevel, grey, colour), how many PDFs are larger
than the file they come from, and OCR time per page. Python standard library only.

Usage: bench/eval_ocr.py ZPE_BINARY HOME SAMPLES_DIR [--json]
CER = Levenshtein distance / length of the truth, after both texts are reduced to words
separated by single spaces (layout and line breaks are not what is measured).
"""
import glob
import json
import os
import sqlite3
import subprocess
import sys


def levenshtein(a, b):
    """Edit distance (insert, delete, substitute: 1 each) by Myers' bit-parallel algorithm
    (Hyyro's form for the global distance), columns as Python integers: fast enough for
    a page of text against its truth."""
    if not a:
        return len(b)
    match = {}
    for i, ch in enumerate(a):
        match[ch] = match.get(ch, 0) | (1 << i)
    mask = (1 << len(a)) - 1
    top = 1 << (len(a) - 1)
    plus, minus, score = mask, 0, len(a)
    for ch in b:
        eq = match.get(ch, 0)
        xv = eq | minus
        xh = (((eq & plus) + plus) ^ plus) | eq
        hplus = minus | (~(xh | plus) & mask)
        hminus = plus & xh
        if hplus & top:
            score += 1
        elif hminus & top:
            score -= 1
        hplus = ((hplus << 1) | 1) & mask
        hminus = (hminus << 1) & mask
        plus = hminus | (~(xv | hplus) & mask)
        minus = hplus & xv
    return score


def words(text):
    return " ".join(text.split())


def zpe_json(binary, home, *args):
    out = subprocess.run([binary, "--home", home, "--log-level", "error", *args, "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out[out.find("[") if out.lstrip().startswith("[") else out.find("{"):])


def blob_path(home, sha):
    found = glob.glob(os.path.join(home, "var", "blobs", "**", sha), recursive=True)
    return found[0] if found else None


def main():
    binary, home, samples = sys.argv[1:4]
    as_json = "--json" in sys.argv[4:]
    db = sqlite3.connect(os.path.join(home, "var", "jobs.sqlite"))
    results = []
    for doc in zpe_json(binary, home, "list"):
        truth_file = os.path.join(samples, doc["source_file"] + ".truth.json")
        if not os.path.exists(truth_file):
            continue
        record = zpe_json(binary, home, "show", doc["document_id"])["record"]
        pdf = record.get("pdf")
        if not pdf:
            continue
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", blob_path(home, pdf["sha256"]), "-"],
                              check=True, capture_output=True, text=True).stdout
        with open(truth_file, encoding="utf-8") as f:
            truth = json.load(f)
        expected = words(truth["text"])
        distance = levenshtein(words(text), expected)
        ocr_ms = db.execute("SELECT SUM(finished_ms - started_ms) FROM stage_runs WHERE document_id = ? "
                            "AND stage = 'ocr' AND outcome = 'done'", (doc["document_id"],)).fetchone()[0] or 0
        kinds = set({"rgb": "colour"}.get(a["color"], a["color"]) for a in truth.get("artefacts", []))
        results.append({
            "file": doc["source_file"], "state": doc["state"], "pages": pdf["pages"],
            "kind": kinds.pop() if len(kinds) == 1 else "mixed",
            "cer": distance / max(1, len(expected)), "errors": distance, "chars": len(expected),
            "pdf_bytes": pdf["size"], "bytes_per_page": pdf["size"] / pdf["pages"],
            "input_bytes": record["original"]["size"], "images": pdf.get("images", {}),
            "ocr_ms_per_page": ocr_ms / pdf["pages"], "confidence": record["ocr"]["confidence"],
        })
    errors = sum(r["errors"] for r in results)
    chars = sum(r["chars"] for r in results)
    summary = {"documents": len(results), "cer_overall": errors / max(1, chars),
               "cer_worst": max((r["cer"] for r in results), default=0.0),
               "larger_than_input": sum(r["pdf_bytes"] > r["input_bytes"] for r in results)}
    for kind in ("bilevel", "grey", "colour"):
        docs = [r for r in results if r["kind"] == kind]
        pages = sum(r["pages"] for r in docs)
        if pages:
            summary["bytes_per_page_" + kind] = sum(r["pdf_bytes"] for r in docs) / pages
    pages = sum(r["pages"] for r in results)
    summary["ocr_ms_per_page"] = sum(r["ocr_ms_per_page"] * r["pages"] for r in results) / max(1, pages)
    if as_json:
        print(json.dumps({"summary": summary, "documents": results}, indent=1))
        return
    for r in results:
        print(f"{r['file']:18} {r['kind']:8} {r['pages']} p  CER {100 * r['cer']:5.2f} %  "
              f"{r['bytes_per_page'] / 1024:6.1f} KiB/page  {r['pdf_bytes'] / r['input_bytes']:5.2f}x input  OCR {r['ocr_ms_per_page']:6.0f} ms/page  conf {r['confidence']}")
    print(f"overall CER {100 * summary['cer_overall']:.2f} % ({errors} of {chars} characters), "
          f"worst document {100 * summary['cer_worst']:.2f} %")
    for kind in ("bilevel", "grey", "colour"):
        if "bytes_per_page_" + kind in summary:
            print(f"bytes per page, {kind}: {summary['bytes_per_page_' + kind]:.0f}")
    print(f"PDFs larger than their input file: {summary['larger_than_input']} of {len(results)}")
    print(f"OCR time per page: {summary['ocr_ms_per_page']:.0f} ms")


if __name__ == "__main__":
    main()

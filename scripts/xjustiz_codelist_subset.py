#!/usr/bin/python3
"""Writes the subset of an official XJustiz code list that ZPE ships under data/xjustiz/.

Input: a code list in the XRepository JSON export (what XRepository serves for
urn:xoev-de:xjustiz:codeliste:<name>_<version>, and what the openXJV viewer carries in its
codelisten_json/ folder): {"metadaten": {...}, "spalten": [...], "daten": [[code, wert, ...], ...]}.
Output: {"name", "kennung", "version", "gueltig_ab", "source", "subset", "entries": [{"code", "value"}]}
with the entries whose code is listed (--codes) or whose value contains a word (--value-contains),
minus those whose value starts with a prefix (--exclude-prefix, e.g. "aufgelöst-").

  scripts/xjustiz_codelist_subset.py GDS.Gerichte_3.7.json --value-contains Verwaltungsgericht \
      --exclude-prefix aufgelöst- --subset "the administrative courts" > data/xjustiz/GDS.Gerichte.json
"""
import argparse
import json
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", help="the code list as exported by XRepository (JSON)")
    parser.add_argument("--codes", nargs="*", default=[], help="codes to keep")
    parser.add_argument("--value-contains", nargs="*", default=[], help="keep entries whose value contains one of these")
    parser.add_argument("--exclude-prefix", nargs="*", default=[], help="drop entries whose value starts with one of these")
    parser.add_argument("--subset", required=True, help="what the subset holds, in words")
    parser.add_argument("--source", default="", help="where the export came from")
    args = parser.parse_args()

    with open(args.export, encoding="utf-8") as f:
        export = json.load(f)
    meta = export["metadaten"]
    entries = []
    for row in export["daten"]:
        code, value = row[0], row[1]
        if any(value.startswith(p) for p in args.exclude_prefix):
            continue
        if code in args.codes or any(word in value for word in args.value_contains):
            entries.append({"code": code, "value": value})
    missing = set(args.codes) - {e["code"] for e in entries}
    if missing:
        print(f"codes not in {meta['kennung']}: {sorted(missing)}", file=sys.stderr)
        return 1
    out = {
        "name": meta["nameKurz"][0]["value"],
        "kennung": meta["kennungInhalt"],
        "version": meta["version"],
        "gueltig_ab": meta.get("gueltigAb", "")[:10],
        "source": args.source or meta["kennung"],
        "subset": args.subset,
        "entries": sorted(entries, key=lambda e: e["code"]),
    }
    # One entry a line, so a diff between two versions reads entry by entry.
    head = json.dumps({k: v for k, v in out.items() if k != "entries"}, ensure_ascii=False, indent=1)
    lines = [json.dumps(e, ensure_ascii=False) for e in out["entries"]]
    sys.stdout.write(head[:-2] + ',\n "entries": [\n  ' + ',\n  '.join(lines) + '\n ]\n}\n')
    return 0


if __name__ == "__main__":
    sys.exit(main())

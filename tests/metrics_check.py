#!/usr/bin/python3
"""Checks that a /metrics body is Prometheus text (exposition format 0.0.4) and prints it as JSON.

Usage: metrics_check.py FILE. Parses with Debian's python3-prometheus-client
(prometheus_client.parser), and, because that parser lets much through (an unknown line
becomes an "untyped" metric), checks more strictly on top: every line is a comment, HELP,
TYPE or a well-formed sample; every family has one HELP and one TYPE before its samples;
names start with zpe_; no sample is repeated; counters end in _total; each histogram's
buckets grow with le and end in +Inf equal to _count. Prints
{"families": {name: {"type": t, "samples": [{"name", "labels", "value"}]}}} on success;
exits 1 with the reasons otherwise (2 when the parser is not installed).
"""

import json
import math
import re
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError as e:  # a missing tool is a failure with its reason, never a skip
    print("python3-prometheus-client is missing (apt-get install python3-prometheus-client): " + str(e))
    sys.exit(2)

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(" + NAME + r")(\{" + LABEL + r"(?:," + LABEL + r")*\})? (\S+)$")


def strict_errors(text):
    errors = []
    declared = {}  # family name -> {"help": n, "type": t}
    seen = set()
    current = None
    if not text.endswith("\n"):
        errors.append("the body does not end with a newline")
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            parts = line.split(" ", 3)
            if len(parts) < 4:
                errors.append("line %d: %s without text" % (number, parts[1]))
                continue
            name = parts[2]
            family = declared.setdefault(name, {"help": 0, "type": None})
            if parts[1] == "HELP":
                family["help"] += 1
            else:
                if family["type"] is not None:
                    errors.append("line %d: second TYPE for %s" % (number, name))
                if parts[3] not in ("counter", "gauge", "histogram", "summary"):
                    errors.append("line %d: type %r" % (number, parts[3]))
                family["type"] = parts[3]
            current = name
            continue
        if line.startswith("#") or line == "":
            continue
        match = SAMPLE.match(line)
        if not match:
            errors.append("line %d is not a sample: %r" % (number, line))
            continue
        name, labels, value = match.groups()
        try:
            float(value)
        except ValueError:
            errors.append("line %d: value %r is not a number" % (number, value))
        if current is None or not (name == current or name in (current + "_bucket", current + "_sum", current + "_count")):
            errors.append("line %d: sample %s outside its family (current: %s)" % (number, name, current))
        if (name, labels) in seen:
            errors.append("line %d: repeated sample %s%s" % (number, name, labels or ""))
        seen.add((name, labels))
    for name, family in declared.items():
        if not name.startswith("zpe_"):
            errors.append("metric %s is not prefixed zpe_" % name)
        if family["help"] != 1 or family["type"] is None:
            errors.append("metric %s needs exactly one HELP and one TYPE" % name)
        if family["type"] == "counter" and not name.endswith("_total"):
            errors.append("counter %s does not end in _total" % name)
    return errors


def histogram_errors(family):
    errors = []
    series = {}
    for s in family.samples:
        key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
        entry = series.setdefault(key, {"buckets": [], "count": None})
        if s.name.endswith("_bucket"):
            entry["buckets"].append((float(s.labels["le"]), s.value))
        elif s.name.endswith("_count"):
            entry["count"] = s.value
    for key, entry in series.items():
        buckets = entry["buckets"]
        if not buckets or not math.isinf(buckets[-1][0]):
            errors.append("%s%s: no +Inf bucket last" % (family.name, dict(key)))
            continue
        if [b[0] for b in buckets] != sorted(b[0] for b in buckets):
            errors.append("%s%s: buckets not in le order" % (family.name, dict(key)))
        if any(later[1] < earlier[1] for earlier, later in zip(buckets, buckets[1:])):
            errors.append("%s%s: bucket counts decrease" % (family.name, dict(key)))
        if entry["count"] != buckets[-1][1]:
            errors.append("%s%s: _count %s != +Inf bucket %s" % (family.name, dict(key), entry["count"], buckets[-1][1]))
    return errors


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    errors = strict_errors(text)
    families = {}
    try:
        for family in text_string_to_metric_families(text):
            if family.type == "untyped":
                errors.append("untyped metric " + family.name)
            if family.type == "histogram":
                errors.extend(histogram_errors(family))
            families[family.name] = {
                "type": family.type,
                "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples],
            }
    except Exception as e:  # the parser raises ValueError and friends on malformed text
        errors.append("prometheus_client cannot parse it: %s" % e)
    if errors:
        print("\n".join(errors))
        sys.exit(1)
    print(json.dumps({"families": families}))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Fault injection: kill -9 random ZPE processes while `zpe run` works, then prove nothing was
lost or doubled (issue 12, item 6; docs/ARCHITECTURE.md "Crashes and restarts").

Generates N letters (samples/generate_letters.py, TIFF G4, low noise) with their case registry
and a TEST signing key, starts `zpe run` on a fresh home on loopback ports, drops the letters
into the inbox in batches and sends kill -9 to a random process K times: a stage worker, the
dispatcher, the intake, the archiver, the case-file sink, or `zpe run` itself (then it is
started again, as a service manager would). Afterwards it drains the pipeline with
`zpe run --until-idle` and checks:
  - every document is in exactly one terminal state, and every letter was taken exactly once;
  - the case-file sink holds each filed document exactly once (one PDF, the one filed);
  - every original re-hashes to its recorded SHA-256, which is the letter's own;
  - `zpe audit verify` and `zpe archive verify --all` pass.
Exit 0 when all hold, 1 with the reasons otherwise; any missing tool is a failure, not a skip.

With --disk-full (root only: it mounts a tmpfs) the home is a 64 MB tmpfs, nothing is killed,
and a filler file leaves 6 MB free once `zpe run` has started, so the disk fills while the
letters go through intake and the stages. The test waits until `zpe status --json` reports
the full disk, deletes the filler (space returns) and checks the same as above, and also that
no document went to CLEARING over the full disk and each process reported it in a few lines,
not per retry.

  tests/chaos/chaos_test.py --zpe build/zpe [--docs 20 --kills 10 --seed 12 --keep] [--disk-full]
ZPE_CHAOS_FULL=1 makes the defaults 200 documents and 50 kills, and tests/chaos/chaos_test.sh
then also runs the --disk-full version with 30 letters.
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2]
TERMINAL = {"FILED", "CLEARING", "QUARANTINED", "SPLIT", "REJECTED", "REPLACED"}
# How often each kind of process is picked; `run` is the supervisor itself.
ROLE_WEIGHTS = {"worker": 4, "dispatcher": 2, "intake": 2, "archiver": 1, "casefile-sink": 1, "run": 1}


def log(message):
    print(f"chaos {time.strftime('%H:%M:%S')}: {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha256_file(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class Run:
    """`zpe run` as a service: started, killed, started again."""

    def __init__(self, zpe, home, config, log_path):
        self.zpe, self.home, self.config, self.log_path = zpe, home, config, log_path
        self.proc = None
        self.starts = 0

    def start(self):
        out = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.zpe, "--home", str(self.home), "--config", str(self.config), "run"],
                                     stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.starts += 1

    def children(self):
        """{pid: role} of the processes the supervisor started."""
        found = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) != self.proc.pid:
                    continue
                args = (stat.parent / "cmdline").read_bytes().split(b"\0")
            except (OSError, IndexError, ValueError):
                continue
            words = [a.decode(errors="replace") for a in args]
            role = next((r for r in ("worker", "dispatcher", "intake", "archiver", "casefile-sink") if r in words),
                        None)
            if role:
                found[int(stat.parent.name)] = role
        return found

    def wait_children_gone(self, pids, timeout_s=20):
        deadline = time.time() + timeout_s
        while time.time() < deadline and any(Path(f"/proc/{p}").exists() for p in pids):
            time.sleep(0.1)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def zpe_cmd(args, zpe, home, config, timeout=120):
    return subprocess.run([zpe, "--home", str(home), "--config", str(config)] + args,
                          capture_output=True, text=True, timeout=timeout)


def mount_small_home(home, size_mb):
    """A tmpfs of size_mb as the home, or exit with the reason."""
    if os.geteuid() != 0:
        sys.exit("chaos: --disk-full mounts a tmpfs as the home and must run as root")
    home.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(home)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        sys.exit(f"chaos: cannot mount a tmpfs on {home}: {mounted.stderr.strip()} "
                 "(a container needs CAP_SYS_ADMIN for --disk-full)")


def unmount(home):
    """Unmounts the tmpfs home; the children of a stopped `zpe run` may take a moment to go."""
    for _ in range(30):
        if subprocess.run(["umount", str(home)], capture_output=True).returncode == 0:
            return
        time.sleep(1.0)
    print(f"chaos: could not unmount {home}; umount it by hand", flush=True)


def set_up(work, docs, seed, small_home_mb=0):
    letters, home = work / "letters", work / "home"
    if small_home_mb:
        mount_small_home(home, small_home_mb)
    (home / "registry").mkdir(parents=True)
    (home / "inbox" / "default").mkdir(parents=True)
    gen = subprocess.run(["/usr/bin/python3", str(SOURCE / "samples/generate_letters.py"), "--out", str(letters),
                          "--count", str(docs), "--seed", str(seed), "--formats", "tiff-g4", "--low-noise",
                          "--registry", str(home / "registry/cases.csv")], capture_output=True, text=True)
    if gen.returncode != 0:
        sys.exit(f"chaos: generating letters failed: {gen.stderr[-2000:]}")
    ca = subprocess.run(["bash", str(SOURCE / "scripts/make-test-ca.sh"), str(work / "ca"), "ec"],
                        capture_output=True, text=True)
    if ca.returncode != 0:
        sys.exit(f"chaos: scripts/make-test-ca.sh failed: {ca.stderr[-2000:]}")
    config = work / "chaos.toml"
    config.write_text(f"""
[dispatcher]
endpoint = "tcp://127.0.0.1:{free_port()}"
# Short leases so a killed worker's job comes back soon.
lease_ms = 5000
heartbeat_ms = 1000
[feed]
endpoint = "tcp://127.0.0.1:{free_port()}"
redeliver_ms = 5000
[intake]
scan_interval_ms = 200
stable_ms = 200
[stages.sign]
key = "pem:{work}/ca/signer.key"
certificate = "{work}/ca/signer.pem"
[web]
enabled = false
[egvp]
enabled = false
""")
    return sorted(letters.glob("letter-*.tif")), home, config


def drop(letter, home):
    inbox = home / "inbox" / "default"
    part = inbox / f".{letter.name}.part"
    shutil.copyfile(letter, part)
    os.rename(part, inbox / letter.name)


def chaos(run, letters, home, kills, rng):
    """Drops the letters in batches while killing K random processes; returns kills per role."""
    done = {}
    batches = [letters[i::4] for i in range(4)]
    # Every kind of process once (in random order), then random picks by weight.
    planned = rng.sample(list(ROLE_WEIGHTS), len(ROLE_WEIGHTS))
    for i in range(kills):
        if i % max(1, kills // len(batches)) == 0 and batches:
            for letter in batches.pop(0):
                drop(letter, home)
        time.sleep(rng.uniform(1.0, 4.0))
        children = run.children()
        roles = {r: w for r, w in ROLE_WEIGHTS.items() if r == "run" or r in children.values()}
        role = planned.pop(0) if planned and planned[0] in roles else None
        role = role or rng.choices(list(roles), weights=list(roles.values()))[0]
        if role == "run":
            os.kill(run.proc.pid, signal.SIGKILL)
            run.proc.wait()
            run.wait_children_gone(children)  # they get SIGTERM from the kernel (PR_SET_PDEATHSIG)
            run.start()
            log(f"kill {i + 1}/{kills}: zpe run (the supervisor); started it again")
        else:
            pid = rng.choice([p for p, r in children.items() if r == role])
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            log(f"kill {i + 1}/{kills}: {role} (pid {pid})")
        done[role] = done.get(role, 0) + 1
    for batch in batches:
        for letter in batch:
            drop(letter, home)
    return done


def check(letters, home, zpe, config):
    problems = []
    with closing(sqlite3.connect(f"file:{home / 'var/jobs.sqlite'}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT id, state, source_file, sha256_original, record FROM documents").fetchall()
    states = {}
    for doc_id, state, _, _, _ in rows:
        states[state] = states.get(state, 0) + 1
        if state not in TERMINAL:
            problems.append(f"{doc_id} is {state}, not in a terminal state")
    # Each letter taken exactly once: one top-level document (split children name a parent).
    top = {}
    for doc_id, _, source, sha, record in rows:
        if "parent_document_id" not in json.loads(record):
            top.setdefault(source, []).append((doc_id, sha))
    for letter in letters:
        taken = top.get(letter.name, [])
        if len(taken) != 1:
            problems.append(f"{letter.name} became {len(taken)} top-level documents: {[d for d, _ in taken]}")
        elif taken[0][1] != sha256_file(letter):
            problems.append(f"{letter.name}: recorded SHA-256 {taken[0][1]} is not the letter's")
    # Every original re-hashes to its recorded SHA-256.
    for doc_id, _, _, sha, _ in rows:
        blob = home / "var/blobs" / sha[:2] / sha[2:4] / sha
        if not blob.exists():
            problems.append(f"{doc_id}: original {sha} is missing from the blob store")
        elif sha256_file(blob) != sha:
            problems.append(f"{doc_id}: original {sha} does not re-hash to its name")
    # The sink holds each document filed into a case file exactly once, and only those.
    pdfs = {}
    for pdf in (home / "casefiles").rglob("*.pdf"):
        pdfs.setdefault(pdf.stem, []).append(pdf)
    filed = {}
    for doc_id, state, _, _, record in rows:
        rec = json.loads(record)
        if state == "FILED" and rec.get("route", {}).get("target") == "casefile":
            filed[doc_id] = rec.get("pdf", {}).get("sha256")
    for doc_id, sha in filed.items():
        copies = pdfs.get(doc_id, [])
        if len(copies) != 1:
            problems.append(f"{doc_id} is FILED but the sink holds {len(copies)} copies")
        elif sha256_file(copies[0]) != sha:
            problems.append(f"{doc_id}: the sink's PDF is not the one filed")
    for doc_id in set(pdfs) - set(filed):
        problems.append(f"the sink holds {doc_id}, which is not filed into a case file")
    ledger = home / "casefiles/.sink-ledger.jsonl"
    written = {}
    for line in (ledger.read_text().splitlines() if ledger.exists() else []):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not entry.get("duplicate"):
            written[entry.get("document_id")] = written.get(entry.get("document_id"), 0) + 1
    for doc_id, count in written.items():
        if count != 1:
            problems.append(f"the sink's ledger writes {doc_id} {count} times")
    for args in (["audit", "verify"], ["archive", "verify", "--all"]):
        verdict = zpe_cmd(args, zpe, home, config, timeout=300)
        if verdict.returncode != 0:
            problems.append(f"zpe {' '.join(args)} failed ({verdict.returncode}): "
                            f"{(verdict.stdout + verdict.stderr).strip()[-1500:]}")
    return states, len(filed), problems


def disk_full(run, letters, home, zpe, config):
    """Fills the small home while the letters go in, waits for the report, frees the space.
    Returns problems found while the disk was full."""
    problems = []
    time.sleep(2.0)  # the processes have opened their stores
    filler = home / "filler"
    free = shutil.disk_usage(home).free
    with open(filler, "wb") as out:
        out.truncate(0)
        out.write(b"\0" * max(0, free - 6 * 1024 * 1024))
    log(f"disk: {shutil.disk_usage(home).free // 1024} KB left under the home; dropping {len(letters)} letters")
    for letter in letters:
        drop(letter, home)
    reported, deadline = None, time.time() + 240
    while time.time() < deadline and not reported:
        time.sleep(2.0)
        status = zpe_cmd(["status", "--json"], zpe, home, config)
        disk = json.loads(status.stdout).get("disk", {}) if status.returncode == 0 else {}
        if disk.get("full"):
            reported = disk
    if not reported:
        problems.append("the disk never filled, or zpe status --json never reported it")
    else:
        log(f"zpe status reports the full disk: {[w['process'] for w in reported['waiting']]}; "
            "waiting 20 s, then freeing space")
        time.sleep(20.0)
    filler.unlink()
    return problems


def disk_full_log_problems(log_text):
    problems = []
    starts = {}
    for line in log_text.splitlines():
        if ": the disk is full (" in line:
            name = line.split("]", 1)[-1].split(":")[1].strip() if "]" in line else line
            starts[name] = starts.get(name, 0) + 1
        if "No space left" in line and " error: " in line:
            problems.append(f"logged as an error, not as the one full-disk report: {line[:300]}")
    log(f"full-disk reports per process: {starts}")
    for name, count in starts.items():
        if count > 3:
            problems.append(f"{name} reported the full disk {count} times (once per condition expected)")
    return problems[:10]


def main():
    full = os.environ.get("ZPE_CHAOS_FULL") == "1"
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--zpe", required=True, help="the zpe binary")
    ap.add_argument("--docs", type=int, default=200 if full else 20)
    ap.add_argument("--kills", type=int, default=50 if full else 10)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("ZPE_CHAOS_SEED", "12")))
    ap.add_argument("--drain-seconds", type=int, default=3000 if full else 150)
    ap.add_argument("--keep", action="store_true", help="keep the work folder (its path is printed)")
    ap.add_argument("--disk-full", action="store_true", help="the home on a small tmpfs that fills (root only)")
    a = ap.parse_args()
    for tool in ("openssl",):
        if not shutil.which(tool):
            sys.exit(f"chaos: {tool} is missing (scripts/setup.sh installs it)")
    zpe = str(Path(a.zpe).resolve())
    work = Path(tempfile.mkdtemp(prefix="zpe-chaos-"))
    started = time.time()
    run = None
    try:
        letters, home, config = set_up(work, a.docs, a.seed, 64 if a.disk_full else 0)
        log(f"{len(letters)} letters generated in {time.time() - started:.0f} s; home {home}")
        rng = random.Random(a.seed)
        run = Run(zpe, home, config, work / "zpe-run.log")
        run.start()
        time.sleep(1.0)
        t_run = time.time()
        early_problems = []
        if a.disk_full:
            kills, a.kills = {}, 0
            early_problems = disk_full(run, letters, home, zpe, config)
        else:
            kills = chaos(run, letters, home, a.kills, rng)
        run.stop()
        log(f"{a.kills} kills done in {time.time() - t_run:.0f} s: {kills}; draining with zpe run --until-idle")
        with open(work / "zpe-run.log", "a") as out:
            drained = subprocess.run([zpe, "--home", str(home), "--config", str(config), "run", "--until-idle",
                                      "--max-seconds", str(a.drain_seconds)], stdout=out, stderr=subprocess.STDOUT)
        if drained.returncode != 0:
            log(f"zpe run --until-idle did not reach idle (exit {drained.returncode})")
        states, filed, problems = check(letters, home, zpe, config)
        problems = early_problems + problems
        # Closed at once: an open database would keep the tmpfs home from being unmounted.
        with closing(sqlite3.connect(f"file:{home / 'var/jobs.sqlite'}?mode=ro", uri=True)) as db:
            cleared = db.execute("SELECT id, reason FROM documents WHERE state = 'CLEARING'").fetchall()
        if a.disk_full:
            problems += disk_full_log_problems((work / "zpe-run.log").read_text(errors="replace"))
            for doc_id, reason in cleared:
                if reason and "space" in reason.lower():
                    problems.append(f"{doc_id} went to CLEARING over the full disk: {reason}")
        # Why documents went to the clearing station, so a reader sees whether the kills sent any
        # there (attempts used up) or only what the letters themselves ask for.
        reasons = Counter((reason or "(no reason)")[:90] for _, reason in cleared)
        for reason, n in reasons.most_common():
            log(f"CLEARING x{n}: {reason}")
        elapsed = time.time() - started
        log(f"{len(letters)} letters, {a.kills} kills ({kills}), zpe run started {run.starts} times; states {states}; "
            f"{filed} in case files; {elapsed:.0f} s in all")
        if drained.returncode != 0:
            problems.insert(0, "the pipeline did not drain: see zpe-run.log")
        if problems:
            for p in problems:
                print(f"chaos: FAIL: {p}", flush=True)
            print(f"chaos: the work folder is kept: {work}")
            a.keep = True
            return 1
        log("PASS: nothing lost, nothing doubled, audit trail and archive verified")
        return 0
    finally:
        if run:
            run.stop()
        if a.keep:
            print(f"chaos: work folder {work}" + (f" (the home is a tmpfs: umount {work / 'home'} when done)"
                                                  if a.disk_full else ""))
        else:
            if a.disk_full:
                unmount(work / "home")
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""The clearing station end to end in a real browser (issue 10, "What it must show").

Sets up a ZPE home on loopback (free ports, a TEST signing key, a SQLite case registry, an
operator), drops three sample letters that end in CLEARING, runs `zpe run` in the
background, and drives Debian's Chromium (headless) with python3-selenium through
chromedriver: log in, open a clearing document from the list with the keyboard, see its
page with the case-number box highlighted, correct the case number, release it and see the
PDF arrive in the case-file sink; reject a second document and request a rescan of a third,
and check their states with `zpe show ID --json`; open the operations dashboard and check
its figures, workers and charts. Screenshots of the list, the detail view, the dashboard
and the search go to --screenshots (and, with --copy-screenshots DIR, into the docs).

A missing browser, driver or server is a failure with its reason, never a skip. Every
process it starts is killed in a finally; the temp home is removed unless --keep.
Prints one line per check and closes with "N passed, N failed"; exit status 1 on failure.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
OPERATOR = "anna"
ADMIN = "ben"
PASSWORD = "Klärung-2026-test"
OPEN_CASE = "8513179-224"      # registered and open: the release files into it
CLOSED_CASE = "8193707-438"    # registered and closed: letter-0008 goes to clearing
# Three letters that end in CLEARING with this registry: no case number, a number the
# registry does not know, a closed case.
LETTERS = ["letter-0007.tif", "letter-0006.png", "letter-0008.jpg"]
DEADLINE_S = 230  # the whole run, so ctest's timeout is never the one that fires


class Failed(Exception):
    """Stops the run; counted is True when the failed check was already printed."""

    def __init__(self, message, counted=False):
        super().__init__(message)
        self.counted = counted


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("PASS " + name, flush=True)
        else:
            self.failed += 1
            print("FAIL " + name + (": " + detail if detail else ""), flush=True)
        return ok

    def require(self, name, ok, detail=""):
        if not self.check(name, ok, detail):
            raise Failed(name + ": " + detail, counted=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Zpe:
    """The zpe binary against one home and config."""

    def __init__(self, binary, home, config):
        self.binary, self.home, self.config = binary, home, config

    def argv(self, *args):
        return [self.binary, "--home", self.home, "--config", self.config, *args]

    def run(self, *args, stdin=None, timeout=60):
        done = subprocess.run(self.argv(*args), input=stdin, capture_output=True, text=True, timeout=timeout)
        return done.returncode, done.stdout + done.stderr

    def must(self, *args, stdin=None, timeout=60):
        code, out = self.run(*args, stdin=stdin, timeout=timeout)
        if code != 0:
            raise Failed("zpe " + " ".join(args) + " exited " + str(code) + ": " + out.strip()[-800:])
        return out

    def json(self, *args):
        out = self.must(*args)
        start = min([i for i in (out.find("["), out.find("{")) if i >= 0], default=-1)
        if start < 0:
            raise Failed("zpe " + " ".join(args) + " printed no JSON: " + out[-400:])
        return json.loads(out[start:])


def check_prerequisites(results, zpe_binary):
    results.require("chromium is installed", os.access(CHROMIUM, os.X_OK), CHROMIUM + " missing: apt-get install chromium (scripts/setup.sh)")
    results.require("chromedriver is installed", os.access(CHROMEDRIVER, os.X_OK), CHROMEDRIVER + " missing: apt-get install chromium-driver")
    try:
        import selenium  # noqa: F401
    except ImportError as e:
        results.require("python3-selenium is installed", False, str(e) + " — apt-get install python3-selenium")
    results.require("zpe binary exists", bool(zpe_binary) and os.access(zpe_binary, os.X_OK), "no executable at " + str(zpe_binary))
    done = subprocess.run([zpe_binary, "web", "--help"], capture_output=True, text=True, timeout=30)
    results.require("zpe has the web server", done.returncode == 0, "`zpe web --help` exited " + str(done.returncode) + ": " + (done.stdout + done.stderr).strip()[-300:])


def write_config(home, web_port):
    ca = os.path.join(home, "test-ca")
    subprocess.run(["bash", os.path.join(SOURCE_DIR, "scripts", "make-test-ca.sh"), ca], check=True, capture_output=True, timeout=120)
    config = os.path.join(home, "test-config.toml")
    with open(config, "w") as f:
        f.write(f"""[dispatcher]
endpoint = "tcp://127.0.0.1:{free_port()}"
lease_ms = 4000
heartbeat_ms = 500
retry_backoff_ms = 200
[feed]
endpoint = "tcp://127.0.0.1:{free_port()}"
redeliver_ms = 5000
[intake]
scan_interval_ms = 200
stable_ms = 300
[web]
listen = "127.0.0.1:{web_port}"
[stages.route]
registry = "registry/cases.sqlite"
[stages.sign]
# TEST key from scripts/make-test-ca.sh, for this test only
key = "pem:{ca}/signer.key"
certificate = "{ca}/signer.pem"
trust = ["{ca}/ca.pem"]
""")
    return config


def drop_letters(home):
    inbox = os.path.join(home, "inbox", "default")
    os.makedirs(inbox, exist_ok=True)
    for name in LETTERS:
        part = os.path.join(inbox, "." + name + ".part")
        shutil.copyfile(os.path.join(SOURCE_DIR, "samples", "letters", name), part)
        os.rename(part, os.path.join(inbox, name))


def wait_for(what, predicate, timeout_s, interval_s=0.5):
    end = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < end:
        try:
            last = predicate()
            if last:
                return last
        except Exception as e:  # a server not up yet, a page still loading
            last = e
        time.sleep(interval_s)
    raise Failed("timed out after " + str(timeout_s) + " s waiting for " + what + (" (last: " + str(last)[:300] + ")" if last else ""))


def http_up(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except urllib.error.HTTPError as e:
        return e.code in (200, 401)
    except OSError:
        return False


def start_browser(results):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--window-size=1366,768", "--disable-gpu",
                "--disable-dev-shm-usage", "--lang=de-DE", "--force-device-scale-factor=1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    except Exception as e:
        results.require("chromium starts under chromedriver", False, str(e).strip()[:500])
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def browser_errors(driver):
    """Severe console messages (script errors, CSP violations) since the last call."""
    try:
        return [e["message"] for e in driver.get_log("browser")
                if e.get("level") == "SEVERE" and "favicon.ico" not in e["message"]]
    except Exception:
        return []


def run(args, results):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    started = time.monotonic()
    check_prerequisites(results, args.zpe)
    home = tempfile.mkdtemp(prefix="zpe-browser-")
    os.makedirs(args.screenshots, exist_ok=True)
    run_proc = None
    driver = None
    log = None
    try:
        web_port = free_port()
        config = write_config(home, web_port)
        zpe = Zpe(args.zpe, home, config)
        zpe.must("registry", "add", OPEN_CASE, "--opened", "2023-04-14")
        zpe.must("registry", "add", CLOSED_CASE, "--opened", "2022-05-10")
        zpe.must("registry", "close", CLOSED_CASE)
        zpe.must("user", "add", OPERATOR, "--role", "operator", "--tenants", "default", "--password-stdin", stdin=PASSWORD + "\n")
        zpe.must("user", "add", ADMIN, "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
        drop_letters(home)

        log = open(os.path.join(home, "run.log"), "w")
        run_proc = subprocess.Popen(zpe.argv("run"), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

        def clearing_docs():
            if run_proc.poll() is not None:
                raise Failed("zpe run exited " + str(run_proc.returncode) + " (log: " + os.path.join(home, "run.log") + ")")
            docs = zpe.json("list", "--json")
            waiting = [d for d in docs if d.get("state") == "CLEARING"]
            return waiting if len(waiting) >= len(LETTERS) else None

        try:
            docs = wait_for("three documents in CLEARING", clearing_docs, 150, 1.0)
        except Failed as e:
            results.require("three sample letters end in CLEARING", False, str(e))
        results.check("three sample letters end in CLEARING", True)
        print("      in clearing after %.0f s: %s" % (time.monotonic() - started,
              ", ".join(d["document_id"] + " (" + d.get("source_file", "") + ")" for d in docs)), flush=True)

        base = "http://127.0.0.1:%d" % web_port
        wait_for("the web server on " + base, lambda: http_up(base + "/login"), 30)

        driver = start_browser(results)
        wait = WebDriverWait(driver, 20)

        # ---- log in -----------------------------------------------------------------
        driver.get(base + "/")
        wait.until(lambda d: d.current_url.startswith(base + "/login"))
        results.check("without a session the list redirects to the login page", True)
        log_in(driver, wait, base, OPERATOR)
        wait.until(lambda d: d.current_url.rstrip("/") == base)
        rows = wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#clearing-list tbody tr.clearing-row")) >= len(LETTERS) and
                          d.find_elements(By.CSS_SELECTOR, "#clearing-list tbody tr.clearing-row"))
        results.check("the clearing list shows the three documents", len(rows) == len(LETTERS), "%d rows" % len(rows))
        results.check("the page is German by default", driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de")
        badges = driver.find_elements(By.CSS_SELECTOR, "#reason-badges button")
        results.check("counts per reason are shown", len(badges) >= 2, "%d badges" % len(badges))
        time.sleep(0.3)  # the chart draws after the list
        driver.save_screenshot(os.path.join(args.screenshots, "clearing-list.png"))

        # The document to release: one whose case number was found (so it has a box).
        records = {d["document_id"]: zpe.json("show", d["document_id"], "--json") for d in docs}

        def has_case_box(shown):
            position = ((shown.get("record") or {}).get("classification") or {}).get("case_number_position")
            return isinstance(position, dict) and bool(position.get("box"))

        with_box = [i for i, r in records.items() if has_case_box(r)]
        results.require("a clearing document has a case-number box in its record", bool(with_box),
                        "no record has classification.case_number_position.box")
        target = with_box[0]

        # ---- open it with the keyboard ------------------------------------------------
        body = driver.find_element(By.TAG_NAME, "body")
        for _ in range(len(rows) + 1):
            current = driver.find_element(By.CSS_SELECTOR, "#clearing-list tr.table-active").get_attribute("data-id")
            if current == target:
                break
            body.send_keys("j")
        body.send_keys(Keys.ENTER)
        wait.until(lambda d: d.current_url.endswith("/documents/" + target))
        box = wait.until(lambda d: d.find_elements(By.ID, "box-case_number") and d.find_element(By.ID, "box-case_number"))
        results.check("the case-number box is highlighted on the page", box.is_displayed() and box.size["width"] > 5 and box.size["height"] > 5,
                      "displayed=%s size=%s" % (box.is_displayed(), box.size))
        results.check("the case-number field has the focus",
                      driver.execute_script("return document.activeElement && document.activeElement.id") == "case-number")
        thumbs = driver.find_elements(By.CSS_SELECTOR, "#thumbs .thumb img")
        results.check("page thumbnails are shown", len(thumbs) >= 1)
        wait.until(lambda d: d.execute_script("return document.getElementById('page-image').naturalWidth > 0"))
        time.sleep(0.4)
        driver.save_screenshot(os.path.join(args.screenshots, "document-detail.png"))

        # ---- correct the case number and release with Ctrl+Enter -----------------------
        field = driver.find_element(By.ID, "case-number")
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(Keys.DELETE)
        field.send_keys(OPEN_CASE)
        # The badge is redrawn on every answer: read it in the page, not through a held element.
        wait.until(lambda d: d.execute_script(
            "const b = document.getElementById('registry-badge'); return b ? b.dataset.state : null;") == "open")
        results.check("the registry check shows the corrected number as open", True)
        field.send_keys(Keys.CONTROL, Keys.ENTER)
        wait.until(lambda d: not d.current_url.endswith("/documents/" + target))
        flash = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#messages .alert") and d.find_element(By.CSS_SELECTOR, "#messages .alert").text)
        results.check("the outcome of the release is shown", target in flash, repr(flash))

        pdf = os.path.join(home, "casefiles", "default", OPEN_CASE, target + ".pdf")
        try:
            wait_for(pdf, lambda: os.path.exists(pdf), 120, 0.5)
            results.check("the released document arrives in the case-file sink", True)
        except Failed as e:
            results.check("the released document arrives in the case-file sink", False, str(e))
        released = zpe.json("show", target, "--json")
        corrections = (((released.get("record") or {}).get("operator") or {}).get("corrections") or {}).get("case_number") or {}
        results.check("the correction is recorded as the operator's", corrections.get("source") == "operator" and corrections.get("value") == OPEN_CASE,
                      json.dumps(corrections))

        # ---- reject the next, request a rescan of the one after -----------------------
        decided = {}
        for action, text, expected in (("reject", "Irrläufer: gehört nicht zum BAMF", "REJECTED"),
                                       ("rescan", "Seite 2 unscharf, bitte neu scannen", "RESCAN_REQUESTED")):
            wait.until(lambda d: "/documents/" in d.current_url)
            doc_id = driver.current_url.rsplit("/", 1)[-1]
            wait.until(lambda d: d.find_element(By.ID, action).is_displayed())
            driver.find_element(By.ID, action).click()
            note = wait.until(lambda d: d.find_element(By.ID, "note-text").is_displayed() and d.find_element(By.ID, "note-text"))
            wait.until(lambda d: d.execute_script("return document.activeElement && document.activeElement.id") == "note-text")
            note.send_keys(text)
            driver.find_element(By.ID, "note-confirm").click()
            wait.until(lambda d, doc_id=doc_id: not d.current_url.endswith("/documents/" + doc_id))
            decided[doc_id] = expected
        for doc_id, expected in decided.items():
            state = zpe.json("show", doc_id, "--json").get("state") or zpe_state(zpe, doc_id)
            results.check("%s is %s" % (doc_id, expected), state == expected, "state " + str(state))
        results.check("three different documents were decided", len(set(decided) | {target}) == 3, str(decided))

        # ---- the operations dashboard ----------------------------------------------------
        check_dashboard(driver, wait, results, zpe, base, args.screenshots)

        # ---- search: the released document's timeline and PDF ---------------------------
        driver.get(base + "/search?q=" + target)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#timeline tbody tr"))
        timeline = driver.find_element(By.ID, "timeline").text
        results.check("the search shows the document's timeline with the release", "operator:" + OPERATOR in timeline, timeline[:300])
        href = driver.find_element(By.ID, "pdf-link").get_attribute("href")
        results.check("the search links the document's PDF", href.endswith("/api/documents/" + target + "/pdf"), href)
        time.sleep(0.3)
        driver.save_screenshot(os.path.join(args.screenshots, "search.png"))

        # ---- the language switch persists ----------------------------------------------
        driver.find_element(By.CSS_SELECTOR, "[data-lang='en']").click()
        driver.refresh()
        wait.until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
        results.check("the language switch to English persists across a reload",
                      driver.find_element(By.ID, "search-submit").text.strip() == "Search")

        errors = browser_errors(driver)
        results.check("no script errors or CSP violations in the browser console", not errors, "; ".join(errors)[:500])

        if args.copy_screenshots:
            os.makedirs(args.copy_screenshots, exist_ok=True)
            for name in ("clearing-list.png", "document-detail.png", "search.png", "dashboard.png"):
                shutil.copyfile(os.path.join(args.screenshots, name), os.path.join(args.copy_screenshots, name))
        print("      screenshots in " + args.screenshots + ", whole run %.0f s" % (time.monotonic() - started), flush=True)
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:
                pass
        if run_proc is not None and run_proc.poll() is None:
            try:
                os.killpg(run_proc.pid, signal.SIGTERM)
                run_proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(run_proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                run_proc.wait(timeout=10)
        if log is not None:
            log.close()
        if results.failed and os.path.exists(os.path.join(home, "run.log")):
            with open(os.path.join(home, "run.log"), errors="replace") as f:
                tail = f.read()[-3000:]
            print("---- last lines of zpe run's log ----\n" + tail, flush=True)
        if args.keep or results.failed:
            print("      home kept at " + home, flush=True)
        else:
            shutil.rmtree(home, ignore_errors=True)


def log_in(driver, wait, base, user):
    """Logs in on the login page (the browser is there or is sent there)."""
    from selenium.webdriver.common.by import By

    driver.get(base + "/login")
    wait.until(lambda d: d.find_elements(By.ID, "login-submit"))
    driver.find_element(By.ID, "user").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    wait.until(lambda d: not d.current_url.startswith(base + "/login"))


def log_out(driver, wait, base):
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "logout").click()
    wait.until(lambda d: d.current_url.startswith(base + "/login"))


def check_dashboard(driver, wait, results, zpe, base, screenshots):
    """The dashboard shows today's figures, backlog, workers and the pages-per-minute chart;
    an admin also sees the disk use per area, an operator does not."""
    from selenium.webdriver.common.by import By

    zpe.must("gc")  # measures the disk use per area
    driver.get(base + "/dashboard")
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded"))
    docs = zpe.json("list", "--json")
    received = len([d for d in docs if "parent_document_id" not in d])
    in_clearing = len([d for d in docs if d.get("state") == "CLEARING"])
    shown = driver.find_element(By.ID, "fig-received").text.strip()
    results.check("the dashboard shows today's received documents", shown == str(len(LETTERS)),
                  "shown %r, %d letters dropped (%d documents)" % (shown, len(LETTERS), received))
    shown = driver.find_element(By.ID, "fig-clearing").text.strip()
    results.check("the dashboard's clearing count matches zpe list", shown == str(in_clearing),
                  "shown %r, zpe list %d" % (shown, in_clearing))
    stages = driver.find_elements(By.CSS_SELECTOR, "#backlog tbody tr.backlog-row")
    results.check("the backlog lists every stage", len(stages) >= 5, "%d rows" % len(stages))
    workers = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#workers tbody tr.worker-row"))
    results.check("the workers are listed with their state", len(workers) >= 5 and
                  all(w.get_attribute("data-state") in ("idle", "busy") for w in workers),
                  ", ".join(w.get_attribute("data-state") for w in workers))
    chart = driver.execute_script(
        "const c = window.Chart && window.Chart.getChart('throughput-chart');"
        "return c ? {points: c.data.datasets[0].data.length, pages: c.data.datasets[0].data.reduce((a, b) => a + b, 0),"
        " width: c.width, height: c.height} : null;")
    results.check("the pages-per-minute chart is drawn with the last 3 hours", bool(chart) and chart["points"] == 180 and
                  chart["pages"] >= len(LETTERS) and chart["width"] > 100 and chart["height"] > 100, str(chart))
    results.check("the 30-day chart is drawn",
                  driver.execute_script("const c = window.Chart && window.Chart.getChart('days-chart');"
                                        "return c ? c.data.labels.length : 0;") == 30)
    results.check("an operator is not shown the site's disk use",
                  not driver.find_element(By.ID, "storage").is_displayed())

    # The admin: the same page with the disk use per area, as zpe status reads it.
    log_out(driver, wait, base)
    log_in(driver, wait, base, ADMIN)
    driver.get(base + "/dashboard")
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded"))
    areas = zpe.json("status", "--json")["disk"]["usage"]["areas"]
    rows = {r.get_attribute("data-area"): int(r.get_attribute("data-bytes"))
            for r in driver.find_elements(By.CSS_SELECTOR, "#storage-table tbody tr.storage-row")}
    results.check("an admin sees the disk use per area as zpe status has it",
                  driver.find_element(By.ID, "storage").is_displayed() and rows == {k: int(v) for k, v in areas.items()}
                  and rows.get("blobs", 0) > 0, "shown %s, zpe status %s" % (rows, areas))
    driver.set_window_size(1366, 1400)  # the whole page, workers and storage included, for the docs
    time.sleep(0.5)
    driver.save_screenshot(os.path.join(screenshots, "dashboard.png"))
    driver.set_window_size(1366, 768)
    log_out(driver, wait, base)
    log_in(driver, wait, base, OPERATOR)


def zpe_state(zpe, doc_id):
    for d in zpe.json("list", "--json"):
        if d.get("document_id") == doc_id:
            return d.get("state")
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zpe", required=True, help="the zpe binary")
    parser.add_argument("--screenshots", help="where the screenshots go (default: the zpe binary's folder)")
    parser.add_argument("--copy-screenshots", help="also copy them here (docs/screenshots when refreshing the docs)")
    parser.add_argument("--keep", action="store_true", help="keep the temp home")
    args = parser.parse_args()
    args.zpe = os.path.abspath(args.zpe)
    if not args.screenshots:
        args.screenshots = os.path.dirname(args.zpe)

    results = Results()

    def out_of_time(signum, frame):
        raise Failed("the test ran longer than %d s" % DEADLINE_S)

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(DEADLINE_S)
    try:
        run(args, results)
    except Failed as e:
        if e.counted:
            print("      stopped: " + str(e), flush=True)
        else:
            results.check("the run completed", False, str(e))
    except Exception as e:  # selenium timeouts and anything unexpected are failures with their reason
        results.check("the run completed", False, type(e).__name__ + ": " + (str(e).strip() or traceback.format_exc())[:800])
    finally:
        signal.alarm(0)
    print("%d passed, %d failed" % (results.passed, results.failed), flush=True)
    return 1 if results.failed or results.passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())

"""Moodle drill, step 12: an activity whose launch container is "Embed" (Playwright, Debian's
Chromium, headless). A student logs into Moodle and opens the activity's page (view.php), which
shows the launch in an iframe; the driver prints every request and answer of our site (frame
and windows: status, CSP, X-Frame-Options, Set-Cookie), finds our button inside Moodle's frame,
presses it, takes the new window, checks it is signed in (our header's "My profile" /
"Profilul meu") and saves screenshots.

  .venv/bin/python interop/drive_embed.py student_en 2 interop/screenshots/embed-en

writes <prefix>-moodle.png (Moodle's page with our frame) and <prefix>-window.png (the new
window). Environment:
  DRILL_MOODLE=http://127.0.0.1:8081   Moodle's address
  DRILL_TOP=1            the activity's container is "Existing window": expect our page in
                         Moodle's own window instead of a frame (<prefix>-moodle.png shows it)
  DRILL_SECOND_PRESS=1   press the button again: the second window must refuse
                         (<prefix>-second.png)
  DRILL_PRESS_AFTER=<s>  wait that long before pressing (past the button's 5 minutes): the
                         window must refuse and sign nobody in (<prefix>-late.png)
  DRILL_PLAN=<json from interop/course_plan.py>   then complete the course in the new window
                         (interop/drive_launch.py's logic: lessons, scenario, final quiz with the
                         first question answered wrong)
Exits 1 if a check fails (button absent, no window, window not signed in, second press not refused).
"""

import json
import os
import re
import sys
import time

from drill_browser import complete, launch_chromium, moodle_log_in
from playwright.sync_api import sync_playwright

MOODLE = os.environ.get("DRILL_MOODLE", "http://127.0.0.1:8081")
username, cmid, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
password = sys.argv[4] if len(sys.argv) > 4 else "Drill-pass-1"
BUTTON = re.compile("^(Open the course in a new window|Deschideți cursul într-o fereastră nouă)$")
PROFILE = re.compile("^(My profile|Profilul meu)")
USED = re.compile("used already|folosit deja|a fost deja folosit", re.I)

failures = []


def check(ok, what):
    print("CHECK", "pass" if ok else "FAIL", what)
    if not ok:
        failures.append(what)


def ours(url):
    return "/lti/" in url or ":8765" in url or ":8443" in url


def log_request(r):
    # Documents only (frames and windows), of ours and of Moodle's launch pages.
    if r.resource_type != "document" or not (ours(r.url) or "/mod/lti/" in r.url):
        return
    try:
        where = "frame" if r.frame.parent_frame else "top"
    except Exception:  # noqa: BLE001 (a new window's first request has no frame yet)
        where = "new window"
    print(
        f"REQ  {r.method} {r.url.split('?')[0]} ({where})"
        + (f" Origin={r.header_value('origin')}" if r.method == "POST" else "")
        + (f" Cookie={r.header_value('cookie')}" if ours(r.url) else "")
    )


def log_response(r):
    if r.request.resource_type != "document" or not (ours(r.url) or "/mod/lti/" in r.url):
        return
    extra = []
    for name in ("location", "content-security-policy", "x-frame-options", "set-cookie"):
        try:
            value = r.header_value(name)
        except Exception:  # noqa: BLE001 (the window was closed meanwhile)
            value = None
        if value:
            extra.append(f"{name}: {value}")
    print(f"RESP {r.status} {r.url.split('?')[0]}" + "".join(f"\n       {e}" for e in extra))


with sync_playwright() as p:
    browser = launch_chromium(p)
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="en-GB", ignore_https_errors=True
    )
    context.on("request", log_request)
    context.on("response", log_response)
    page = context.new_page()
    moodle_log_in(page, MOODLE, username, password)
    assert "login" not in page.url, f"Moodle login failed: {page.url}"
    # The activity's page, as a student opens it from the course: with "Embed" it holds an
    # iframe (#contentframe) on launch.php, which starts the launch inside the frame.
    page.goto(f"{MOODLE}/mod/lti/view.php?id={cmid}")
    page.wait_for_load_state("networkidle")
    top = bool(os.environ.get("DRILL_TOP"))
    if top:
        # "Existing window": view.php redirects Moodle's own window to launch.php (no iframe).
        check(ours(page.url), "the launch replaced Moodle's window (no iframe)")
        ours_frame = page.main_frame if ours(page.url) else None
    else:
        iframe = page.locator("#contentframe")
        check(iframe.count() == 1, "Moodle's page has the launch iframe (#contentframe)")
        ours_frame = next((f for f in page.frames if f.parent_frame and ours(f.url)), None)
    frame_text = ""
    if ours_frame is not None:
        frame_text = " ".join(ours_frame.inner_text("body").split())
        print("FRAME", ours_frame.url)
    else:
        print("FRAMES", [f.url for f in page.frames])
        for f in page.frames[1:]:
            try:
                print("FRAME TEXT", f.url, " ".join(f.inner_text("body").split())[:400])
            except Exception as error:  # noqa: BLE001 (an error page the browser drew)
                print("FRAME TEXT unreadable", f.url, error)
    print("FRAME TEXT", frame_text[:600])
    page.screenshot(path=f"{prefix}-moodle.png", full_page=True)
    button = (page if top else page.frame_locator("#contentframe")).get_by_role(
        "button", name=BUTTON
    )
    check(button.count() == 1, "our button is there" + ("" if top else " (in Moodle's frame)"))
    if failures:
        browser.close()
        sys.exit(1)
    if os.environ.get("DRILL_PRESS_AFTER"):
        # The button's token is good for 5 minutes: wait longer, the window must refuse.
        print("WAITING", os.environ["DRILL_PRESS_AFTER"], "s before pressing")
        time.sleep(int(os.environ["DRILL_PRESS_AFTER"]))
    with context.expect_page() as opened:
        button.click()
    window = opened.value
    window.wait_for_load_state("networkidle")
    print("WINDOW", window.url)
    print("WINDOW TITLE", window.title())
    print("WINDOW MAIN", " ".join(window.inner_text("main").split())[:400])
    if os.environ.get("DRILL_PRESS_AFTER"):
        body = " ".join(window.inner_text("body").split())
        check(bool(USED.search(body)), "a press after the button's lifetime is refused")
        check(
            window.get_by_role("link", name=PROFILE).count() == 0,
            "nobody is signed in by a late press",
        )
        window.screenshot(path=f"{prefix}-late.png")
        browser.close()
        print("RESULT", "FAIL: " + "; ".join(failures) if failures else "all checks passed")
        sys.exit(1 if failures else 0)
    profile = window.get_by_role("link", name=PROFILE)
    check(
        profile.count() >= 1, "the new window is signed in (header has My profile / Profilul meu)"
    )
    check("/courses/" in window.url or "/cursuri/" in window.url, "the new window is on the course")
    if profile.count():
        print("SIGNED IN AS", " ".join(profile.first.inner_text().split()))
    window.screenshot(path=f"{prefix}-window.png")
    print(
        "COOKIES",
        json.dumps(
            [
                {k: c[k] for k in ("name", "domain", "path", "sameSite", "secure")}
                for c in context.cookies()
                if c["domain"] in ("127.0.0.1", "localhost")
            ]
        ),
    )
    if os.environ.get("DRILL_SECOND_PRESS"):
        with context.expect_page() as opened:
            button.click()
        second = opened.value
        second.wait_for_load_state("networkidle")
        body = " ".join(second.inner_text("body").split())
        print("SECOND WINDOW", second.url, body[:400])
        check(bool(USED.search(body)), "a second press is refused (button used already)")
        second.screenshot(path=f"{prefix}-second.png")
        second.close()
    if os.environ.get("DRILL_PLAN"):
        complete(window, json.load(open(os.environ["DRILL_PLAN"])), f"{prefix}-window.png")
    browser.close()
    print("RESULT", "FAIL: " + "; ".join(failures) if failures else "all checks passed")
    sys.exit(1 if failures else 0)

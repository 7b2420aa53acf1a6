"""Moodle drill, step 6: a student logs into Moodle and launches our activity (Playwright,
Debian's Chromium, headless). Prints the chain of navigations, where it lands, our state
cookie as the browser stored it, and saves a screenshot.

  .venv/bin/python interop/drive_launch.py student_en 3 interop/screenshots/launch-en.png

With DRILL_PLAN=<json from interop/course_plan.py> it then completes the course in the same
window through our UI: "Start" on the course page, "Mark as complete" on each lesson, the
scenario (first choice each time), and the final quiz, answered correctly except for the
first question shown (a wrong choice, so the score is not a round 100).
"""

import json
import os
import sys

from drill_browser import complete, launch_chromium, moodle_log_in
from playwright.sync_api import sync_playwright

MOODLE = "http://127.0.0.1:8081"
username, cmid, shot = sys.argv[1], sys.argv[2], sys.argv[3]
password = sys.argv[4] if len(sys.argv) > 4 else "Drill-pass-1"


with sync_playwright() as p:
    browser = launch_chromium(p)
    # The HTTPS variant uses a self-signed certificate for localhost (interop/tls-proxy.sh).
    context = browser.new_context(
        viewport={"width": 1100, "height": 800}, locale="en-GB", ignore_https_errors=True
    )
    page = context.new_page()
    chain = []
    page.on(
        "request",
        lambda r: (
            chain.append(f"{r.method} {r.url.split('?')[0]}") if r.is_navigation_request() else None
        ),
    )
    launch_posts, launch_posts_url = [], []
    page.on(
        "request",
        lambda r: (
            (launch_posts.append(r.post_data), launch_posts_url.append(r.url))
            if r.method == "POST" and r.url.endswith("/lti/launch/")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            chain.append(f"  Set-Cookie: {r.header_value('set-cookie')}")
            if "/lti/" in r.url and r.header_value("set-cookie")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: chain.append(f"  -> {r.status}") if r.request.is_navigation_request() else None,
    )
    moodle_log_in(page, MOODLE, username, password)
    assert "login" not in page.url, f"Moodle login failed: {page.url}"
    chain.clear()
    # The activity opens in a new window: its launch.php is what that window loads.
    page.goto(f"{MOODLE}/mod/lti/launch.php?id={cmid}&triggerview=0")
    page.wait_for_load_state("networkidle")
    print("\n".join(chain))
    print("LANDED", page.url)
    print("TITLE", page.title())
    body = page.inner_text("body")
    print("BODY", " ".join(body.split())[:400])
    cookies = [c for c in context.cookies() if c["domain"] in ("127.0.0.1", "localhost")]
    print(
        "COOKIES",
        json.dumps(
            [{k: c[k] for k in ("name", "domain", "path", "sameSite", "secure")} for c in cookies]
        ),
    )
    page.screenshot(path=shot)
    if os.environ.get("DRILL_REPLAY") and launch_posts:
        # Step 7: post the same id_token and state again, from the same browser.
        replay = context.request.post(
            launch_posts_url[0],
            data=launch_posts[0],
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            max_redirects=0,
        )
        text = " ".join(replay.text().split())
        print(
            "REPLAY",
            replay.status,
            text[text.find("<main") :][:300] if "<main" in text else text[:300],
        )
    if os.environ.get("DRILL_BETWEEN"):
        # Step 8: e.g. stop Moodle's web server after the launch, before the course is completed.
        import subprocess

        subprocess.run(os.environ["DRILL_BETWEEN"], shell=True, check=True)
    if os.environ.get("DRILL_PLAN"):
        complete(page, json.load(open(os.environ["DRILL_PLAN"])), shot)
    browser.close()

"""Moodle drill, step 6: a student logs into Moodle and launches our activity (Playwright,
Debian's Chromium, headless). Prints the chain of navigations, where it lands, our state
cookie as the browser stored it, and saves a screenshot.

  .venv/bin/python interop/drive_launch.py student_en 3 interop/screenshots/launch-en.png
"""

import json
import sys

from playwright.sync_api import sync_playwright

MOODLE = "http://127.0.0.1:8081"
username, cmid, shot = sys.argv[1], sys.argv[2], sys.argv[3]
password = sys.argv[4] if len(sys.argv) > 4 else "Drill-pass-1"

with sync_playwright() as p:
    browser = p.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    )
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="en-GB")
    page = context.new_page()
    chain = []
    page.on(
        "request",
        lambda r: chain.append(f"{r.method} {r.url.split('?')[0]}") if r.is_navigation_request() else None,
    )
    page.on("response", lambda r: chain.append(f"  -> {r.status}") if r.request.is_navigation_request() else None)
    page.goto(f"{MOODLE}/login/index.php")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#loginbtn")
    page.wait_for_load_state()
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
    print("COOKIES", json.dumps([{k: c[k] for k in ("name", "domain", "path", "sameSite", "secure")} for c in cookies]))
    page.screenshot(path=shot)
    browser.close()

"""Log into the drill Moodle as a user and screenshot a page (e.g. the grader report).

.venv/bin/python interop/moodle_shot.py teacher1 /grade/report/grader/index.php?id=2 out.png
"""

import sys

from playwright.sync_api import sync_playwright

MOODLE = "http://127.0.0.1:8081"
username, path, shot = sys.argv[1:4]
password = "Drill-admin-1" if username == "admin" else "Drill-pass-1"

with sync_playwright() as p:
    browser = p.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    )
    import os

    width = int(os.environ.get("DRILL_WIDTH", "1100"))
    page = browser.new_page(
        viewport={"width": width, "height": int(os.environ.get("DRILL_HEIGHT", "700"))}
    )
    page.goto(f"{MOODLE}/login/index.php")
    # Let the login page's own AJAX calls finish first: one racing the login POST on the same
    # session left Moodle with an invalid login token (user_login_failed, reason 3) once.
    page.wait_for_load_state("networkidle")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#loginbtn")
    page.wait_for_load_state()
    page.goto(MOODLE + path)
    page.wait_for_load_state("networkidle")
    print(" ".join(page.inner_text("#region-main").split())[:600])
    page.screenshot(path=shot)
    browser.close()

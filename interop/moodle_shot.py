"""Log into the drill Moodle as a user and screenshot a page (e.g. the grader report).

.venv/bin/python interop/moodle_shot.py teacher1 /grade/report/grader/index.php?id=2 out.png
"""

import sys

from drill_browser import launch_chromium, moodle_log_in
from playwright.sync_api import sync_playwright

MOODLE = "http://127.0.0.1:8081"
username, path, shot = sys.argv[1:4]
password = "Drill-admin-1" if username == "admin" else "Drill-pass-1"

with sync_playwright() as p:
    browser = launch_chromium(p)
    import os

    width = int(os.environ.get("DRILL_WIDTH", "1100"))
    page = browser.new_page(
        viewport={"width": width, "height": int(os.environ.get("DRILL_HEIGHT", "700"))}
    )
    moodle_log_in(page, MOODLE, username, password)
    page.goto(MOODLE + path)
    page.wait_for_load_state("networkidle")
    print(" ".join(page.inner_text("#region-main").split())[:600])
    page.screenshot(path=shot)
    browser.close()

"""Moodle drill, steps 2 and 9 through our admin: log in as the demo administrator
(admin@demo.local, the demo password of elearning/demo.py), open Settings → LTI tool
configuration and each LTI context's Roster (read live from Moodle, NRPS); screenshots.

  .venv/bin/python interop/drive_admin.py [base URL]
"""

import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8765"
SHOTS = "interop/screenshots"

with sync_playwright() as p:
    browser = p.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    )
    page = browser.new_page(viewport={"width": 1200, "height": 800}, locale="en-GB")
    page.goto(f"{BASE}/admin/login/")
    page.locator('input[name="username"], input[name="email"]').first.fill("admin@demo.local")
    page.locator('input[name="password"]').fill("demo-parola-2026")
    page.locator('button[type="submit"], input[type="submit"]').first.click()
    page.wait_for_load_state()
    page.goto(f"{BASE}/admin/lti/tool/")
    print("TOOL", page.url, " ".join(page.locator("main").inner_text().split())[:900])
    page.screenshot(path=f"{SHOTS}/ours-tool-configuration.png", full_page=True)
    links = [a.get_attribute("href") for a in page.locator('a[href*="/roster/"]').all()]
    for n, href in enumerate(links):
        response = page.goto(BASE + href if href.startswith("/") else href)
        print(
            "ROSTER",
            href,
            response.status,
            " ".join(page.locator("main").inner_text().split())[:700],
        )
        if n == 0:
            page.screenshot(path=f"{SHOTS}/ours-roster.png", full_page=True)
    browser.close()

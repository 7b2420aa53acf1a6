"""Moodle drill, step 5: deep linking. As the teacher, add an "External tool" activity of our
tool to the Drill course, press "Select content": our picker opens in Moodle's dialog (an
iframe); choose one course; Moodle fills the form; save. Prints what Moodle stored.

  .venv/bin/python interop/drive_deeplink.py <course id> <type id> <course title substring>
"""

import sys

from playwright.sync_api import sync_playwright

MOODLE = "http://127.0.0.1:8081"
course_id, type_id, title = sys.argv[1], sys.argv[2], sys.argv[3]
SHOTS = "interop/screenshots"

with sync_playwright() as p:
    browser = p.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    )
    page = browser.new_page(viewport={"width": 1100, "height": 800}, locale="en-GB")
    page.on(
        "console",
        lambda m: (
            print("CONSOLE", m.type, m.text[:200]) if m.type in ("error", "warning") else None
        ),
    )
    responses = []

    def on_response(r):
        if "/lti/" not in r.url:
            return
        responses.append(f"{r.request.method} {r.url.split('?')[0]} -> {r.status}")
        if r.url.startswith("http://127.0.0.1:8765/lti/deep-link"):
            headers = r.all_headers()
            csp = headers.get("content-security-policy", "")
            frame = [
                d.strip()
                for d in csp.split(";")
                if d.strip().startswith(("frame-ancestors", "form-action"))
            ]
            responses.append(f"    CSP {frame}; X-Frame-Options={headers.get('x-frame-options')}")

    page.on("response", on_response)
    page.goto(f"{MOODLE}/login/index.php")
    page.wait_for_load_state("networkidle")
    page.fill("#username", "teacher1")
    page.fill("#password", "Drill-pass-1")
    page.click("#loginbtn")
    page.wait_for_load_state()
    page.goto(
        f"{MOODLE}/course/modedit.php?add=lti&typeid={type_id}&course={course_id}&section=1&return=0"
    )
    page.wait_for_load_state("networkidle")
    page.locator('[name="selectcontent"]').click()
    frame_el = page.locator(".modal iframe").first
    frame_el.wait_for(timeout=20000)
    frame = frame_el.content_frame
    frame.get_by_role("heading", name="Choose courses").wait_for(timeout=20000)
    page.wait_for_timeout(500)
    page.screenshot(path=f"{SHOTS}/deep-linking-picker-in-moodle.png")
    print("PICKER", " ".join(frame.locator("main").inner_text().split())[:300])
    for one in title.split("|"):  # several courses: "title 1|title 2"
        frame.get_by_label(one).check()
    frame.get_by_role("button", name="Add").click()
    page.locator(".modal iframe").first.wait_for(state="detached", timeout=20000)
    page.wait_for_timeout(1000)
    print("FORM name =", page.locator("#id_name").input_value())
    print("SELECTED", " ".join(page.locator("#id_selectcontentindicator").inner_text().split()))
    page.screenshot(path=f"{SHOTS}/deep-linking-form-filled.png")
    if len(sys.argv) > 4 and sys.argv[4] == "--no-save":
        print("NOT SAVED (--no-save)")
    else:
        page.locator("#id_submitbutton2").click()
        # Several items: Moodle's JS posts the form once per item, then goes back to the course.
        page.wait_for_url("**/course/view.php**", timeout=60000)
        page.wait_for_load_state("networkidle")
        print("AFTER SAVE", page.url)
    print("\n".join(responses))
    browser.close()

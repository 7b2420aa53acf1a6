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
import re
import sys

from playwright.sync_api import sync_playwright

MOODLE = "http://127.0.0.1:8081"
username, cmid, shot = sys.argv[1], sys.argv[2], sys.argv[3]
password = sys.argv[4] if len(sys.argv) > 4 else "Drill-pass-1"


TEXT = {
    "en": {
        "start": "^(Start|Continue)",
        "done": "Mark as complete",
        "scenario": "Start the scenario",
        "confirm": "Confirm my choice",
        "end": "End of the scenario",
        "quiz": "Start the quiz",
        "submit": "Submit my answers",
        "result": "Your result",
    },
    "ro": {
        "start": "^(Începeți|Continuați)",
        "done": "Marcați ca terminată",
        "scenario": "Începeți scenariul",
        "confirm": "Confirmați alegerea",
        "end": "Finalul scenariului",
        "quiz": "Începeți chestionarul",
        "submit": "Trimiteți răspunsurile",
        "result": "Rezultatul dumneavoastră",
    },
}


def complete(page, plan, shot):
    t = TEXT["ro" if plan["course_url"].startswith("/ro/") else "en"]
    base = page.url.split("/", 3)
    base = f"{base[0]}//{base[2]}"
    page.goto(base + plan["course_url"])
    start = page.get_by_role("button", name=re.compile(t["start"], re.I))
    if start.count():
        start.first.click()
        page.wait_for_load_state()
    print("STARTED", page.url)
    for step in plan["steps"]:
        page.goto(base + step["url"])
        if step["type"] == "LessonPage":
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true })")
            button = page.get_by_role("button", name=t["done"])
            if button.count() == 0:
                print("LESSON (no button; done already?)", step["url"])
                continue
            button.first.click()
            page.wait_for_load_state()
            print("LESSON done", step["url"], "->", page.url)
        elif step["type"] == "ScenarioPage":
            page.get_by_role("button", name=re.compile(t["scenario"], re.I)).first.click()
            for _ in range(12):
                if page.get_by_role("heading", name=t["end"]).count():
                    break
                page.locator("fieldset.question input").first.wait_for()
                page.locator("fieldset.question input").first.check()
                page.get_by_role("button", name=t["confirm"]).click()
                page.wait_for_load_state()
            print("SCENARIO", " ".join(page.inner_text("main").split())[:300])
        elif step["type"] == "QuizPage":
            page.get_by_role("button", name=t["quiz"]).click()
            page.locator("fieldset.question").first.wait_for()
            first = True
            for fieldset in page.locator("fieldset.question").all():
                values = [i.get_attribute("value") for i in fieldset.locator("input").all()]
                question = next(
                    q
                    for q in plan["final_quiz"].values()
                    if {str(c["pk"]) for c in q["choices"]} >= set(values)
                )
                wrong = first
                first = False
                for c in question["choices"]:
                    if c["correct"] != wrong:
                        fieldset.locator(f'input[value="{c["pk"]}"]').check()
                        if question["kind"] != "multiple" or wrong:
                            break
            page.get_by_role("button", name=t["submit"]).click()
            page.get_by_role("heading", name=t["result"]).wait_for()
            print("QUIZ", " ".join(page.inner_text("main").split())[:300])
            page.screenshot(path=shot.replace(".png", "-quiz.png"))
    page.goto(base + plan["course_url"])
    print("COURSE", " ".join(page.inner_text("main").split())[:300])


with sync_playwright() as p:
    browser = p.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    )
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
    page.goto(f"{MOODLE}/login/index.php")
    # Let the login page's own AJAX calls finish first: one racing the login POST on the same
    # session left Moodle with an invalid login token (user_login_failed, reason 3) once.
    page.wait_for_load_state("networkidle")
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

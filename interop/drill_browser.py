"""What the Moodle drill's browser scripts share (imported from interop/, the scripts' folder):
Chromium's flags, logging into Moodle, and completing one of our courses through our UI."""

import re

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def moodle_log_in(page, moodle, username, password):
    """Log into Moodle at `moodle` through its login form."""
    page.goto(f"{moodle}/login/index.php")
    # Let the login page's own AJAX calls finish first: one racing the login POST on the same
    # session left Moodle with an invalid login token (user_login_failed, reason 3) once.
    page.wait_for_load_state("networkidle")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#loginbtn")
    page.wait_for_load_state()


# Our UI's buttons and headings, by the course's language.
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

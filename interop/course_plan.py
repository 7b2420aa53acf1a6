"""Moodle drill, step 8 helper (our side, read-only): what the browser driver needs to complete a
course through the UI: the URLs of its required steps in a language, and for its final quiz
each choice and whether it is correct. Writes JSON to DRILL_PLAN (default
/work/moodle-drill/plan-<lang>.json).

  DRILL_COURSE_KEY=<translation key> DRILL_LANG=en .venv/bin/python manage.py shell \
      -c "exec(open('interop/course_plan.py').read())" < /dev/null
"""

import json
import os

from courses.models import CoursePage
from courses.services import course_required_keys
from quizzes.models import QuizPage

key = os.environ["DRILL_COURSE_KEY"]
lang = os.environ.get("DRILL_LANG", "en")
course = CoursePage.objects.get(translation_key=key, locale__language_code=lang)
required = course_required_keys(course=course)
steps = []
for child in course.get_children().live().specific():
    if child.translation_key in required:
        steps.append({"url": child.url, "type": type(child).__name__, "title": child.title})
final = [s for s in course.get_children().live().type(QuizPage).specific() if s.kind == "final"]
quiz = {}
if final:
    for question in final[0].questions.all():
        quiz[str(question.pk)] = {
            "kind": question.kind,
            "choices": [{"pk": c.pk, "correct": c.is_correct} for c in question.choices.all()],
        }
plan = {
    "course_url": course.url,
    "steps": steps,
    "final_quiz": quiz,
    "pass_mark": final[0].pass_mark if final else None,
}
path = os.environ.get("DRILL_PLAN", f"/work/moodle-drill/plan-{lang}.json")
json.dump(plan, open(path, "w"), indent=1)
print(json.dumps({k: v for k, v in plan.items() if k != "final_quiz"}, indent=1))

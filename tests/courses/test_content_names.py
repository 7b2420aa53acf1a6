"""No first name is reused for different people across the courses (issue 18, point 4).

A learner who takes two courses should not meet a "Ioana" who is a trafficked pupil in one and
a victim in court in another: the cases are fictional and distinct. The check works on the
first names listed here (the people of the lessons, case studies and question banks); a person
introduced with an age ("Andreea, 14", "Gabriel, 15 ani") must be on the list, so a new
character cannot slip past it. Romanian genitive forms (Ioanei, Florinului) count as the name.
"""

import json
import re
from collections import defaultdict
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
COURSES = ("teachers", "police", "justice", "social_workers")

FIRST_NAMES = """
Adina Alexandra Delia Amalia Anca Andreea Andrei Antonia Beatrice Bianca Bogdan Carla Ciprian Corina
Costin Cătălin Daciana Dalia Daniel Denisa Dragoș Dănuț Edgar Eduard Elena Eliza Emma Eric
Evelina Felicia Felix Filip Flora Florin Gabriel Gavril Geanina Gelu Georgiana Ghiță Giulia
Gloria Grigore Hermina Horațiu Hortensia Iacob Ianis Ileana Ilie Ioana Ionel Iosif Irina Iulia
Iustin Ivona Jasmina Jeni Karina Katia Kevin Kinga Laurențiu Leonard Lidia Liviu Loredana Lorena
Luca Lucian Mara Marcel Marius Mihaela Mihai Mircea Nadia Nicoleta Nicu Nora Oana Octavian Olga
Patricia Paula Pavel Petra Rareș Remus Robert Ruxandra Răzvan Sabina Sanda Sergiu Simona
Smaranda Sonia Tania Teodor Timea Titus Traian Uliana Valentina Vasile Vera Veronica Viorel
Ștefan
""".split()

LETTER = "A-Za-zĂÂÎȘȚăâîșț"
INTRODUCED = re.compile(rf"\b([A-ZĂÂÎȘȚ][{LETTER}]+),? \d{{1,2}}(?: de)? (?:ani|years)\b")


def forms(name: str) -> str:
    """The name and its Romanian genitive/dative (Ioana → Ioanei, Florin → Florinului)."""
    if name.endswith("a"):
        return rf"{name}|{name[:-1]}ei"
    return rf"{name}|{name}ului"


def course_texts() -> dict[str, str]:
    texts = {}
    for course in COURSES:
        texts[course] = "\n".join(
            json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
            for path in [
                BASE_DIR / "courses" / "demo_content" / f"{course}.json",
                BASE_DIR / "quizzes" / "demo_content" / f"{course}.json",
            ]
        )
    return texts


def test_no_first_name_is_used_in_two_courses():
    texts = course_texts()
    used_in = defaultdict(list)
    for name in FIRST_NAMES:
        pattern = re.compile(rf"(?<![{LETTER}])(?:{forms(name)})(?![{LETTER}])")
        for course, text in texts.items():
            if pattern.search(text):
                used_in[name].append(course)
    reused = {name: courses for name, courses in used_in.items() if len(courses) > 1}
    assert not reused, f"first names used in more than one course: {reused}"


def test_every_person_introduced_with_an_age_is_on_the_list():
    known = {f for name in FIRST_NAMES for f in forms(name).split("|")}
    unknown = {
        name for text in course_texts().values() for name in INTRODUCED.findall(text)
    } - known
    assert not unknown, f"add these first names to FIRST_NAMES: {sorted(unknown)}"

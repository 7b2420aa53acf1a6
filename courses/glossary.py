"""The Romanian–English glossary: one term per concept, read from
courses/demo_content/glossary.json.

The file is the single source: the courses' content follows it (tests/courses/test_glossary.py
fails on the variants it lists), and the public glossary page shows it. It is read once per
process, because it only changes with a deployment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GLOSSARY_FILE = Path(__file__).resolve().parent / "demo_content" / "glossary.json"
LANGUAGES = ("ro", "en")


@dataclass(frozen=True)
class GlossaryEntry:
    """One concept as a reader of `language` sees it: its term, its definition, and the term in
    the other language (so a learner reading in either language can match the two)."""

    key: str
    term: str
    definition: str
    other_term: str


@cache
def glossary_data() -> dict:
    return json.loads(GLOSSARY_FILE.read_text(encoding="utf-8"))


def glossary_entries(*, language: str) -> list[GlossaryEntry]:
    """The glossary in `language` ("ro" or "en"; anything else falls back to Romanian, the
    default language), in the file's order."""
    language = language if language in LANGUAGES else "ro"
    other = "en" if language == "ro" else "ro"
    return [
        GlossaryEntry(
            key=item["key"],
            term=item[language]["term"],
            definition=item[language]["definition"],
            other_term=item[other]["term"],
        )
        for item in glossary_data()["terms"]
    ]

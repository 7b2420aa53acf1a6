"""One glossary (issue 18, point 5): the course content and the interface use its terms, and the
site shows it in both languages.

The glossary file lists, for each concept, the variants that must not appear: in Romanian text
(the "ro" parts of the content files and the msgstr of the Romanian catalogue) and in English text
(the "en" parts and the msgids). Matching is by exact substring, case-sensitive, so that a
variant such as "Identificare și Referire" (capitalised mid-name) can be told apart from the
glossary's own spelling.
"""

import ast
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from courses.glossary import GLOSSARY_FILE, glossary_data, glossary_entries

BASE_DIR = Path(settings.BASE_DIR)
CONTENT_FILES = sorted(
    path
    for path in [
        *(BASE_DIR / "courses" / "demo_content").glob("*.json"),
        # Recursive: the decision scenarios live in a folder of their own.
        *(BASE_DIR / "quizzes" / "demo_content").rglob("*.json"),
    ]
    if path != GLOSSARY_FILE
)
CATALOGUE = BASE_DIR / "locale" / "ro" / "LC_MESSAGES" / "django.po"
TERMS = glossary_data()["terms"]


def texts_in(value, language: str, inside: bool = False):
    """Every string under a "ro" or "en" key (the content's two languages), as (path, text)."""
    if isinstance(value, str):
        if inside:
            yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in ("ro", "en"):
                if key == language:
                    yield from texts_in(item, language, inside=True)
            else:
                yield from texts_in(item, language, inside)
    elif isinstance(value, list):
        for item in value:
            yield from texts_in(item, language, inside)


def catalogue_entries() -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of the Romanian catalogue, plural forms joined."""
    entries, current, field = [], {"msgid": "", "msgstr": ""}, None
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d\])?) (\".*\")$", line)
        if match:
            keyword = match.group(1)
            if keyword == "msgid" and current["msgid"]:
                entries.append((current["msgid"], current["msgstr"]))
                current = {"msgid": "", "msgstr": ""}
            field = "msgid" if keyword.startswith("msgid") else "msgstr"
            current[field] += " " + ast.literal_eval(match.group(2))
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
    entries.append((current["msgid"], current["msgstr"]))
    return entries


def test_glossary_is_well_formed():
    keys = [term["key"] for term in TERMS]
    assert len(keys) == len(set(keys))
    for term in TERMS:
        for language in ("ro", "en"):
            assert term[language]["term"].strip() and term[language]["definition"].strip()
            assert isinstance(term["avoid"][language], list)
    text = GLOSSARY_FILE.read_text(encoding="utf-8")
    assert not re.search("[şţŞŢ]", text)  # comma below, never cedilla


@pytest.mark.parametrize(
    "path", CONTENT_FILES, ids=[str(p.relative_to(BASE_DIR)) for p in CONTENT_FILES]
)
@pytest.mark.parametrize("language", ["ro", "en"])
def test_content_uses_the_glossary_terms(path, language):
    data = json.loads(path.read_text(encoding="utf-8"))
    found = sorted(
        {
            (variant, term["key"])
            for text in texts_in(data, language)
            for term in TERMS
            for variant in term["avoid"][language]
            if variant in text
        }
    )
    assert not found, f"{path.name} ({language}) uses variants the glossary rules out: {found}"


def test_interface_uses_the_glossary_terms():
    found = sorted(
        {
            (variant, term["key"], msgid.strip()[:60])
            for msgid, msgstr in catalogue_entries()
            for term in TERMS
            for language, text in (("ro", msgstr), ("en", msgid))
            for variant in term["avoid"][language]
            if variant in text
        }
    )
    assert not found, f"django.po uses variants the glossary rules out: {found}"


def test_the_tests_names_agree_between_interface_content_and_glossary():
    """The pre-test, the post-test and the final quiz have one name each: a coordinator reading
    the impact report's "post-test" must not take it for the graded final quiz."""
    catalogue = {msgid.strip(): msgstr.strip() for msgid, msgstr in catalogue_entries()}
    glossary = {term["key"]: term for term in TERMS}
    assert catalogue["Pre-test"].lower() == glossary["pre-test"]["ro"]["term"]
    assert catalogue["Post-test"].lower() == glossary["post-test"]["ro"]["term"]
    assert catalogue["Graded final quiz"].lower().startswith(glossary["final-quiz"]["ro"]["term"])
    title_starts = {"pre_test": "pre-test", "post_test": "post-test", "final": "final-quiz"}
    for path in sorted((BASE_DIR / "quizzes" / "demo_content").glob("*.json")):
        for quiz in json.loads(path.read_text(encoding="utf-8"))["quizzes"]:
            term = glossary[title_starts[quiz["kind"]]]
            for language in ("ro", "en"):
                title = quiz[language]["title"].lower()
                assert title.startswith(term[language]["term"]), (path.name, title)


def test_the_check_catches_a_listed_variant():
    """The content test is only worth something if it fails: a Romanian lesson saying "grooming"
    or "lover-boy" is caught, the same words in English are not."""
    lesson = {"ro": {"body": ["Metoda lover-boy și grooming-ul online"]}, "en": {"body": ["x"]}}
    variants = {
        v for term in TERMS for v in term["avoid"]["ro"] if v in next(texts_in(lesson, "ro"))
    }
    assert {"lover-boy", "grooming"} <= variants
    assert list(texts_in(lesson, "en")) == ["x"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "a_term", "its_translation"),
    [
        ("ro", "Glosar", "racolare (racolarea minorilor", "grooming (recruitment of minors"),
        ("en", "Glossary", "forced criminality", "obligarea la comiterea de infracțiuni"),
    ],
)
def test_the_glossary_page_lists_every_term_in_both_languages(
    client, demo_site, django_assert_max_num_queries, language, heading, a_term, its_translation
):
    from django.urls import reverse
    from django.utils import translation

    with translation.override(language):
        url = reverse("courses:glossary")
    assert url == f"/{language}/learning/glossary/"
    response = client.get(url)  # warms the per-process navigation cache
    with django_assert_max_num_queries(3):
        response = client.get(url + "?q=%00" + "x" * 5000)  # stray query strings are ignored
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html and a_term in html and its_translation in html
    for entry in glossary_entries(language=language):
        assert entry.term in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert f'href="{url}"' in html  # the footer links it, in the page's language
    assert client.post(url).status_code == 405

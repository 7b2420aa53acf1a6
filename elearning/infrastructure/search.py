"""The search backend: the database's own (modelsearch picks SQLite FTS5, PostgreSQL's full
text or its fallback), given only the words of what a person typed.

Every search box (the catalogue, the admin's page, document, image, snippet and user searches
and choosers) ends in this backend, so it is the one place where typed text stops being query
syntax. modelsearch passes typed terms to the database's own query language, and a `"` there
is a syntax error: FTS5 raises OperationalError (a 500, and the outage page in production).
"""

import copy
import re
from functools import cache

from modelsearch.backends.base import EmptySearchResults
from modelsearch.backends.database import SearchBackend as database_search_backend
from modelsearch.query import And, Boost, Fuzzy, Not, Or, Phrase, PlainText

_WORD = re.compile(r"\w+")


def words_only(text: str) -> str:
    """The words of `text` (letters, digits, diacritics), separated by single spaces."""
    return " ".join(_WORD.findall(text))


def words_query(query):
    """`query` with each typed text reduced to its words; None when no word is left.

    Wagtail's admin parses a quoted phrase into Phrase, `a OR b` into Or: that structure is
    kept, only the text inside it is cleaned."""
    if isinstance(query, str):
        return words_only(query) or None
    if isinstance(query, PlainText | Phrase | Fuzzy):
        words = words_only(query.query_string)
        if not words:
            return None
        query = copy.copy(query)
        query.query_string = words
        return query
    if isinstance(query, And | Or):
        subqueries = [q for q in map(words_query, query.subqueries) if q is not None]
        return type(query)(subqueries) if subqueries else None
    if isinstance(query, Not | Boost):
        subquery = words_query(query.subquery)
        if subquery is None:
            return None
        query = copy.copy(query)
        query.subquery = subquery
        return query
    return query  # MatchAll and the like: no typed text in them


class WordsOnlySearch:
    """Overrides modelsearch's private `_search`: the one method that both public entry points
    (`search` and `autocomplete`) pass the parsed query through, so words are kept for every
    search box in one place. If an upgrade renames it, tests/elearning/test_search_input.py
    fails (a typed `"` is a database syntax error again)."""

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        if query is not None:  # None is modelsearch's (deprecated) "match all"
            query = words_query(query)
            if query is None:
                return EmptySearchResults()
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


@cache
def _words_only_class(backend_class):
    return type(f"WordsOnly{backend_class.__name__}", (WordsOnlySearch, backend_class), {})


def SearchBackend(params):  # noqa: N802 - the name modelsearch looks up in a backend module
    backend_class = type(database_search_backend(params))
    return _words_only_class(backend_class)(params)

"""URL converters shared by the apps' URL configurations (registered in ElearningConfig.ready)."""

# SQLite and PostgreSQL store ids in at most 64 signed bits.
LARGEST_ID = 2**63 - 1


class DatabaseIdConverter:
    """Django's `int`, except that an id no database column can hold does not match, so the
    URL is a 404 before any view runs. Django's own integer lookups refuse such a value, but a
    lookup through a relation (a page type's `pk` is its `page_ptr`) sends it to the database,
    where sqlite3 raises OverflowError (a 500)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > LARGEST_ID:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(value)

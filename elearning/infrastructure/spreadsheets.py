"""Tables (headings + rows) and the writers that turn them into CSV and XLSX files.

Every cell a person typed (names, institutions, a trainer's question) may start with a formula
character; Excel and LibreOffice would run it. `neutralise()` makes such a cell plain text in
both CSV and XLSX. Shared by every app that offers a spreadsheet (reports, evaluation); moved
here from reports.exports, which still offers these names.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A queryset streamed in chunks: memory stays flat however many rows there are.
CHUNK_SIZE = 2000


def neutralise(value):
    """A leading apostrophe makes spreadsheet programs read the cell as text, not a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class Table:
    headings: list[str]
    rows: Iterable[list]
    count: int | None = None  # for progress, when known without reading the rows


class _Echo:
    def write(self, value):
        return value


def csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV lines, starting with a byte-order mark so Excel reads UTF-8 (ș, ț)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(table.headings)
    for row in table.rows:
        # neutralise() inlined (and dates as ISO 8601): this runs for every cell of every row,
        # 1,600,000 times for 100,000 completion rows.
        cells = []
        for value in row:
            if isinstance(value, str):
                if value.startswith(FORMULA_STARTS):
                    value = "'" + value
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            cells.append(value)
        yield writer.writerow(cells)


def in_blocks(lines: Iterable[str], size: int = 64 * 1024) -> Iterator[str]:
    """The lines joined into blocks of about `size` characters, so a streamed download costs one
    write to the socket per block rather than one per line (100,000 for 100,000 rows)."""
    block, length = [], 0
    for line in lines:
        block.append(line)
        length += len(line)
        if length >= size:
            yield "".join(block)
            block, length = [], 0
    if block:
        yield "".join(block)


def write_xlsx(
    path, table: Table, *, title: str, progress: Callable[[int], None] | None = None
) -> int:
    """Write the table to an XLSX file, row by row straight to disk (XlsxWriter's constant-memory
    mode: memory stays flat whatever the number of rows). Text is always written as text, never
    as a formula or a number, and neutralised like the CSV. Calls `progress(rows_written)` every
    CHUNK_SIZE rows. Returns the number of rows."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "tmpdir": str(Path(path).parent),
        },
    )
    sheet = workbook.add_worksheet(sheet_name(title))
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, [str(h) for h in table.headings], bold)
    count = 0
    for count, row in enumerate(table.rows, start=1):  # noqa: B007 - count is the result
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(count, column, neutralise(value))
            elif isinstance(value, datetime.date):
                sheet.write_datetime(count, column, value, date_format)
            else:
                sheet.write_number(count, column, value)
        if progress and count % CHUNK_SIZE == 0:
            progress(count)
    workbook.close()
    return count


def sheet_name(title: str) -> str:
    """Excel's rules for a sheet name: at most 31 characters, none of []:*?/\\."""
    return "".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:31] or "Report"

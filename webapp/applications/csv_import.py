"""Reading applications from a CSV file: valid rows are kept, each bad row is reported."""

import csv
import io
from dataclasses import dataclass, field

from webapp.applications.forms import FIELDS, ApplicationValues, parse_application

REQUIRED_COLUMNS = ("company", "title")
MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000


@dataclass
class CsvResult:
    rows: list[ApplicationValues] = field(default_factory=list)
    # (row number, its problems): one entry per bad row, however many problems it has.
    bad_rows: list[tuple[int, list[str]]] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [f"Row {number}: {message}" for number, messages in self.bad_rows
                for message in messages]


def template_csv() -> str:
    """A file to fill in: the header and one example row."""
    return (",".join(FIELDS) + "\r\n"
            + "Acme Corp,Backend Engineer,https://jobs.example.com/123,Remote,2025-10-20,"
              "applied,Referred by Sam\r\n")


def delimiter_of(text: str) -> str:
    """';' when the header row uses it (spreadsheets in many locales save CSV that way):
    column names never hold either character, so the header alone decides."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def decode_upload(data: bytes) -> str:
    """UTF-8 text (a spreadsheet's byte order mark is fine); anything else is refused."""
    if len(data) > MAX_BYTES:
        raise ValueError(f"The file is larger than {MAX_BYTES // 1024} KiB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise ValueError("The file is not UTF-8 text; save it as CSV UTF-8.") from problem


def _header(names: list[str]) -> list[str]:
    """Column names as written, checked; problems of the header make the whole file unusable."""
    columns = [name.strip().lower() for name in names]
    unknown = [name for name in columns if name not in FIELDS]
    if unknown:
        raise ValueError(
            f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(FIELDS)}."
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ValueError(f"The header row needs the column(s): {', '.join(missing)}.")
    if len(set(columns)) != len(columns):
        raise ValueError("A column appears twice in the header row.")
    return columns


def parse_csv(text: str) -> CsvResult:
    """Rows are numbered as a spreadsheet shows them: the header is row 1."""
    try:
        return _parse_rows(text)
    except csv.Error as problem:
        raise ValueError(f"The file is not readable as CSV: {problem}.") from problem


def _parse_rows(text: str) -> CsvResult:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text))
    try:
        columns = _header(next(reader))
    except StopIteration:
        raise ValueError("The file is empty; it needs a header row.") from None
    result = CsvResult()
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if number - 1 > MAX_ROWS:
            raise ValueError(f"The file has more than {MAX_ROWS} rows; split it.")
        if len(cells) > len(columns):
            result.bad_rows.append((number, ["more cells than columns in the header."]))
            continue
        values, errors = parse_application(dict(zip(columns, cells, strict=False)))
        if values is None:
            result.bad_rows.append((number, list(errors.values())))
        else:
            result.rows.append(values)
    return result

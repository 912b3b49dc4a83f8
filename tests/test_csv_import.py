"""CSV import: valid rows are imported, every bad row is reported by its number."""

import csv
import html
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.forms import csrf_token_from
from webapp.applications.csv_import import decode_upload, parse_csv, template_csv
from webapp.database.db import get_db
from webapp.models import Application

GOOD_AND_BAD = """company,title,posting_url,location,applied_on,status,notes
Acme Corp,Backend Engineer,https://ex.com/1,Remote,2025-10-20,applied,"Met them at a meetup, nice"
,Missing Company,,,,,
Globex,Data Engineer,,Berlin,20.10.2025,,
Initech,Platform Engineer,,,2025-10-21,ghosted,
Umbrella,SRE,,,,Interviewing,
"""


def test_parse_keeps_valid_rows_and_numbers_bad_ones_like_a_spreadsheet():
    result = parse_csv(GOOD_AND_BAD)
    assert [row.company for row in result.rows] == ["Acme Corp", "Umbrella"]
    assert result.rows[0].applied_on == date(2025, 10, 20)
    assert result.rows[0].notes == "Met them at a meetup, nice"
    assert result.rows[1].status == "interviewing"
    assert result.errors == [
        "Row 3: Company is required.",
        "Row 4: Applied on is a date like 2025-10-22 (YYYY-MM-DD).",
        "Row 5: Status is one of: applied, interviewing, offer, rejected, withdrawn.",
    ]


def test_only_required_columns_in_any_order():
    result = parse_csv("Title,Company\nEngineer,Acme\n\n")
    assert [(row.company, row.title, row.status) for row in result.rows] == [
        ("Acme", "Engineer", "applied")]


@pytest.mark.parametrize(("text", "message"), [
    ("", "The file is empty"),
    ("company,name\nAcme,x\n", "Unknown column(s): name"),
    ("company,location\nAcme,Remote\n", "needs the column(s): title"),
    ("company,title,company\n", "appears twice"),
])
def test_unusable_files_are_refused_whole(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_csv(text)


def test_a_row_with_extra_cells_is_reported():
    result = parse_csv("company,title\nAcme,Engineer,surprise\n")
    assert result.errors == ["Row 2: more cells than columns in the header."]


def test_uploads_must_be_utf8_and_may_carry_a_bom():
    assert decode_upload("\ufeffcompany,title\n".encode()) == "company,title\n"
    with pytest.raises(ValueError, match="not UTF-8"):
        decode_upload("café".encode("latin-1"))


def test_upload_imports_valid_rows_and_reports_the_rest(app, client, auth, tmp_path):
    auth.login()
    path = tmp_path / "applications.csv"
    path.write_text(GOOD_AND_BAD, encoding="utf-8")
    token = csrf_token_from(client.get("/applications/import"))
    with path.open("rb") as upload:
        response = client.post("/applications/import", data={"csrf_token": token, "file": upload},
                               content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "5 rows read: 2 rows ready to import, 3 rows with problems" in page
    assert "Row 3: Company is required." in page
    assert "Row 5: Status is one of" in page
    assert _companies(app) == []  # a preview saves nothing
    text = re.search(r'<textarea name="csv_text"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    confirmed = client.post("/applications/import/confirm",
                            data={"csrf_token": token, "csv_text": html.unescape(text)})
    assert "Imported 2 applications." in confirmed.get_data(as_text=True)
    assert "3 rows had problems and were not imported." in confirmed.get_data(as_text=True)
    assert _companies(app) == ["Acme Corp", "Umbrella"]


def _companies(app) -> list[str]:
    with app.app_context(), get_db().read_sessions() as session:
        return sorted(app.job.company for app in session.scalars(select(Application)))


def test_upload_of_an_unusable_file_imports_nothing(app, client, auth, tmp_path):
    auth.login()
    path = tmp_path / "wrong.csv"
    path.write_text("name,role\nAcme,Engineer\n", encoding="utf-8")
    token = csrf_token_from(client.get("/applications/import"))
    with path.open("rb") as upload:
        response = client.post("/applications/import", data={"csrf_token": token, "file": upload},
                               content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Unknown column(s): name, role" in response.get_data(as_text=True)
    with app.app_context(), get_db().read_sessions() as session:
        assert session.scalar(select(Application.id)) is None


def test_semicolons_separate_columns_when_the_header_uses_them():
    result = parse_csv("company;title;notes\nAcme;Engineer;met at a meetup, nice\n")
    assert [(row.company, row.title, row.notes) for row in result.rows] == [
        ("Acme", "Engineer", "met at a meetup, nice")]


def test_problems_are_counted_by_row_not_by_message():
    result = parse_csv("company,title,applied_on,status\n,,someday,ghosted\nAcme,SRE,,\n")
    assert [number for number, _messages in result.bad_rows] == [2]
    assert len(result.errors) == 4  # four messages, one row
    assert [row.company for row in result.rows] == ["Acme"]


def test_the_template_is_a_file_the_import_takes_whole():
    result = parse_csv(template_csv())
    assert result.bad_rows == [] and [row.company for row in result.rows] == ["Acme Corp"]


def test_the_template_downloads_as_csv(client, auth):
    auth.login()
    response = client.get("/applications/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert header[:2] == ["company", "title"]

"""Applications: add, validate, edit, archive and restore; nothing is ever half-saved."""

import re

import pytest
from sqlalchemy import func, select

from tests.browsing import submit
from webapp.database.db import get_db
from webapp.models import Application, Job

VALID = {
    "company": "Acme Corp", "title": "Backend Engineer",
    "posting_url": "https://jobs.example.com/42", "location": "Remote",
    "applied_on": "2025-10-20", "status": "interviewing", "notes": "Referred by Ana",
}


@pytest.fixture
def logged_in(client, auth):
    auth.login()
    return client


def _add(client, **changes):
    return submit(client, "/applications", "/applications", {**VALID, **changes})


def _stored(app) -> list[Application]:
    with app.app_context(), get_db().read_sessions() as session:
        applications = list(session.scalars(select(Application).order_by(Application.id)))
        for application in applications:
            _ = application.job.company
        return applications


def _job_count(app) -> int:
    with app.app_context(), get_db().read_sessions() as session:
        return session.scalar(select(func.count(Job.id)))


def test_list_needs_login(client, user):
    assert client.get("/applications").status_code == 302


def test_empty_list_tells_the_next_step(logged_in):
    page = logged_in.get("/applications").get_data(as_text=True)
    assert "Add the first one below" in page
    assert '<label for="company">Company' in page


def test_add_saves_job_and_application_then_opens_its_links(app, logged_in):
    response = _add(logged_in)
    stored = _stored(app)
    assert len(stored) == 1
    application = stored[0]
    assert response.status_code == 303
    assert response.headers["Location"] == f"/applications/{application.id}/edit"
    assert (application.job.company, application.job.title) == ("Acme Corp", "Backend Engineer")
    assert application.job.posting_url == "https://jobs.example.com/42"
    assert application.applied_on.isoformat() == "2025-10-20"
    assert application.status == "interviewing"
    assert application.notes == "Referred by Ana"
    page = logged_in.get("/applications").get_data(as_text=True)
    assert "Acme Corp" in page and "Backend Engineer" in page and "2025-10-20" in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("company", "  ", "Company is required."),
    ("title", "", "Job title is required."),
    ("applied_on", "20/10/2025", "Applied on is a date like 2025-10-22 (YYYY-MM-DD)."),
    ("status", "ghosted", "Status is one of: applied, interviewing, offer, rejected, withdrawn."),
    ("posting_url", "javascript:alert(1)", "Posting URL starts with https:// or http://"),
    ("company", "x" * 201, "Company is at most 200 characters."),
])
def test_bad_input_is_explained_next_to_the_field_and_nothing_saved(
        app, logged_in, field, value, message):
    response = _add(logged_in, **{field: value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'<small id="{field}-error" class="field-error">{message}</small>' in page
    assert 'aria-invalid="true"' in page
    assert _job_count(app) == 0


def test_untrusted_names_render_as_text(logged_in):
    _add(logged_in, company="<img src=x onerror=alert(1)>")
    page = logged_in.get("/applications").get_data(as_text=True)
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_edit_changes_the_application(app, logged_in):
    _add(logged_in)
    application_id = _stored(app)[0].id
    edit_page = f"/applications/{application_id}/edit"
    assert 'value="Acme Corp"' in logged_in.get(edit_page).get_data(as_text=True)
    response = submit(logged_in, edit_page, edit_page, {**VALID, "status": "offer", "location": ""})
    assert response.status_code == 303
    application = _stored(app)[0]
    assert application.status == "offer"
    assert application.job.location is None


def test_a_bad_edit_saves_nothing(app, logged_in):
    _add(logged_in)
    edit_page = f"/applications/{_stored(app)[0].id}/edit"
    response = submit(logged_in, edit_page, edit_page, {**VALID, "title": "", "status": "offer"})
    assert response.status_code == 400
    assert _stored(app)[0].status == "interviewing"


def test_archive_hides_and_unarchive_restores(app, logged_in):
    _add(logged_in)
    _add(logged_in, company="Globex", title="Data Engineer")
    acme = _stored(app)[0]
    edit_page = f"/applications/{acme.id}/edit"
    response = submit(logged_in, edit_page, f"/applications/{acme.id}/archive")
    assert response.status_code == 303
    assert _stored(app)[0].archived_at is not None
    listed = logged_in.get("/applications").get_data(as_text=True)
    assert ">Acme Corp</a>" not in listed and ">Globex</a>" in listed
    archived = logged_in.get("/applications?archived=1").get_data(as_text=True)
    assert re.search(r'>Acme Corp</a>\s*<small class="badge">archived</small>', archived)
    submit(logged_in, edit_page, f"/applications/{acme.id}/unarchive")
    assert _stored(app)[0].archived_at is None
    assert ">Acme Corp</a>" in logged_in.get("/applications").get_data(as_text=True)


def test_unknown_application_is_404(logged_in):
    assert logged_in.get("/applications/999/edit").status_code == 404
    assert logged_in.get("/applications/999/links").status_code == 404


def test_archive_without_csrf_token_is_rejected(app, logged_in):
    _add(logged_in)
    application_id = _stored(app)[0].id
    assert logged_in.post(f"/applications/{application_id}/archive").status_code == 400
    assert _stored(app)[0].archived_at is None

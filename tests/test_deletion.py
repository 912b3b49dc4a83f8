"""Deleting test clicks, a click, a link and an application: gone from link_clicks, and the
folded day rollups rebuilt so every count still equals a plain GROUP BY over what remains."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.browsing import submit
from tests.dashboard_data import add_application, add_clicks
from webapp.database.db import get_db
from webapp.models import Application, Job, LinkClick, LinkDay, TrackingLink, VisitorDay
from webapp.stats.settle import settle_and_fold

DAY = datetime(2025, 3, 10, 9, 0)


@pytest.fixture
def logged_in(client, auth):
    auth.login()
    return client


@pytest.fixture
def clicked(app):
    """Two applications; settled, folded clicks on both, some of them console tests."""
    acme = add_application(app, "Acme", "SRE", {"acme-li": "linkedin", "acme-cv": "resume"})
    globex = add_application(app, "Globex", "Data", {"globex-li": "linkedin"})
    add_clicks(app, *[
        {"tracking_id": tid, "clicked_at": DAY + timedelta(hours=hour), "click_source": "linkedin",
         "ip_address": f"192.0.2.{hour % 3 + 1}"}
        for hour, tid in enumerate(["acme-li", "acme-li", "acme-cv", "globex-li", "globex-li"])
    ])
    with app.app_context(), get_db().write_transaction() as connection:
        connection.execute(LinkClick.__table__.update().where(LinkClick.id.in_([2, 4])).values(
            metadata={"test": True, "sent_from": "test console"}))
        connection.execute(LinkClick.__table__.update().where(LinkClick.id == 5).values(
            metadata={"test": "not a boolean"}))
    with app.app_context():
        settle_and_fold(get_db())
    return {"acme": acme, "globex": globex}


def rollups_match_clicks(app) -> None:
    """link_days and visitor_days hold exactly what the remaining clicks make."""
    with app.app_context(), get_db().read_sessions() as session:
        day = func.date(LinkClick.clicked_at)
        raw_links = {(tid, str(d)): n for tid, d, n in session.execute(
            select(LinkClick.tracking_id, day, func.count()).group_by(LinkClick.tracking_id, day))}
        rolled = {(tid, str(d)): n for tid, d, n in session.execute(
            select(LinkDay.tracking_id, LinkDay.day, func.sum(LinkDay.clicks))
            .group_by(LinkDay.tracking_id, LinkDay.day))}
        raw_visitors = {(ip, str(d)) for ip, d in session.execute(
            select(LinkClick.ip_address, day).distinct())}
        visitors = {(ip, str(d)) for ip, d in session.execute(
            select(VisitorDay.ip_address, VisitorDay.day))}
    assert rolled == raw_links
    assert visitors == raw_visitors


def remaining(app) -> list[int]:
    with app.app_context(), get_db().read_sessions() as session:
        return list(session.scalars(select(LinkClick.id).order_by(LinkClick.id)))


def test_test_clicks_go_in_one_action_and_only_they(app, logged_in, clicked):
    page = logged_in.get("/settings/console").get_data(as_text=True)
    assert "<span data-test-count>2</span>" in page
    response = submit(logged_in, "/settings/console", "/settings/console/test-clicks/delete")
    assert response.status_code == 303
    assert remaining(app) == [1, 3, 5]  # a string "test" is a sender's, not the console's
    rollups_match_clicks(app)
    assert "Deleted 2 test clicks." in logged_in.get("/settings/console").get_data(as_text=True)


def test_one_click_is_deleted_after_a_confirmation(app, logged_in, clicked):
    confirm = logged_in.get("/clicks/3/delete")
    assert confirm.status_code == 200
    assert "Acme" in confirm.get_data(as_text=True) and remaining(app) == [1, 2, 3, 4, 5]
    response = submit(logged_in, "/clicks/3/delete", "/clicks/3/delete")
    assert response.status_code == 303
    assert remaining(app) == [1, 2, 4, 5]
    rollups_match_clicks(app)
    assert logged_in.get("/clicks/3/delete").status_code == 404


def test_a_link_goes_with_its_clicks(app, logged_in, clicked):
    with app.app_context(), get_db().read_sessions() as session:
        link_id = session.scalar(select(TrackingLink.id).where(TrackingLink.tracking_id == "acme-li"))
    page = f"/applications/{clicked['acme']}/links/{link_id}/delete"
    assert "Delete link and 2 clicks" in logged_in.get(page).get_data(as_text=True)
    assert submit(logged_in, page, page).status_code == 303
    assert remaining(app) == [3, 4, 5]
    rollups_match_clicks(app)
    other = f"/applications/{clicked['globex']}/links/{link_id}/delete"
    assert logged_in.get(other).status_code == 404


def test_an_application_goes_with_its_job_links_and_clicks(app, logged_in, clicked):
    page = f"/applications/{clicked['acme']}/delete"
    text = logged_in.get(page).get_data(as_text=True)
    assert "Its 2 links and 3 clicks are deleted with it." in text
    response = submit(logged_in, page, page)
    assert response.status_code == 303
    assert remaining(app) == [4, 5]
    rollups_match_clicks(app)
    with app.app_context(), get_db().read_sessions() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 1
        assert session.scalar(select(func.count()).select_from(TrackingLink)) == 1
        assert session.get(Application, clicked["acme"]) is None


def test_deleting_needs_a_post_with_a_token(app, logged_in, clicked):
    assert logged_in.post("/clicks/3/delete").status_code == 400  # no CSRF token
    assert remaining(app) == [1, 2, 3, 4, 5]

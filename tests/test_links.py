"""Tracked links: unguessable ids, URLs from the configured template, the htmx region."""

import re

import pytest
from sqlalchemy import select

from tests.browsing import htmx_post, submit
from tests.ingest_helpers import post_batch, stored_clicks
from webapp.applications.links import create_link, tracked_url
from webapp.database.db import get_db
from webapp.models import Application, TrackingLink
from webapp.rules import TRACKING_ID, normalise_source

TEMPLATE = "https://steve-glen.com/{source}?tid={tracking_id}"


def test_tracked_url_fills_the_template():
    assert tracked_url(TEMPLATE, "linkedin", "abc-123") == (
        "https://steve-glen.com/linkedin?tid=abc-123")


def test_tracked_url_quotes_free_text():
    assert tracked_url(TEMPLATE, "my blog/post", "a&b=c") == (
        "https://steve-glen.com/my%20blog%2Fpost?tid=a%26b%3Dc")


@pytest.mark.parametrize(("typed", "stored"), [
    ("LinkedIn", "linkedin"), ("  Job  Board ", "job  board"), ("email", "email"),
])
def test_sources_are_stored_like_click_sources(typed, stored):
    assert normalise_source(typed) == stored


@pytest.fixture
def application_id(app, client, auth):
    auth.login()
    submit(client, "/applications", "/applications", {"company": "Acme", "title": "Engineer"})
    with app.app_context(), get_db().read_sessions() as session:
        return session.scalar(select(Application.id))


def _links(app) -> list[TrackingLink]:
    with app.app_context(), get_db().read_sessions() as session:
        return list(session.scalars(select(TrackingLink).order_by(TrackingLink.id)))


def test_adding_a_link_swaps_in_its_ready_to_paste_url(app, client, application_id):
    app.config["TRACKED_LINK_TEMPLATE"] = "https://example.org/go/{source}/{tracking_id}"
    page = f"/applications/{application_id}/edit"
    response = htmx_post(client, page, f"/applications/{application_id}/links",
                         {"source": "LinkedIn", "label": "Profile"})
    assert response.status_code == 200
    (link,) = _links(app)
    assert link.source == "linkedin" and link.label == "Profile"
    assert TRACKING_ID.fullmatch(link.tracking_id) and len(link.tracking_id) >= 22
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<section id="links-{application_id}"')
    assert f'value="https://example.org/go/linkedin/{link.tracking_id}"' in html
    assert f'data-copy="#link-url-{link.id}"' in html


def test_every_link_gets_a_fresh_id(app, client, application_id):
    page = f"/applications/{application_id}/edit"
    for source in ("resume", "resume", "calendly"):
        htmx_post(client, page, f"/applications/{application_id}/links", {"source": source})
    ids = {link.tracking_id for link in _links(app)}
    assert len(ids) == 3


def test_links_region_is_served_on_its_own(app, client, application_id):
    page = f"/applications/{application_id}/edit"
    htmx_post(client, page, f"/applications/{application_id}/links", {"source": "portfolio"})
    html = client.get(f"/applications/{application_id}/links").get_data(as_text=True)
    assert "<html" not in html
    assert "https://steve-glen.com/portfolio?tid=" in html
    assert 'hx-swap="outerHTML"' in html


def test_a_link_without_source_is_explained(app, client, application_id):
    page = f"/applications/{application_id}/edit"
    response = htmx_post(client, page, f"/applications/{application_id}/links", {"source": " "})
    assert "Choose a source or type one." in response.get_data(as_text=True)
    assert _links(app) == []


def test_adding_a_link_without_htmx_comes_back_to_the_page(app, client, application_id):
    page = f"/applications/{application_id}/edit"
    response = submit(client, page, f"/applications/{application_id}/links", {"source": "email"})
    assert response.status_code == 303
    assert response.headers["Location"] == page
    assert "https://steve-glen.com/email?tid=" in client.get(page).get_data(as_text=True)
    assert re.search(r"<td class=\"numeric\" data-label=\"Links\">1</td>", client.get("/applications").get_data(
        as_text=True))


def test_htmx_post_without_csrf_header_is_rejected(app, client, application_id):
    response = client.post(f"/applications/{application_id}/links", data={"source": "email"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert _links(app) == []


def test_create_link_registers_a_given_tracking_id(app, application_id):
    with app.app_context(), get_db().write_sessions() as session:
        job_id = session.get(Application, application_id).job_id
        link = create_link(session, job_id, "LinkedIn", tracking_id="seen-before_1",
                           label="Registered later")
        session.commit()
        assert (link.tracking_id, link.source) == ("seen-before_1", "linkedin")
        with pytest.raises(ValueError, match="already exists"):
            create_link(session, job_id, "email", tracking_id="seen-before_1")
        with pytest.raises(ValueError, match="tracking id is 1 to 100"):
            create_link(session, job_id, "email", tracking_id="has space")
        with pytest.raises(ValueError, match="No job with id"):
            create_link(session, job_id + 100, "email")


def test_a_link_with_spaced_source_counts_its_own_clicks(app, client, application_id, api_key):
    """The dashboard and the ingest door store a source by one rule, so a link registered
    as "  Job  Board " owns the clicks a sender posts with that source."""
    htmx_post(client, f"/applications/{application_id}/edit",
              f"/applications/{application_id}/links", {"source": "  Job  Board "})
    (link,) = _links(app)
    events = [{"tracking_id": link.tracking_id, "clicked_at": "2025-10-22T14:30:00Z",
               "ip_address": "192.0.2.7", "click_source": "  Job  Board "}]
    assert post_batch(client, api_key, events).status_code == 200
    (click,) = stored_clicks(app)
    assert click.click_source == link.source == "job  board"
    page = client.get(f"/partials/clicks?range=all&who=everyone&source={click.click_source}")
    assert page.get_data(as_text=True).count("192.0.2.7") == 1

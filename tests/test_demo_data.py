"""demo-data fills a realistic job search: applications, links, clicks of every kind settled by
the classifier, unmatched ids."""

from sqlalchemy import func, select

from webapp.database.db import get_db
from webapp.models import Application, LinkClick, TrackingLink
from webapp.timeutil import utcnow


def count(app, statement) -> int:
    with app.app_context(), get_db().engine.connect() as connection:
        return connection.scalar(statement)


def count_rows(app, statement) -> list:
    with app.app_context(), get_db().engine.connect() as connection:
        return connection.execute(statement).all()


def test_demo_data_fills_the_database(app, runner):
    result = runner.invoke(args=["demo-data", "--clicks", "3000", "--days", "60", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "Added 3000 demo clicks over 60 days" in result.output
    assert "kinds settled and rollups folded in" in result.output
    assert count(app, select(func.count()).select_from(LinkClick)) == 3000
    assert count(app, select(func.count()).select_from(Application)) >= 3
    assert count(app, select(func.count()).select_from(TrackingLink)) >= 6
    kinds = dict(count_rows(app, select(LinkClick.kind, func.count()).group_by(LinkClick.kind)))
    assert 0 < kinds["bot"] < 600 and kinds["preview"] > 0 and kinds["scanner"] > 0
    assert kinds["person"] > 2000
    assert count(app, select(func.count()).where(LinkClick.rules_version.is_(None))) == 0
    scans = count_rows(app, select(LinkClick.reason, LinkClick.network)
                       .where(LinkClick.kind == "scanner"))
    assert any("mail security scan" in reason and network == "Microsoft"
               for reason, network in scans), scans[:5]
    unmatched = count(app, select(func.count()).where(
        LinkClick.tracking_id.not_in(select(TrackingLink.tracking_id))))
    assert 0 < unmatched < 300
    sources = count(app, select(func.count(LinkClick.click_source.distinct())))
    assert sources >= 3
    oldest = count(app, select(func.min(LinkClick.clicked_at)))
    newest = count(app, select(func.max(LinkClick.clicked_at)))
    assert (utcnow() - oldest).days <= 61 and newest <= utcnow()


def test_demo_data_can_be_added_twice(app, runner):
    for _ in range(2):
        result = runner.invoke(args=["demo-data", "--clicks", "100", "--days", "10", "--seed", "1"])
        assert result.exit_code == 0, result.output
    assert count(app, select(func.count()).select_from(LinkClick)) == 200


def test_demo_data_refuses_nonsense(runner):
    result = runner.invoke(args=["demo-data", "--clicks", "-5"])
    assert result.exit_code != 0

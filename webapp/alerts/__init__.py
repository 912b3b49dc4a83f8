"""Alerts: tell the job seeker when a person looks, through Apprise URLs or signed webhooks.

Public API (import from the modules, so the models stay free of the senders' imports):
- webapp.alerts.decide.decide(connection, settled_clicks): in the transaction that settles
  click kinds, record them and queue the alerts their people call for;
- webapp.alerts.dispatcher.start_in_background(app), or `tracking-ingest dispatch`: send
  the outbox (one active dispatcher across processes and hosts, by a database lease);
- webapp.alerts.outbox.failing_channels(connection): the channels to flag on the dashboard."""

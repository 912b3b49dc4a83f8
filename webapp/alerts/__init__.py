"""Alerts: tell the job seeker when a person looks, through Apprise URLs or signed webhooks.

Public API: decide() records alerts in the transaction that settles click kinds;
start_in_background() or `tracking-ingest dispatch` sends them; failing_channels() tells
the dashboard which channel keeps failing."""

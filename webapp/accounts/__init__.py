"""Who may use the dashboard and the ingest door: setup, login, throttling, API keys, settings."""

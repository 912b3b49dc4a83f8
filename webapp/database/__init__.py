"""Where the data lives: engines and sessions, SQLite tuning, migrations, leases."""

"""The job seeker's applications, their page, their tracked links and CSV import."""

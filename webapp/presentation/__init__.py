"""Turning stored values into what a person reads: times, charts, browsers, CSV cells."""

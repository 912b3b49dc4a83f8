"""Placeholder blueprint, filled in by the dashboard work."""

from flask import Blueprint

bp = Blueprint("settings", __name__)

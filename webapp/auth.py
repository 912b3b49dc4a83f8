"""Placeholder blueprint, filled in by the dashboard work."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

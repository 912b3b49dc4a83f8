"""Response headers that keep untrusted strings inert in the browser, HTTPS kept once
used, and the client's address taken from trusted proxies only."""

from flask import current_app
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script anywhere: every script is a file under /static. Plotly sets inline
# style attributes on its SVG, so styles allow them; scripts never.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Served over HTTPS (the secure cookie says so), browsers are told to stay on HTTPS: a year.
HSTS = "max-age=31536000"


def _set_headers(response):
    headers = response.headers
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", HSTS)
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app) -> None:
    if app.config["TRUSTED_PROXIES"]:
        # The client's address and scheme as the proxies in front saw them (throttling and
        # secure cookies depend on both); only as many hops as are trusted, never more.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
    app.after_request(_set_headers)

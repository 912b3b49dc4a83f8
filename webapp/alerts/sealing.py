"""Channel addresses hold credentials (SMTP passwords, chat tokens, signing secrets): they
are stored as Fernet tokens under a key derived from SECRET_KEY, never in the clear."""

import base64
import json

# HKDF's info binds the derived key to this one use, so the session-signing key and this
# encryption key never coincide (RFC 5869, section 3.2).
_INFO = b"tracking-ingest alerts: channel addresses v1"


class CannotUnseal(Exception):
    """The token was sealed under another SECRET_KEY (or altered)."""


def _fernet(secret_key: str):
    """Imported on use: cryptography costs every worker ~9 MB, and only alerts need it."""
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret_key: str, values: dict) -> str:
    return _fernet(secret_key).encrypt(json.dumps(values).encode()).decode("ascii")


def unseal(secret_key: str, token: str) -> dict:
    from cryptography.fernet import InvalidToken

    try:
        return json.loads(_fernet(secret_key).decrypt(token.encode("ascii")))
    except InvalidToken as problem:
        raise CannotUnseal(
            "this channel was saved under another SECRET_KEY: remove it and add it again"
        ) from problem

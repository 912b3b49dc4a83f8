"""Login sessions kept on the server: a session cookie is only good while its row exists."""

import secrets

from flask_login import login_user
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from webapp.models import LoginSession, User


def sign_in(session: Session, user: User) -> None:
    """Start a login session for user (committed by the caller's session) and sign in."""
    user.session_token = secrets.token_urlsafe(32)
    session.add(LoginSession(token=user.session_token, user_id=user.id))
    session.commit()
    login_user(user)


def user_of(session: Session, session_id: str) -> User | None:
    """The user a session cookie names, while its login session lasts."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    found = session.execute(
        select(User).join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token == token, User.id == int(user_id))
    ).scalar_one_or_none()
    if found is not None:
        found.session_token = token
    return found


def end(session: Session, user: User) -> None:
    """Delete the login session: its cookie, and every copy of it, stops working."""
    session.execute(delete(LoginSession).where(LoginSession.token == user.session_token))
    session.commit()

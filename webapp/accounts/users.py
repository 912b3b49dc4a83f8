"""Dashboard accounts: Argon2id password hashes (argon2-cffi's tuned defaults)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.models import User

MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def validate_new_account(email: str, password: str) -> list[str]:
    """The problems with a proposed account, in words a person can act on."""
    problems = []
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        problems.append("Enter a valid email address.")
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    return problems


def create_user(session: Session, email: str, password: str) -> User:
    email = normalise_email(email)
    problems = validate_new_account(email, password)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        problems.append(f"A user with the email {email} already exists.")
    if problems:
        raise ValueError(" ".join(problems))
    user = User(email=email, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    return user


def check_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def user_count(session: Session) -> int:
    return session.scalar(select(func.count(User.id))) or 0


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))

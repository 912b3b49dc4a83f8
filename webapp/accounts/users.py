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


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password needs at least {MIN_PASSWORD_LENGTH} characters."
    return None


def account_problems(email: str, password: str) -> dict[str, str]:
    """The problems with a proposed account by form field, in words a person can act on."""
    problems = {}
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        problems["email"] = "Enter a valid email address."
    if problem := password_problem(password):
        problems["password"] = problem
    return problems


def validate_new_account(email: str, password: str) -> list[str]:
    """The problems with a proposed account, in words a person can act on."""
    return list(account_problems(email, password).values())


def set_password(user: User, password: str) -> None:
    user.password_hash = _hasher.hash(password)


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

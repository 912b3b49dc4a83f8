"""The five kinds of click and the rules' version, one definition for ingest, fold and views."""

from typing import NamedTuple

PERSON = "person"
PREVIEW = "preview"
SCANNER = "scanner"
BOT = "bot"
YOU = "you"
KINDS = (PERSON, PREVIEW, SCANNER, BOT, YOU)

# Stored on every click with its kind: a click settled by older rules is due for reclassify.
RULES_VERSION = 1


class Verdict(NamedTuple):
    """A kind and the plain-words reason a person can check it by."""

    kind: str
    reason: str


class AgentVerdict(NamedTuple):
    """What the user agent alone says: kind None means "looks like a browser or an app"."""

    kind: str | None
    reason: str

"""Who clicked: person, preview, scanner, bot or you, each with a reason a person can check.
Pure and database-free; ingest asks agent_verdict, the fold asks classify."""

from webapp.kinds.agents import agent_verdict, ingest_verdict
from webapp.kinds.kinds import (
    BOT,
    KINDS,
    PERSON,
    PREVIEW,
    RULES_VERSION,
    SCANNER,
    YOU,
    AgentVerdict,
    Verdict,
)
from webapp.kinds.networks import Network, network_of, same_company
from webapp.kinds.request import details_from_metadata
from webapp.kinds.timeline import Click
from webapp.kinds.verdict import classify

__all__ = [
    "BOT", "KINDS", "PERSON", "PREVIEW", "RULES_VERSION", "SCANNER", "YOU", "AgentVerdict",
    "Click", "Network", "Verdict", "agent_verdict", "classify", "details_from_metadata",
    "ingest_verdict", "network_of", "same_company",
]

"""How the pages name each kind of click: a badge, and a count of what the filters leave out."""

from webapp.kinds import BOT, KINDS, PERSON, PREVIEW, SCANNER, YOU

BADGES = {PERSON: "person", PREVIEW: "preview", SCANNER: "scanner", BOT: "bot", YOU: "you"}
_COUNTED = {PERSON: ("person", "people"), PREVIEW: ("preview", "previews"),
            SCANNER: ("scanner check", "scanner checks"), BOT: ("bot", "bots"),
            YOU: ("click of yours", "clicks of yours")}


def left_out(counts: dict[str, int]) -> str:
    """"+ 12 previews, 3 scanner checks, 40 bots" for the kinds the filters leave out."""
    parts = [f"{counts[kind]:,} {_COUNTED[kind][counts[kind] != 1]}"
             for kind in KINDS if counts.get(kind)]
    return "+ " + ", ".join(parts) if parts else ""

"""CSV cells a spreadsheet program shows as text: senders choose user agents, referrers and
tracking ids, and a cell starting like a formula would run when the file is opened."""

# A cell starting with one of these is a formula to a spreadsheet program (OWASP, "CSV
# Injection": https://owasp.org/www-community/attacks/CSV_Injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as text, with a leading quote when it would otherwise run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text

"""Who owns the network a click came from, and in which country, from the AS and country
data that geoip2fast ships inside its package (MaxMind GeoLite2-derived, IPv4 and IPv6):
nothing is downloaded at run time. The owner is evidence, never a verdict on its own:
people work at Microsoft and Google too."""

import re
import threading
from functools import lru_cache
from typing import NamedTuple

from webapp.kinds import network_table

# The package's data file with AS names and IPv6 (geoip2fast README, "data files").
_DATA_FILE = "geoip2fast-asn-ipv6.dat.gz"


SECURITY = "mail security"  # a gateway's own network: a browser-looking click there is a check
CLOUD = "cloud"  # where previewers, scanners and bots run, and people work too


class Network(NamedTuple):
    owner: str | None  # a name a person reads: "Microsoft", "Deutsche Telekom AG"
    country: str | None  # ISO 3166 code
    role: str | None  # SECURITY, CLOUD, or None for the rest (ISPs, companies)


# AS names (as GeoLite2 spells them) of networks where previews, scanners and bots run:
# the mail gateways of the issue (Microsoft Defender Safe Links runs in Microsoft's network:
# edalzell/laravel-passwordless-login#79 quotes 104.47.x and 20.72.x), the big clouds the
# other gateways rent (onetimesecret/onetimesecret#359: "two link reads ... from AWS"), and
# the platforms whose previewers fetch links. Only the mail gateways' own networks count as
# SECURITY: web-security vendors (Zscaler, Cisco, Palo Alto...) also carry employees' browsing.
_KNOWN = [
    (r"^MICROSOFT", "Microsoft", CLOUD),
    (r"^GOOGLE", "Google", CLOUD),
    (r"^AMAZON", "Amazon (AWS)", CLOUD),
    (r"^PROOFPOINT", "Proofpoint", SECURITY),
    (r"^MIMECAST", "Mimecast", SECURITY),
    (r"^BARRACUDA", "Barracuda", SECURITY),
    (r"^CISCO|IRONPORT", "Cisco", CLOUD),
    (r"^FORCEPOINT", "Forcepoint", CLOUD),
    (r"^TREND ?MICRO", "Trend Micro", CLOUD),
    (r"^ZSCALER", "Zscaler", CLOUD),
    (r"^PALO ?ALTO", "Palo Alto Networks", CLOUD),
    (r"^FORTINET", "Fortinet", CLOUD),
    (r"^SOPHOS", "Sophos", CLOUD),
    (r"^SYMANTEC|^BROADCOM", "Broadcom (Symantec)", CLOUD),
    (r"^HORNETSECURITY", "Hornetsecurity", SECURITY),
    (r"^CLOUDFLARE", "Cloudflare", CLOUD),
    (r"^AKAMAI", "Akamai", CLOUD),
    (r"^DIGITALOCEAN", "DigitalOcean", CLOUD),
    (r"^OVH", "OVH", CLOUD),
    (r"^HETZNER", "Hetzner", CLOUD),
    (r"^LINODE|^AKAMAI-LINODE", "Linode", CLOUD),
    (r"^ORACLE", "Oracle Cloud", CLOUD),
    (r"^LINKEDIN", "LinkedIn", CLOUD),
    (r"^FACEBOOK|^META", "Meta", CLOUD),
    (r"^APPLE", "Apple", CLOUD),
]
_KNOWN_COMPILED = [(re.compile(p, re.IGNORECASE), name, role) for p, name, role in _KNOWN]


_loaded: list[network_table.Table] = []
_loading = threading.Lock()


def _table() -> network_table.Table:
    """Loaded on first use, once per process and by one thread (about 12 MB; geoip2fast's
    own objects would take 115 MB): from the cache, else built in a child in about 2 s."""
    with _loading:
        if not _loaded:
            _loaded.append(network_table.load(network_table.installed_data_file(_DATA_FILE)))
        return _loaded[0]


def prepare() -> None:
    """Build the table's cache now if it is missing (serve calls this before its workers
    start, so none of them pays the 2 s build or its 141 MB child while serving)."""
    _table()


# A lookup takes about 5 us; 65536 cached answers took 14.5 MB, as much as the table.
@lru_cache(maxsize=4096)
def network_of(ip: str | None) -> Network:
    """Owner and country of an address; all None for private, unknown or invalid ones."""
    if not ip:
        return Network(None, None, None)
    country, as_name = _table().lookup(ip)
    if len(country) != 2:
        return Network(None, None, None)
    owner, role = _owner(as_name)
    return Network(owner, country, role)


# Parts of AS handles that name the block, not the owner ("MICROSOFT-CORP-MSN-AS-BLOCK").
_HANDLE_NOISE = {"as", "asn", "net", "network", "networks", "block", "backbone", "ip", "ix"}


def _owner(as_name: str) -> tuple[str | None, str | None]:
    """(a readable owner name, its role) from an AS name."""
    if not as_name.strip():
        return None, None
    for pattern, name, role in _KNOWN_COMPILED:
        if pattern.search(as_name):
            return name, role
    if " " in as_name or not as_name.isupper():
        return as_name, None
    # A bare handle such as "COMCAST-7922": keep its words, drop numbers and block words.
    words = [w for w in re.split(r"[-_.]", as_name)
             if w and not w.isdigit() and w.lower() not in _HANDLE_NOISE]
    return (" ".join(w.capitalize() for w in words) or as_name), None


# Legal forms and filler words that differ between a company's name and its network's
# ("Acme Corp" and "ACME CORPORATION", "Google LLC" and "GOOGLE", "Amazon.com, Inc.").
_LEGAL = {
    "inc", "incorporated", "corp", "corporation", "co", "company", "llc", "llp", "lp", "ltd",
    "limited", "gmbh", "mbh", "ag", "kg", "se", "sa", "sas", "sarl", "srl", "spa", "bv", "nv",
    "plc", "oy", "oyj", "ab", "as", "asa", "aps", "pty", "pte", "kk", "the", "group", "holding",
    "holdings", "com", "and",
} | _HANDLE_NOISE


def _name_words(name: str) -> list[str]:
    words = re.split(r"[^a-z0-9]+", name.lower().replace("&", " and "))
    return [w for w in words if w and not w.isdigit() and w not in _LEGAL]


def same_company(network_owner: str | None, company: str | None) -> bool:
    """True when the network's owner is the company, names compared without legal forms and
    case; one name may add words to the other ("Microsoft" and "Microsoft Corp MSN")."""
    owner, wanted = _name_words(network_owner or ""), _name_words(company or "")
    if not owner or not wanted:
        return False
    shorter, longer = sorted((owner, wanted), key=len)
    return longer[: len(shorter)] == shorter

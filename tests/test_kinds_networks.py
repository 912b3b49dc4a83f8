"""Network owner and country from the shipped AS data, and company names compared without
legal forms."""

import pytest

from webapp.kinds import network_of, same_company
from webapp.kinds.networks import CLOUD, SECURITY, Network


@pytest.mark.parametrize("ip, owner, country, role", [
    ("20.72.100.79", "Microsoft", "US", CLOUD),
    ("8.8.8.8", "Google", "US", CLOUD),
    ("2a00:1450:4001:80b::200e", "Google", "DE", CLOUD),
    ("148.163.152.1", "Proofpoint", "US", SECURITY),
    ("205.139.110.10", "Mimecast", "US", SECURITY),
    ("80.133.1.1", "Deutsche Telekom AG", "DE", None),
    ("73.1.1.1", "Comcast", "US", None),
])
def test_network_of_public_addresses(ip, owner, country, role):
    assert network_of(ip) == Network(owner, country, role)


@pytest.mark.parametrize("ip", ["10.1.2.3", "127.0.0.1", "::1", "192.168.0.1", "", None, "nope"])
def test_private_and_invalid_addresses_have_no_network(ip):
    assert network_of(ip) == Network(None, None, None)


@pytest.mark.parametrize("owner, company, same", [
    ("Acme Corp", "ACME CORPORATION", True),
    ("Google", "Google LLC", True),
    ("Amazon (AWS)", "Amazon.com, Inc.", True),
    ("Microsoft", "Microsoft Corporation", True),
    ("Deutsche Telekom AG", "Deutsche Telekom", True),
    ("Deutsche Telekom AG", "Deutsche Bank AG", False),
    ("Comcast", "Acme Corp", False),
    ("Acme Corp", "", False),
    (None, "Acme", False),
    ("Inc.", "LLC", False),
])
def test_same_company(owner, company, same):
    assert same_company(owner, company) is same

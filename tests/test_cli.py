"""The command line as scripts and operators use it."""

from tests.ingest_helpers import GUIDE_EVENT, post_batch


def test_api_keys_create_prints_the_key_alone_on_the_last_line(runner, client):
    result = runner.invoke(args=["api-keys", "create", "steve-glen.com"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("ti_") and " " not in key and len(key) > 40
    assert post_batch(client, key, [GUIDE_EVENT]).status_code == 200


def test_a_key_name_is_used_once(runner):
    runner.invoke(args=["api-keys", "create", "site"])
    result = runner.invoke(args=["api-keys", "create", "site"])
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_api_keys_list_never_shows_a_full_key(runner):
    key = runner.invoke(args=["api-keys", "create", "site"]).output.strip().splitlines()[-1]
    listing = runner.invoke(args=["api-keys", "list"]).output
    assert "site" in listing and key[:10] in listing
    assert key not in listing


def test_revoke_stops_the_key_at_once(runner, client):
    key = runner.invoke(args=["api-keys", "create", "site"]).output.strip().splitlines()[-1]
    result = runner.invoke(args=["api-keys", "revoke", "site"])
    assert result.exit_code == 0
    assert post_batch(client, key, [GUIDE_EVENT]).status_code == 401
    assert "site" in runner.invoke(args=["api-keys", "list"]).output


def test_revoking_an_unknown_key_fails(runner):
    result = runner.invoke(args=["api-keys", "revoke", "nobody"])
    assert result.exit_code != 0 and "No key named" in result.output


def test_create_user_reads_the_password_from_stdin(runner):
    result = runner.invoke(args=["create-user", "Me@Example.com", "--password-stdin"],
                           input="a good long password\n")
    assert result.exit_code == 0, result.output
    assert "me@example.com" in result.output


def test_create_user_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-user", "me@example.com", "--password-stdin"],
                           input="short\n")
    assert result.exit_code != 0 and "at least 8" in result.output

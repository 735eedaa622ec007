"""Reading the operator's access tokens, and refusing a malformed list."""

from __future__ import annotations

from pathlib import Path

import pytest

from dora.domain.errors import InvalidParameter
from dora.entrypoints.http_auth import Keyring, check_exposure, is_loopback
from dora.entrypoints.tokens import Role, tokens_from_env

READER = "r" * 16
WRITER = "w-._~+/=W" * 2


def test_tokens_come_from_the_variable_and_the_file(tmp_path: Path):
    listing = tmp_path / "tokens"
    listing.write_text(f"# operators\n\n{WRITER} * write  # all orgs\n")

    tokens = tokens_from_env(
        {"DORA_TOKENS": f"{READER} acme read", "DORA_TOKENS_FILE": str(listing)}
    )

    assert [(t.org, t.role) for t in tokens] == [
        ("acme", Role.READ),
        ("*", Role.WRITE),
    ]


def test_entries_of_the_variable_are_separated_by_commas_or_lines():
    env = {"DORA_TOKENS": f"{READER} acme read,\n{WRITER} beta write"}

    assert [t.org for t in tokens_from_env(env)] == ["acme", "beta"]


def test_no_variables_configure_no_tokens():
    assert tokens_from_env({}) == ()


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        (f"{READER} acme", "expected 'TOKEN ORG|* read|write', got 2 fields"),
        ("short acme read", "at least 16 characters"),
        (f"{READER}! acme read", "at least 16 characters"),
        (f"{READER} Acme read", "org 'Acme' is neither a slug nor *"),
        (f"{READER} acme admin", "role 'admin' is not read or write"),
    ],
)
def test_a_malformed_line_is_refused_by_its_number(tmp_path: Path, line, complaint):
    listing = tmp_path / "tokens"
    listing.write_text(f"{WRITER} * write\n{line}\n")

    with pytest.raises(InvalidParameter) as refused:
        tokens_from_env({"DORA_TOKENS_FILE": str(listing)})

    assert f"DORA_TOKENS_FILE {str(listing)!r} line 2: " in refused.value.message
    assert complaint in refused.value.message


def test_a_refusal_never_shows_the_token():
    with pytest.raises(InvalidParameter) as refused:
        tokens_from_env({"DORA_TOKENS": f"{READER} acme owner"})

    assert READER not in refused.value.message
    assert "DORA_TOKENS entry 1" in refused.value.message


def test_a_token_listed_twice_is_refused():
    with pytest.raises(InvalidParameter, match=r"entry 2: the same token as .* 1"):
        tokens_from_env({"DORA_TOKENS": f"{READER} acme read, {READER} beta read"})


def test_a_missing_or_empty_file_is_refused(tmp_path: Path):
    empty = tmp_path / "empty"
    empty.write_text("# nobody yet\n")

    with pytest.raises(InvalidParameter, match="cannot be read"):
        tokens_from_env({"DORA_TOKENS_FILE": str(tmp_path / "absent")})
    with pytest.raises(InvalidParameter, match="holds no token"):
        tokens_from_env({"DORA_TOKENS_FILE": str(empty)})


def test_a_token_is_found_by_its_text_and_shown_by_nothing_else():
    tokens = tokens_from_env({"DORA_TOKENS": f"{READER} acme read"})
    keyring = Keyring(tokens)

    assert keyring.find(READER) is tokens[0]
    assert keyring.find(READER + "x") is None
    assert keyring.find("") is None
    assert READER not in repr(tokens)


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"]
)
def test_loopback_addresses_are_recognised(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.1.2.3", "dora.example"])
def test_other_addresses_are_not_loopback(host):
    assert not is_loopback(host)


def test_an_open_service_is_refused_beyond_loopback():
    with pytest.raises(InvalidParameter, match=r"--host: .* is not a loopback"):
        check_exposure("0.0.0.0", has_tokens=False, insecure=False)

    check_exposure("0.0.0.0", has_tokens=True, insecure=False)
    check_exposure("0.0.0.0", has_tokens=False, insecure=True)
    check_exposure("127.0.0.1", has_tokens=False, insecure=False)

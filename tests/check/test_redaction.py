"""What counts as a credential, and how :mod:`generator.check.redaction` keeps credentials out of reports."""

from __future__ import annotations

import base64

import pytest

from generator.check.redaction import (
    REDACTED,
    Secrets,
    body_credentials,
    header_credentials,
    is_credential_name,
    redact_url,
)
from tests.check.credentials import CREDENTIAL_NAMES


@pytest.mark.parametrize("name", CREDENTIAL_NAMES)
def test_credential_like_names(name: str) -> None:
    assert is_credential_name(name)


@pytest.mark.parametrize(
    "name",
    ["id", "limit", "type", "name", "author", "status", "code", "expand", "page[size]", ""],
)
def test_ordinary_names(name: str) -> None:
    assert not is_credential_name(name)


def test_header_credentials_cover_schemes_cookies_and_named_headers() -> None:
    basic = base64.b64encode(b"alice:hunter22").decode()
    assert set(header_credentials("Authorization", f"Basic {basic}")) == {
        f"Basic {basic}",
        basic,
        "alice:hunter22",
        "hunter22",
    }
    assert set(header_credentials("Authorization", "Bearer t0k3n")) == {"Bearer t0k3n", "t0k3n"}
    assert set(header_credentials("Cookie", "sid=abc123; theme=dark")) == {
        "sid=abc123; theme=dark",
        "abc123",
        "dark",
    }
    assert header_credentials("X-Api-Key", "k-123") == ["k-123"]
    assert header_credentials("Accept", "application/json") == []


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('"s3cr3t-value" is not of type "integer"', "raw"),
        ('"s3cr3t\\"value" is not of type "integer"', "json-escaped"),
        ("https://x.test/?q=s3cr3t%2Fvalue", "percent-encoded"),
        ("prefix s3cr3t-value suffix", "inside other text"),
    ],
)
def test_secrets_are_masked_in_every_form_a_report_writes_them(text: str, written: str) -> None:
    secrets = Secrets(["s3cr3t-value", 's3cr3t"value', "s3cr3t/value"])
    masked = secrets.mask(text)
    assert "s3cr3t" not in masked, written
    assert REDACTED in masked


def test_short_secrets_are_masked_only_as_whole_values() -> None:
    secrets = Secrets(["ab"])
    assert secrets.mask('"ab" is too short') == f'"{REDACTED}" is too short'
    assert secrets.mask("x=ab&y=1") == f"x={REDACTED}&y=1"
    # As a substring, a two-letter secret would blank out unrelated words.
    assert secrets.mask("absent label") == "absent label"


def test_too_many_secrets_mask_every_quoted_value() -> None:
    secrets = Secrets(f"token-{n:05}" for n in range(2000))
    assert secrets.overflow
    assert secrets.mask('"token-01999" and "anything"') == f'"{REDACTED}" and "{REDACTED}"'


@pytest.mark.parametrize(
    ("url", "kept", "hidden"),
    [
        ("https://x.test/cb#access_token=T0KEN&token_type=bearer", "https://x.test/cb#", "T0KEN"),
        ("https://x.test/a?api_key[]=K3Y&q=1", "api_key[]=REDACTED&q=1", "K3Y"),
        ("https://x.test/a?token[0]=K3Y&token[1]=K4Y", "token[0]=REDACTED", "K3Y"),
        ("https://x.test/a?user[password]=PW1234", "user[password]=REDACTED", "PW1234"),
        (
            "https://s3.test/o?X-Amz-Credential=AKIA123&X-Amz-Signature=ab12&X-Amz-Security-Token=FQo",
            "X-Amz-Signature=REDACTED",
            "AKIA123",
        ),
        ("https://x.test/t?client_secret=CS1&refresh_token=RT1", "client_secret=REDACTED", "CS1"),
        ("https://x.test/t?ID_TOKEN=eyJ.x.y", "ID_TOKEN=REDACTED", "eyJ.x.y"),
        ("https://x.test/t?x-api-key=AK1;q=1", "x-api-key=REDACTED;q=1", "AK1"),
        ("https://x.test/t?access%5Ftoken=AT1", "access%5Ftoken=REDACTED", "AT1"),
        ("https://me:PA55W0RD@x.test/a", "https://REDACTED@x.test/a", "PA55W0RD"),
    ],
)
def test_redact_url(url: str, kept: str, hidden: str) -> None:
    redacted = redact_url(url)
    assert kept in redacted
    assert hidden not in redacted


def test_values_redacted_from_a_url_are_masked_elsewhere_too() -> None:
    secrets = Secrets()
    redact_url("https://x.test/a?refresh_token=R3FRESH%2B1", secrets=secrets)
    # The parameter's value, decoded, as a violation message would quote it.
    assert secrets.mask('"R3FRESH+1" is not valid') == f'"{REDACTED}" is not valid'


def test_a_specs_own_api_key_names_are_redacted() -> None:
    assert redact_url("https://x.test/a?licence=L1C3NCE", frozenset({"licence"})) == (
        f"https://x.test/a?licence={REDACTED}"
    )


def test_body_credentials_are_the_values_under_credential_like_names() -> None:
    secrets = Secrets()
    body = {
        "user": "alice",
        "auth": {"refresh_token": "RT-9999", "scopes": ["read"]},
        "client_secret": ["CS-1111", {"nested": "CS-2222"}],
        "items": [{"password": 12345678}],
    }
    body_credentials(body, secrets)
    masked = secrets.mask("RT-9999 CS-1111 CS-2222 12345678 alice read")
    assert masked == f"{REDACTED} {REDACTED} {REDACTED} {REDACTED} alice {REDACTED}"


@pytest.mark.parametrize(
    "url",
    [
        "https://x.test/login?next=https://app.test/cb?access_token=N3STED&x=1",
        "https://x.test/login?next=https%3A%2F%2Fapp.test%2Fcb%3Frefresh_token%3DN3STED",
        "https://x.test/a?q=?token=N3STED",
        "https://x.test/a?b?token=N3STED",
        "https://x.test/a?b%3F?Sig[]=N3STED",
    ],
)
def test_credentials_inside_another_parameters_value_are_redacted(url: str) -> None:
    assert "N3STED" not in redact_url(url)

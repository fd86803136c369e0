"""The shared secret, password and cookie name heuristics (rules/secrets.py), on the names its
documentation gives as examples either way."""

from __future__ import annotations

import ast
from collections.abc import Callable

import pytest

from asyncguide.rules import secrets

CASES: list[tuple[Callable[[str], bool], str, bool]] = [
    *((secrets.is_secret_setting, name, True) for name in ("SECRET", "SECRET_KEY", "JWT_SECRET", "DB_PASSWORD", "API_KEY", "AUTH_TOKEN", "cookie_secret")),
    *((secrets.is_secret_setting, name, False) for name in ("SECRET_KEY_LENGTH", "PASSWORD_MIN_LENGTH", "TOKEN_URL", "KEYSECRET", "secret_file")),
    *((secrets.ends_with_secret, name, True) for name in ("token", "reset_token", "expected_signature", "x_api_key", "password_hash", "otp")),
    *((secrets.ends_with_secret, name, False) for name in ("token_type", "token_data", "signature_header", "X-Hub-Signature-256")),
    *((secrets.mentions_secret, name, True) for name in ("token", "X-Hub-Signature-256", "token_value", "admin_password")),
    *((secrets.mentions_secret, name, False) for name in ("token_type", "token_length", "signature_header", "token_expires", "user")),
    *((secrets.is_password_name, name, True) for name in ("password", "new_password", "passwd", "passphrase", "pwd", "user_pw", "db_pass")),
    *((secrets.is_password_name, name, False) for name in ("password_hash", "password_reset_sent", "bypass", "compass")),
    *((secrets.mentions_password, text, True) for text in ("user.password_hash", 'form["password"]', "pwd", "new_pwd.encode()")),
    *((secrets.mentions_password, text, False) for text in ("cwd", "user.name", "pwdump")),
    *((secrets.is_credential_cookie, name, True) for name in ("session", "AIOHTTP_SESSION", "PHPSESSID", "auth_token", "jwt", "sid", "connect.sid", "sid_2", "remember_me", "credentials")),
    *((secrets.is_credential_cookie, name, False) for name in ("theme", "sidebar", "considerate", "lang")),
    *((secrets.is_script_read_cookie, name, True) for name in ("csrf_token", "_xsrf", "XSRF-TOKEN")),
    *((secrets.is_script_read_cookie, name, False) for name in ("session", "auth_token")),
    *((secrets.is_identity_cookie, name, True) for name in ("user", "user_id", "session_id", "authToken", "is_admin", "remember_me")),
    *((secrets.is_identity_cookie, name, False) for name in ("user_theme", "lang", "_xsrf", "sidebar")),
]


@pytest.mark.parametrize(("predicate", "name", "expected"), CASES, ids=lambda value: getattr(value, "__name__", repr(value)))
def test_names(predicate: Callable[[str], bool], name: str, expected: bool) -> None:
    assert predicate(name) is expected


def _literal(source: str) -> ast.Constant:
    value = ast.parse(source, mode="eval").body
    assert isinstance(value, ast.Constant)
    return value


@pytest.mark.parametrize(("source", "expected"), [('"dev-key"', True), ('b"k3y"', True), ('""', False), ('"   "', False), ("42", False)])
def test_secret_literal(source: str, expected: bool) -> None:
    assert (secrets.secret_literal(ast.parse(source, mode="eval").body) is not None) is expected


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [("API_KEY", '"api_key"', True), ("API_KEY", '"api-key"', True), ("API_KEY", 'b"API_KEY"', True), ("API_KEY", '"k3y-v4lue"', False)],
)
def test_spells_name(name: str, source: str, expected: bool) -> None:
    assert secrets.spells_name(name, _literal(source)) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [('"<missing>"', True), ('"${API_KEY}"', True), ('"{{ api_key }}"', True), ('" <missing> "', True), ('"dev<key>"', False), ('"s3cr3t"', False)],
)
def test_is_placeholder(source: str, expected: bool) -> None:
    assert secrets.is_placeholder(_literal(source)) is expected

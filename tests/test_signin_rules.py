"""The rules behind sign-in, without Streamlit: the [access] settings, the sign-in mode, who
the claims say the user is, and when a session ends."""

from __future__ import annotations

import pytest

from kpi.access.config import DEFAULT_SESSION_HOURS, read_access_settings
from kpi.access.session import (
    SignIn,
    claimed_email,
    session_expired,
    sign_in_mode,
    signed_in_at,
)
from kpi.settings import SettingsError

HOUR = 3600.0


@pytest.mark.parametrize("text, field, expected", [
    (None, "session_hours", DEFAULT_SESSION_HOURS),
    ("[access]\nsession_hours = 12\n", "session_hours", 12.0),
    ("[access]\nsession_hours = 0.5\n", "session_hours", 0.5),
    ("[access]\ngroups_claim = 'roles'\n", "groups_claim", "roles"),
    ("", "groups_claim", "groups"),
    ("[access]\ncontact = ' px@hospital.example '\n", "contact", "px@hospital.example"),
    ("[access]\nfile = 'access.toml'\n", "file", "HERE/access.toml"),
    ("[access]\nfile = '/etc/px/access.toml'\n", "file", "/etc/px/access.toml"),
    ("[access]\n", "file", None),
])
def test_access_settings_are_read_with_defaults(tmp_path, monkeypatch, text, field, expected):
    monkeypatch.delenv("PX_ACCESS", raising=False)
    path = tmp_path / "settings.toml"
    if text is not None:
        path.write_text(text)
    value = getattr(read_access_settings(path), field)
    if field == "file" and value is not None:
        value = str(value).replace(str(tmp_path), "HERE")
    assert value == expected


def test_the_environment_names_the_access_file_first(tmp_path, monkeypatch):
    path = tmp_path / "settings.toml"
    path.write_text("[access]\nfile = 'access.toml'\n")
    monkeypatch.setenv("PX_ACCESS", "/srv/px/who.toml")
    assert str(read_access_settings(path).file) == "/srv/px/who.toml"


@pytest.mark.parametrize("text, message", [
    ("[access]\nsession_hours = 0\n", "session_hours = 0: must be a number of hours above 0"),
    ("[access]\nsession_hours = 721\n", "at most 720"),
    ("[access]\nsession_hours = true\n", "session_hours = True"),
    ("[access]\nsession_hours = '8'\n", "session_hours = '8'"),
    ("[access]\ngroups_claim = ''\n", "groups_claim is empty"),
    ("[access]\ngroups_claim = 3\n", "groups_claim = 3: must be a text"),
    ("[access]\nfile = ['a']\n", "file = \\['a'\\]: must be a text"),
    ("[access]\ncontact = 1\n", "contact = 1: must be a text"),
    ("[access]\nsign_in = 'yes'\n", "unknown key\\(s\\) sign_in"),
    ("access = 1\n", "must be a \\[access\\] table"),
    ("[access\n", "not a readable TOML file"),
])
def test_each_broken_access_setting_is_named(tmp_path, text, message):
    path = tmp_path / "settings.toml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=message):
        read_access_settings(path)


@pytest.mark.parametrize("auth, headers, mode", [
    (True, None, SignIn.OIDC), (True, {"X-Email": "email"}, SignIn.OIDC),
    (False, {"X-Email": "email"}, SignIn.PROXY), (False, {}, SignIn.LOCAL),
    (False, None, SignIn.LOCAL),
])
def test_the_sign_in_mode(auth, headers, mode):
    assert sign_in_mode(auth, headers) is mode


@pytest.mark.parametrize("claims, email", [
    ({"email": " ed.lead@hospital.example "}, "ed.lead@hospital.example"),
    ({"preferred_username": "ed.lead@hospital.example"}, "ed.lead@hospital.example"),
    ({"email": "a@h.example", "preferred_username": "b@h.example"}, "a@h.example"),
    ({"email": "not-an-address", "preferred_username": "b@h.example"}, "b@h.example"),
    ({"preferred_username": "EDLEAD"}, None), ({"email": ["a@h.example"]}, None), ({}, None),
])
def test_who_the_claims_say_the_user_is(claims, email):
    assert claimed_email(claims) == email


@pytest.mark.parametrize("claims, first_seen, expected", [
    ({"auth_time": 1000, "iat": 2000}, 5000.0, 1000.0),
    ({"iat": 2000}, 5000.0, 2000.0),
    ({}, 5000.0, 5000.0), ({"iat": True}, 5000.0, 5000.0), ({"iat": "2000"}, 5000.0, 5000.0),
    ({"iat": 0}, 5000.0, 5000.0),
])
def test_when_the_user_signed_in(claims, first_seen, expected):
    assert signed_in_at(claims, first_seen) == expected


@pytest.mark.parametrize("age_hours, hours, expired", [
    (0, 8, False), (7.99, 8, False), (8, 8, False), (8.01, 8, True), (30, 8, True),
    (0.6, 0.5, True),
])
def test_a_session_ends_after_the_set_hours(age_hours, hours, expired):
    now = 1_800_000_000.0
    claims = {"iat": now - age_hours * HOUR}
    assert session_expired(claims, now, now, hours) is expired

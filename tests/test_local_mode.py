"""Without sign-in the dashboard serves this machine only: another server.address is refused
with a plain message (unless the settings accept it), and every page says "local mode"."""

from __future__ import annotations

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from kpi.access.config import read_access_settings
from kpi.access.serving import LOCAL_MODE_NOTE, local_mode_refusal
from kpi.settings import SettingsError
from tests.support.apptest_helpers import APP, fresh_caches, open_app, use_database  # noqa: F401


@pytest.mark.parametrize("address, allow, refused", [
    ("127.0.0.1", False, False), ("localhost", False, False), ("::1", False, False),
    (" 127.0.0.1 ", False, False),
    ("0.0.0.0", False, True), ("", False, True), (None, False, True), ("10.1.2.3", False, True),
    ("::", False, True), ("0.0.0.0", True, False), ("", True, False),
])
def test_local_mode_serves_the_loopback_address_only(address, allow, refused):
    reason = local_mode_refusal(address, allow)
    assert (reason is not None) is refused
    if refused:
        assert "127.0.0.1" in reason and "allow_unauthenticated_network" in reason


@pytest.mark.parametrize("text, expected", [
    (None, False), ("", False), ("[access]\n", False),
    ("[access]\nallow_unauthenticated_network = true\n", True),
    ("[access]\nallow_unauthenticated_network = false\n", False),
    ("[access]\nallow_unauthenticated_network = 'yes'\n", "must be true or false"),
    ("[access]\nallow_network = true\n", "unknown key(s) allow_network"),
    ("[access\n", "not a readable TOML file"),
])
def test_the_setting_that_accepts_a_network_server(tmp_path, text, expected):
    path = tmp_path / "settings.toml"
    if text is not None:
        path.write_text(text)
    if isinstance(expected, bool):
        assert read_access_settings(path).allow_unauthenticated_network is expected
    else:
        with pytest.raises(SettingsError, match=expected.replace("(", r"\(").replace(")", r"\)")):
            read_access_settings(path)


@pytest.fixture
def address():
    before = config.get_option("server.address")
    yield lambda value: config.set_option("server.address", value)
    config.set_option("server.address", before)


def test_every_page_says_local_mode(pages_demo, monkeypatch, tmp_path, address):
    use_database(monkeypatch, pages_demo, tmp_path / "none.toml")
    address("127.0.0.1")
    at = open_app()
    assert LOCAL_MODE_NOTE in [c.value for c in at.sidebar.caption]
    assert not at.error


@pytest.mark.parametrize("settings_text, accepted", [
    ("[access]\nallow_unauthenticated_network = false\n", False),
    ("[access]\nallow_unauthenticated_network = true\n", True),
    ("[access\nallow_unauthenticated_network = true\n", False),  # a broken file accepts nothing
])
def test_a_network_address_is_refused_unless_the_settings_accept_it(pages_demo, monkeypatch,
                                                                     tmp_path, address,
                                                                     settings_text, accepted):
    settings = tmp_path / "settings.toml"
    settings.write_text(settings_text)
    use_database(monkeypatch, pages_demo, settings)
    address("0.0.0.0")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]  # shown as escaped plain text
    if accepted:
        assert not errors and at.metric  # the Overview's tiles are drawn
    else:
        assert len(errors) == 1 and "no sign-in configured" in errors[0] and "0.0.0.0" in errors[0]
        assert not at.metric and not at.sidebar.multiselect  # nothing else: no numbers, no filter

"""Sign-in end to end in Chromium: a local OpenID Connect provider (oidc-provider-mock) on
this machine, `streamlit run` configured for it, a department lead who signs in, sees only
their department, reloads, downloads, and signs out; the audit holds the sign-in and the
download. Needs Debian's chromium; marked `browser`."""

from __future__ import annotations

import csv
import io
import secrets
from pathlib import Path

import pytest

from kpi.access.audit import audit_path, read_audit
from tests.support.browser_helpers import rendered, require_chromium
from tests.support.server import CHROMIUM, LAUNCH_ARGS, free_port, streamlit_server

pytestmark = pytest.mark.browser

require_chromium()

from oidc_provider_mock import User, run_server_in_thread  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

LEAD = "ed.lead@hospital.example"
ACCESS = """
[[grant]]
role = "department_lead"
groups = ["ed-leads"]
departments = ["ED"]

[[grant]]
role = "leadership"
users = ["ceo@hospital.example"]
"""


@pytest.fixture(scope="module")
def provider():
    """The identity provider, with the lead as a predefined user whose groups claim holds
    ed-leads (the access file grants by group)."""
    users = [User(sub=LEAD, claims={"email": LEAD, "groups": ["ed-leads", "nurses"]})]
    with run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def server(pages_demo, provider, tmp_path_factory):
    """The dashboard signed in through the provider: secrets with [auth], an access file."""
    folder = tmp_path_factory.mktemp("signin")
    db = folder / "px.duckdb"
    db.symlink_to(pages_demo)
    port = free_port()
    (folder / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "px-dashboard"\nclient_secret = "not-checked-by-the-mock"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n')
    (folder / "access.toml").write_text(ACCESS)
    (folder / "settings.toml").write_text('[access]\nfile = "access.toml"\n')
    options = ["--secrets.files", str(folder / "secrets.toml")]
    env = {"PX_SETTINGS": str(folder / "settings.toml")}
    with streamlit_server(db, folder / "streamlit.log", port, options, env) as url:
        yield url, db


@pytest.fixture(scope="module")
def tab():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 2400},
                                      accept_downloads=True)
        yield context.new_page()
        browser.close()


def test_a_department_lead_signs_in_sees_their_department_downloads_and_signs_out(
        server, tab, artifacts):
    url, db = server
    tab.goto(url)
    rendered(tab)
    expect(tab.get_by_text("Sign in with your hospital account")).to_be_visible()
    assert tab.locator("[data-testid='stMetricValue']").count() == 0
    tab.get_by_role("button", name="Sign in").click()
    tab.get_by_role("button", name=LEAD).click()  # the provider's predefined user
    tab.wait_for_url(f"{url}/**", timeout=60_000)
    rendered(tab)
    expect(tab.get_by_text(f"Signed in as {LEAD}")).to_be_visible()
    sidebar = tab.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Departments").wait_for()
    body = tab.locator("[data-testid='stApp']").inner_text()
    assert "All your departments" in body and "Cardiology Ward" not in body, body
    tab.screenshot(path=str(artifacts / "signin-lead-overview.png"))

    tab.reload()  # the identity cookie keeps the session
    rendered(tab)
    expect(tab.get_by_text(f"Signed in as {LEAD}")).to_be_visible()

    tab.goto(f"{url}/export?dept=CARD")  # another department by URL: ignored
    rendered(tab)
    expect(sidebar.get_by_text("Ignored unknown departments in the link")).to_be_visible()
    tab.get_by_text("department", exact=True).click()  # group by department
    rendered(tab)
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Download plain CSV (UTF-8)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert rows and {r["department_id"] for r in rows} == {"ED"}
    entries = read_audit(audit_path(db))
    assert list(entries["event"])[:2] == ["export", "sign_in"]
    assert set(entries["user_email"]) == {LEAD}
    assert entries["row_count"].iloc[0] == len(rows)

    sidebar.get_by_role("button", name="Sign out").click()
    tab.get_by_role("button", name="End session").click()  # the provider ends its session
    tab.wait_for_url(f"{url}/**", timeout=60_000)
    rendered(tab)
    expect(tab.get_by_text("Sign in with your hospital account")).to_be_visible()
    tab.screenshot(path=str(artifacts / "signin-signed-out.png"))

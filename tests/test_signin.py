"""Sign-in as each role meets it (AppTest with a simulated identity-provider user): the
sign-in page, the no-access page, department scope through the sidebar, the URL, the
comparisons and the download; exports and the audit by role; the session's end."""

from __future__ import annotations

import time

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from kpi.access.audit import audit_path, read_audit
from tests.support.apptest_helpers import fresh_caches, open_app, open_tab, page_text  # noqa: F401

ACCESS = """
[[grant]]
role = "leadership"
users = ["ceo@hospital.example"]

[[grant]]
role = "quality"
groups = ["px-quality"]

[[grant]]
role = "department_lead"
users = ["ed.lead@hospital.example"]
departments = ["ED"]

[[grant]]
role = "viewer"
users = ["viewer@hospital.example", "mixed@hospital.example"]
departments = ["CARD"]

[[grant]]
role = "department_lead"
users = ["mixed@hospital.example"]
departments = ["MED"]

[[grant]]
role = "department_lead"
groups = ["north-leads"]
sites = ["North Campus"]
"""
CONTACT = "the patient experience office, px@hospital.example"
NAMES = {"ED": "Emergency Department", "UCC": "Urgent Care Centre", "CARD": "Cardiology Ward",
         "MED": "General Medicine Ward", "SURG": "Surgical Ward", "MAT": "Maternity Unit",
         "PAED": "Children's Ward", "ONC": "Oncology Day Unit", "ORTH": "Orthopaedic Clinic",
         "OPH": "Eye Clinic", "DERM": "Dermatology Clinic", "PALL": "Palliative Care Unit"}
PAGES = ["views/overview.py", "views/satisfaction.py", "views/comments.py",
         "views/benchmarks.py", "views/loyalty.py", "views/reputation.py", "views/complaints.py",
         "views/staff.py", "views/waits.py"]


@pytest.fixture
def signed_in(pages_demo, tmp_path, monkeypatch):
    """The demo behind sign-in: an access file, settings naming it, the database linked into
    a fresh folder (so the audit file beside it is this test's own)."""
    db = tmp_path / "px.duckdb"
    db.symlink_to(pages_demo)
    (tmp_path / "access.toml").write_text(ACCESS)
    (tmp_path / "settings.toml").write_text(f'[access]\nfile = "access.toml"\n'
                                            f'contact = "{CONTACT}"\n')
    monkeypatch.setenv("PX_DB", str(db))
    monkeypatch.setenv("PX_SETTINGS", str(tmp_path / "settings.toml"))
    monkeypatch.delenv("PX_ACCESS", raising=False)
    return db


def signed_in_as(user: dict | None, signed_in_at: float | None = None):
    """Prepare an AppTest: sign-in configured, and this user signed in (None: nobody)."""
    def prepare(at: AppTest) -> None:
        at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback"}
        if user is not None:
            at.user = {"is_logged_in": True, "iat": int(signed_in_at or time.time()), **user}
    return prepare


def as_user(user: dict | None, page: str | None = None, params: dict | None = None) -> AppTest:
    """The app run once for this user (None: nobody signed in), then on `page`."""
    return open_app(page, params, signed_in_as(user))


def offered_pages(at: AppTest) -> list[str]:
    """The page files the navigation offers (AppTest names them when asked for another)."""
    with pytest.raises(ValueError, match="Could not find a navigation page") as refused:
        at.switch_page("ui/__init__.py")
    known = str(refused.value).split("Known pages: ")[1]
    return sorted(name.rsplit("/", 1)[1].strip("'[]. ") for name in known.split(", "))


EVERY_ONE = sorted(p.rsplit("/", 1)[1] for p in PAGES)


@pytest.mark.parametrize("user, pages", [
    ({"email": "ceo@hospital.example"}, [*EVERY_ONE, "audit.py", "export.py"]),
    ({"email": "q@hospital.example", "groups": ["px-quality"]},
     [*EVERY_ONE, "audit.py", "export.py"]),
    ({"email": "ed.lead@hospital.example"}, [*EVERY_ONE, "export.py"]),
    ({"email": "viewer@hospital.example"}, EVERY_ONE),
])
def test_each_role_is_offered_its_pages(signed_in, user, pages):
    assert offered_pages(as_user(user)) == sorted(pages)


def test_nobody_signed_in_sees_only_the_sign_in_page(signed_in):
    at = as_user(None)
    assert [t.value for t in at.title] == ["Patient experience KPIs"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.sidebar.multiselect and not at.dataframe
    text = page_text(at)
    assert not any(name in text for name in NAMES.values())


def test_an_unknown_user_sees_only_the_no_access_page_with_whom_to_ask(signed_in):
    at = as_user({"email": "stranger@hospital.example", "groups": ["nurses"]})
    assert [t.value for t in at.title] == ["No access"]
    words = " ".join(m.value.replace("\\", "") for m in at.markdown)
    assert "stranger@hospital.example" in words and CONTACT in words
    assert not at.metric and not at.sidebar.multiselect
    assert not any(name in page_text(at) for name in NAMES.values())


@pytest.mark.parametrize("page", PAGES)
def test_a_department_lead_sees_no_other_department_on_any_page(signed_in, page):
    at = as_user({"email": "ED.Lead@hospital.example"}, page)
    assert at.sidebar.multiselect(key="flt_departments").options == ["Emergency Department (ED)"]
    text = page_text(at)
    assert NAMES["ED"] in text
    leaked = [name for d, name in NAMES.items() if d != "ED" and name in text]
    assert not leaked, leaked
    assert "Rest of the hospital" not in text


def test_a_department_lead_cannot_reach_another_department_by_the_url(signed_in):
    at = as_user({"email": "ed.lead@hospital.example"}, params={"dept": ["CARD", "ED"]})
    warnings = " ".join(w.value.replace("\\", "") for w in at.sidebar.warning)
    assert "Ignored unknown departments in the link: 'CARD'" in warnings
    assert at.session_state["flt_filter"].departments == ("ED",)
    assert NAMES["CARD"] not in page_text(at)


def test_a_group_grant_by_site_reaches_that_sites_departments(signed_in):
    at = as_user({"email": "someone@hospital.example", "groups": ["north-leads"]})
    options = at.sidebar.multiselect(key="flt_departments").options
    assert {o.rsplit("(", 1)[1].rstrip(")") for o in options} == {"UCC", "MAT", "PAED", "ORTH"}


def test_the_department_leads_download_holds_their_department_only_and_is_audited(signed_in):
    at = as_user({"email": "ed.lead@hospital.example"}, "views/export.py")
    at.pills(key="export_by").set_value(["department"]).run()
    assert not at.exception
    rows = at.dataframe[0].value
    assert set(rows["department_id"]) == {"ED"}
    entries = read_audit(audit_path(signed_in))
    assert list(entries["event"]) == ["sign_in"]  # the download is audited when clicked
    assert list(entries["user_email"]) == ["ed.lead@hospital.example"]
    assert list(entries["roles"]) == ["department_lead"]


def test_a_viewer_has_no_export_and_reads_no_comments(signed_in):
    at = open_tab(as_user({"email": "viewer@hospital.example"}, "views/satisfaction.py"),
                  "satisfaction_tab", "Comments")
    infos = [i.value for i in at.info]
    assert "Patient comments are not part of your access." in infos
    assert "export.py" not in offered_pages(at)


def test_leadership_sees_every_department_and_the_audit_page(signed_in):
    at = as_user({"email": "ceo@hospital.example"}, "views/audit.py")
    assert not at.error
    assert len(at.sidebar.multiselect(key="flt_departments").options) == len(NAMES)
    table = at.dataframe[0].value
    assert list(table["event"]) == ["sign_in"] and list(table["user_email"]) == [
        "ceo@hospital.example"]


def test_a_session_older_than_the_setting_ends(signed_in):
    at = open_app(prepare=signed_in_as({"email": "ceo@hospital.example"},
                                       time.time() - 9 * 3600))
    assert not at.metric and not at.sidebar.multiselect


def test_without_an_audit_nobody_is_let_in(signed_in):
    audit_path(signed_in).mkdir()  # a folder where the audit file should be: unwritable
    at = as_user({"email": "ceo@hospital.example"})
    assert [e.value.replace("\\", "") for e in at.error] == [
        "The dashboard cannot record sign-ins right now, so it lets nobody in. Tell whoever "
        "runs the dashboard."]
    assert not at.metric


@pytest.fixture
def behind_a_proxy():
    """server.trustedUserHeaders set, as for a proxy that signs people in."""
    before = config.get_option("server.trustedUserHeaders")
    config.set_option("server.trustedUserHeaders",
                      {"X-Forwarded-Email": "email", "X-Forwarded-Groups": "groups"})
    yield
    config.set_option("server.trustedUserHeaders", before)


def _from_the_proxy(user: dict):
    def prepare(at: AppTest) -> None:
        at.user = user  # the headers' values, no is_logged_in (as Streamlit fills them)
    return prepare


def test_behind_a_signing_in_proxy_the_headers_say_who_it_is(signed_in, behind_a_proxy):
    at = open_app(prepare=_from_the_proxy({"email": "q@hospital.example",
                                           "groups": "nurses, px-quality"}))
    assert len(at.sidebar.multiselect(key="flt_departments").options) == len(NAMES)
    assert "Signed in as q@hospital.example (quality)" in [
        c.value.replace("\\", "") for c in at.sidebar.caption]
    assert not at.sidebar.button  # the proxy signs people out, not the dashboard
    assert list(read_audit(audit_path(signed_in))["user_email"]) == ["q@hospital.example"]


def test_behind_a_proxy_a_request_without_the_email_header_sees_nothing(signed_in,
                                                                          behind_a_proxy):
    at = open_app(prepare=_from_the_proxy({"groups": "px-quality"}))
    assert [e.value.replace("\\", "") for e in at.error] == [
        "You are not signed in: the sign-in did not say who you are (no email). Sign in "
        "again, or ask whoever runs the dashboard."]
    assert not at.metric and not at.sidebar.multiselect


@pytest.mark.parametrize("settings_text, access_text, message", [
    ('[access]\ncontact = "x"\n', None, "sign-in is configured but no access file is"),
    ('[access]\nfile = "missing.toml"\n', None, "missing.toml does not exist"),
    ('[access]\nfile = "access.toml"\n', "[[grant]]\nrole = 'boss'\nusers = ['a@b']\n",
     "grant 1: role must be one of"),
    ('[access]\nsession_hours = -1\n', ACCESS, "The settings file cannot be used, so nobody"),
])
def test_a_broken_access_setup_lets_nobody_in_and_says_why(signed_in, tmp_path,
                                                           settings_text, access_text, message):
    (tmp_path / "settings.toml").write_text(settings_text)
    if access_text is not None:
        (tmp_path / "access.toml").write_text(access_text)
    else:
        (tmp_path / "access.toml").unlink()
    at = as_user({"email": "ceo@hospital.example"})
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1 and message in errors[0], errors
    assert not at.metric and not at.sidebar.multiselect


def test_comments_are_read_and_audited_only_when_their_tab_is_opened(signed_in):
    at = as_user({"email": "mixed@hospital.example"}, "views/satisfaction.py", {"dept": "MED"})
    assert not [d for d in at.dataframe if "comment" in d.value.columns]
    assert list(read_audit(audit_path(signed_in))["event"]) == ["sign_in"]
    open_tab(at, "satisfaction_tab", "Comments")
    assert [d for d in at.dataframe if "comment" in d.value.columns]
    assert list(read_audit(audit_path(signed_in))["event"]) == ["comment_view", "sign_in"]


@pytest.mark.parametrize("dept, shown", [("MED", True), ("CARD", False)])
def test_a_lead_who_also_views_reads_the_comments_of_their_own_departments_only(
        signed_in, dept, shown):
    at = open_tab(as_user({"email": "mixed@hospital.example"}, "views/satisfaction.py",
                          {"dept": dept}), "satisfaction_tab", "Comments")
    infos = [i.value for i in at.info]
    refused = "The comments of the chosen departments are not part of your access." in infos
    assert refused is not shown
    comments = [d.value for d in at.dataframe if "comment" in d.value.columns]
    assert bool(comments) is shown
    if shown:
        assert set(comments[0]["department"]) == {NAMES["MED"]}
        assert list(read_audit(audit_path(signed_in))["event"]) == ["comment_view", "sign_in"]


@pytest.mark.parametrize("email, params, download", [
    ("viewer@hospital.example", {}, False),  # a viewer downloads nothing
    ("ed.lead@hospital.example", {}, True),
    ("mixed@hospital.example", {"dept": "MED"}, True),
    ("mixed@hospital.example", {"dept": "CARD"}, False),  # viewed, not led: no download
])
def test_the_worklist_download_follows_the_download_right(signed_in, email, params, download):
    at = open_tab(as_user({"email": email}, "views/complaints.py", params), "complaints_tab",
                  "Worklist")
    buttons = [b.proto.label for b in at.get("download_button")]
    assert any(label.startswith("Download these") for label in buttons) is download


def test_a_viewer_sees_no_comment_on_the_comments_page(signed_in):
    at = as_user({"email": "viewer@hospital.example"}, "views/comments.py")
    assert "Patient comments are not part of your access." in [i.value for i in at.info]
    assert not at.dataframe and not at.get("plotly_chart") and not at.text_input
    assert not at.get("download_button")
    assert list(read_audit(audit_path(signed_in))["event"]) == ["sign_in"]


@pytest.mark.parametrize("email, params, departments, download", [
    ("ed.lead@hospital.example", {}, {"ED"}, True),
    ("mixed@hospital.example", {"dept": "MED"}, {"MED"}, True),
    ("mixed@hospital.example", {"dept": "CARD"}, None, False),  # viewed, not led: no comment
    ("q@hospital.example", {}, set(NAMES), True),
])
def test_the_comments_page_shows_the_comment_reach_only_and_audits_the_view(
        signed_in, email, params, departments, download):
    at = as_user({"email": email, "groups": ["px-quality"] if email[0] == "q" else []},
                 "views/comments.py", params)
    tables = [d.value for d in at.dataframe if "comment" in d.value.columns]
    buttons = [b.proto.label for b in at.get("download_button")]
    assert any(label.startswith("Download these") for label in buttons) is download
    events = list(read_audit(audit_path(signed_in))["event"])
    if departments is None:
        assert not tables and events == ["sign_in"]
        return
    names = {NAMES[d] for d in departments}
    assert tables and set(tables[0]["department"]) <= names
    assert events == ["comment_view", "sign_in"]

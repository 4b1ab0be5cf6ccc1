"""kpi.access: the access file's rules (one case each) and the rights it gives a user."""

from __future__ import annotations

import pytest

from kpi.access.grants import AccessFileError, Role, read_access_file
from kpi.access.user import LOCAL_ACCESS, access_for, claim_groups
from kpi.reach import Reach

DEPARTMENTS = [("ED", "Urgent care", "North"), ("CARD", "Medicine", "North"),
               ("MAT", "Women", "South"), ("DERM", "Medicine", "South")]

EXAMPLE = """
[[grant]]
role = "leadership"
users = ["CEO@Hospital.example"]
groups = ["px-leadership"]

[[grant]]
role = "department_lead"
users = ["ed.lead@hospital.example"]
departments = ["ED"]

[[grant]]
role = "viewer"
users = ["ed.lead@hospital.example", "analyst@hospital.example"]
service_lines = ["Medicine"]

[[grant]]
role = "quality"
groups = ["px-quality"]

[[grant]]
role = "department_lead"
groups = ["south-leads"]
sites = ["South"]
"""


@pytest.fixture
def grants(tmp_path):
    path = tmp_path / "access.toml"
    path.write_text(EXAMPLE)
    return read_access_file(path)


def _ids(reach: Reach):
    found = reach.department_ids(DEPARTMENTS)
    return "all" if found is None else sorted(found)


@pytest.mark.parametrize("email, groups, roles, numbers, comments, exports, audit", [
    ("ceo@hospital.example", [], {"leadership"}, "all", "all", "all", True),
    ("someone@x", ["px-leadership"], {"leadership"}, "all", "all", "all", True),
    ("q@x", ["px-quality"], {"quality"}, "all", "all", "all", True),
    ("ed.lead@HOSPITAL.example", [], {"department_lead", "viewer"}, ["CARD", "DERM", "ED"],
     ["ED"], ["ED"], False),
    ("analyst@hospital.example", [], {"viewer"}, ["CARD", "DERM"], [], [], False),
    ("m@x", ["south-leads", "other"], {"department_lead"}, ["DERM", "MAT"], ["DERM", "MAT"],
     ["DERM", "MAT"], False),
])
def test_a_user_gets_the_union_of_their_grants_right_by_right(grants, email, groups, roles,
                                                                numbers, comments, exports, audit):
    access = access_for(grants, email, groups)
    assert {r.value for r in access.roles} == roles
    assert (_ids(access.numbers), _ids(access.comments), _ids(access.exports)) == (
        numbers, comments, exports)
    assert access.audit is audit


@pytest.mark.parametrize("email, groups", [
    ("stranger@hospital.example", []), (None, []), ("", ["unknown-group"]), (None, [" "]),
])
def test_an_unknown_user_has_no_access(grants, email, groups):
    assert access_for(grants, email, groups) is None


def test_local_mode_sees_everything():
    assert LOCAL_ACCESS.numbers.department_ids(DEPARTMENTS) is None
    assert LOCAL_ACCESS.audit


@pytest.mark.parametrize("text, message", [
    ("", "no [[grant]] table"),
    ("[[grant]]\nrole = 'boss'\nusers = ['a@x']\n", "role must be one of"),
    ("[[grant]]\nusers = ['a@x']\n", "role must be one of"),
    ("[[grant]]\nrole = 'leadership'\n", "names no users and no groups"),
    ("[[grant]]\nrole = 'viewer'\nusers = ['a@x']\n", "needs departments, service_lines or sites"),
    ("[[grant]]\nrole = 'department_lead'\nusers = ['a@x']\n", "needs departments"),
    ("[[grant]]\nrole = 'quality'\nusers = ['a@x']\ndepartments = ['ED']\n",
     "sees every department"),
    ("[[grant]]\nrole = 'viewer'\nusers = 'a@x'\ndepartments = ['ED']\n",
     "users must be a list of non-empty strings"),
    ("[[grant]]\nrole = 'viewer'\nusers = ['']\ndepartments = ['ED']\n",
     "users must be a list of non-empty strings"),
    ("[[grant]]\nrole = 'viewer'\nusers = ['a@x']\ndepartments = [1]\n",
     "departments must be a list"),
    ("[[grant]]\nrole = 'viewer'\nusers = ['a@x']\ndepartment = ['ED']\n", "unknown key(s) department"),
    ("title = 'x'\n[[grant]]\nrole = 'leadership'\nusers = ['a@x']\n", "unknown key(s) title"),
    ("[[grant]\nrole = 'leadership'\n", "not a readable TOML file"),
    ("grant = 3\n", "no [[grant]] table"),
])
def test_every_rule_of_the_access_file(tmp_path, text, message):
    path = tmp_path / "access.toml"
    path.write_text(text)
    with pytest.raises(AccessFileError) as err:
        read_access_file(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_a_missing_or_binary_access_file_is_a_plain_error(tmp_path):
    with pytest.raises(AccessFileError, match="does not exist"):
        read_access_file(tmp_path / "none.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00grant")
    with pytest.raises(AccessFileError, match="not a readable TOML file"):
        read_access_file(binary)


@pytest.mark.parametrize("claims, expected", [
    ({"groups": ["a", " b ", ""]}, ("a", "b")),
    ({"groups": "a, b,,c"}, ("a", "b", "c")),
    ({"roles": ["x"]}, ()),
    ({}, ()),
    ({"groups": 5}, ()),
])
def test_groups_come_from_the_claim_as_a_list_or_a_proxy_string(claims, expected):
    assert claim_groups(claims) == expected


def test_the_groups_claim_is_configurable():
    assert claim_groups({"roles": ["px-quality"]}, "roles") == ("px-quality",)


def test_roles_are_the_spec_words():
    assert [r.value for r in Role] == ["leadership", "quality", "department_lead", "viewer"]

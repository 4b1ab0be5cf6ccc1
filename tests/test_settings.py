"""The organisation's settings file: targets and SPC run length, every rejection named."""

import pytest

from kpi.settings import (
    DEFAULT_MIN_N,
    MIN_N_REASONS,
    Settings,
    SettingsError,
    read_settings_file,
    unknown_target_ids,
)


def write(tmp_path, text):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults(tmp_path):
    assert read_settings_file(tmp_path / "absent.toml") == Settings()
    assert Settings().run_length == 7


def test_targets_and_run_length_are_read(tmp_path):
    path = write(tmp_path, '[targets]\npatient_satisfaction = 80\n'
                           '"domain_top_box[communication]" = 75.5\n[spc]\nrun_length = 6\n')
    settings = read_settings_file(path)
    assert dict(settings.targets) == {"patient_satisfaction": 80.0,
                                      "domain_top_box[communication]": 75.5}
    assert settings.run_length == 6


@pytest.mark.parametrize("text, message", [
    ("[targets]\nnps = 'high'\n", "nps = 'high': a target must be a number"),
    ("[targets]\nnps = true\n", "a target must be a number"),
    ("[spc]\nrun_length = 5\n", "run_length = 5: must be 6 or 7"),
    ("[spc]\nrun_length = true\n", "must be 6 or 7"),
    ("[spc]\nrunlength = 6\n", "unknown key(s) runlength"),
    ("[target]\nnps = 10\n", "unknown section(s) target"),
    ("[targets\n", "not a valid TOML file"),
    ("[min_n]\nmedian_wait = -1\n", "[min_n] median_wait = -1: must be a whole number"),
    ("[spc]\nfix_limits_after = 5\n", "[spc] fix_limits_after = 5: must be 0"),
    ("[spc]\nfix_limits_after = true\n", "fix_limits_after = True: must be 0"),
    ("[min_n]\nmedian_wait = 2.5\n", "[min_n] median_wait = 2.5: must be a whole number"),
    ("[min_n]\nmedian_wait = true\n", "must be a whole number"),
    ("[min_n]\nmedian = 5\n", "[min_n] unknown KPI kind 'median'"),
    ("[benchmarks]\nstate = 'Massachusetts'\n", "[benchmarks] state = 'Massachusetts': must be"),
    ("[benchmarks]\nstate = 25\n", "[benchmarks] state = 25: must be a two-letter"),
    ("[benchmarks]\nstate = 'M1'\n", "state = 'M1'"),
    ("[benchmarks]\nregion = 'MA'\n", "[benchmarks] unknown key(s) region"),
    ("[drivers]\nmin_respondents = 29\n", "[drivers] min_respondents = 29: must be a whole"),
    ("[drivers]\nmin_respondents = 100.0\n", "min_respondents = 100.0: must be a whole number"),
    ("[drivers]\nmin_respondents = true\n", "min_respondents = True: must be"),
    ("[drivers]\nmin_respondents = '100'\n", "min_respondents = '100': must be"),
    ("[drivers]\nminimum = 100\n", "[drivers] unknown key(s) minimum"),
])
def test_each_rejection_names_the_key_and_value(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as err:
        read_settings_file(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_min_n_defaults_are_overridden_per_kind(tmp_path):
    settings = read_settings_file(write(tmp_path, "[min_n]\nmedian_wait = 100\ncomplaint_rate = 0\n"))
    assert settings.min_n_for("median_wait") == 100
    assert settings.min_n_for("complaint_rate") == 0
    assert settings.min_n_for("domain_top_box") == DEFAULT_MIN_N["domain_top_box"] == 30
    assert settings.min_n_for("no_such_kind") == 0
    assert Settings().min_n_for("complaint_count") == 0  # a count is judged whatever its size


def test_limits_can_be_fixed_after_a_baseline(tmp_path):
    assert Settings().fix_limits_after == 0
    assert read_settings_file(write(tmp_path, "[spc]\nfix_limits_after = 20\n")).fix_limits_after == 20


def test_every_min_n_default_has_a_reason():
    assert set(MIN_N_REASONS) == set(DEFAULT_MIN_N)
    assert all(len(reason) > 20 for _, reason in MIN_N_REASONS.values())


def test_environment_variable_points_at_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PX_SETTINGS", str(write(tmp_path, "[targets]\nvisits = 5\n")))
    assert read_settings_file().targets == {"visits": 5.0}


def test_unknown_target_ids_are_listed(tmp_path):
    settings = read_settings_file(write(tmp_path, "[targets]\nnps = 10\npatient_satisfacton = 1\n"))
    assert unknown_target_ids(settings, {"nps", "patient_satisfaction"}) == ["patient_satisfacton"]


@pytest.mark.parametrize("text, state", [
    ("", None), ("[benchmarks]\n", None), ("[benchmarks]\nstate = 'MA'\n", "MA"),
    ("[benchmarks]\nstate = ' ma '\n", "MA"),
])
def test_the_benchmark_state_is_read_upper_case(tmp_path, text, state):
    assert read_settings_file(write(tmp_path, text)).benchmark_state == state


@pytest.mark.parametrize("text, minimum", [
    ("", 100), ("[drivers]\n", 100), ("[drivers]\nmin_respondents = 30\n", 30),
    ("[drivers]\nmin_respondents = 400\n", 400),
])
def test_the_key_drivers_minimum_is_read(tmp_path, text, minimum):
    assert read_settings_file(write(tmp_path, text)).driver_min_respondents == minimum

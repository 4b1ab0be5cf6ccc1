"""The organisation's settings file: targets and SPC run length, every rejection named."""

import pytest

from kpi.settings import Settings, SettingsError, read_settings_file, unknown_target_ids


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
])
def test_each_rejection_names_the_key_and_value(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as err:
        read_settings_file(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_environment_variable_points_at_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PX_SETTINGS", str(write(tmp_path, "[targets]\nvisits = 5\n")))
    assert read_settings_file().targets == {"visits": 5.0}


def test_unknown_target_ids_are_listed(tmp_path):
    settings = read_settings_file(write(tmp_path, "[targets]\nnps = 10\npatient_satisfacton = 1\n"))
    assert unknown_target_ids(settings, {"nps", "patient_satisfaction"}) == ["patient_satisfacton"]

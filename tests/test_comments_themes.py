"""The theme dictionary: hand-made sentences per theme (negations included) and hospital additions."""

import re

import pytest

from kpi.comments.custom import comment_themes
from kpi.comments.match import ThemeFinder
from kpi.comments.themes import Theme, ThemeError, phrase_regex, shipped_themes

NINE = ["staff_attitude", "communication", "waiting_and_access", "staffing", "clinical_care",
        "environment", "travel_and_parking", "coordination", "privacy_and_safety"]


@pytest.fixture(scope="module")
def finder():
    return ThemeFinder(shipped_themes())


def test_the_shipped_dictionary_has_exactly_the_nine_theme_ids():
    assert list(shipped_themes()) == NINE


@pytest.mark.parametrize("theme_id", NINE)
def test_every_theme_finds_its_own_examples(finder, theme_id):
    examples = shipped_themes()[theme_id].examples
    assert len(examples) >= 3
    for sentence in examples:
        assert theme_id in finder.themes(sentence), sentence


@pytest.mark.parametrize("sentence, theme_id", [
    ("The receptionist was rude to my father.", "staff_attitude"),
    ("Such a caring and compassionate team.", "staff_attitude"),
    ("Nobody explained what the scan was for.", "communication"),
    ("I was never kept informed about the delay.", "communication"),
    ("We waited six hours in the emergency department.", "waiting_and_access"),
    ("There was no wait at all.", "waiting_and_access"),
    ("My appointment was cancelled the night before.", "waiting_and_access"),
    ("The ward was understaffed all weekend.", "staffing"),
    ("Not enough staff on nights.", "staffing"),
    ("The surgery went well and the pain relief worked.", "clinical_care"),
    ("They never gave me my medication on time.", "clinical_care"),
    ("The bathroom was filthy.", "environment"),
    ("No complaints about the food.", "environment"),
    ("No problems with parking.", "travel_and_parking"),
    ("Parking was a nightmare.", "travel_and_parking"),
    ("It was not far to travel.", "travel_and_parking"),
    ("My discharge letter never reached the GP.", "coordination"),
    ("Poor communication between departments.", "coordination"),
    ("I did not feel safe at night.", "privacy_and_safety"),
    ("Treated with dignity and respect throughout.", "privacy_and_safety"),
    ("No privacy behind the curtains.", "privacy_and_safety"),
    ("The midwife showed great patience with us.", "staff_attitude"),
    ("The porter was never anything but polite.", "staff_attitude"),
    ("Nobody replied to my messages.", "communication"),
    ("We were kept in the dark for days.", "communication"),
    ("I could not get hold of the clinic by phone.", "waiting_and_access"),
    ("Appts always ran to time.", "waiting_and_access"),
    ("The buzzers were not answered for ages.", "staffing"),
    ("I saw a different therapist each month.", "staffing"),
    ("The ward is not overstretched any more.", "staffing"),
    ("The cannula was put in without fuss.", "clinical_care"),
    ("I learnt ways to manage my anxiety.", "clinical_care"),
    ("The sessions were not helpful at all.", "clinical_care"),
    ("No pillows and the bedding was stained.", "environment"),
    ("The breakfast was cold.", "environment"),
    ("The car parks are never full.", "travel_and_parking"),
    ("Hard to find the clinic without a sat nav.", "travel_and_parking"),
    ("I was passed from pillar to post.", "coordination"),
    ("The care package was not ready when I was sent home.", "coordination"),
    ("Staff never restrained anyone on my ward.", "privacy_and_safety"),
    ("No stigma about my gender identity.", "privacy_and_safety"),
    ("Very proffesional and knowledgable.", "staff_attitude"),  # common misspellings
    ("I had to chase my apointment.", "waiting_and_access"),
    ("The catering was not up to much.", "environment"),
])
def test_hand_made_sentences_find_their_theme_negated_or_not(finder, sentence, theme_id):
    assert theme_id in finder.themes(sentence)


@pytest.mark.parametrize("sentence", ["Thank you.", "", "All fine.", "Carefully done"])
def test_a_comment_may_have_no_theme(finder, sentence):
    assert finder.themes(sentence) == ()


def test_a_comment_may_have_several_themes_first_mentioned_first(finder):
    found = finder.themes("The car park was full, the toilets were dirty and the nurse was rude.")
    assert found[:3] == ("travel_and_parking", "environment", "staff_attitude")


def test_at_the_same_place_the_longer_phrase_ranks_first(finder):
    assert finder.themes("Treated with respect")[0] == "privacy_and_safety"


@pytest.mark.parametrize("phrase, text, matches", [
    ("wait", "waited", False), ("wait*", "waited", True), ("car park", "car   park", True),
    ("wait", "await", False), ("x-ray", "x-ray-guided", False),
    ("care", "careful", False), ("gp", "GP's", True), ("x-ray*", "x-rays", True),
])
def test_phrases_match_whole_words_and_a_star_any_ending(phrase, text, matches):
    assert bool(re.search(phrase_regex(phrase), text, re.IGNORECASE)) is matches


@pytest.mark.parametrize("text, found", [
    ("the car park was full", "car park"), ("my car", "car"), ("the car  park", "car  park"),
    ("careful", None), ("cars", None), ("car-park", None), ("good care", "care"),
    ("they explained it", "explained"), ("Car Park", "Car Park"),
])
def test_a_theme_matcher_shares_prefixes_and_prefers_the_longer_phrase(text, found):
    matcher = Theme("t", "T", ("car", "car park", "care", "explain*")).matcher()
    hit = matcher.search(text)
    assert (hit.group(0) if hit else None) == found


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_settings_add_words_to_a_theme_and_a_new_theme(tmp_path):
    settings = write(tmp_path, "settings.toml", """
[comments.themes.travel_and_parking]
phrases = ["shuttle"]
[comments.themes.interpreting]
label = "Interpreting"
phrases = ["signer", "BSL"]
""")
    finder = ThemeFinder(comment_themes(settings))
    assert finder.themes("The shuttle never came") == ("travel_and_parking",)
    assert finder.themes("No BSL signer was there") == ("interpreting",)
    assert "parking" in comment_themes(settings)["travel_and_parking"].phrases


def test_settings_name_an_extra_theme_file_beside_them(tmp_path):
    write(tmp_path, "our_themes.toml", '[themes.chaplaincy]\nphrases = ["chaplain*"]\n')
    settings = write(tmp_path, "settings.toml", '[comments]\nthemes_file = "our_themes.toml"\n')
    assert ThemeFinder(comment_themes(settings)).themes("The chaplaincy visit helped") == (
        "chaplaincy", "clinical_care")


def test_no_settings_file_gives_the_shipped_themes(tmp_path):
    assert list(comment_themes(tmp_path / "absent.toml")) == NINE


@pytest.mark.parametrize("text, message", [
    ('[comments]\ncolour = "blue"\n', "[comments] unknown key(s) colour"),
    ('[comments]\nthemes_file = "missing.toml"\n', "themes_file 'missing.toml': no such file"),
    ('[comments.themes.Bad-Id]\nphrases = ["x"]\n', "theme 'Bad-Id'"),
    ('[comments.themes.noise]\nphrases = "loud"\n', "theme noise, key phrases: must be a list"),
    ('[comments.themes.noise]\npatterns = ["(unclosed"]\n', "theme noise, pattern '(unclosed'"),
    ('[comments.themes.noise]\nwords = ["loud"]\n', "theme noise: unknown key(s) words"),
    ('[comments.themes.brand_new]\nlabel = "New"\n', "a new theme needs phrases or patterns"),
    ("[comments\n", "not a valid TOML file"),
])
def test_bad_settings_are_refused_with_a_plain_message(tmp_path, text, message):
    settings = write(tmp_path, "settings.toml", text)
    with pytest.raises(ThemeError) as caught:
        comment_themes(settings)
    assert message in str(caught.value) and "settings.toml" in str(caught.value)


def test_the_general_settings_loader_accepts_a_comments_section(tmp_path):
    from kpi.settings import read_settings_file
    settings = write(tmp_path, "settings.toml", '[comments.themes.noise]\nphrases = ["din"]\n')
    assert read_settings_file(settings).run_length == 7

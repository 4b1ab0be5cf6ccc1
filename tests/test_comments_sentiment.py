"""Sentiment of hand-made comments: healthcare wording, negation, contrast, the rating blend."""

import pytest

from kpi.comments.classify import Classifier
from kpi.comments.rating import RATING_WEIGHT, blended_score, rating_scale, rating_score
from kpi.comments.sentiment import analyzer, plain_vader_score, sentiment_label, text_score
from kpi.comments.themes import shipped_themes
from kpi.errors import PxError
from kpi.scoring import SCALES


@pytest.mark.parametrize("text, expected", [
    ("The nurses were kind and caring.", "positive"),
    ("Staff were rude and dismissive.", "negative"),
    ("We had to wait five hours.", "negative"),
    ("The wait was far too long.", "negative"),
    ("My operation was cancelled.", "negative"),
    ("The dressing change was painful.", "negative"),
    ("No problems with parking.", "positive"),          # negated complaint
    ("There was no wait at all.", "positive"),          # negated wait
    ("Nobody explained anything to us.", "negative"),   # "nobody" negates "explained"
    ("I was not listened to.", "negative"),
    ("I felt listened to.", "positive"),
    ("Could not fault the care.", "positive"),          # VADER alone reads "fault"
    ("Staff couldn't be more helpful.", "positive"),
    ("I would recommend this ward.", "positive"),
    ("It would be nice to have more parking.", "negative"),  # a wish for a change
    ("Could be quicker.", "negative"),
    ("Nothing.", "positive"),                           # nothing to improve
    ("Nothing to improve, the staff were lovely.", "positive"),
    ("Nothing really. The wait was awful though.", "negative"),
    ("Lovely nurses but the wait was awful.", "negative"),  # the clause after "but" weighs more
    ("I attended on Tuesday.", "neutral"),
    ("", "neutral"),
])
def test_text_sentiment_of_hand_made_comments(text, expected):
    assert sentiment_label(text_score(text)) == expected


@pytest.mark.parametrize("text, expected", [
    ("I wasn\u2019t listened to by the doctor.", "negative"),  # a typographic apostrophe
    ("The staff weren\u2019t helpful.", "negative"),
    ("None of the nurses explained anything.", "negative"),    # "none of" negates
    ("None of them listened.", "negative"),
    ("None of the staff were rude.", "positive"),
    ("Nothing, all brilliant", "positive"),                    # the answer, then praise
    ("Nothing all fine thanks", "positive"),
    ("Nothing the team were great", "positive"),
    ("No it was all fine", "positive"),
    ("Nothing was good about the visit.", "negative"),         # "nothing" governs "good"
    ("No staff came when I rang.", "negative"),
    ("No complaints about the food.", "positive"),
    ("Nothing but praise for the midwives.", "positive"),
    ("Nothing but trouble with the booking line.", "negative"),
    ("Nothing was too much trouble for the nurses.", "positive"),
    ("Could not have asked for better care.", "positive"),
    ("The physio was second to none.", "positive"),
    ("I would not change a thing.", "positive"),
    ("Can\u2019t really think of anything.", "positive"),
    ("Hard to think of anything to improve.", "positive"),
    ("Nothing really springs to mind for me.", "positive"),
    ("I really don\u2019t think so.", "positive"),
    ("Polite and professional reception staff.", "positive"),
    ("The consultant was dismissive.", "negative"),
    ("Very slow service.", "negative"),
    ("I felt unsafe on the ward.", "negative"),
    ("I didn't feel rushed.", "positive"),
    ("The parking could be a little bit better.", "negative"),
    ("Perhaps more chairs in the waiting area.", "negative"),
    ("Nothing at all, many thanks to the team", "positive"),
    ("They couldn't have done more for my dad.", "positive"),
    ("They could have done much better.", "negative"),
    ("The team could have done nothing better.", "positive"),
    ("I don't think there is anything the ward could do better.", "positive"),
    ("I cannot imagine better care.", "positive"),
    ("I don't see how the clinic could be improved.", "positive"),
    ("Chairs in the bay to be more comfortable.", "negative"),  # a wish: "X to be ..."
    ("Lack of things to do in the evenings.", "negative"),
    ("Need a better lift to the clinic.", "negative"),
    ("It would have been a good idea to offer a drink.", "negative"),
    ("A leaflet would have really helped.", "negative"),
    ("Reduce the noise at night.", "negative"),              # a request for a change
    ("Employ more physios.", "negative"),
    ("The room was too hot.", "negative"),
    ("The results took ages to come back.", "negative"),
    ("Nothing was ever too much bother.", "positive"),
    ("You cannot improve on this clinic.", "positive"),
    ("The care was more than we expected.", "positive"),
    ("I would be hard pressed to find fault.", "positive"),
    ("The midwives were marvellous.", "positive"),           # a British spelling
    ("Very helpfull reception.", "positive"),                 # a common misspelling
    ("An awfull night on the ward.", "negative"),
])
def test_answers_negations_and_general_healthcare_words(text, expected):
    assert sentiment_label(text_score(text)) == expected


@pytest.mark.parametrize("variant, word", [("marvellous", "marvelous"), ("awfull", "awful"),
                                           ("proffesional", "professional")])
def test_a_spelling_variant_reads_with_the_valence_of_its_word(variant, word):
    lexicon = analyzer().lexicon
    assert lexicon[variant] == lexicon[word] != 0


@pytest.mark.parametrize("text", ["Could not fault the care.", "Nothing.",
                                  "We had to wait five hours.", "Staff couldn't be more helpful."])
def test_the_healthcare_wording_changes_what_plain_vader_says(text):
    assert sentiment_label(plain_vader_score(text)) != sentiment_label(text_score(text))


@pytest.mark.parametrize("score, label", [
    (0.05, "positive"), (0.0499, "neutral"), (0.0, "neutral"), (-0.0499, "neutral"),
    (-0.05, "negative"), (1.0, "positive"), (-1.0, "negative"),
])
def test_labels_use_vaders_cut_offs(score, label):
    assert sentiment_label(score) == label


@pytest.mark.parametrize("scale, answer, expected", [
    ("experience5", 1, -1.0), ("experience5", 3, 0.0), ("experience5", 5, 1.0),
    ("experience5", 4, 0.5), ("rating0_10", 0, -1.0), ("rating0_10", 7, 0.4),
    ("yesno", 0, -1.0), ("yesno", 1, 1.0), ("frequency4", 2, -1 / 3),
])
def test_a_rating_maps_linearly_from_minus_one_to_one(scale, answer, expected):
    assert rating_score(answer, SCALES[scale]) == pytest.approx(expected)


def test_the_blend_is_the_weighted_mean_and_the_text_alone_without_a_rating():
    assert RATING_WEIGHT == 0.5
    assert blended_score(0.6, None) == 0.6
    assert blended_score(0.6, -1.0) == pytest.approx(-0.2)
    assert blended_score(-0.4, 1.0) == pytest.approx(0.3)


def test_a_very_poor_rating_turns_a_mildly_positive_text_negative():
    classifier = Classifier(shipped_themes())
    text = "The staff were fine."
    alone = classifier.classify(text)
    rated = classifier.classify(text, 1, SCALES["experience5"])
    assert alone.sentiment == "positive"
    assert rated.sentiment == "negative"
    assert rated.score == pytest.approx(round(0.5 * alone.score - 0.5, 4))


def test_a_classified_comment_carries_its_themes_as_a_cell():
    found = Classifier(shipped_themes()).classify("The car park was full and staff were rude.")
    assert found.sentiment == "negative" and -1 <= found.score < 0
    assert found.theme_cell == "travel_and_parking;staff_attitude"


def test_an_unknown_rating_scale_is_a_plain_error():
    with pytest.raises(PxError, match="unknown rating scale 'stars'; known: agree5"):
        rating_scale("stars")

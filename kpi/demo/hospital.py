"""The demo hospital as data: departments, question catalog, comment phrases, complaint mix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoDepartment:
    """One demo department with the parameters that drive its synthetic volumes and levels."""

    department_id: str
    name: str
    service_line: str
    site: str
    visit_share: float          # share of the scaled visit volume (0 for the fixed small unit)
    survey_rate: float          # share of visits that return a survey
    staff_share: float          # share of the scaled staff survey volume (0: fixed small unit)
    level: float                # baseline satisfaction on the latent (probit) scale
    wait_median: float | None   # median wait in minutes where waits are recorded
    wait_sigma: float = 0.7     # log-normal spread of waits
    wait_recorded: float = 0.96  # share of visits with a wait recorded


MAIN, NORTH, RIVERSIDE = "Main Campus", "North Campus", "Riverside"
INPATIENT_WAIT_RECORDED = 0.03

DEPARTMENTS: tuple[DemoDepartment, ...] = (
    DemoDepartment("ED", "Emergency Department", "Emergency", MAIN,
                   0.22, 0.04, 0.15, -0.35, 50.0, 0.75, 0.98),
    DemoDepartment("UCC", "Urgent Care Centre", "Emergency", NORTH,
                   0.12, 0.04, 0.06, -0.05, 35.0, 0.7, 0.97),
    DemoDepartment("CARD", "Cardiology Ward", "Inpatient", MAIN,
                   0.05, 0.12, 0.09, 0.15, 25.0, 0.8, INPATIENT_WAIT_RECORDED),
    DemoDepartment("MED", "General Medicine Ward", "Inpatient", MAIN,
                   0.07, 0.12, 0.12, -0.45, 25.0, 0.8, INPATIENT_WAIT_RECORDED),
    DemoDepartment("SURG", "Surgical Ward", "Inpatient", MAIN,
                   0.05, 0.12, 0.10, 0.05, 25.0, 0.8, INPATIENT_WAIT_RECORDED),
    DemoDepartment("MAT", "Maternity Unit", "Inpatient", NORTH,
                   0.03, 0.12, 0.08, 0.30, 25.0, 0.8, INPATIENT_WAIT_RECORDED),
    DemoDepartment("PAED", "Children's Ward", "Inpatient", NORTH,
                   0.02, 0.12, 0.06, 0.25, 25.0, 0.8, INPATIENT_WAIT_RECORDED),
    DemoDepartment("ONC", "Oncology Day Unit", "Outpatient", MAIN,
                   0.07, 0.05, 0.08, 0.40, 20.0, 0.6),
    DemoDepartment("ORTH", "Orthopaedic Clinic", "Outpatient", NORTH,
                   0.13, 0.05, 0.07, -0.05, 25.0, 0.8),
    DemoDepartment("OPH", "Eye Clinic", "Outpatient", RIVERSIDE,
                   0.13, 0.05, 0.06, 0.10, 30.0, 0.7),
    DemoDepartment("DERM", "Dermatology Clinic", "Outpatient", RIVERSIDE,
                   0.11, 0.05, 0.05, 0.05, 15.0, 0.7),
    DemoDepartment("PALL", "Palliative Care Unit", "Inpatient", RIVERSIDE,
                   0.0, 0.12, 0.0, 0.55, 25.0, 0.8, INPATIENT_WAIT_RECORDED),
)

VISIT_TYPES = ("inpatient", "outpatient", "emergency", "virtual")
SURVEY_MODES = ("mail", "phone", "web", "sms")
SURVEY_MODE_WEIGHTS = (0.35, 0.10, 0.30, 0.25)


@dataclass(frozen=True)
class DemoQuestion:
    """One catalog question and how its synthetic answers lean (offset on the latent scale)."""

    question_id: str
    audience: str
    domain: str
    scale: str
    question_text: str
    offset: float = 0.0
    hcahps_measure: str | None = None  # the CMS measure the question belongs to, if any


_P, _S = "patient", "staff"
QUESTIONS: tuple[DemoQuestion, ...] = (
    DemoQuestion("Q_NURSE_COURTESY", _P, "communication", "frequency4",
                 "How often did nurses treat you with courtesy and respect?", 0.25, "H_COMP_1"),
    DemoQuestion("Q_NURSE_LISTEN", _P, "communication", "frequency4",
                 "How often did nurses listen carefully to you?", 0.0, "H_COMP_1"),
    DemoQuestion("Q_NURSE_EXPLAIN", _P, "communication", "frequency4",
                 "How often did nurses explain things in a way you could understand?", -0.05, "H_COMP_1"),
    DemoQuestion("Q_DOCTOR_COURTESY", _P, "communication", "frequency4",
                 "How often did doctors treat you with courtesy and respect?", 0.3, "H_COMP_2"),
    DemoQuestion("Q_DOCTOR_LISTEN", _P, "communication", "frequency4",
                 "How often did doctors listen carefully to you?", 0.05, "H_COMP_2"),
    DemoQuestion("Q_DOCTOR_EXPLAIN", _P, "communication", "frequency4",
                 "How often did doctors explain things in a way you could understand?", 0.0, "H_COMP_2"),
    DemoQuestion("Q_HELP_QUICKLY", _P, "responsiveness", "frequency4",
                 "How often did you get help as soon as you wanted it?", -0.35),
    DemoQuestion("Q_STAFF_RESPONSIVE", _P, "responsiveness", "frequency4",
                 "How often did staff respond quickly when you asked for help?", -0.25),
    DemoQuestion("Q_CLEAN", _P, "environment", "frequency4",
                 "How often were the areas you used kept clean?", 0.05, "H_CLEAN"),
    DemoQuestion("Q_QUIET", _P, "environment", "frequency4",
                 "How often was the area around you quiet when you needed rest?", -0.55, "H_QUIET"),
    DemoQuestion("Q_WAIT_REASONABLE", _P, "wait_time", "frequency4",
                 "How often were you seen within a reasonable time of arriving?", -0.3),
    DemoQuestion("Q_PRIVACY", _P, "privacy", "agree5",
                 "I was given enough privacy when discussing my condition or treatment.", 0.0),
    DemoQuestion("Q_EMPATHY_CARED", _P, "empathy", "agree5",
                 "Staff showed that they cared about me as a person.", 0.05),
    DemoQuestion("Q_EMPATHY_INVOLVED", _P, "empathy", "agree5",
                 "I was involved as much as I wanted in decisions about my care.", -0.1),
    DemoQuestion("Q_DISCHARGE_HELP", _P, "discharge", "yesno",
                 "Did staff talk with you about the help you would need after leaving?", 0.05, "H_COMP_6"),
    DemoQuestion("Q_DISCHARGE_SYMPTOMS", _P, "discharge", "yesno",
                 "Were you told in writing which symptoms to look out for after leaving?", -0.15, "H_COMP_6"),
    DemoQuestion("Q_OVERALL_RATING", _P, "overall", "rating0_10",
                 "Using any number from 0 (worst) to 10 (best), how would you rate this "
                 "hospital?", 0.0, "H_HSP_RATING"),
    DemoQuestion("Q_RECOMMEND", _P, "recommend", "recommend4",
                 "Would you recommend this hospital to your friends and family?", 0.0, "H_RECMND"),
    DemoQuestion("Q_RECOMMEND_LIKELY", _P, "recommend", "rating0_10",
                 "How likely are you to recommend this hospital to friends and family (0-10)?",
                 0.0),
    DemoQuestion("Q_FFT", _P, "fft", "experience5",
                 "Overall, how was your experience of our service?", 0.0),
    DemoQuestion("ST_ENG_ENTHUSIASTIC", _S, "engagement", "agree5",
                 "I am enthusiastic about my job.", 0.1),
    DemoQuestion("ST_ENG_VALUED", _S, "engagement", "agree5",
                 "I feel valued for the work I do.", -0.2),
    DemoQuestion("ST_ENG_CARE_PRIORITY", _S, "engagement", "agree5",
                 "Care of patients is this organisation's top priority.", 0.1),
    DemoQuestion("ST_WB_WORKLOAD", _S, "wellbeing", "agree5",
                 "I can manage my workload in the time I have.", -0.3),
    DemoQuestion("ST_WB_RESTED", _S, "wellbeing", "agree5",
                 "I rarely feel burnt out because of my work.", -0.2),
    DemoQuestion("ST_RECOMMEND_WORKPLACE", _S, "recommend_workplace", "rating0_10",
                 "How likely are you to recommend this organisation as a place to work (0-10)?",
                 0.0),
)

WAIT_QUESTION = "Q_WAIT_REASONABLE"

# Share of answers for each code low..high when the latent level is 0 (an average department).
BASELINE_ANSWER_SHARES: dict[tuple[str, str], tuple[float, ...]] = {
    (_P, "frequency4"): (0.03, 0.07, 0.18, 0.72),
    (_P, "yesno"): (0.12, 0.88),
    (_P, "rating0_10"): (0.01, 0.005, 0.005, 0.01, 0.01, 0.03, 0.03, 0.08, 0.15, 0.22, 0.45),
    (_P, "recommend4"): (0.03, 0.05, 0.22, 0.70),
    (_P, "agree5"): (0.03, 0.06, 0.14, 0.42, 0.35),
    (_P, "experience5"): (0.02, 0.02, 0.04, 0.25, 0.67),
    (_S, "agree5"): (0.05, 0.10, 0.22, 0.43, 0.20),
    (_S, "rating0_10"): (0.02, 0.01, 0.02, 0.03, 0.04, 0.08, 0.10, 0.15, 0.20, 0.17, 0.18),
}

# Free-text comments: realistic, name-free, some with commas, quotes, a newline, an emoji
# and one starting with "=" (to exercise formula-injection guards downstream).
POSITIVE_COMMENTS = (
    "The nurses were kind and explained everything clearly.",
    "Excellent care from start to finish, thank you.",
    "Staff were friendly, calm and very professional.",
    "The ward was spotless and quiet at night.",
    "The doctor took time to listen to my concerns.",
    "Quick, efficient and friendly - could not ask for more.",
    'Everyone made me feel "at home", even in the middle of the night.',
    "Brilliant team \N{SMILING FACE WITH SMILING EYES} thank you all",
    "=) very happy with my care",
    "Clear instructions for after I went home.",
    "Felt safe and respected throughout my stay.",
)
MIXED_COMMENTS = (
    "Good care, but the wait was far too long.",
    "Nurses were great; the doctors seemed rushed.",
    "The appointment letter arrived after the appointment date.",
    "Fine overall, though the signage could be better.",
    "Treatment was good.\nThe discharge paperwork was confusing.",
)
NEGATIVE_COMMENTS = (
    "Waited over four hours to be seen, with no updates.",
    "The waiting room was crowded and there was nowhere to sit.",
    "Nobody told me how long the wait would be.",
    "The call bell took a long time to be answered at night.",
    "Too noisy at night to get any sleep.",
    "Staff seemed stretched, rushed and tired.",
    "I had to repeat my history to three different people.",
    "Parking was expensive, and hard to find.",
    "The bill I received did not match what I was told.",
    'Reception said "not my job" when I asked for help.',
)
COMMENTS = POSITIVE_COMMENTS + MIXED_COMMENTS + NEGATIVE_COMMENTS

COMPLAINT_CATEGORIES = ("communication", "wait_time", "clinical_care", "staff_attitude",
                        "billing", "privacy", "environment", "access", "other")
COMPLAINT_SEVERITIES = ("low", "moderate", "high", "critical")
COMPLAINT_SEVERITY_WEIGHTS = (0.40, 0.40, 0.15, 0.05)
# Who works a complaint (roles, not people) and how a resolved one ended, in percent.
COMPLAINT_OWNERS = ("Patient relations team", "Ward manager", "Service manager", "Clinical lead")
COMPLAINT_OUTCOMES = ("upheld", "partly_upheld", "not_upheld")
COMPLAINT_OUTCOME_PERCENT = (30, 35, 35)
# Complaints per visit at level 0, and the category mix, per service line.
COMPLAINT_RATE = {"Emergency": 0.004, "Inpatient": 0.006, "Outpatient": 0.0017}
COMPLAINT_CATEGORY_WEIGHTS = {
    "Emergency": (18, 30, 18, 14, 3, 3, 6, 4, 4),
    "Inpatient": (22, 5, 28, 16, 4, 6, 12, 2, 5),
    "Outpatient": (18, 20, 12, 12, 8, 4, 4, 16, 6),
}

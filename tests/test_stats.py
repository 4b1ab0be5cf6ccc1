"""Intervals and suppression of kpi.stats against published and hand-computed values."""

import math
import time

import numpy as np
import pytest

from kpi import stats
from kpi.stats_t import t_interval_arrays, t_quantile

ALPHA = math.erfc(stats.Z95 / math.sqrt(2.0))  # two-sided level implied by z: 0.05


def one(arrays_function, *values, **options) -> tuple[float, ...]:
    """An element-wise kpi.stats function (as the engine calls it) on one case."""
    return tuple(float(a[0]) for a in arrays_function(*(np.array([v]) for v in values),
                                                       **options))


def wilson(successes, n, **options) -> tuple[float, float]:
    """The Wilson interval of one case."""
    return one(stats.wilson_interval_arrays, successes, n, **options)


def nps_interval(promoters, detractors, n) -> tuple[float, float]:
    """The NPS interval of one case."""
    return one(stats.nps_interval_arrays, promoters, detractors, n)


def suppressed(n, threshold=stats.SUPPRESSION_THRESHOLD, **options) -> bool:
    """Whether one n is withheld."""
    return bool(stats.suppressed_mask(np.array([n], dtype=float), threshold, **options)[0])

# Wilson score intervals in percent. Published: Newcombe (1998), Stat Med 17:857, Table I
# (method 3, to 4 decimals of a proportion -> tolerance 0.005 points).
WILSON_PUBLISHED = [
    (81, 263, 25.53, 36.62),
    (15, 148, 6.24, 16.05),
    (0, 20, 0.00, 16.11),
    (1, 29, 0.61, 17.18),
    (29, 29, 88.30, 100.00),
]

# By hand, with z^2 = 3.841459, centre = (s + z^2/2)/(n + z^2),
# half = z sqrt(s(n - s)/n + z^2/4)/(n + z^2):
#  5/10: centre = 6.920729/13.841459 = 0.5; half = 1.959964 x sqrt(2.5 + 0.960365)/13.841459
#        = 1.959964 x 1.860206/13.841459 = 0.263407            -> 23.6593 .. 76.3407
#  0/10: low 0; high = z^2/(n + z^2) = 3.841459/13.841459    -> 0 .. 27.7533
# 10/10: low = n/(n + z^2) = 10/13.841459 = 0.722467; high 1  -> 72.2467 .. 100
WILSON_BY_HAND = [
    (5, 10, 23.65931, 76.34069),
    (0, 10, 0.0, 27.75328),
    (10, 10, 72.24672, 100.0),
]


@pytest.mark.parametrize("successes, n, low, high", WILSON_PUBLISHED)
def test_wilson_matches_newcombe_1998(successes, n, low, high):
    got = wilson(successes, n)
    assert got == pytest.approx((low, high), abs=0.005)


@pytest.mark.parametrize("successes, n, low, high", WILSON_BY_HAND)
def test_wilson_matches_hand_computation(successes, n, low, high):
    got = wilson(successes, n)
    assert got == pytest.approx((low, high), abs=1e-4)


def test_wilson_edges_are_exact():
    assert wilson(0, 10)[0] == 0.0
    assert wilson(10, 10)[1] == 100.0


def test_wilson_with_no_answers_has_no_interval():
    low, high = wilson(0, 0)
    assert math.isnan(low) and math.isnan(high)


@pytest.mark.parametrize("successes, n", [(11, 10), (-1, 10), (1, 0)])
def test_wilson_rejects_impossible_counts(successes, n):
    with pytest.raises(ValueError):
        wilson(successes, n)


def test_wilson_smaller_z_gives_narrower_interval():
    wide = wilson(5, 10)
    narrow = wilson(5, 10, z=1.0)
    assert wide[0] < narrow[0] < 50.0 < narrow[1] < wide[1]


def test_wilson_arrays_match_scalars_and_mark_empty_groups():
    successes = np.array([81, 0, 10, 0, 5])
    n = np.array([263, 10, 10, 0, 10])
    low, high = stats.wilson_interval_arrays(successes, n)
    for i in range(4):
        if n[i] == 0:
            assert math.isnan(low[i]) and math.isnan(high[i])
        else:
            assert (low[i], high[i]) == pytest.approx(wilson(successes[i], n[i]))
    assert (low[4], high[4]) == pytest.approx((23.65931, 76.34069), abs=1e-4)


# NPS 70 promoters, 20 passives, 10 detractors (n = 100): P = 0.7, D = 0.1, NPS = 60.
# P + D - (P - D)^2 = 0.8 - 0.36 = 0.44; 0.44/100 = 0.0044; sqrt = 0.0663325;
# half = 1.959964 x 100 x 0.0663325 = 13.000930 -> 46.999070 .. 73.000930.
# 9 promoters, 1 detractor (n = 10): NPS 80; 1.0 - 0.64 = 0.36; sqrt(0.036) = 0.189737;
# half = 195.9964 x 0.189737 = 37.187702 -> 42.812298 .. 117.19, clipped to 100.
NPS_CASES = [
    (70, 10, 100, 60.0, 46.999070, 73.000930),
    (9, 1, 10, 80.0, 42.812298, 100.0),
    (1, 9, 10, -80.0, -100.0, -42.812298),
    (10, 0, 10, 100.0, 100.0, 100.0),
    (0, 10, 10, -100.0, -100.0, -100.0),
    (0, 0, 10, 0.0, 0.0, 0.0),
]


@pytest.mark.parametrize("promoters, detractors, n, value, low, high", NPS_CASES)
def test_nps_interval(promoters, detractors, n, value, low, high):
    assert nps_interval(promoters, detractors, n) == pytest.approx((low, high), abs=1e-5)
    assert low <= value <= high


def test_nps_with_no_answers_is_empty():
    assert all(math.isnan(v) for v in nps_interval(0, 0, 0))


@pytest.mark.parametrize("promoters, detractors, n", [(8, 3, 10), (-1, 0, 10)])
def test_nps_rejects_impossible_counts(promoters, detractors, n):
    with pytest.raises(ValueError):
        nps_interval(promoters, detractors, n)


def test_nps_interval_arrays_work_element_wise():
    pro, det, n = np.array([70, 9, 0]), np.array([10, 1, 0]), np.array([100, 10, 0])
    low, high = stats.nps_interval_arrays(pro, det, n)
    assert low[:2] == pytest.approx([46.999070, 42.812298], abs=1e-5)
    assert high[:2] == pytest.approx([73.000930, 100.0], abs=1e-5)
    assert math.isnan(low[2]) and math.isnan(high[2])


# Garwood (1936) exact limits as tabulated (e.g. Ulm 1990, Am J Epidemiol 131:373), 95 %.
POISSON_PUBLISHED = [
    (0, 0.0, 3.689),
    (1, 0.0253, 5.572),
    (5, 1.6235, 11.668),
    (10, 4.7954, 18.390),
    (100, 81.36, 121.63),
]


@pytest.mark.parametrize("count, low, high", POISSON_PUBLISHED)
def test_poisson_matches_published_table(count, low, high):
    got_low, got_high = stats.poisson_interval(count)
    assert got_low == pytest.approx(low, rel=1e-3, abs=1e-12)
    assert got_high == pytest.approx(high, rel=1e-3)


def _poisson_cdf(k: int, mu: float) -> float:
    """P(X <= k) for X ~ Poisson(mu) by direct summation (independent of the gamma code)."""
    return sum(math.exp(-mu + j * math.log(mu) - math.lgamma(j + 1)) for j in range(k + 1))


@pytest.mark.parametrize("count", [1, 2, 3, 5, 10, 20, 50])
def test_poisson_limits_satisfy_their_definition(count):
    low, high = stats.poisson_interval(count)
    assert 1.0 - _poisson_cdf(count - 1, low) == pytest.approx(ALPHA / 2, rel=1e-9)
    assert _poisson_cdf(count, high) == pytest.approx(ALPHA / 2, rel=1e-9)


def test_poisson_zero_upper_limit_is_closed_form():
    assert stats.poisson_interval(0) == (0.0, pytest.approx(-math.log(ALPHA / 2), rel=1e-12))


def test_poisson_large_count_is_accurate_and_fast():
    started = time.perf_counter()
    low, high = stats.poisson_interval(1_000_000)
    assert time.perf_counter() - started < 1.0
    # reference: mpmath (30 digits) root of the regularized incomplete gamma
    assert low == pytest.approx(998040.9833248542, rel=1e-9)
    assert high == pytest.approx(1001961.9119609124, rel=1e-9)


def test_poisson_limits_increase_with_the_count():
    counts = list(range(0, 300)) + [1_000, 10_000, 100_000, 1_000_000]
    limits = np.array([stats.poisson_interval(k) for k in counts])
    assert np.all(np.diff(limits[:, 0]) > 0) and np.all(np.diff(limits[:, 1]) > 0)
    assert np.all(limits[1:, 0] < np.array(counts[1:])) and np.all(limits[:, 1] > counts)


@pytest.mark.parametrize("count", [-1, 2.5])
def test_poisson_rejects_non_counts(count):
    with pytest.raises(ValueError):
        stats.poisson_interval(count)


@pytest.mark.parametrize("a, x", [(1.0, 0.5), (1.0, 2.0), (1.0, 10.0), (1.0, 40.0)])
def test_regularized_gamma_of_one_is_exponential_cdf(a, x):
    assert stats.regularized_gamma_p(a, x) == pytest.approx(1.0 - math.exp(-x), rel=1e-12)


def test_rate_interval_scales_the_count_interval():
    low, high = stats.rate_interval(5, 2000)  # 5 complaints in 2,000 visits = 2.5 per 1,000
    assert (low, high) == pytest.approx((1.6234864 / 2, 11.668332 / 2), rel=1e-6)
    assert stats.rate_interval(0, 1000) == pytest.approx((0.0, 3.688879), rel=1e-6)
    assert stats.rate_interval(5, 2000, per=100.0) == pytest.approx((low / 10, high / 10))


def test_rate_interval_without_exposure_is_empty():
    assert all(math.isnan(v) for v in stats.rate_interval(3, 0))


SUPPRESSION_CASES = [
    (0, 11, False),
    (1, 11, True),
    (10, 11, True),
    (11, 11, False),
    (12, 11, False),
    (11, 20, True),
    (19, 20, True),
    (20, 20, False),
]


@pytest.mark.parametrize("n, threshold, expected", SUPPRESSION_CASES)
def test_suppressed(n, threshold, expected):
    assert suppressed(n, threshold) is expected


def test_suppressed_mask_treats_missing_n_as_not_suppressed():
    mask = stats.suppressed_mask(np.array([0, 1, 10, 11, np.nan]))
    assert mask.tolist() == [False, True, True, False, False]
    assert suppressed(None) is False


@pytest.mark.parametrize("threshold", [10, 5, 1])
def test_threshold_below_cms_minimum_needs_explicit_setting(threshold):
    with pytest.raises(ValueError, match="CMS minimum"):
        suppressed(3, threshold)
    with pytest.raises(ValueError, match="CMS minimum"):
        stats.suppressed_mask([3], threshold)
    assert suppressed(threshold - 1, threshold, allow_below_cms_minimum=True) is (
        threshold > 1)
    assert suppressed(threshold, threshold, allow_below_cms_minimum=True) is False


@pytest.mark.parametrize("threshold", [0, -3, 12.5])
def test_threshold_must_be_a_positive_whole_number(threshold):
    with pytest.raises(ValueError):
        suppressed(3, threshold, allow_below_cms_minimum=True)


@pytest.mark.parametrize("df, expected", [  # Student's t, two-sided 95 % (published tables)
    (1, 12.7062047), (2, 4.3026527), (5, 2.5705818), (10, 2.2281389), (30, 2.0422725),
    (120, 1.9799304),
])
def test_the_t_quantile_matches_the_tables(df, expected):
    assert t_quantile(df) == pytest.approx(expected, abs=1e-6)


def test_a_t_interval_hand_computed_and_undefined_below_two():
    low, high = t_interval_arrays([4.0, 3.0, 2.0], [1.0, 0.0, 1.0], [4, 9, 1])
    assert low[0] == pytest.approx(4.0 - 3.1824463 / 2) and high[0] == pytest.approx(4.0 + 3.1824463 / 2)
    assert np.isnan(low[1]) and np.isnan(high[2])  # sd 0: no spread; n 1: no interval

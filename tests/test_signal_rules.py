"""The detection rules on hand-made series and subjects, number by number."""

from __future__ import annotations

import pytest

from rules.signals import (
    DROP,
    SPIKE,
    Thresholds,
    baseline,
    cosine,
    emerging_topics,
    poisson_distance,
    spike_or_drop,
    tfidf,
    tokens,
)


def test_baseline_is_median_and_mad_with_a_poisson_floor():
    # median 10; deviations 0,0,1,1,1,2,2,30 -> MAD 1 -> 1.48, floored by sqrt(10)
    expected, spread = baseline([10, 10, 9, 11, 11, 8, 12, 40])
    assert expected == 10.5
    assert spread == pytest.approx(10.5**0.5)
    # a wide history: the MAD wins over the floor
    expected, spread = baseline([10, 30, 10, 30, 10, 30, 10, 30])
    assert (expected, spread) == (20.0, pytest.approx(14.826))
    assert baseline([]) == (0.0, 1.0)
    assert baseline([0, 0, 0, 0]) == (0.0, 1.0)


def test_poisson_distance_is_about_one_per_standard_deviation():
    assert poisson_distance(20, 20) == 0
    # 36 against 20 is 3.6 sqrt(20) above, on the square-root scale just over 3
    assert poisson_distance(36, 20) == pytest.approx(3.03, abs=0.01)
    assert poisson_distance(35, 20) == pytest.approx(2.87, abs=0.01)
    assert poisson_distance(4, 20) < -4


def test_a_spike_against_a_steady_week():
    history = [20, 22, 19, 21, 20, 23, 18, 20]  # median 20, MAD 1 (1.48 scaled)
    found = spike_or_drop(36, history)
    assert found is not None and found.kind == SPIKE
    assert found.expected == 20 and found.observed == 36
    assert found.figures() == {
        "expected": 20.0,
        "observed": 36,
        "spread": 4.47,  # sqrt(20): the Poisson floor over the scaled MAD
        "history": history,
    }
    assert spike_or_drop(35, history) is None  # 2.87 deviations: under 3


def test_one_odd_week_in_the_history_does_not_hide_the_next_spike():
    history = [20, 21, 19, 80, 20, 22, 20, 21]  # last month's spike, down-weighted
    assert spike_or_drop(40, history).kind == SPIKE
    assert spike_or_drop(35, history) is None


def test_an_erratic_series_needs_more():
    # median 20, MAD 10: 3 x 14.8 over the median is 64.5 -- Poisson alone would say 36
    wide = [10, 30, 10, 30, 10, 30, 10, 30]
    assert spike_or_drop(60, wide) is None
    assert spike_or_drop(65, wide).kind == SPIKE


def test_a_drop_needs_a_baseline_that_means_something():
    history = [30, 31, 29, 30, 32, 28, 30, 30]
    assert spike_or_drop(15, history).kind == DROP
    assert spike_or_drop(16, history) is None
    assert spike_or_drop(0, [3, 4, 3, 2, 3, 4, 3, 3]) is None  # too small to drop


def test_small_counts_need_the_minimum_excess():
    assert spike_or_drop(4, [0, 0, 0, 0, 0, 0, 0, 0]) is None  # 4 contacts: noise
    assert spike_or_drop(5, [0, 0, 0, 0, 0, 0, 0, 0]).kind == SPIKE
    assert spike_or_drop(9, [0, 0, 0]) is None  # too little history
    assert spike_or_drop(9, [0, 0, 0], Thresholds(min_history=3)).kind == SPIKE
    assert spike_or_drop(-1, [1, 1, 1, 1]) is None


def test_tokens_and_tfidf():
    assert tokens("Re: Vraag over mijn DigiD-code 2026!") == ["digid", "code"]
    vecs = tfidf([["digid", "code"], ["digid", "storing"], ["factuur"]])
    assert cosine(vecs[0], vecs[0]) == pytest.approx(1.0)
    assert cosine(vecs[0], vecs[2]) == 0.0
    assert 0 < cosine(vecs[0], vecs[1]) < 1


USUAL = [
    "Adreswijziging doorgeven",
    "Vraag over mijn factuur",
    "Wachtwoord vergeten",
    "Betaling niet ontvangen",
    "Afspraak verzetten",
]


def test_a_new_topic_is_found_with_its_examples():
    new = [f"Storing inlogapp foutcode {n}: inlogapp start niet" for n in range(6)]
    day = USUAL * 2 + new
    background = USUAL * 20  # four weeks of the usual questions
    topics = emerging_topics(day, background, background_days=28)
    assert len(topics) == 1
    topic = topics[0]
    assert topic.members == list(range(10, 16))
    assert topic.examples == list(range(10, 15))
    assert "inlogapp" in topic.terms
    assert topic.figures()["observed"] == 6


def test_a_usual_question_in_numbers_is_no_topic():
    # ten "Wachtwoord vergeten" a day is what the weeks before had too
    day = ["Wachtwoord vergeten"] * 10 + USUAL
    background = ["Wachtwoord vergeten"] * 280
    assert emerging_topics(day, background, background_days=28) == []
    assert emerging_topics([], [], 28) == []
    assert emerging_topics(["", "!!!", "12345"] * 5, [], 28) == []

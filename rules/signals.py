"""Detection of customer signals: pure functions over counts and subjects, so the
daily scan, the bench and the tests read them the same way.

Spikes and drops: a day's count per product x contact reason against the same
weekday of the last weeks. The baseline is the median of those days and its spread
the median absolute deviation (robust: one odd week -- a holiday, an earlier spike --
barely moves either). Counts are Poisson-like, whose upper tail is heavier than a
normal one at small means, so the distance is measured on Anscombe's square-root
scale, 2 * (sqrt(observed + 3/8) - sqrt(expected + 3/8)), about one per standard
deviation at any mean. Like EARS C2/C3 the threshold is a number of those deviations;
a day must also lie that many MAD spreads out (an erratic series alarms less) and a
spike must be a minimum number of contacts.

Emerging topics: a small TF-IDF over the subjects (and first words of the text) of
yesterday's contacts without a specific reason; contacts whose vectors are close
(cosine) are grouped, and a group is a topic when it is large and had few look-alikes
in the weeks before."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

SPIKE, DROP, TOPIC, AGENT = "spike", "drop", "topic", "agent"
KINDS = (SPIKE, DROP, TOPIC, AGENT)


@dataclass(frozen=True)
class Thresholds:
    spreads: float = 3.0  # how many deviations from the baseline alarm
    min_excess: int = 5  # a spike is at least this many contacts over the baseline
    min_expected_drop: float = 10.0  # a drop needs a baseline this high to mean anything
    min_history: int = 4  # fewer same-weekday days than this: no verdict


@dataclass(frozen=True)
class Finding:
    kind: str
    expected: float
    observed: int
    spread: float
    history: tuple[int, ...] = ()

    def figures(self) -> dict:
        return {
            "expected": round(self.expected, 2),
            "observed": self.observed,
            "spread": round(self.spread, 2),
            "history": list(self.history),
        }


def baseline(history: Sequence[int]) -> tuple[float, float]:
    """(expected, spread) of a same-weekday history: the median and the scaled MAD
    (1.4826 x MAD estimates a standard deviation), the spread at least the Poisson
    sqrt(expected) and at least 1 (shown with a signal's figures)."""
    expected, mad = _median_mad(history)
    return expected, max(mad, math.sqrt(expected), 1.0)


def _median_mad(history: Sequence[int]) -> tuple[float, float]:
    if not history:
        return 0.0, 0.0
    mid = float(median(history))
    return mid, float(median(abs(x - mid) for x in history)) * 1.4826


def poisson_distance(observed: float, expected: float) -> float:
    """Anscombe's variance-stabilised distance: about N(0, 1) for Poisson counts."""
    return 2.0 * (math.sqrt(observed + 0.375) - math.sqrt(expected + 0.375))


def spike_or_drop(
    observed: int, history: Sequence[int], thresholds: Thresholds = Thresholds()
) -> Finding | None:
    """A spike or a drop of ``observed`` against ``history`` (same weekday, oldest
    first), or None when the day is ordinary or the history too short."""
    if observed < 0 or len(history) < thresholds.min_history:
        return None
    expected, mad = _median_mad(history)
    _, spread = baseline(history)
    k = thresholds.spreads
    z = poisson_distance(observed, expected)
    hist = tuple(int(x) for x in history)
    if z >= k and observed - expected >= max(k * mad, thresholds.min_excess):
        return Finding(SPIKE, expected, observed, spread, hist)
    if expected >= thresholds.min_expected_drop and -z >= k and expected - observed >= k * mad:
        return Finding(DROP, expected, observed, spread, hist)
    return None


# --- emerging topics -------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_STOP_WORDS = """
    aan als bij dat die dit een hebben heb het hoe ik ik ben kan maar met mijn naar niet
    nog ook over van voor wat waarom wel wij wordt zijn zou graag vraag vragen uw
    the and for you your with this that have has not are was from about can what why
    dear hello please thanks thank regards question re fw fwd
    geachte beste mevrouw heer hallo groet groeten dank bedankt
"""
_STOP = frozenset(_STOP_WORDS.split())


def tokens(text: str) -> list[str]:
    return [w for w in (m.lower() for m in _WORD.findall(text or "")) if w not in _STOP]


Vector = dict[str, float]


def tfidf(docs: Sequence[Sequence[str]], background: Sequence[Sequence[str]] = ()) -> list[Vector]:
    """Unit-length TF-IDF vectors of ``docs``; document frequencies over docs and
    ``background`` together, so words common everywhere weigh little."""
    df: Counter[str] = Counter()
    for doc in (*docs, *background):
        df.update(set(doc))
    n = len(docs) + len(background)
    vectors = []
    for doc in docs:
        counts = Counter(doc)
        vec = {w: (1 + math.log(c)) * math.log((1 + n) / (1 + df[w])) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({w: v / norm for w, v in vec.items() if v > 0})
    return vectors


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


@dataclass(frozen=True)
class TopicRules:
    similarity: float = 0.5  # cosine at which two contacts are about the same thing
    min_size: int = 5  # contacts in a day before a group is a topic
    growth: float = 3.0  # at least this many times its usual daily number
    examples: int = 5
    max_docs: int = 2000  # a day's contacts considered (the newest)


@dataclass
class Topic:
    members: list[int]  # indexes into the day's documents
    terms: list[str]
    usual_per_day: float
    examples: list[int] = field(default_factory=list)

    def figures(self) -> dict:
        return {
            "observed": len(self.members),
            "expected": round(self.usual_per_day, 2),
            "terms": self.terms,
        }


def _groups(vectors: list[Vector], similarity: float) -> list[list[int]]:
    """Greedy grouping: each document joins the first group whose seed it resembles."""
    groups: list[list[int]] = []
    seeds: list[Vector] = []
    for i, vec in enumerate(vectors):
        if not vec:
            continue
        for g, seed in enumerate(seeds):
            if cosine(vec, seed) >= similarity:
                groups[g].append(i)
                break
        else:
            groups.append([i])
            seeds.append(vec)
    return groups


def _centroid(vectors: list[Vector], members: list[int]) -> Vector:
    total: Counter[str] = Counter()
    for i in members:
        total.update(vectors[i])
    norm = math.sqrt(sum(v * v for v in total.values())) or 1.0
    return {w: v / norm for w, v in total.items()}


def emerging_topics(
    day_texts: Sequence[str],
    background_texts: Sequence[str],
    background_days: int,
    rules: TopicRules = TopicRules(),
) -> list[Topic]:
    """Groups of similar texts of one day that are new: at least ``min_size`` of them
    and ``growth`` times the look-alikes per day among ``background_texts`` (the
    ``background_days`` before). Largest first."""
    docs = [tokens(t) for t in day_texts[: rules.max_docs]]
    back = [tokens(t) for t in background_texts]
    vectors = tfidf(docs, back)
    back_vectors = tfidf(back, docs) if back else []
    topics = []
    for members in _groups(vectors, rules.similarity):
        if len(members) < rules.min_size:
            continue
        centre = _centroid(vectors, members)
        alike = sum(1 for v in back_vectors if cosine(v, centre) >= rules.similarity)
        usual = alike / max(background_days, 1)
        if len(members) < rules.growth * max(usual, 1.0):
            continue
        terms = [w for w, _ in sorted(centre.items(), key=lambda kv: -kv[1])[:5]]
        topics.append(Topic(members, terms, usual, members[: rules.examples]))
    return sorted(topics, key=lambda t: -len(t.members))

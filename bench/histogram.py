"""A latency histogram with logarithmic buckets, HDR-style: every recorded value lands in a
bucket at most ``precision`` (1 %) wider than the value, so memory is fixed (a few hundred
buckets from 1 µs to hours) and a percentile is off by at most 1 %, whatever the count.
No dependency; the ``hdrh`` package would do the same with more code we do not need."""

import math
from dataclasses import dataclass, field

#: Values below this are counted in the first bucket (microseconds are the unit: 1 µs).
LOWEST = 1.0


@dataclass
class LogHistogram:
    """Values in microseconds (any positive number); percentiles returned in milliseconds."""

    precision: float = 0.01
    counts: dict[int, int] = field(default_factory=dict)
    total: int = 0
    max_us: float = 0.0
    min_us: float = math.inf

    def _index(self, value_us: float) -> int:
        return int(math.log(max(value_us, LOWEST) / LOWEST) / math.log1p(self.precision))

    def _upper(self, index: int) -> float:
        """The upper edge of a bucket: a percentile is never reported lower than it was."""
        return LOWEST * (1 + self.precision) ** (index + 1)

    def record(self, value_us: float) -> None:
        index = self._index(value_us)
        self.counts[index] = self.counts.get(index, 0) + 1
        self.total += 1
        self.max_us = max(self.max_us, value_us)
        self.min_us = min(self.min_us, value_us)

    def record_seconds(self, seconds: float) -> None:
        self.record(seconds * 1_000_000)

    def merge(self, other: "LogHistogram") -> None:
        if other.precision != self.precision:
            raise ValueError("histograms of different precisions cannot be merged")
        for index, count in other.counts.items():
            self.counts[index] = self.counts.get(index, 0) + count
        self.total += other.total
        self.max_us = max(self.max_us, other.max_us)
        self.min_us = min(self.min_us, other.min_us)

    def percentile_ms(self, p: float) -> float | None:
        """The value at or below which ``p`` % of the recorded values are (None when empty);
        the exact maximum for p = 100."""
        if not self.total:
            return None
        if p >= 100:
            return self.max_us / 1000
        rank = max(1, math.ceil(p / 100 * self.total))
        seen = 0
        for index in sorted(self.counts):
            seen += self.counts[index]
            if seen >= rank:
                return min(self._upper(index), self.max_us) / 1000
        return self.max_us / 1000  # not reached: the counts add up to the total

    def summary(self) -> dict:
        """count, p50, p95, p99, p99.9 and max in milliseconds (rounded to 0.1 ms)."""

        def ms(value: float | None) -> float | None:
            return None if value is None else round(value, 1)

        return {
            "count": self.total,
            "p50_ms": ms(self.percentile_ms(50)),
            "p95_ms": ms(self.percentile_ms(95)),
            "p99_ms": ms(self.percentile_ms(99)),
            "p999_ms": ms(self.percentile_ms(99.9)),
            "max_ms": ms(self.percentile_ms(100)),
        }

    def buckets(self) -> list[list[float]]:
        """[upper edge in ms, count] of every bucket holding values: the histogram in the JSON."""
        return [[round(self._upper(i) / 1000, 4), self.counts[i]] for i in sorted(self.counts)]

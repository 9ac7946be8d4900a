"""Per-request latency like Twilio's: a base delay plus seeded jitter, waited after applying, before answering.

The order for every API request is fixed: **apply** (the state changes, the `--state` file is written and the
request log records it), then **wait**, then **answer**. A client that is killed, or gives up, during the
wait therefore leaves its write applied but unanswered: exactly the lost answer a provider must reconcile.
Tests use it to stop a CLI between "applied" and "answered" (watch `/__emulator/requests` or
`/__emulator/state`, which are never delayed). Concurrent requests wait concurrently, as on the real API:
the delay is outside the store's lock.

The n-th API request (in the order the emulator applies them) waits `max(0, base + jitter * (2u - 1))`, with
`u` drawn from `random.Random(f"{seed}/{n}")`: the same seed gives the same sequence of delays, in every
process.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field

_DURATION = re.compile(r"(?P<number>\d+(?:\.\d*)?|\.\d+)\s*(?P<unit>ms|s)?")


def parse_duration(text: str, *, flag: str = "--latency") -> float:
    """`150ms`, `0.15s` or `150` (milliseconds) as seconds; a clear error for anything else."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{flag} {text!r} is not a duration; use milliseconds or seconds, e.g. 150ms or 0.15s")
    number = float(match.group("number"))
    return number if match.group("unit") == "s" else number / 1000.0


@dataclass
class Latency:
    """The delay of each API request: `base` seconds, plus or minus up to `jitter` seconds. Thread-safe."""

    base: float = 0.0
    jitter: float = 0.0
    seed: int = 0
    _count: int = field(default=0, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.base < 0 or self.jitter < 0:
            raise ValueError(f"latency {self.base}s and jitter {self.jitter}s must not be negative, e.g. 150ms")

    @property
    def enabled(self) -> bool:
        return self.base > 0 or self.jitter > 0

    def next_delay(self) -> float:
        """The delay of the next API request, in seconds (drawn in arrival order, seeded)."""
        if not self.enabled:
            return 0.0
        with self._lock:
            index = self._count
            self._count += 1
        # A string seed is hashed with SHA-512 by `random`, so the draws are the same in every process.
        spread = self.jitter * (2.0 * random.Random(f"{self.seed}/{index}").random() - 1.0)
        return max(0.0, self.base + spread)

    def to_json(self) -> dict[str, float | int]:
        return {"base": self.base, "jitter": self.jitter, "seed": self.seed}

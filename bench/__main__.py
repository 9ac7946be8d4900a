"""``python -m bench``: time the Studio flow pipeline against ``json.dumps`` and print the ratio."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its result line; with ``--check``, exit 1 above the target."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--widgets", type=int, default=1000,
                        help="flow size (default: 1000, the schema's maxItems; Studio's FAQ allows 2000)")
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats per side; medians (default: 7)")
    parser.add_argument("--min-seconds", type=float, default=0.2, help="minimum length of one repeat")
    parser.add_argument("--check", action="store_true", help="exit 1 when the ratio is above the target")
    parser.add_argument("--profile", action="store_true", help="also print where the workload spends its time")
    parser.add_argument("--lint", action="store_true",
                        help="instead: TaskRouter lint of 10,000 filters vs 1,000 (bench/taskrouter_lint.py)")
    parser.add_argument("--simulate", action="store_true",
                        help="instead: simulated Studio steps per second on 1,000 widgets (bench/simulate_flow.py)")
    parser.add_argument("--scaling", action="store_true",
                        help="instead: t(4n)/t(n) of every Studio and routing step (bench/scaling.py)")
    parser.add_argument("--report", action="store_true",
                        help="`make bench`: every figure in one run (ratios, scaling, synthesis, the reference stack, "
                             "the 2,000-resource stack at no latency and at 150 ms +- 50 ms) and their summary table")
    parser.add_argument("--skip-big", action="store_true", help="with --report: leave out the 2,000-resource stack")
    parser.add_argument("--big", action="store_true",
                        help="instead: the 2,000-resource stack on the real engine by phase (bench/big_stack.py)")
    parser.add_argument("--latency", default="0ms", help="with --big: the emulator's latency, e.g. 150ms")
    parser.add_argument("--latency-jitter", default="0ms", help="with --big: its jitter, e.g. 50ms")
    parser.add_argument("--queues", type=int, default=1500,
                        help="with --big or --report: the big stack's queues (default: 1500, for 2,000 resources)")
    args = parser.parse_args(argv)
    if args.widgets < 1 or args.repeats < 1:
        parser.error("--widgets and --repeats must be at least 1")
    if args.big:
        return _big(args.latency, args.latency_jitter, args.queues)
    if args.report:
        return _report(args.repeats, args.queues, args.skip_big)
    if args.scaling:
        from bench import scaling

        results = scaling.run(repeats=args.repeats)
        print(scaling.table(results))
        return 0 if all(r.worst <= scaling.TARGET for r in results) or not args.check else 1
    if args.simulate:
        from bench import simulate_flow

        simulate_result = simulate_flow.run(repeats=args.repeats, min_seconds=args.min_seconds)
        print(simulate_result.summary())
        return 0 if simulate_result.per_step_ratio <= simulate_flow.TARGET_RATIO or not args.check else 1
    if args.lint:
        from bench import taskrouter_lint

        lint_result = taskrouter_lint.run(repeats=args.repeats, min_seconds=0)  # 10,000 filters take long enough
        print(lint_result.summary())
        return 0 if lint_result.timing.value <= taskrouter_lint.TARGET_RATIO or not args.check else 1

    from bench.studio_flow import build_validate_serialize, run

    result = run(args.widgets, repeats=args.repeats, min_seconds=args.min_seconds)
    print(result.summary())
    if result.problems:
        print(f"note: the benchmark flow has {result.problems} validation problem(s)", file=sys.stderr)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(build_validate_serialize, args.widgets)
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    return 0 if result.within_target or not args.check else 1


def _report(repeats: int, queues: int, skip_big: bool) -> int:
    """What `make bench` prints: every section and the summary table, measured in this one run."""
    from bench import report

    report.run(repeats=repeats, big_size=None if skip_big else _size(queues),
               latencies=[report.Latency(), report.TWILIO_LIKE])
    return 0


def _size(queues: int) -> Any:
    """The big stack's size: the issue's 2,000 resources at 1,500 queues, the same proportions otherwise."""
    from bench import big_stack

    return big_stack.Size() if queues == 1500 else big_stack.Size(
        queues=queues, workflows=max(1, queues // 5), flows=max(1, queues // 25), numbers=max(1, queues // 25),
        addresses=max(1, queues // 20))


def _big(latency: str, jitter: str, queues: int) -> int:
    from bench import big_stack
    from twilio_emulator.latency import parse_duration

    size = _size(queues)
    print(f"{size.resources:,} resources, latency {latency} (jitter {jitter})")
    print(big_stack.TABLE_HEAD)
    big_stack.run(size, latency=parse_duration(latency), jitter=parse_duration(jitter, flag="--latency-jitter"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

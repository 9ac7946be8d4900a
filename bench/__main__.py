"""``python -m bench``: time the Studio flow pipeline against ``json.dumps`` and print the ratio."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its result line; with ``--check``, exit 1 above the target."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--widgets", type=int, default=1000, help="flow size (default: 1000, Studio's maximum)")
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats per side; medians (default: 7)")
    parser.add_argument("--min-seconds", type=float, default=0.2, help="minimum length of one repeat")
    parser.add_argument("--check", action="store_true", help="exit 1 when the ratio is above the target")
    parser.add_argument("--profile", action="store_true", help="also print where the workload spends its time")
    parser.add_argument("--lint", action="store_true",
                        help="instead: TaskRouter lint of 10,000 filters vs 1,000 (bench/taskrouter_lint.py)")
    parser.add_argument("--simulate", action="store_true",
                        help="instead: simulated Studio steps per second on 1,000 widgets (bench/simulate_flow.py)")
    args = parser.parse_args(argv)
    if args.widgets < 1 or args.repeats < 1:
        parser.error("--widgets and --repeats must be at least 1")
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


if __name__ == "__main__":
    sys.exit(main())

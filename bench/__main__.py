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
    parser.add_argument("--scaling", action="store_true",
                        help="instead: t(4n)/t(n) of every Studio and routing step (bench/scaling.py)")
    parser.add_argument("--report", action="store_true",
                        help="every figure of `make bench` in one run: ratios, scaling, synthesis, the reference stack")
    parser.add_argument("--big", action="store_true",
                        help="instead: the 2,000-resource stack on the real engine by phase (bench/big_stack.py)")
    parser.add_argument("--latency", default="0ms", help="with --big: the emulator's latency, e.g. 150ms")
    parser.add_argument("--latency-jitter", default="0ms", help="with --big: its jitter, e.g. 50ms")
    parser.add_argument("--queues", type=int, default=1500, help="with --big: queues (default: 1500)")
    args = parser.parse_args(argv)
    if args.widgets < 1 or args.repeats < 1:
        parser.error("--widgets and --repeats must be at least 1")
    if args.big:
        return _big(args.latency, args.latency_jitter, args.queues)
    if args.report:
        return _report(args.repeats)
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


def _report(repeats: int) -> int:
    """What `make bench` prints: each section measured in this run (the big stack is `make bench-big`)."""
    from bench import big_stack, reference_stack, scaling, studio_flow, synthesis, taskrouter_lint

    print("## Toolkits against json.dumps\n")
    print(f"- {studio_flow.run(1000, repeats=repeats, min_seconds=0.2).summary()}")
    print(f"- {taskrouter_lint.run(repeats=3, min_seconds=0).summary()}")
    print("\n## Scaling\n")
    print(scaling.table(scaling.run(repeats=repeats)))
    print("\n## Synthesis under mocks\n")
    print(f"- {synthesis.run(repeats=5).summary()}")
    print("\n## The reference stack (`local`) on the real engine\n")
    print(big_stack.TABLE_HEAD)
    result = reference_stack.run()
    print(f"\n{result.resources} dynamic resources. No-op `pulumi up`: {result.noop_seconds:.1f} s against "
          f"{result.empty_noop_seconds:.1f} s for an empty program on the same engine ({result.noop_ratio:.2f}x).")
    return 0


def _big(latency: str, jitter: str, queues: int) -> int:
    from bench import big_stack
    from twilio_emulator.latency import parse_duration

    size = big_stack.Size() if queues == 1500 else big_stack.Size(
        queues=queues, workflows=max(1, queues // 5), flows=max(1, queues // 25), numbers=max(1, queues // 25),
        addresses=max(1, queues // 20))
    print(f"{size.resources:,} resources, latency {latency} (jitter {jitter})")
    print(big_stack.TABLE_HEAD)
    big_stack.run(size, latency=parse_duration(latency), jitter=parse_duration(jitter, flag="--latency-jitter"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Runs one Pulumi Python program for the language host (installed as `pulumi-language-python-exec`).

Usage: ``python pulumi-language-python-exec [--monitor=ADDR --engine=ADDR --project=P --root_directory=DIR
--stack=S --pwd=DIR --dry_run=true|false --parallel=N --tracing=URL --organization=ORG] PROGRAM [ARGS...]``.
Config arrives in ``PULUMI_CONFIG`` (a JSON map) and ``PULUMI_CONFIG_SECRET_KEYS`` (a JSON list).

Exit codes: 0 on success; 32 when the program failed and the error was already reported to the engine
(the host then "bails" without printing it again); 1 when the SDK is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import runpy
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPORTED = 32


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pulumi-language-python-exec")
    for flag in ("monitor", "engine", "project", "root_directory", "stack", "pwd", "tracing", "organization"):
        parser.add_argument(f"--{flag}", default="")
    parser.add_argument("--dry_run", choices=("true", "false"), default="false")
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("program")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    options = parse(argv)
    try:
        import pulumi
        import pulumi.runtime
        from pulumi.runtime.config import get_config_env, get_config_secret_keys_env
    except ImportError:
        print(
            f"The Pulumi Python SDK is not installed for {sys.executable}: install the project's requirements "
            "into the virtualenv that Pulumi.yaml names (e.g. `make .venv/.installed`).",
            file=sys.stderr,
        )
        return 1

    pulumi.runtime.set_all_config(get_config_env(), get_config_secret_keys_env())
    parallel = max(options.parallel, 1)
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            project=options.project or None,
            stack=options.stack or None,
            monitor=options.monitor or None,
            engine=options.engine or None,
            parallel=parallel,
            dry_run=options.dry_run == "true",
            organization=options.organization or None,
            root_directory=options.root_directory or None,
        )
    )
    if options.pwd:
        os.chdir(options.pwd)
    program = Path(options.program).resolve()
    sys.argv = [str(program), *options.args]
    # As `python PROGRAM` would: the program's own directory comes first on the import path.
    sys.path.insert(0, str(program if program.is_dir() else program.parent))

    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # unobserved task noise after a failure
    loop = asyncio.new_event_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=parallel))
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(pulumi.runtime.run_in_stack(lambda: _run(program)))
    except pulumi.RunError as error:
        pulumi.log.error(str(error))
        return REPORTED
    except Exception as error:
        pulumi.log.error(f"Program failed with an unhandled exception:\n{_program_traceback(error)}")
        return REPORTED
    finally:
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


def _program_traceback(error: BaseException) -> str:
    """The traceback of the program's own code: the runner's, runpy's, asyncio's and the SDK's frames say nothing."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename != __file__ and not frame.filename.startswith("<frozen")
        and f"{os.sep}pulumi{os.sep}runtime{os.sep}" not in frame.filename
        and f"{os.sep}asyncio{os.sep}" not in frame.filename
    ]
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames)]
    return "".join([*lines, *traceback.format_exception_only(error)]).rstrip()


def _run(program: Path) -> None:
    runpy.run_path(str(program), run_name="__main__")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

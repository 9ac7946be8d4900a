"""Shared fixtures. Emulator fixtures first; the lead engineer may add others at the end of this file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.emulator.support import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PHONE_NUMBERS,
    EmulatorHandle,
    emulator_args,
    emulator_subprocess,
)
from tests.shared_data import SHARED as SHARED_DIR

# --------------------------------------------------------------------------------- emulator fixtures


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    """A fresh emulated Flex account served in this process on a free port (fast)."""
    from twilio_emulator.server import Emulator

    with Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, phone_numbers=PHONE_NUMBERS, port=0) as running:
        yield EmulatorHandle(base_url=running.base_url)


@pytest.fixture
def emulator_process(tmp_path: Path) -> Iterator[EmulatorHandle]:
    """A fresh emulated Flex account served by `python -m twilio_emulator --port 0 --state <tmp>`."""
    state_file = tmp_path / "emulator-state.json"
    with emulator_subprocess(emulator_args(state_file)) as running:
        yield EmulatorHandle(base_url=running.base_url, state_file=state_file)


# --------------------------------------------------------------------------------- shared/ beside the clone
# The corpus and Twilio's specs live in shared/ beside the clone. Without it a clone still passes: what
# needs it is skipped with the reason. Under CI it must be there, so its absence fails the run.

_NO_SHARED = f"needs {SHARED_DIR} (the shared corpus and Twilio's specs beside the clone), which is missing"


def _shared_missing(error: BaseException) -> bool:
    """Whether ``error`` is what reading shared/ (or sampling from its empty corpus) raises without it."""
    if SHARED_DIR.is_dir():
        return False
    empty_sample = type(error).__name__ == "InvalidArgument" and "length-zero" in str(error)  # hypothesis
    return empty_sample or isinstance(error, (StopIteration, FileNotFoundError, IndexError, KeyError))


def pytest_sessionstart(session: pytest.Session) -> None:
    if not SHARED_DIR.is_dir() and os.environ.get("CI"):
        raise pytest.UsageError(f"CI: {_NO_SHARED}; lay shared/ beside the clone")


def pytest_report_header() -> str | None:
    """Say at the start of the run why tests will be skipped on a clone without shared/."""
    if SHARED_DIR.is_dir():
        return None
    return (f"shared/ is missing ({SHARED_DIR}): tests that read the shared corpus or Twilio's specs are skipped; "
            "lay shared/ beside the clone to run them")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Count, at the end, the tests skipped for want of shared/."""
    skipped = [report for report in terminalreporter.stats.get("skipped", ())
               if isinstance(report.longrepr, tuple) and _NO_SHARED in str(report.longrepr[2])]
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} test(s) skipped: {_NO_SHARED}; lay shared/ beside the clone "
                                    "(as CI does) to run them")


class _SharedAwareModule(pytest.Module):
    """A test module that is skipped, not broken, when it reads shared/ on import and shared/ is missing."""

    def _getobj(self) -> Any:
        try:
            return super()._getobj()  # type: ignore[no-untyped-call]
        except Exception as error:
            if _shared_missing(error):
                pytest.skip(_NO_SHARED, allow_module_level=True)
            raise


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    if SHARED_DIR.is_dir():
        return None
    return _SharedAwareModule.from_parent(parent, path=module_path)


def _skip_when_shared_is_missing(item: pytest.Item) -> Iterator[None]:
    try:
        return (yield)
    except Exception as error:
        presence_check = isinstance(error, AssertionError) and any(w in item.nodeid for w in ("shared", "corpus"))
        if _shared_missing(error) or (not SHARED_DIR.is_dir() and presence_check):
            raise pytest.skip.Exception(_NO_SHARED) from None
        raise


pytest_runtest_setup = pytest.hookimpl(wrapper=True)(_skip_when_shared_is_missing)
pytest_runtest_call = pytest.hookimpl(wrapper=True)(_skip_when_shared_is_missing)

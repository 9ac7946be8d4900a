"""The program's one boundary for mistakes in its input: they reach the user as a message, not a traceback.

Pulumi's program runner prints any exception but ``pulumi.RunError`` as "Program failed with an unhandled
exception" and a traceback, which is right for a bug in this project and wrong for a typo in a stack file,
a flow or the routing. A ``RunError`` is printed as its message, but the runner then exits 1 and the engine
adds "an unhandled error occurred: program exited with non-zero exit code: 1". :func:`clean_errors` turns
the errors our checks raise into the message alone: logged as the program's error, then exit 32, the code
with which Pulumi's runner tells the engine that the user has been shown what to do. :func:`cleanly` does the
same for a callback that runs inside ``Output.apply`` (though the checks run before anything is registered,
so that such a callback has nothing left to refuse).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import cache, wraps
from types import FrameType
from typing import NoReturn, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

SHOWN_TO_USER = 32
"""The exit code with which Pulumi's program runner says it has shown the user an actionable message."""


@cache
def user_errors() -> tuple[type[BaseException], ...]:
    """What our checks raise for bad input: each message already says what, where and the fix."""
    from pydantic import ValidationError

    from components.flow import FlowDefinitionError
    from components.plan import StackPlanError
    from components.providers.twilio_api import TwilioSetupError
    from components.settings import StackSettingsError
    from flows.registry import RegistryError
    from studio import DuplicateWidgetNameError, MissingParameterError
    from taskrouter import ConfigurationError, ExpressionError
    from taskrouter.models import MissingQueueError

    return (
        StackSettingsError, StackPlanError, FlowDefinitionError, RegistryError, TwilioSetupError,
        DuplicateWidgetNameError, MissingParameterError, ConfigurationError, ExpressionError, MissingQueueError,
        ValidationError,
    )


def stop(message: str) -> NoReturn:
    """End the program with ``message`` as its error: no traceback, no "unhandled error" from the engine.

    Under Pulumi's mocks (and outside any engine) this raises ``pulumi.RunError(message)`` instead.
    """
    import pulumi
    from pulumi.runtime.mocks import MockMonitor
    from pulumi.runtime.settings import get_monitor

    try:
        monitor = get_monitor()
    except Exception:  # no engine at all: a plain Python process
        monitor = None
    if monitor is None or isinstance(monitor, MockMonitor):
        raise pulumi.RunError(message)
    pulumi.log.error(message)  # synchronous when no resource is named: it is shown before the exit
    sys.exit(SHOWN_TO_USER)


@contextmanager
def clean_errors() -> Iterator[None]:
    """Run the program's body; a ``pulumi.RunError`` or a :func:`user_errors` exception ends it by :func:`stop`."""
    import pulumi

    from components.plan import explain

    try:
        yield
    except pulumi.RunError as error:
        stop(str(error))
    except user_errors() as error:
        stop(explain(error))


def cleanly(callback: Callable[P, R]) -> Callable[P, R]:
    """``callback`` (an ``Output.apply`` function) with :func:`clean_errors` around it."""

    @wraps(callback)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with clean_errors():
            return callback(*args, **kwargs)
        raise AssertionError("unreachable: clean_errors either returns the value or stops")  # pragma: no cover

    return run


def quiet_when_cancelled() -> None:
    """Exit without a traceback when the engine cancels the program.

    When a step fails, a policy refuses the plan or the user presses Ctrl-C, the engine has already said why
    and Pulumi's language host interrupts the program (SIGINT); Python's default would print a
    ``KeyboardInterrupt`` traceback that tells the user nothing. The program leaves at once: a ``sys.exit``
    would wait for the SDK's threads, blocked in calls the engine no longer answers, until the language host
    kills the program 5 s later (its ``WaitDelay``), and every failed command would take 5 s longer.
    """

    def leave(_signum: int, _frame: FrameType | None) -> None:
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError, RuntimeError):  # a closed pipe, or a write this signal interrupted
                stream.flush()
        os._exit(1)

    signal.signal(signal.SIGINT, leave)

"""The program's one boundary for mistakes in its input: they reach the user as a message, not a traceback.

Pulumi's program runner prints a ``pulumi.RunError`` as its message and exits 1; any other exception
prints a traceback, which is right for a bug in this project and wrong for a typo in a stack file, a
flow or the routing. :func:`clean_errors` turns the errors our checks raise into ``RunError`` in one place.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from pydantic import ValidationError

from components.flow import FlowDefinitionError
from components.plan import StackPlanError, explain
from components.providers.twilio_api import TwilioSetupError
from components.settings import StackSettingsError
from flows.registry import RegistryError
from studio import DuplicateWidgetNameError, MissingParameterError
from taskrouter import ConfigurationError, ExpressionError
from taskrouter.models import MissingQueueError

USER_ERRORS: tuple[type[BaseException], ...] = (
    StackSettingsError, StackPlanError, FlowDefinitionError, RegistryError, TwilioSetupError,
    DuplicateWidgetNameError, MissingParameterError, ConfigurationError, ExpressionError, MissingQueueError,
    ValidationError,
)
"""What our checks raise for bad input: each message already says what, where and the fix."""


@contextmanager
def clean_errors() -> Iterator[None]:
    """Run the program's body, turning a :data:`USER_ERRORS` exception into ``pulumi.RunError`` (no traceback)."""
    import pulumi

    try:
        yield
    except pulumi.RunError:
        raise
    except USER_ERRORS as error:
        raise pulumi.RunError(explain(error)) from None


def quiet_when_cancelled() -> None:
    """Exit without a traceback when the engine cancels the program.

    When a step fails, a policy refuses the plan or the user presses Ctrl-C, the engine has already said why
    and Pulumi's language host interrupts the program (SIGINT); Python's default would print a
    ``KeyboardInterrupt`` traceback that tells the user nothing.
    """

    def leave(_signum: int, _frame: FrameType | None) -> None:
        sys.exit(1)

    signal.signal(signal.SIGINT, leave)

"""The account claim as a resource: created by the stack that owns the account, released when it is destroyed.

The claim itself is made by the program's preflight (``components.preflight``) before any other write, so a
second stack refuses with nothing written; this resource keeps it in the stack's state, so ``destroy`` gives it
back (last: every other resource depends on it) and ``refresh`` shows a take-over as drift. Where the claim is
kept and why: ``components.providers.ledger``.
"""


import os
from typing import Annotated, Any, TypedDict

from components.providers import ledger
from components.providers.args import Spec, Text
from components.providers.base import Props, TwilioProvider, TwilioProviderError
from components.providers.twilio_api import Connection


class AccountClaimArgs(TypedDict):
    """The stack that owns the account (project and stack name)."""

    project: Annotated[Text, Spec(replace=True)]
    stack: Annotated[Text, Spec(replace=True)]


class AccountClaimProvider(TwilioProvider):
    """Claims the account for one stack (idempotent for its owner) and gives it back on delete."""

    kind = "AccountClaim"
    args = AccountClaimArgs
    label_field = "stack"

    def _create(self, conn: Connection, inputs: Props) -> Props:
        try:
            ledger.claim_account(conn, inputs["project"], inputs["stack"], os.environ.get(ledger.TAKE_OVER_ENV))
        except ledger.AccountClaimed as error:
            raise TwilioProviderError(str(error)) from None
        return self._outputs(conn)

    def _update(self, conn: Connection, id_: str, olds: Props, inputs: Props) -> Props:
        return self._outputs(conn)

    def _read(self, conn: Connection, id_: str, olds: Props) -> tuple[Props, Props] | None:
        data = ledger.recall(conn, ledger.CLAIM)
        if data is None:
            return None
        return {"project": data.get("project"), "stack": data.get("stack")}, self._outputs(conn)

    def _delete(self, conn: Connection, id_: str, olds: Props) -> None:
        ledger.release_account(conn, olds["project"], olds["stack"])

    def find_created(self, conn: Connection, inputs: Props, known: set[str]) -> str | None:
        data = ledger.recall(conn, ledger.CLAIM)
        mine = data is not None and (data.get("project"), data.get("stack")) == (inputs["project"], inputs["stack"])
        return ledger.CLAIM if mine else None

    @staticmethod
    def _outputs(conn: Connection) -> dict[str, Any]:
        return {"sid": ledger.CLAIM, "account_sid": conn.account_sid}

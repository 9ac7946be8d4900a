"""The one place this project works around the Pulumi Python SDK: three costs that grow with the stack's size.

All are installed by `install()` (idempotent), which runs as soon as `components` is imported into a process that
has already imported Pulumi's SDK (the program, whose first import is `pulumi`, and the provider server, where
only §3 can matter), and when `components.resources` is imported. Early matters for §3: the program's own imports
(pydantic, the toolkits, its flows) would otherwise pay one full collection over the SDK's objects first, 0.015 s
of the prod program's synthesis. A process that has not imported Pulumi (`flexctl`) does not import it here.

## 1. `serialize_provider`'s pickler leak (a `RecursionError` near 985 dynamic resources)

**What.** `pulumi.dynamic.Resource.__init__` serializes its provider with `pulumi.dynamic.dynamic.
serialize_provider`, which, to make dill's output deterministic (pulumi/pulumi#9656, after
uqfoundation/dill#481), replaces `pickle._Pickler._batch_setitems` with a wrapper that sorts the items and
then calls *the previous* `_batch_setitems`. It restores `pickle.Pickler` afterwards, but never
`_Pickler._batch_setitems` (nor `_Pickler.save_dict`). So every dynamic resource adds one wrapper around the
last: the n-th serialization nests n calls deep, and after about 985 dynamic resources in one program process
the next one fails with `RecursionError: maximum recursion depth exceeded` (SDK 3.260 and 3.272; the field's
reports of it: pulumi/pulumi#17803, closed as "no repro"; see ../shared/reference/pulumi-engine.md §4).

**The workaround.** `serialize_provider` is looked up in its module at each call, so we put a wrapper there
that runs the SDK's own function (same bytes in the blob, so no `__provider` diff on existing state) and then
puts back the two `_Pickler` attributes it found. The chain never grows: 3,000+ dynamic resources register in
one process (tests/providers/test_resource_ceiling.py). A lock makes the global patching safe under threads.
Drop it once the SDK restores the pickler itself (`test_the_sdk_still_leaks_its_pickler_patch` fails then).

## 2. The wait for outstanding outputs: quadratic in the number of outputs

**What.** After the program's code has run, `pulumi.runtime.stack.wait_for_rpcs` waits for every output still
pending (`SETTINGS.outputs`) in a loop: `asyncio.wait(pending, return_when=FIRST_COMPLETED)`, await what is
done, put the rest back, repeat (since pulumi/pulumi#22411, SDK 3.2xx, which replaced a busy loop). In an `up`,
the outputs of every resource stay pending until the engine has created it, so they complete a few at a time
over the whole deployment, and each completion costs a full turn over everything still pending (asyncio.wait
adds and removes a callback on every future): O(outputs²). Measured on the 2,000-resource stack (bench/):
the program process spent 150 s of CPU in the first 210 s of the first `up`, nearly all of it in that loop,
on a 2-core machine where the CLI needs a core of its own.

**The workaround.** `wait_for_rpcs` finds `asyncio` in its module's globals at each call; we give that module
(`pulumi.runtime.stack` only) a view of `asyncio` whose `wait(..., return_when=FIRST_COMPLETED)` returns once
an eighth of the futures are done (or one has failed or was cancelled, or all are done), instead of after the
first. The loop's result is the same (it ends when every output is done, and a failure still surfaces at once);
it turns over the pending outputs O(log n) times instead of O(n). Every other `asyncio` name is the module's
own. `test_the_sdk_still_waits_output_by_output` fails when upstream changes that loop, so this can be
revisited then.

## 3. Python's full garbage collections over the SDK's live objects

**What.** The SDK keeps every resource's outputs, futures and tasks alive in the program process until the
program ends: hundreds of thousands of objects for a large stack. CPython's cyclic collector runs a full
collection (one that walks every tracked object) after every 10 collections of the middle generation, once the
long-lived objects have grown by a quarter, so a growing program pays full walks over an ever larger heap:
registering the 2,000-resource stack under mocks (bench/synthesis.py) spent 1.3 s of its 5.5 s in 11 of them.
Cycles of short-lived objects (nearly all of them) are still collected young.

**The workaround.** `install()` spaces full collections out (`FULL_COLLECTION_EVERY` middle-generation
collections instead of 10), leaving the two younger generations as they are: 4.2 s for the same program, the
same peak memory (216 MB). The real 2,000-resource first up used 11 s of program CPU in the bench run after it,
14 s in the one before (that run also had other jobs on the machine).
`test_three_thousand_dynamic_resources_register_in_one_process` counts the full collections.
"""

from __future__ import annotations

import asyncio
import gc
import pickle
import threading
import types
from collections.abc import Callable, Iterable
from typing import Any

import pulumi.dynamic.dynamic as _dynamic
import pulumi.runtime.stack as _stack

_RESTORED = ("_batch_setitems", "save_dict")
_lock = threading.Lock()
_sdk_serialize_provider: Callable[[Any], str] = _dynamic.serialize_provider


def _serialize_provider(provider: Any) -> str:
    """The SDK's `serialize_provider`, leaving `pickle._Pickler` as it found it."""
    pickler: Any = pickle._Pickler  # the pure-Python pickler dill builds on
    with _lock:
        saved = {name: vars(pickler)[name] for name in _RESTORED}
        try:
            return _sdk_serialize_provider(provider)
        finally:
            for name, value in saved.items():
                setattr(pickler, name, value)


SHARE = 8
"""`wait_for_rpcs`' loop wakes up once 1/SHARE of what it waits for is done: O(log n) turns, not O(n)."""


async def _wait_for_a_share(
    futures: Iterable[asyncio.Future[Any]], *, timeout: float | None = None,
    return_when: str = asyncio.ALL_COMPLETED,
) -> tuple[set[asyncio.Future[Any]], set[asyncio.Future[Any]]]:
    """`asyncio.wait`, except that FIRST_COMPLETED waits for a share of the futures (see the module's §2)."""
    if return_when != asyncio.FIRST_COMPLETED or timeout is not None:
        return await asyncio.wait(futures, timeout=timeout, return_when=return_when)
    pending = set(futures)
    done = {future for future in pending if future.done()}
    if not done and pending:
        woken = asyncio.get_running_loop().create_future()
        needed = max(1, len(pending) // SHARE)
        finished = 0

        def one_done(future: asyncio.Future[Any]) -> None:
            nonlocal finished
            finished += 1
            failed = future.cancelled() or future.exception() is not None
            if not woken.done() and (failed or finished >= needed):
                woken.set_result(None)

        for future in pending:
            future.add_done_callback(one_done)
        try:
            await woken
        finally:
            for future in pending:
                future.remove_done_callback(one_done)
        done = {future for future in pending if future.done()}
    return done, pending - done


class _StackAsyncio(types.ModuleType):
    """`asyncio` as `pulumi.runtime.stack` sees it: the module's own names, and `_wait_for_a_share` as `wait`."""

    wait = staticmethod(_wait_for_a_share)

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)


FULL_COLLECTION_EVERY = 1000
"""Collections of the middle generation between two full collections (CPython's default: 10); see §3."""


def install() -> None:
    """Route provider serialization through `_serialize_provider`, `wait_for_rpcs`' waits through
    `_wait_for_a_share`, and space out full garbage collections (idempotent)."""
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, middle, max(full, FULL_COLLECTION_EVERY))
    _dynamic.serialize_provider = _serialize_provider
    if not isinstance(vars(_stack).get("asyncio"), _StackAsyncio):
        _stack.asyncio = _StackAsyncio("asyncio")  # type: ignore[attr-defined]

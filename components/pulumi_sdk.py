"""The one place this project works around the Pulumi Python SDK: `serialize_provider`'s pickler leak.

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

`install()` is idempotent and runs when `components.resources` is imported (the program process, the only one
that serializes providers); the provider process never serializes and never imports this. Drop it once the SDK
restores the pickler itself (check: `test_the_sdk_still_leaks` there fails when upstream fixes it).
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable
from typing import Any

import pulumi.dynamic.dynamic as _dynamic

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


def install() -> None:
    """Route every dynamic resource's provider serialization through `_serialize_provider` (idempotent)."""
    _dynamic.serialize_provider = _serialize_provider

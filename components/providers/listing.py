"""Each Twilio collection listed at most once per provider process, kept current by the provider's own writes.

The engine runs one provider process per command (`up`, `refresh`, `destroy`), and in it one instance of
each provider class (the SDK caches the unpickled provider per blob, and ours all pickle to the same blob).
So a listing kept on the provider instance is listed once per command: the first create in a collection lists
it (for Flex's names to adopt, and for what was there before, should a create lose its answer) and every
later create, adoption and batched read of that collection uses it. The provider's own creates, updates and
deletes put their answers in it, so it stays what Twilio holds as far as this command knows. Anything else
(another tool, a console edit) is only seen by the next command, as before a single `pulumi up` would.

Pages are asked for at Twilio's largest size, so 1,500 queues are two requests, not thirty.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

PAGE_SIZE = 1000
"""Twilio's largest page (TaskRouter, Studio, IncomingPhoneNumbers and Sync Documents lists): a collection of n
objects is ceil(n / 1000) requests. Conversations address configurations pages hold at most 50
(``triggers.ADDRESS_PAGE_SIZE``)."""


class Listing:
    """One collection as last listed, by SID (or the attribute ``by``), with the provider's own writes applied.

    Thread-safe.
    """

    def __init__(self, items: Iterable[Any], by: str = "sid") -> None:
        self._lock = threading.Lock()
        self._by = by
        self._items: dict[str, Any] = {getattr(item, by): item for item in items}
        self._writing: dict[str, threading.Lock] = {}

    def items(self) -> list[Any]:
        with self._lock:
            return list(self._items.values())

    def sids(self) -> set[str]:
        with self._lock:
            return set(self._items)

    def get(self, sid: str) -> Any | None:
        with self._lock:
            return self._items.get(sid)

    def put(self, instance: Any) -> None:
        """What a create or update answered (the object as Twilio now has it)."""
        with self._lock:
            self._items[getattr(instance, self._by)] = instance

    def drop(self, sid: str) -> None:
        """A deleted object."""
        with self._lock:
            self._items.pop(sid, None)

    @contextmanager
    def writing(self, sid: str) -> Iterator[None]:
        """Held while writing one object and putting the answer, so that two writes to it (two bindings of one
        number) reach the listing in the order Twilio applied them."""
        with self._lock:
            lock = self._writing.setdefault(sid, threading.Lock())
        with lock:
            yield

    def replace(self, items: Iterable[Any]) -> None:
        """A fresh listing (after a lost answer)."""
        fresh = {getattr(item, self._by): item for item in items}
        with self._lock:
            self._items = fresh


class Listings:
    """The listings of one provider instance, each loaded once even when four calls ask at the same time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listings: dict[Hashable, Listing] = {}
        self._loading: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, load: Callable[[], Iterable[Any]], by: str = "sid") -> Listing:
        """The listing of `key`, loaded with `load` by the first caller (the others wait for it), keyed by `by`."""
        with self._lock:
            listing = self._listings.get(key)
            if listing is not None:
                return listing
            loading = self._loading.setdefault(key, threading.Lock())
        with loading:
            with self._lock:
                listing = self._listings.get(key)
            if listing is None:
                listing = Listing(load(), by)  # a failure leaves nothing cached: the next call lists again
                with self._lock:
                    self._listings[key] = listing
        return listing

    def fresh(self, key: Hashable, items: Iterable[Any], by: str = "sid") -> Listing:
        """``items`` just listed (a lost answer's reconciliation, a recovery) become the listing of ``key``."""
        listed = list(items)
        listing = self.get(key, lambda: listed, by)
        listing.replace(listed)
        return listing

    def loaded(self, key: Hashable) -> Listing | None:
        """The listing of `key` if some call loaded it (writes update it; they never load one)."""
        with self._lock:
            return self._listings.get(key)


_creating = threading.Lock()


def listings_of(owner: Any) -> Listings:
    """The `Listings` kept on a provider instance (never pickled: providers pickle as `{}`)."""
    listings: Listings | None = owner.__dict__.get("_listings")
    if listings is None:
        with _creating:
            listings = owner.__dict__.setdefault("_listings", Listings())
    return listings

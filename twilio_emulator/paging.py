"""List pages in Twilio's two styles: `{key, meta}` (v1/v2 APIs) and the flat 2010 envelope.

Pages are windows over the full result; `PageToken` carries the window's start (`PT<offset>`), so
links work whichever of `Page`/`PageToken` a client sends. PageSize above the API's maximum is
clamped to it, as the SDK may send `PageSize=<limit>` for `list(limit=...)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from twilio_emulator.errors import INVALID_PAGE_TOKEN, bad_request
from twilio_emulator.params import Params
from twilio_emulator.routing import Call

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
_PAGING_PARAMS = ("PageSize", "Page", "PageToken")


@dataclass(frozen=True)
class Window:
    """Which slice of the results a request asked for."""

    page: int
    page_size: int
    start: int
    token: str | None


def window(query: Params, *, max_page_size: int) -> Window:
    """The page a request asks for, from `PageSize`, `Page` and `PageToken`."""
    page_size = query.integer("PageSize", minimum=1) or DEFAULT_PAGE_SIZE
    page_size = min(page_size, max_page_size)
    page = query.integer("Page", minimum=0) or 0
    token = query.text("PageToken")
    if token is None:
        return Window(page=page, page_size=page_size, start=page * page_size, token=None)
    match = re.fullmatch(r"PT(\d+)", token)
    if match is None:
        raise bad_request(
            f"Invalid PageToken {token!r}: use the next_page_url/previous_page_url the API returned",
            code=INVALID_PAGE_TOKEN,
        )
    return Window(page=page, page_size=page_size, start=int(match.group(1)), token=token)


def _link(path: str, filters: list[tuple[str, str]], page_size: int, page: int, start: int | None) -> str:
    query: list[tuple[str, str]] = [*filters, ("PageSize", str(page_size)), ("Page", str(page))]
    if start is not None:
        query.append(("PageToken", f"PT{start}"))
    return path + "?" + urlencode(query, quote_via=quote)


def _filters(query: Params) -> list[tuple[str, str]]:
    return [(name, value) for name, value in query.items() if name not in _PAGING_PARAMS]


@dataclass(frozen=True)
class _Links:
    url: str
    first: str
    next: str | None
    previous: str | None
    page_items: list[Any]
    window: Window


def _page(
    call: Call, path: str, items: Sequence[T], render: Callable[[T], Any], max_page_size: int
) -> _Links:
    win = window(call.query, max_page_size=max_page_size)
    filters = _filters(call.query)
    size = win.page_size
    chunk = items[win.start : win.start + size]
    has_next = win.start + size < len(items)
    has_previous = win.start > 0
    return _Links(
        url=_link(path, filters, size, win.page, win.start if win.token else None),
        first=_link(path, filters, size, 0, None),
        next=_link(path, filters, size, win.page + 1, win.start + size) if has_next else None,
        previous=_link(path, filters, size, max(win.page - 1, 0), max(win.start - size, 0))
        if has_previous
        else None,
        page_items=[render(item) for item in chunk],
        window=win,
    )


def meta_page(
    call: Call,
    *,
    key: str,
    path: str,
    items: Sequence[T],
    render: Callable[[T], Any],
    max_page_size: int = 1000,
) -> dict[str, Any]:
    """A v1/v2 list page `{key: [...], meta: {...}}`; `path` is the Twilio path, e.g. `/v2/Flows`."""
    links = _page(call, path, items, render, max_page_size)

    def absolute(link: str | None) -> str | None:
        return None if link is None else call.twilio_url(link)

    return {
        key: links.page_items,
        "meta": {
            "page": links.window.page,
            "page_size": links.window.page_size,
            "first_page_url": absolute(links.first),
            "previous_page_url": absolute(links.previous),
            "url": absolute(links.url),
            "next_page_url": absolute(links.next),
            "key": key,
        },
    }


def uri_page(
    call: Call, *, key: str, path: str, items: Sequence[T], render: Callable[[T], Any]
) -> dict[str, Any]:
    """A 2010 list page with relative `*_uri` links; `path` is e.g. `/2010-04-01/Accounts/AC.../X.json`."""
    links = _page(call, path, items, render, 1000)
    start = links.window.start
    return {
        key: links.page_items,
        "uri": links.url,
        "first_page_uri": links.first,
        "next_page_uri": links.next,
        "previous_page_uri": links.previous,
        "page": links.window.page,
        "page_size": links.window.page_size,
        "start": start,
        "end": start + max(len(links.page_items) - 1, 0),
    }

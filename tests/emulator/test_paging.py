"""Paging properties: the links the emulator gives walk every result exactly once, both ways."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.emulator.support import ACCOUNT_SID
from twilio_emulator.paging import meta_page, uri_page
from twilio_emulator.params import Params
from twilio_emulator.routing import Call
from twilio_emulator.state import State

counts = st.integers(min_value=0, max_value=40)
page_sizes = st.integers(min_value=1, max_value=9)


def get(path: str, query: str) -> Call:
    return Call(method="GET", path=path, query=Params.parse(query, where="query string"),
                form=Params({}, where="post body"), args={}, state=State(), account_sid=ACCOUNT_SID)


def studio_page(items: list[int], query: str) -> dict[str, Any]:
    return meta_page(get("/studio/v2/Flows", query), key="flows", path="/v2/Flows", items=items, render=lambda x: x)


def numbers_page(items: list[int], query: str) -> dict[str, Any]:
    path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers.json"
    return uri_page(get("/api" + path, query), key="numbers", path=path, items=items, render=lambda x: x)


@settings(max_examples=60, deadline=None)
@given(count=counts, page_size=page_sizes)
def test_next_page_urls_visit_every_item_once_in_order(count: int, page_size: int) -> None:
    items, seen, query = list(range(count)), [], f"PageSize={page_size}"
    while True:
        page = studio_page(items, query)
        seen += page["flows"]
        if page["meta"]["next_page_url"] is None:
            break
        query = urlsplit(page["meta"]["next_page_url"]).query
    assert seen == items


@settings(max_examples=60, deadline=None)
@given(count=counts, page_size=page_sizes)
def test_next_page_uris_visit_every_item_once_in_order(count: int, page_size: int) -> None:
    items, seen, query = list(range(count)), [], f"PageSize={page_size}"
    while True:
        page = numbers_page(items, query)
        seen += page["numbers"]
        if page["next_page_uri"] is None:
            break
        query = urlsplit(page["next_page_uri"]).query
    assert seen == items


@settings(max_examples=60, deadline=None)
@given(count=counts.filter(lambda n: n > 0), page_size=page_sizes)
def test_previous_page_urls_walk_back_to_the_first_page(count: int, page_size: int) -> None:
    items, pages, query = list(range(count)), [], f"PageSize={page_size}"
    while True:  # forward to the last page, remembering each page
        page = studio_page(items, query)
        pages.append(page["flows"])
        if page["meta"]["next_page_url"] is None:
            break
        query = urlsplit(page["meta"]["next_page_url"]).query
    back = []
    while page["meta"]["previous_page_url"] is not None:
        page = studio_page(items, urlsplit(page["meta"]["previous_page_url"]).query)
        back.append(page["flows"])
    assert back == pages[-2::-1]


@settings(max_examples=30, deadline=None)
@given(count=counts, page_size=page_sizes)
def test_the_2010_start_and_end_index_the_page_records(count: int, page_size: int) -> None:
    page = numbers_page(list(range(count)), f"PageSize={page_size}")
    records = page["numbers"]
    assert (page["start"], page["end"]) == (0, max(len(records) - 1, 0))

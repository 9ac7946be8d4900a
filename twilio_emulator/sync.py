"""Sync v1: Documents of the account's default Sync service (what flex-pre-agent keeps in the account itself).

Only what the toolkit uses is served: create (a unique name is unique within its service, so a create is an
atomic claim), list, fetch (by ET SID or unique name), update and delete. The service is named by its IS SID
or by `default`. Twilio's OpenAPI spec for Sync is not among the project's references: the fields and error
codes follow Twilio's public Sync documentation (unverified: README.md, "Choices"; see components/providers/ledger.py).
"""

from __future__ import annotations

import json
from typing import Any

from twilio_emulator.errors import ApiError, bad_request, not_found
from twilio_emulator.paging import meta_page
from twilio_emulator.params import is_sid
from twilio_emulator.records import SyncDocument, new_sid, now
from twilio_emulator.routing import Call, Reply, Route

MAX_DATA_BYTES = 16 * 1024  # "Can be up to 16 KiB in length"
MAX_UNIQUE_NAME = 320
UNIQUE_NAME_TAKEN = 54301  # "Unique name already exists"
DATA_TOO_LARGE = 54006
DEFAULT_SERVICE = "default"


def _service(call: Call) -> str:
    wanted = call.args["ServiceSid"]
    if wanted not in (DEFAULT_SERVICE, call.state.sync_service_sid):
        raise not_found(call.path)
    return call.state.sync_service_sid


def _document(call: Call) -> SyncDocument:
    _service(call)
    wanted = call.args["Sid"]
    documents = call.state.sync_documents
    found = documents.get(wanted) if is_sid(wanted, "ET") else next(
        (document for document in documents.values() if document.unique_name == wanted), None
    )
    if found is None:
        raise not_found(call.path)
    return found


def _data(call: Call) -> dict[str, Any] | None:
    text = call.form.text("Data")
    if text is None:
        return None
    if len(text.encode()) > MAX_DATA_BYTES:
        raise ApiError(status=413, code=DATA_TOO_LARGE, message=f"Data is larger than {MAX_DATA_BYTES} bytes")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise bad_request("Invalid value for parameter Data: expected a JSON object") from None
    if not isinstance(data, dict):
        raise bad_request("Invalid value for parameter Data: expected a JSON object")
    return data


def _render(call: Call, document: SyncDocument) -> dict[str, Any]:
    url = call.twilio_url(f"/v1/Services/{call.state.sync_service_sid}/Documents/{document.sid}")
    return {
        "sid": document.sid,
        "unique_name": document.unique_name,
        "account_sid": call.account_sid,
        "service_sid": call.state.sync_service_sid,
        "url": url,
        "links": {"permissions": f"{url}/Permissions"},
        "revision": str(document.revision),
        "data": document.data,
        "date_expires": None,
        "date_created": document.date_created,
        "date_updated": document.date_updated,
        "created_by": "system",
    }


def create_document(call: Call) -> Reply:
    _service(call)
    unique_name = call.form.text("UniqueName", max_length=MAX_UNIQUE_NAME)
    if unique_name is not None and is_sid(unique_name, "ET"):
        raise bad_request("Invalid value for parameter UniqueName: it must not look like a Document SID")
    data = _data(call) or {}
    if unique_name is not None and any(d.unique_name == unique_name for d in call.state.sync_documents.values()):
        raise ApiError(status=409, code=UNIQUE_NAME_TAKEN, message=f"Unique name already exists: {unique_name}")
    stamp = now()
    document = SyncDocument(sid=new_sid("ET"), unique_name=unique_name, data=data, revision=0,
                            date_created=stamp, date_updated=stamp)
    call.state.sync_documents[document.sid] = document
    return Reply(201, _render(call, document))


def list_documents(call: Call) -> Reply:
    _service(call)
    return Reply(200, meta_page(
        call, key="documents", path=f"/v1/Services/{call.state.sync_service_sid}/Documents",
        items=list(call.state.sync_documents.values()), render=lambda d: _render(call, d),
    ))


def fetch_document(call: Call) -> Reply:
    return Reply(200, _render(call, _document(call)))


def update_document(call: Call) -> Reply:
    document = _document(call)
    data = _data(call)
    if data is not None:
        document.data = data
        document.revision += 1
        document.date_updated = now()
    return Reply(200, _render(call, document))


def delete_document(call: Call) -> Reply:
    del call.state.sync_documents[_document(call).sid]
    return Reply(204)


_BASE = "/sync/v1/Services/{ServiceSid}/Documents"
ROUTES = [
    Route("POST", _BASE, create_document),
    Route("GET", _BASE, list_documents),
    Route("GET", _BASE + "/{Sid}", fetch_document),
    Route("POST", _BASE + "/{Sid}", update_document),
    Route("DELETE", _BASE + "/{Sid}", delete_document),
]

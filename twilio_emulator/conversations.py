"""Conversations v1: Configuration/Addresses (inbound conversations on an address -> a Studio flow)."""

from __future__ import annotations

from typing import Any

from twilio_emulator.errors import bad_request, not_found
from twilio_emulator.paging import meta_page
from twilio_emulator.params import is_sid
from twilio_emulator.records import AddressConfiguration, apply_changes, new_sid, now, sent
from twilio_emulator.routing import Call, Reply, Route

ADDRESS_TYPES = ("sms", "whatsapp", "messenger", "gbm", "email", "rcs", "apple", "chat")
AUTO_CREATION_TYPES = ("webhook", "studio", "default")
MAX_PAGE_SIZE = 50
# Which auto_creation keys Twilio shows for each integration type.
_SHOWN_KEYS = {
    "webhook": ("enabled", "type", "conversation_service_sid", "webhook_url", "webhook_method", "webhook_filters"),
    "studio": ("enabled", "type", "conversation_service_sid", "studio_flow_sid", "studio_retry_count"),
    "default": ("enabled", "type"),
}


def _configuration(call: Call) -> AddressConfiguration:
    """The configuration named by its IG SID or by its address (Twilio accepts both)."""
    wanted = call.args["Sid"]
    if is_sid(wanted, "IG"):
        found = call.state.address_configurations.get(wanted)
    else:
        found = next((c for c in call.state.address_configurations.values() if c.address == wanted), None)
    if found is None:
        raise not_found(call.path)
    return found


def _render(call: Call, config: AddressConfiguration) -> dict[str, Any]:
    auto = config.auto_creation
    shown = _SHOWN_KEYS.get(str(auto.get("type")), ("enabled", "type"))
    return {
        "sid": config.sid,
        "account_sid": call.account_sid,
        "type": config.type,
        "address": config.address,
        "friendly_name": config.friendly_name,
        "auto_creation": {key: auto.get(key) for key in shown},
        "date_created": config.date_created,
        "date_updated": config.date_updated,
        "url": call.twilio_url(f"/v1/Configuration/Addresses/{config.sid}"),
        "address_country": config.address_country,
    }


def _auto_creation(call: Call, current: dict[str, Any]) -> dict[str, Any]:
    """`AutoCreation.*` parameters merged over `current`, validated."""
    form = call.form
    merged = dict(current)
    merged.update(sent({
        "enabled": form.boolean("AutoCreation.Enabled"),
        "type": form.choice("AutoCreation.Type", AUTO_CREATION_TYPES),
        "conversation_service_sid": form.sid("AutoCreation.ConversationServiceSid", "IS"),
        "webhook_url": form.url("AutoCreation.WebhookUrl"),
        "webhook_method": form.choice("AutoCreation.WebhookMethod", ("get", "post"), case_insensitive=True),
        "studio_flow_sid": form.sid("AutoCreation.StudioFlowSid", "FW"),
        "studio_retry_count": form.integer("AutoCreation.StudioRetryCount", minimum=0, maximum=3),
    }))
    if isinstance(merged.get("webhook_method"), str):
        merged["webhook_method"] = merged["webhook_method"].upper()
    if form.has("AutoCreation.WebhookFilters"):
        merged["webhook_filters"] = form.values("AutoCreation.WebhookFilters")
    merged.setdefault("enabled", False)
    merged.setdefault("type", "default")
    if merged["type"] != "default":
        merged.setdefault("conversation_service_sid", call.state.conversation_service_sid)
    if merged["type"] == "studio":
        flow_sid = merged.get("studio_flow_sid")
        if flow_sid is None:
            raise bad_request(
                "Missing required parameter AutoCreation.StudioFlowSid in the post body: "
                "AutoCreation.Type=studio needs the Studio flow to start"
            )
        if flow_sid not in call.state.flows:
            raise bad_request(
                f"AutoCreation.StudioFlowSid {flow_sid} is not a Studio flow of this account; "
                "create the flow first or use the SID of an existing one"
            )
        merged.setdefault("studio_retry_count", 3)
    if merged["type"] == "webhook":
        merged.setdefault("webhook_method", "POST")
        if not merged.get("webhook_url"):
            raise bad_request(
                "Missing required parameter AutoCreation.WebhookUrl in the post body: "
                "AutoCreation.Type=webhook needs the URL to call"
            )
    return merged


def create_configuration(call: Call) -> Reply:
    form = call.form
    address_type = form.choice("Type", ADDRESS_TYPES, required=True)
    address = form.required("Address")
    friendly_name = form.text("FriendlyName", max_length=256)
    country = form.text("AddressCountry")
    auto_creation = _auto_creation(call, {})
    for existing in call.state.address_configurations.values():
        if existing.address == address:
            raise bad_request(
                f"Address {address} already has a configuration ({existing.sid}); an address can be configured "
                "only once. Update that configuration instead of creating another."
            )
    stamp = now()
    config = AddressConfiguration(
        sid=new_sid("IG"), type=address_type, address=address, friendly_name=friendly_name,
        address_country=country, auto_creation=auto_creation, date_created=stamp, date_updated=stamp,
    )
    call.state.address_configurations[config.sid] = config
    return Reply(201, _render(call, config))


def list_configurations(call: Call) -> Reply:
    wanted = call.query.text("Type")
    configs = [c for c in call.state.address_configurations.values() if wanted is None or c.type == wanted]
    return Reply(
        200,
        meta_page(
            call, key="address_configurations", path="/v1/Configuration/Addresses", items=configs,
            render=lambda c: _render(call, c), max_page_size=MAX_PAGE_SIZE,
        ),
    )


def fetch_configuration(call: Call) -> Reply:
    return Reply(200, _render(call, _configuration(call)))


def update_configuration(call: Call) -> Reply:
    config = _configuration(call)
    changes: dict[str, Any] = {"auto_creation": _auto_creation(call, config.auto_creation)}
    if call.form.has("FriendlyName"):
        changes["friendly_name"] = call.form.text("FriendlyName", max_length=256)
    apply_changes(config, changes)
    config.date_updated = now()
    return Reply(200, _render(call, config))


def delete_configuration(call: Call) -> Reply:
    del call.state.address_configurations[_configuration(call).sid]
    return Reply(204)


ROUTES = [
    Route("POST", "/conversations/v1/Configuration/Addresses", create_configuration),
    Route("GET", "/conversations/v1/Configuration/Addresses", list_configurations),
    Route("GET", "/conversations/v1/Configuration/Addresses/{Sid}", fetch_configuration),
    Route("POST", "/conversations/v1/Configuration/Addresses/{Sid}", update_configuration),
    Route("DELETE", "/conversations/v1/Configuration/Addresses/{Sid}", delete_configuration),
]

"""Bot API methods that send files and places: photos, documents, albums, locations, venues."""

from __future__ import annotations

import mimetypes
from typing import Any

from local_api.decoding import UploadedFile
from local_api.errors import bad_request
from local_api.formatting import parse_text, utf16_len
from local_api.methods_messages import deliver
from local_api.records import StoredFile
from local_api.registry import MethodTable, Params
from local_api.state import BotState
from local_api.validation import MAX_CAPTION, caption

METHODS = MethodTable()


def media_file(state: BotState, params: Params, field: str) -> StoredFile:
    """The file to send: a fresh upload, a known file_id, or a URL Telegram would fetch."""
    value = params.get(field)
    if isinstance(value, UploadedFile):
        return state.store_file(value.data, field, value.filename, _mime_type(field, value))
    if value is None or value == "":
        raise bad_request(f"there is no {field} in the request")
    if isinstance(value, str) and value in state.files:
        return state.files[value]
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return state.store_file(b"", field, value.rsplit("/", 1)[-1] or None)
    raise bad_request("wrong file identifier/HTTP URL specified")


def _mime_type(field: str, upload: UploadedFile) -> str | None:
    """Telegram re-encodes photos as JPEG; other files keep the type they were uploaded
    with, guessed from the file name when the upload says only "octet-stream"."""
    if field == "photo":
        return "image/jpeg"
    if upload.content_type and upload.content_type != "application/octet-stream":
        return upload.content_type
    return mimetypes.guess_type(upload.filename or "")[0] or upload.content_type


def photo_sizes(stored: StoredFile) -> list[dict[str, Any]]:
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": 1280,
            "height": 960,
            "file_size": len(stored.data),
        }
    ]


def document_of(stored: StoredFile) -> dict[str, Any]:
    document: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }
    if stored.file_name:
        document["file_name"] = stored.file_name
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    return document


@METHODS.register("sendPhoto", sends=True)
async def send_photo(state: BotState, params: Params) -> dict[str, Any]:
    content = caption(params)
    stored = media_file(state, params, "photo")
    content["photo"] = photo_sizes(stored)
    return deliver(state, params, "sendPhoto", content, stored)


@METHODS.register("sendDocument", sends=True)
async def send_document(state: BotState, params: Params) -> dict[str, Any]:
    content = caption(params)
    stored = media_file(state, params, "document")
    content["document"] = document_of(stored)
    return deliver(state, params, "sendDocument", content, stored)


def _location(params: Params) -> dict[str, float]:
    latitude, longitude = params.number("latitude"), params.number("longitude")
    if latitude is None or longitude is None:
        raise bad_request("wrong latitude or longitude specified")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("wrong latitude or longitude specified")
    return {"latitude": latitude, "longitude": longitude}


@METHODS.register("sendLocation", sends=True)
async def send_location(state: BotState, params: Params) -> dict[str, Any]:
    return deliver(state, params, "sendLocation", {"location": _location(params)})


@METHODS.register("sendVenue", sends=True)
async def send_venue(state: BotState, params: Params) -> dict[str, Any]:
    location = _location(params)
    title, address = params.text("title"), params.text("address")
    if not title or not address:
        raise bad_request("venue title and address must be non-empty")
    venue: dict[str, Any] = {"location": location, "title": title, "address": address}
    for key in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
        if params.get(key):
            venue[key] = params.text(key)
    return deliver(state, params, "sendVenue", {"venue": venue, "location": location})


@METHODS.register("sendMediaGroup", sends=True)
async def send_media_group(state: BotState, params: Params) -> list[dict[str, Any]]:
    """An album: one message per item, sharing a ``media_group_id``. The method takes no
    ``reply_markup`` (Telegram ignores one sent anyway): an album never has buttons."""
    items = params.obj("media")
    if not isinstance(items, list) or not 2 <= len(items) <= 10:
        raise bad_request("wrong number of media in the group: 2-10 items are required")
    prepared = [_album_item(state, params, item) for item in items]
    group_id = f"album-{state.serial()}"
    bare = Params({k: v for k, v in params.values.items() if k != "reply_markup"})
    return [
        deliver(
            state, bare, "sendMediaGroup", content | {"media_group_id": group_id}, stored, item
        )
        for (content, stored), item in zip(prepared, items, strict=True)
    ]


def _album_item(state: BotState, params: Params, item: Any) -> tuple[dict[str, Any], StoredFile]:
    if not isinstance(item, dict) or item.get("type") not in ("photo", "document"):
        raise bad_request("unsupported media type in the group (the fake knows photo, document)")
    media = item.get("media")
    if isinstance(media, str) and media.startswith("attach://"):
        media = params.get(media.removeprefix("attach://"))
        if not isinstance(media, UploadedFile):
            raise bad_request("wrong file identifier/HTTP URL specified")
    stored = media_file(state, Params({item["type"]: media}), item["type"])
    content: dict[str, Any] = {}
    if item.get("caption"):
        text, entities = parse_text(
            str(item["caption"]), item.get("parse_mode"), item.get("caption_entities")
        )
        if utf16_len(text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        content = {"caption": text} | ({"caption_entities": entities} if entities else {})
    if item["type"] == "photo":
        content["photo"] = photo_sizes(stored)
    else:
        content["document"] = document_of(stored)
    return content, stored

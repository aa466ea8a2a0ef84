"""What kind of body a media type is, and which of a body's media types a client uses.

A request body or response may list several media types (``application/json``, ``application/xml``,
``text/json``...). A generated client sends and reads one of them: the first JSON one, preferring
``application/json`` itself, then a form, a multipart form, text, and raw bytes last. ``generate``
builds methods from this choice and ``validate`` warns from it, so the two cannot disagree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from generator.spec import pointer as jp
from generator.spec.navigator import content_entries, is_json, may_be_json, media_essence
from generator.spec.refs import Target


class MediaKind(enum.StrEnum):
    """How a body of a media type is written or read; templates see it as ``MediaKind``."""

    #: No body: nothing is sent, or the response's body is not read.
    NONE = "none"
    #: JSON text from and into the models.
    JSON = "json"
    #: ``application/x-www-form-urlencoded``: name=value pairs.
    FORM = "form"
    #: ``multipart/form-data``: one part per property, files as they are.
    MULTIPART = "multipart"
    #: Any other text (``text/*``, XML, YAML): a ``str``.
    TEXT = "text"
    #: Anything else (``application/octet-stream``, images, PDF): ``bytes``.
    BINARY = "binary"


_TEXT_TYPES = frozenset(
    {
        "application/xml",
        "application/yaml",
        "application/x-yaml",
        "application/javascript",
        "application/x-ndjson",
        "application/graphql",
        "application/sql",
    }
)
#: The order of preference of kinds: the first kind a body lists is the one a client uses.
_PREFERENCE = (
    MediaKind.JSON,
    MediaKind.FORM,
    MediaKind.MULTIPART,
    MediaKind.TEXT,
    MediaKind.BINARY,
)
#: What a client says it sends when the spec's media type is a range (``image/*``, ``*/*``).
_CONCRETE = {
    MediaKind.JSON: "application/json",
    MediaKind.FORM: "application/x-www-form-urlencoded",
    MediaKind.MULTIPART: "multipart/form-data",
    MediaKind.TEXT: "text/plain",
    MediaKind.BINARY: "application/octet-stream",
}


def media_kind(media_type: str, has_schema: bool = True) -> MediaKind:
    """The kind of a body of ``media_type``. ``*/*`` is JSON when it has a schema (it is read as
    JSON when it parses, as :func:`may_be_json` says), else bytes."""
    essence = media_essence(media_type)
    if is_json(essence) or essence == "text/json":
        return MediaKind.JSON
    if may_be_json(essence):
        return MediaKind.JSON if has_schema else MediaKind.BINARY
    if essence == "application/x-www-form-urlencoded":
        return MediaKind.FORM
    if essence == "multipart/form-data":
        return MediaKind.MULTIPART
    if essence.startswith("text/") or essence in _TEXT_TYPES or essence.endswith("+xml"):
        return MediaKind.TEXT
    return MediaKind.BINARY


@dataclass(frozen=True)
class ChosenMedia:
    """The media type a client uses for a body, and the ones it leaves aside."""

    media_type: str
    kind: MediaKind
    #: The Media Type Object chosen.
    media: Target
    #: The Media Type Object's schema, when it has one.
    schema: Target | None
    #: The other media types listed, in file order.
    others: tuple[str, ...]

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` to send: the media type, or a concrete one for a range."""
        return _CONCRETE[self.kind] if "*" in self.media_type else self.media_type


def choose_media(at: Target) -> ChosenMedia | None:
    """The media type of the request body or response at ``at`` a client uses (None: it lists
    none): the first of the most preferred kind, one with a schema before one without, and
    ``application/json`` before other JSON types."""
    entries = content_entries(at)
    ranked: list[tuple[int, int, int, int, str, Target, bool]] = []
    for position, (media_type, media) in enumerate(entries.items()):
        value = media.value
        has_schema = isinstance(value, dict) and "schema" in value
        kind = media_kind(media_type, has_schema)
        exact = 0 if media_essence(media_type) == "application/json" else 1
        ranked.append(
            (
                _PREFERENCE.index(kind),
                not has_schema,
                exact,
                position,
                media_type,
                media,
                has_schema,
            )
        )
    if not ranked:
        return None
    *_, media_type, media, has_schema = min(ranked, key=lambda item: item[:4])
    return ChosenMedia(
        media_type,
        media_kind(media_type, has_schema),
        media,
        Target(media.document, jp.join(media.pointer, "schema")) if has_schema else None,
        tuple(name for name in entries if name != media_type),
    )


#: The styles OpenAPI defines for each parameter location, the default first.
LOCATION_STYLES = {
    "path": ("simple", "label", "matrix"),
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "header": ("simple",),
    "cookie": ("form",),
}
#: A form body's properties are written as query parameters are.
_FORM_STYLES = LOCATION_STYLES["query"]


@dataclass(frozen=True)
class Style:
    """How a parameter or form property is written: OpenAPI's ``style`` and ``explode``, or
    ``json`` (its value as JSON text) for one declared with a JSON ``content``/``contentType``."""

    style: str
    explode: bool


def _style(entry: dict[str, Any], allowed: tuple[str, ...]) -> Style:
    # A style the location does not define is the metaschema's error; the default is used.
    written = entry.get("style")
    style = written if written in allowed else allowed[0]
    explode = entry.get("explode")
    return Style(style, explode if isinstance(explode, bool) else style == "form")


def parameter_style(at: Target) -> Style:
    """How the Parameter Object at ``at`` is written on the wire: its ``style``/``explode`` (the
    location's defaults when absent or undefined there), or ``json`` for a JSON ``content``."""
    param = at.value
    if not isinstance(param, dict):
        return Style("form", True)
    if "schema" not in param:
        chosen = choose_media(at)
        if chosen is not None and chosen.kind is MediaKind.JSON:
            return Style("json", False)
    return _style(param, LOCATION_STYLES.get(str(param.get("in")), ("form",)))


def form_styles(media: Target) -> dict[str, Style]:
    """How each property of a form body (the Media Type Object at ``media``) is written, for those
    its ``encoding`` names: ``json`` for a JSON ``contentType``, else its style."""
    value = media.value
    encoding = value.get("encoding") if isinstance(value, dict) else None
    if not isinstance(encoding, dict):
        return {}
    styles: dict[str, Style] = {}
    for name, entry in encoding.items():
        if not isinstance(entry, dict):
            continue
        content_type = entry.get("contentType")
        if isinstance(content_type, str) and media_kind(content_type) is MediaKind.JSON:
            styles[str(name)] = Style("json", False)
        elif "style" in entry or "explode" in entry:
            styles[str(name)] = _style(entry, _FORM_STYLES)
    return styles

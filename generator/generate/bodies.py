"""Request bodies, responses and parameter styles of the IR: what a method sends and reads.

A body or response may list several media types; the client uses the one
:func:`~generator.spec.media.choose_media` picks (JSON first) and its docstring names the others.
What each kind becomes in a method:

- JSON: the model (or its ``RootModel``'s root type), or a plain JSON value (``dict[str, Any]`` for
  an object, ``list[Any]`` for a list); a response without a schema is any JSON value (``Any``);
- a form or multipart form: the model, or a ``dict[str, Any]`` (files as ``bytes`` or httpx file
  tuples in a multipart form);
- text: ``str``; anything else: ``bytes``.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.generate.datamodels import ModelsModule
from generator.generate.ir import FormField, MediaKind, ParamStyle, RequestBody, Response
from generator.generate.unwrap import returned
from generator.spec.media import ChosenMedia, Style, choose_media, form_styles
from generator.spec.refs import Target

#: What a method takes for a body of each kind when there is no model.
_PLAIN = {
    MediaKind.JSON: "Any",
    MediaKind.FORM: "dict[str, Any]",
    MediaKind.MULTIPART: "dict[str, Any]",
    MediaKind.TEXT: "str",
    MediaKind.BINARY: "bytes",
}


def param_style(style: Style) -> tuple[ParamStyle, bool]:
    """The IR's style and explode of a parameter or form property written in ``style``."""
    return ParamStyle(style.style), style.explode


def model_annotation(model: str, models: ModelsModule) -> str:
    """The type of the model ``model``: its class, or for a ``RootModel`` its root's type."""
    return models.root_annotations.get(model, f"models.{model}")


def _with_plain(annotation: str) -> str:
    """``annotation`` or the plain JSON value a caller may give instead of models: an object
    (``dict[str, Any]``) where there is a model class, a list of them (``list[Any]``)."""
    if "models." not in annotation:
        return annotation
    if annotation.startswith("list["):
        return f"{annotation} | list[Any]"
    return f"{annotation} | dict[str, Any]"


def request_body(
    at: Target, model: str | None, models: ModelsModule, required: bool, description: str
) -> RequestBody | None:
    """The ``body`` argument for the Request Body Object at ``at`` (None when it lists no media
    type: then nothing can be sent, and ``validate`` says so)."""
    chosen = choose_media(at)
    if chosen is None:
        return None
    if model is not None:
        annotation = _with_plain(model_annotation(model, models))
    else:
        annotation = _PLAIN[chosen.kind]
    fields: tuple[FormField, ...] = ()
    if chosen.kind is MediaKind.FORM:
        fields = tuple(
            FormField(name, *param_style(style))
            for name, style in form_styles(chosen.media).items()
            if (style.style, style.explode) != ("form", True)
        )
    return RequestBody(
        annotation=annotation,
        required=required,
        description=description,
        kind=chosen.kind,
        content_type=chosen.content_type,
        other_media_types=chosen.others,
        fields=fields,
    )


def response(
    status: str, description: str, at: Target, model: str | None, models: ModelsModule
) -> Response:
    """The IR of the response at ``at``: what the method returns (or raises) for ``status``."""
    chosen = choose_media(at)
    media = chosen.media_type if chosen else ""
    others = chosen.others if chosen else ()
    if model is not None:
        value = returned(model, models.root_annotations)
        return Response(
            status,
            description,
            model,
            value.annotation,
            value.expression,
            MediaKind.JSON,
            media,
            others,
        )
    kind = MediaKind.NONE if chosen is None else chosen.kind
    annotation = {
        MediaKind.NONE: "None",
        MediaKind.JSON: "Any",
        MediaKind.TEXT: "str",
        MediaKind.BINARY: "bytes",
    }.get(kind, "bytes")
    if kind in (MediaKind.FORM, MediaKind.MULTIPART):
        kind = MediaKind.BINARY  # a form in a response is rare: its bytes, unparsed
    return Response(status, description, None, annotation, "None", kind, media, others)


def accept(responses: Mapping[str, ChosenMedia | None]) -> str:
    """The ``Accept`` header of an operation: the media types its client reads, when one of its
    responses lists several (so the server sends the one read); "" otherwise."""
    chosen = [media for media in responses.values() if media is not None]
    if not any(media.others for media in chosen):
        return ""
    types: list[str] = []
    for media in chosen:
        if media.media_type not in types:
            types.append(media.media_type)
    return ", ".join(types)

"""Reading a request back off the wire: styled parameters, form and multipart bodies, as JSON values.

A form body or a query parameter is text; what it stands for depends on the schema. Each reader
here is guided by ``like``, the JSON value that was passed: the texts are read as the types of
``like``'s members (``"5"`` as 5 where 5 was passed), so that the value read back can be compared
with what was passed and validated against the schema. A text that does not read as its member's
type stays text, and the comparison or the schema says so. Nulls are not sent in a form (the
generated clients leave them out, as there is no way to write one): a member passed as null reads
back as null when it is absent; so does an empty object or array in a style that cannot spell it.

    read_form(urlencoded, {"tags": [1, 2]}, {"tags": ("form", True)})  # {"tags": [1, 2]}
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import re
from typing import Any
from urllib.parse import parse_qsl, unquote

#: The separator of each non-exploded style.
DELIMITERS = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")


def scalar(text: str, like: Any) -> Any:
    """``text`` read as the type of ``like``; left as text when it does not read as that type."""
    if isinstance(like, bool):
        return {"true": True, "false": False}.get(text, text)
    if isinstance(like, (int, float)):
        with contextlib.suppress(ValueError):
            return int(text)
        with contextlib.suppress(ValueError):
            return float(text)
        return text
    if isinstance(like, (dict, list)):
        with contextlib.suppress(ValueError):
            return json.loads(text)
    return text


def _items(texts: list[str], like: list[Any]) -> list[Any]:
    return [scalar(text, like[i] if i < len(like) else "") for i, text in enumerate(texts)]


def _members(texts: list[str], like: dict[str, Any]) -> dict[str, Any]:
    """An object from alternating keys and values (``k,v,k,v``)."""
    pairs = list(zip(texts[0::2], texts[1::2], strict=False))
    return {key: scalar(text, like.get(key, "")) for key, text in pairs}


def unspelled(like: Any) -> bool:
    """Whether ``like`` writes nothing in a form: null, or an object or array of such only."""
    if isinstance(like, dict):
        return all(unspelled(item) for item in like.values())
    if isinstance(like, list):
        return all(unspelled(item) for item in like)
    return like is None


def _with_nulls(read: dict[str, Any], like: dict[str, Any]) -> dict[str, Any]:
    """``read`` with the members of ``like`` that write nothing put back as they were passed."""
    for key, item in like.items():
        if key not in read and unspelled(item):
            read[key] = item
    return read


def split(text: str, style: str, explode: bool, like: Any) -> Any:
    """One text holding a whole value (a delimited list, ``k,v`` or ``k=v`` members, a scalar)."""
    delimiter = DELIMITERS.get(style, ",")
    if isinstance(like, list):
        return _items(text.split(delimiter) if text else [], like)
    if isinstance(like, dict):
        parts = text.split(delimiter) if text else []
        if explode:
            found = dict(part.partition("=")[::2] for part in parts)
            read = {key: scalar(value, like.get(key, "")) for key, value in found.items()}
        else:
            read = _members(parts, like)
        return _with_nulls(read, like)
    return scalar(text, like)


def read_styled(
    pairs: list[tuple[str, str]], name: str, style: str, explode: bool, like: Any
) -> Any:
    """The value of ``name`` among query or form ``pairs`` written in ``style``; a KeyError when
    nothing was sent for it."""
    if style == "json":
        texts = [value for key, value in pairs if key == name]
        if len(texts) != 1:
            raise KeyError(name)
        return json.loads(texts[0])
    # An empty object or array has no spelling in these styles: nothing sent stands for it.
    if (
        style in ("deepObject", "form")
        and explode
        and isinstance(like, (dict, list))
        and unspelled(like)
        and not any(key == name or key.startswith(name + "[") for key, _ in pairs)
    ):
        return like
    if style == "deepObject" and isinstance(like, (dict, list)):
        return _deep(pairs, name, like)
    if isinstance(like, dict) and explode and style == "form":
        # Exploded form objects: each member is a pair of its own (the name is not written).
        read = {key: scalar(value, like.get(key, "")) for key, value in pairs if key in like}
        return _with_nulls(read, like)
    texts = [value for key, value in pairs if key == name]
    if not texts:
        raise KeyError(name)
    if isinstance(like, list) and explode:
        return _items(texts, like)
    if len(texts) != 1:
        return [scalar(text, "") for text in texts]  # repeated: not what was passed
    return split(texts[0], style, explode, like)


def _deep(pairs: list[tuple[str, str]], name: str, like: Any) -> Any:
    tree: dict[str, Any] = {}
    found = False
    for key, value in pairs:
        if not key.startswith(name + "["):
            continue
        tokens = _BRACKETS.findall(key[len(name) :])
        if not tokens:
            continue
        found = True
        node = tree
        for token in tokens[:-1]:
            node = node.setdefault(token, {})
            if not isinstance(node, dict):
                break
        else:
            node[tokens[-1]] = value
    if not found:
        if unspelled(like):
            return like
        raise KeyError(name)
    return _typed(tree, like)


def _typed(tree: Any, like: Any) -> Any:
    """A deepObject tree of texts (lists as objects keyed by index) as the types of ``like``."""
    if isinstance(tree, dict) and isinstance(like, list):
        if all(key.isdigit() for key in tree):
            ordered = [tree[key] for key in sorted(tree, key=int)]
            return [
                _typed(item, like[i] if i < len(like) else "") for i, item in enumerate(ordered)
            ]
        return tree
    if isinstance(tree, dict):
        shape = like if isinstance(like, dict) else {}
        return _with_nulls(
            {key: _typed(item, shape.get(key, "")) for key, item in tree.items()}, shape
        )
    return scalar(tree, like)


def read_form(
    content: bytes, like: dict[str, Any], styles: dict[str, tuple[str, bool]]
) -> dict[str, Any]:
    """An ``application/x-www-form-urlencoded`` body read back as an object: each member of
    ``like`` in its style (``styles``; exploded form by default). Members whose names are not in
    ``like`` are read as text (one value) or a list of texts (repeated).

    An object in exploded form style writes its members as pairs of their own, so a member of it
    and a property of the body may write the same name: each exploded object takes the first pair
    of each of its members' names, and the properties are read from the pairs left."""
    pairs = parse_qsl(content.decode("ascii", errors="replace"), keep_blank_values=True)
    read: dict[str, Any] = {}
    exploded = {
        name: item
        for name, item in like.items()
        if isinstance(item, dict) and styles.get(name, ("form", True)) == ("form", True)
    }
    claimed: set[str] = set()
    for name, item in exploded.items():
        taken = []
        for key in item:
            index = next((i for i, pair in enumerate(pairs) if pair[0] == key), None)
            if index is not None:
                taken.append(pairs.pop(index))
        claimed.update(item)
        read[name] = read_styled(taken, name, "form", True, item)
    for name, item in like.items():
        if name in exploded:
            continue
        if item is None:
            read[name] = None
            continue
        style, explode = styles.get(name, ("form", True))
        with contextlib.suppress(KeyError):
            read[name] = read_styled(pairs, name, style, explode, item)
    others: dict[str, list[str]] = {}
    for key, value in pairs:
        if key.partition("[")[0] not in like and key not in claimed:
            others.setdefault(key, []).append(value)
    for key, values in others.items():
        read[key] = values[0] if len(values) == 1 else values
    return read


def multipart_parts(content: bytes, content_type: str) -> list[tuple[str, str | None, bytes]]:
    """The parts of a ``multipart/form-data`` body: (name, content type, content) each."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + content
    )
    parts: list[tuple[str, str | None, bytes]] = []
    for part in message.iter_parts():
        disposition = part.get("Content-Disposition", "")
        match = re.search(r'name="([^"]*)"', disposition)
        payload = part.get_payload(decode=True)
        parts.append(
            (
                unquote(match.group(1)) if match else "",
                part.get("Content-Type"),
                payload if isinstance(payload, bytes) else b"",
            )
        )
    return parts


def read_multipart(content: bytes, content_type: str, like: dict[str, Any]) -> dict[str, Any]:
    """A multipart body read back as an object: a part per member (a list: one part per item),
    JSON parts parsed, file parts and text parts as text read as ``like``'s member types."""
    grouped: dict[str, list[Any]] = {}
    for name, media, data in multipart_parts(content, content_type):
        text = data.decode("utf-8", errors="replace")
        if media is not None and "json" in media:
            with contextlib.suppress(ValueError):
                grouped.setdefault(name, []).append(json.loads(text))
                continue
        grouped.setdefault(name, []).append(text)
    read: dict[str, Any] = {}
    for name, values in grouped.items():
        item = like.get(name, "")
        if isinstance(item, list):
            read[name] = [
                v if not isinstance(v, str) else scalar(v, item[i] if i < len(item) else "")
                for i, v in enumerate(values)
            ]
        elif len(values) == 1:
            read[name] = values[0] if not isinstance(values[0], str) else scalar(values[0], item)
        else:
            read[name] = values
    return _with_nulls(read, like)

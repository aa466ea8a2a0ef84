"""Names for generated code: every identifier specgen emits comes from here.

Spec names are free text: ``jobID``, ``include-messages``, ``class``, ``1st``, ``名前``. These functions
turn them into valid, readable Python identifiers, and :class:`Scope` resolves collisions (``jobId`` and
``job_id`` in one signature) the same way on every run, so generated code is deterministic.
"""

from __future__ import annotations

import hashlib
import keyword
import re
import unicodedata

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^0-9A-Za-z]+")
#: Names that would shadow what generated modules use themselves.
_RESERVED = frozenset(
    {
        *keyword.kwlist,
        *keyword.softkwlist,
        "self",
        "cls",
        "httpx",
        "models",
        "typing",
        "uuid",
        "datetime",
        "enum",
        "pydantic",
        "response",
        "request",
        "params",
        "headers",
        "cookies",
        "path",
        "url",
        "timeout",
    }
)


def _ascii_words(name: str) -> list[str]:
    """The ASCII words of ``name``: accents dropped, camelCase and punctuation split."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = _CAMEL_BOUNDARY.sub(" ", ascii_name)
    return [word for word in _NON_WORD.split(ascii_name) if word]


def _fallback(name: str) -> str:
    # Nothing ASCII is left (e.g. a name in another script): a short, stable digest keeps it unique.
    return "n" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


def snake_case(name: str) -> str:
    """``jobConfigJson`` -> ``job_config_json``; ``include-messages`` -> ``include_messages``."""
    words = _ascii_words(name)
    return "_".join(word.lower() for word in words) if words else _fallback(name)


def identifier(name: str) -> str:
    """A valid Python identifier for a parameter, argument or method: snake_case, never a keyword.

    >>> identifier("getJobById"), identifier("class"), identifier("1st"), identifier("self")
    ('get_job_by_id', 'class_', 'n_1st', 'self_')
    """
    result = snake_case(name)
    if result[0].isdigit():
        result = "n_" + result
    if result in _RESERVED:
        result += "_"
    return result


def constant(name: str) -> str:
    """An UPPER_SNAKE_CASE identifier for module-level constants."""
    return identifier(name).rstrip("_").upper() or "VALUE"


def class_name(name: str) -> str:
    """A PascalCase class name: ``job-status`` -> ``JobStatus``, ``404_error`` -> ``N404Error``.

    The result is letters and digits only, starting with an upper-case letter, and the same when
    given again (``class_name(class_name(x)) == class_name(x)``): datamodel-code-generator is handed
    these names and keeps them as they are. Dotted names keep every part
    (``io.k8s.api.core.v1.Pod`` -> ``IoK8sApiCoreV1Pod``); ``None``, ``True`` and ``False`` get a
    ``Model`` suffix.
    """
    words = _ascii_words(name)
    result = "".join(word[0].upper() + word[1:] for word in words) if words else _fallback(name)
    if result[0].isdigit():
        result = "N" + result
    result = result[0].upper() + result[1:]
    return result + "Model" if keyword.iskeyword(result) else result


def nested_class_name(owner: str, part: str) -> str:
    """The class name of ``part`` inside class ``owner``: ``Owner`` and ``permissions`` make
    ``OwnerPermissions``; a part that starts with the owner's last word does not repeat it (``Job``
    and ``jobConfig`` make ``JobConfig``)."""
    suffix = class_name(part)
    words = _ascii_words(owner)
    last = words[-1] if words else ""
    rest = suffix[len(last) :]
    if last and suffix.startswith(last) and rest[:1].isupper():
        suffix = rest
    return class_name(owner + suffix)


class Scope:
    """Hands out unique names within one namespace (a signature, a module, a class).

    The first claim of a name gets it as is; later claims of the same name get ``_2``, ``_3``...
    Callers claim in spec order, so the outcome is the same on every run.
    """

    def __init__(self, taken: frozenset[str] | set[str] = frozenset()) -> None:
        self._taken: set[str] = set(taken)

    def claim(self, name: str) -> str:
        """Reserve ``name`` (already a valid identifier) or the first free numbered variant."""
        candidate, number = name, 2
        while candidate in self._taken:
            candidate = f"{name.rstrip('_')}_{number}"
            number += 1
        self._taken.add(candidate)
        return candidate


class ClassNames:
    """Unique class names of one models module, each a :func:`class_name` (no underscores).

    :meth:`claim` takes the first free candidate, in the order given: the name a schema's place in
    the spec gives it, then alternatives that still say what it is (``FieldModel`` for a component
    named ``Field``, which the module imports); only when all are taken is the first one numbered
    (``Owner2``). Callers claim in spec order, so the outcome is the same on every run.
    """

    def __init__(self, reserved: frozenset[str] | set[str] = frozenset()) -> None:
        self._taken: set[str] = set(reserved)

    def __contains__(self, name: str) -> bool:
        return name in self._taken

    def claim(self, *candidates: str) -> str:
        names = [class_name(candidate) for candidate in candidates]
        for name in names:
            if name not in self._taken:
                self._taken.add(name)
                return name
        number = 2
        while f"{names[0]}{number}" in self._taken:
            number += 1
        self._taken.add(f"{names[0]}{number}")
        return f"{names[0]}{number}"

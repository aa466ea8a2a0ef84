"""Pydantic v2 models from named schemas, by datamodel-code-generator used as a library.

The schemas arrive already named and self-contained (see :mod:`generator.generate.schemas`), so the class
names in the output are the ones the client templates refer to; this module checks that they are.
Enums are generated from specgen's own ``Enum.jinja2`` template, which makes them open: a value the
server adds later parses as a pseudo-member instead of failing the whole response.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import SpecgenError
from generator.generate.discriminators import prefer_tagged_branches
from generator.generate.ir import NamedSchema
from generator.generate.model_input import (
    ModelInput,
    models_document,
    prepare,
    restore_texts,
    write_literal,
)
from generator.generate.naming import class_name
from generator.generate.overrides import flatten_incompatible_overrides
from generator.generate.patterns import bound_patterns
from generator.generate.source_edits import ParsedModule, class_bases


@dataclass(frozen=True)
class ModelsModule:
    """The source of ``models.py`` and what the clients need to know about its classes."""

    #: The module's imports, and the rest: specgen's pattern helper goes between them.
    imports: str
    body: str
    #: Whether a field's pattern is checked by the bounded helper (see :mod:`generator.generate.patterns`).
    bounded_patterns: bool
    classes: frozenset[str]
    #: For each ``RootModel`` class, the annotation of its ``root`` with model names qualified by
    #: ``models.`` (e.g. ``list[models.JobMessage]``), which is what client methods return.
    root_annotations: Mapping[str, str]
    #: The ``StrEnum`` and ``IntEnum`` classes, whose ``str()`` is their value: parameters may
    #: take them.
    enums: frozenset[str] = frozenset()
    #: Whether a union is read with its discriminator's hint (see :mod:`generator.generate.discriminators`).
    discriminated_unions: bool = False


#: String formats whose fields stay ``str``. ``uri``: pydantic's URL type rewrites URLs (adds
#: slashes, lower-cases hosts) and rejects relative references real APIs send. ``email``: pydantic's
#: ``EmailStr`` needs the ``email-validator`` package, which nothing installs with a generated client.
#: ``password``: pydantic's ``SecretStr`` dumps as ``**********``, so a request would send the stars
#: instead of the value (and fail the spec's own pattern).
#: The others would import a module generated code may not import (``ipaddress``, ``pathlib``, the
#: ``python-ulid`` package's ``ulid``; see :mod:`generator.generate.codegate`). Conformance checks
#: (``specgen check``) still check every format.
TEXT_FORMATS = (
    "uri",
    "uri-reference",
    "email",
    "idn-email",
    "password",
    "ipv4",
    "ipv6",
    "ipv4-network",
    "ipv6-network",
    "path",
    "ulid",
)


def generate_models(schemas: tuple[NamedSchema, ...], template_dir: Path) -> ModelsModule:
    """Run datamodel-code-generator on ``schemas`` and describe the module it wrote."""
    if not schemas:
        # A spec without a schema that becomes a model: an empty module, which
        # datamodel-code-generator refuses to write ("Models not found in the input data").
        return ModelsModule("from __future__ import annotations\n", "", False, frozenset(), {})
    given = prepare(schemas)
    source = run_generator(given.schemas, given.aliases, template_dir)
    return finish_models(source, given, schemas)


def run_generator(schemas: dict[str, Any], aliases: Mapping[str, str], template_dir: Path) -> str:
    """datamodel-code-generator's module for ``schemas``, allowlisted copies by class name (see
    :func:`~generator.generate.model_input.prepare`)."""
    # Imported here: it is slow to import, and only generation needs it.
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import DataModelType, InputFileType
    from datamodel_code_generator.format import PythonVersion

    names = frozenset(schemas)
    with warnings.catch_warnings():
        # It warns about constraints pydantic cannot take (a pattern on a UUID field); the payload
        # conformance checks still apply them, so the warning is noise here.
        warnings.simplefilter("ignore")
        try:
            source = generate(
                models_document(schemas),
                input_file_type=InputFileType.OpenAPI,
                output_model_type=DataModelType.PydanticV2BaseModel,
                target_python_version=PythonVersion.PY_311,
                custom_template_dir=template_dir,
                disable_timestamp=True,
                field_constraints=True,
                use_annotated=True,
                use_field_description=True,
                use_schema_description=True,
                snake_case_field=True,
                allow_population_by_field_name=True,
                use_double_quotes=True,
                use_standard_collections=True,
                use_union_operator=True,
                strict_nullable=True,
                capitalise_enum_members=True,
                # An enum field's default is its member (`Status.A`), not the raw value, which
                # mypy --strict rejects as a `str` assigned to a `Status`.
                set_default_enum_member=True,
                type_mappings=[f"string+{fmt}=string" for fmt in TEXT_FORMATS],
                formatters=[],
                # Defence in depth: the allowlisted input has no remote refs to resolve anyway.
                allow_remote_refs=False,
                aliases=dict(aliases),
                # Every schema that becomes a class arrives named (see generator/generate/schemas.py);
                # a class it still names itself is named by specgen's rule too, and can never take
                # a name given to a schema.
                custom_class_name_generator=_Residual(names),
            )
        except Exception as exc:  # its errors are many and undocumented; keep the message
            raise SpecgenError(f"datamodel-code-generator failed: {exc}") from None
    if not isinstance(source, str):
        raise SpecgenError("datamodel-code-generator returned no single module")
    return source


def finish_models(
    source: str,
    given: ModelInput,
    schemas: tuple[NamedSchema, ...],
    keep: frozenset[str] | None = None,
    borrowed: frozenset[str] = frozenset(),
    implicit: Mapping[str, str] | None = None,
) -> ModelsModule:
    """The models module from datamodel-code-generator's ``source``: spec text put back, patterns
    bounded, discriminators hinted, every schema's class checked, and the module described.

    With ``keep``, only the classes of those schemas are kept, with the classes
    datamodel-code-generator made for their inline parts (see :mod:`generator.generate.chunks`):
    the classes of ``borrowed`` schemas stood in for schemas another part of the run models, so
    that this part could be made alone. ``implicit`` then gives the implicit discriminator tags of
    every schema of the run (:func:`~generator.generate.discriminators.implicit_tags`).
    """
    # Parsed once: each pass below changes the one tree in place, and the text is written once.
    module = ParsedModule(_strip_header(source))
    restore_texts(module, given)
    discriminated = prefer_tagged_branches(module, schemas, implicit)
    bounded = bound_patterns(module)
    flatten_incompatible_overrides(module)
    check_classes(module.tree, schemas)
    enums = enum_classes(module.tree)
    imports_end = module.imports_end()
    # Last: reading the root annotations rewrites their nodes.
    classes, roots = describe(module.tree, {named.class_name for named in schemas})
    if keep is not None:
        kept = _with_inline_classes(module.tree, keep, borrowed)
        for node in module.tree.body:
            if isinstance(node, ast.ClassDef) and node.name not in kept:
                module.remove(node)
        classes, enums = classes & kept, enums & kept
        roots = {name: root for name, root in roots.items() if name in kept}
    lines = module.text(write_literal).split("\n")
    # Edits are inside classes, which come after the imports, so the split line has not moved.
    return ModelsModule(
        "\n".join(lines[:imports_end]),
        "\n".join(lines[imports_end:]),
        bounded,
        classes,
        roots,
        enums,
        discriminated,
    )


def _with_inline_classes(
    tree: ast.Module, keep: frozenset[str], borrowed: frozenset[str]
) -> frozenset[str]:
    """``keep`` and the classes datamodel-code-generator named itself (no schema's name) that the
    kept classes use, transitively: the inline parts of the kept schemas."""
    defined = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    kept = set(keep) & defined.keys()
    stack = list(kept)
    while stack:
        for node in ast.walk(defined[stack.pop()]):
            name = node.id if isinstance(node, ast.Name) else None
            if name in defined and name not in kept and name not in borrowed:
                kept.add(name)
                stack.append(name)
    return frozenset(kept)


class _Residual:
    """datamodel-code-generator's class names: the given names as they are; any other (an inline
    schema specgen did not lift) by :func:`class_name`, marked ``Inline`` if that is a given name."""

    def __init__(self, given: frozenset[str]) -> None:
        self.given = given

    def __call__(self, name: str) -> str:
        if name in self.given:
            return name
        result = class_name(name)
        return result + "Inline" if result in self.given else result


def check_classes(tree: ast.Module, schemas: tuple[NamedSchema, ...]) -> None:
    """Refuse a models module where a schema's name is not the class made from that schema.

    Each name must be a class of the module, of the schema's kind: an enum (or, nullable, a root
    model of one) for an ``enum``, a model with a field for each property for an object with
    ``properties``, never an enum for an object. A class of the same name made from another schema
    would parse responses into the wrong shape, or silently drop fields.
    """
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    for named in schemas:
        node = classes.get(named.class_name)
        problem = None
        schema = named.schema if isinstance(named.schema, dict) else {}
        if node is None:
            problem = "is missing from the models module"
        elif isinstance(schema.get("enum"), list) and schema["enum"]:
            # A nullable enum is a root model of the enum or None.
            if not class_bases(node) & {"Enum", "StrEnum", "IntEnum", "RootModel"}:
                problem = "should be an enum"
        elif _is_object(schema) and class_bases(node) & {"Enum", "StrEnum", "IntEnum"}:
            problem = "should be a model, not an enum"
        elif (
            isinstance(schema.get("properties"), dict)
            and schema["properties"]
            # With a union or allOf beside them, properties may be spread over other classes.
            and not {"allOf", "anyOf", "oneOf"} & set(schema)
            # Properties of a schema whose type is not an object constrain nothing: no fields.
            and _allows_object(schema)
        ):
            missing = set(schema["properties"]) - _wire_names(node, classes)
            if class_bases(node) & {"RootModel", "Enum", "StrEnum", "IntEnum"}:
                problem = "should be a model with fields"
            elif missing:
                problem = f"lacks the properties {', '.join(sorted(missing))}"
        if problem is not None:
            where = named.source
            raise SpecgenError(
                f"model class {named.class_name} for the schema at {where.pointer or '/'} "
                f"{problem}: datamodel-code-generator named another schema so",
                where.file,
                where.line,
            )


def _is_object(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "object" in kinds or "properties" in schema or "additionalProperties" in schema


def _allows_object(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind is None or kind == "object" or (isinstance(kind, list) and "object" in kind)


def _wire_names(node: ast.ClassDef, classes: Mapping[str, ast.ClassDef]) -> set[str]:
    """The JSON names of a model's fields (an alias, else the field's name), its bases' included."""
    names: set[str] = set()
    for base in class_bases(node):
        if base in classes and classes[base] is not node:
            names |= _wire_names(classes[base], classes)
    for statement in node.body:
        if not (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)):
            continue
        alias = None
        for part in ast.walk(statement):
            if isinstance(part, ast.Call) and _name(part.func) == "Field":
                for keyword in part.keywords:
                    if keyword.arg == "alias" and isinstance(keyword.value, ast.Constant):
                        alias = keyword.value.value
        names.add(alias if isinstance(alias, str) else statement.target.id)
    return names


def describe(tree: ast.Module, expected: set[str]) -> tuple[frozenset[str], dict[str, str]]:
    """The classes of a models module and the ``root`` annotations of its root models.

    The annotations are rewritten in place (see :class:`_Qualify`): call it last on a tree.
    """
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    missing = sorted(expected - classes)
    if missing:
        raise SpecgenError(f"datamodel-code-generator did not emit models {', '.join(missing)}")
    # datamodel-code-generator imports a type under another name where a field hides it
    # (`from datetime import date as date_aliased`); the client knows it by its own name.
    aliases = {
        alias.asname: alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname
    }
    roots: dict[str, str] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for base in node.bases:
            if isinstance(base, ast.Subscript) and _name(base.value) == "RootModel":
                roots[node.name] = ast.unparse(_Qualify(classes, aliases).visit(base.slice))
    return frozenset(classes), roots


def enum_classes(tree: ast.Module) -> frozenset[str]:
    """The classes of a models module that derive from ``StrEnum`` or ``IntEnum``."""
    return frozenset(
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef) and class_bases(node) & {"StrEnum", "IntEnum"}
    )


def _name(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


#: Names a models module imports, as the client module (which imports `datetime`, `uuid`, `Any` and
#: `Literal`) writes them.
_CLIENT_NAMES = {
    "UUID": "uuid.UUID",
    "AwareDatetime": "datetime.datetime",
    "NaiveDatetime": "datetime.datetime",
    "datetime": "datetime.datetime",
    "date": "datetime.date",
    "time": "datetime.time",
    "timedelta": "datetime.timedelta",
    "Any": "Any",
    "Literal": "Literal",
}
_BUILTIN_TYPES = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "set", "tuple", "frozenset", "object"}
)


class _Qualify(ast.NodeTransformer):
    """Rewrite a root annotation of the models module so it reads right in the client module.

    Model classes become ``models.X``; imported types take the client's names (``uuid.UUID``); an
    ``Annotated[T, ...]`` is ``T`` (its constraints are the model's business); a type the client
    cannot name (``Decimal``, ``EmailStr``) becomes ``Any`` rather than a name it does not define.
    """

    def __init__(self, classes: set[str], aliases: dict[str, str]) -> None:
        self.classes = classes
        self.aliases = aliases

    def visit_Name(self, node: ast.Name) -> Any:
        name = self.aliases.get(node.id, node.id)
        if name in self.classes:
            return ast.Attribute(
                value=ast.Name(id="models", ctx=ast.Load()), attr=name, ctx=node.ctx
            )
        if name in _CLIENT_NAMES:
            return ast.parse(_CLIENT_NAMES[name], mode="eval").body
        if name in _BUILTIN_TYPES:
            return ast.Name(id=name, ctx=node.ctx)
        return ast.Name(id="Any", ctx=node.ctx)

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        if _name(node.value) == "Annotated" and isinstance(node.slice, ast.Tuple):
            return self.visit(node.slice.elts[0])
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> Any:
        return ast.Name(id="Any", ctx=ast.Load())


def _strip_header(source: str) -> str:
    # The tool's header names its input ("<stdin>"); the package docstring says where models come from.
    # Split on newlines only: str.splitlines() also splits inside literals (U+2028, U+0085, U+001C).
    lines = source.split("\n")
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "\n".join(lines).lstrip("\n") + "\n"

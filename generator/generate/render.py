"""Render the intermediate representation through Jinja templates into formatted Python source.

Templates see an :class:`~generator.generate.ir.Api` and the helpers below, nothing else. Spec-derived text
reaches the code only through :mod:`generator.quoting` (literals and docstrings), so nothing
a spec says can break out of a string. The result is formatted by ruff with fixed settings, so the
output is the same whatever configuration the machine or the user has.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Mapping
from pathlib import Path

import jinja2

from generator.errors import SpecgenError
from generator.generate.ir import (
    Api,
    AuthKind,
    MediaKind,
    Operation,
    Parameter,
    ParamLocation,
    ParamStyle,
    Server,
    UrlPart,
)
from generator.generate.layout import DEFAULT_LAYOUT, Layout, lay_out
from generator.generate.prune import prune_unused
from generator.quoting import docstring, pystr
from generator.resources import default_templates
from generator.spec.navigator import status_codes

#: ruff settings for generated code, independent of any configuration file around the output.
RUFF_SETTINGS = ("--isolated", "--line-length", "100", "--target-version", "py311")
#: Fixes applied before formatting: sorted imports, unused imports dropped, modern syntax.
RUFF_FIXES = ("--select", "I,F401,UP", "--fix", "--unsafe-fixes")
_DOC_WIDTH = 92


def join_expr(parts: tuple[UrlPart, ...], wrap: str = "{}") -> str:
    """A Python expression concatenating literal parts and variables (each passed through ``wrap``)."""
    pieces = [wrap.format(p.text) if p.is_variable else pystr(p.text) for p in parts]
    return " + ".join(pieces) if pieces else pystr("")


def server_url_expr(server: Server) -> str:
    """The expression building the server's base URL from its variables."""
    return join_expr(server.parts, "str({})")


def path_expr(operation: Operation) -> str:
    """The expression building an operation's path, each parameter percent-encoded in its style."""
    styled = {
        p.py_name: p
        for p in operation.parameters
        if p.location is ParamLocation.PATH and not p.default_style
    }
    pieces = []
    for part in operation.path_parts:
        if not part.is_variable:
            pieces.append(pystr(part.text))
        elif part.text in styled:
            param = styled[part.text]
            pieces.append(
                f"_path({part.text}, {pystr(param.style.value)}, {param.explode},"
                f" {pystr(param.name)})"
            )
        else:
            pieces.append(f"_path({part.text})")
    return " + ".join(pieces) if pieces else pystr("")


def style_args(parameter: Parameter) -> str:
    """The style arguments of a query, header or cookie parameter's helper call ("" for the
    location's default style)."""
    if parameter.default_style:
        return ""
    return f", {pystr(parameter.style.value)}, {parameter.explode}"


def status_condition(status: str, variable: str = "response.status_code") -> str:
    """The test for a declared status: ``200``, a range like ``2XX``, or ``default``."""
    covered = status_codes(status)
    if covered is None:
        return "True"
    low, high = covered
    return f"{variable} == {low}" if high == low + 1 else f"{low} <= {variable} < {high}"


def _section(title: str, entries: list[tuple[str, str]], indent: int) -> str:
    """A Google-style docstring section, each entry's text wrapped under its name."""
    lines = [title]
    for name, text in entries:
        words = " ".join(text.split()) or "See the spec."
        wrapped = textwrap.wrap(
            f"{name}: {words}", _DOC_WIDTH - indent - 4, subsequent_indent="    "
        )
        lines.extend("    " + line for line in wrapped)
    return "\n".join(lines)


def client_doc(api: Api) -> str:
    """The docstring of a client's constructor: every argument explained."""
    entries: list[tuple[str, str]] = []
    for scheme in api.security_schemes:
        how = {
            AuthKind.BEARER: "sent as `Authorization: Bearer <token>`",
            AuthKind.BASIC: "sent with HTTP basic authentication",
            AuthKind.API_KEY_HEADER: f"sent in the `{scheme.param_name}` header",
            AuthKind.API_KEY_QUERY: f"sent as the `{scheme.param_name}` query parameter",
            AuthKind.API_KEY_COOKIE: f"sent as the `{scheme.param_name}` cookie",
        }[scheme.kind]
        for argument in scheme.arguments:
            entries.append(
                (argument, f"{(scheme.description or scheme.name).rstrip('.')} ({how}).")
            )
    entries.append(("base_url", f"Where to send requests; by default `{api.servers[0].url}`."))
    for variable in api.servers[0].variables:
        entries.append(
            (
                variable.py_name,
                f"{variable.description} The server URL's `{{{variable.name}}}`.".strip(),
            )
        )
    entries += [
        (
            "timeout",
            "Seconds (or an `httpx.Timeout`) a request may take; ignored with `http_client`.",
        ),
        ("transport", "An httpx transport to send requests through (tests, proxies, retries)."),
        (
            "http_client",
            "An httpx client to use instead of creating one; it is not closed by this client.",
        ),
    ]
    return "Create a client.\n\n" + _section("Args:", entries, 8)


def operation_doc(operation: Operation) -> str:
    """The docstring of an operation's method: summary, description, arguments, outcomes."""
    parts = [operation.summary or f"{operation.http_method} {operation.path}"]
    if operation.description and operation.description != operation.summary:
        parts.append(operation.description)
    where = f"`{operation.http_method} {operation.path}`"
    if operation.operation_id is None:
        parts.append(f"{where} (no operationId in the spec: named from its method and path).")
    else:
        # First in its paragraph, so wrapping never splits it (DESIGN.md: "on one line").
        parts.append(f"operationId `{operation.operation_id}`: {where}.")
    if operation.deprecated:
        parts.append("Deprecated: the spec marks this operation as deprecated.")
    entries = [
        (p.py_name, p.description or f"The `{p.name}` {p.location.value} parameter.")
        for p in operation.parameters
    ]
    if operation.body is not None:
        entries.insert(0, ("body", _body_doc(operation)))
    if entries:
        parts.append(_section("Args:", entries, 8))
    successes = [
        (r.status, _media_doc(r.description, r.media_type, r.other_media_types, "Read"))
        for r in operation.successes
    ]
    if successes:
        parts.append(_section("Returns:", successes, 8))
    raises = [
        (
            operation.error_class,
            "(an `ApiError`) for any other status, with the error model the spec declares for it"
            " as `parsed`, typed.",
        )
        if operation.error_class
        else ("ApiError", "for any other status; the spec declares no error model to parse."),
        (
            "ResponseValidationError",
            "when a success body does not fit its model (the raw body is kept).",
        ),
        ("httpx.HTTPError", "when the request fails on the way (connection, timeout)."),
    ]
    parts.append(_section("Raises:", raises, 8))
    return "\n\n".join(parts)


def _media_doc(text: str, media_type: str, others: tuple[str, ...], verb: str) -> str:
    """``text``, and when the spec lists several media types, which one the client uses."""
    if not others:
        return text
    also = ", ".join(f"`{other}`" for other in others)
    return f"{text} {verb} as `{media_type}`; the spec also lists {also}.".strip()


def _body_doc(operation: Operation) -> str:
    body = operation.body
    assert body is not None
    how = {
        MediaKind.JSON: "",
        MediaKind.FORM: " Sent as a form (`application/x-www-form-urlencoded`).",
        MediaKind.MULTIPART: (
            " Sent as `multipart/form-data`: give files as bytes or httpx file tuples"
            " `(filename, content, content_type)` in a dict."
        ),
        MediaKind.TEXT: f" Sent as `{body.content_type}` text.",
        MediaKind.BINARY: f" Sent as `{body.content_type}` bytes.",
    }.get(body.kind, "")
    text = (body.description or "The request body.").rstrip() + how
    return _media_doc(text, body.content_type, body.other_media_types, "Sent")


def environment(user_templates: Path | None = None) -> jinja2.Environment:
    """The Jinja environment: user templates first (overriding by name), then specgen's own."""
    search = [str(user_templates / "python")] if user_templates else []
    search.append(str(default_templates() / "python"))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(pystr=pystr, docstring=docstring, status_condition=status_condition)
    env.globals.update(
        # Templates branch on these members (`scheme.kind == AuthKind.BEARER`), never on strings.
        AuthKind=AuthKind,
        ParamLocation=ParamLocation,
        ParamStyle=ParamStyle,
        MediaKind=MediaKind,
        path_expr=path_expr,
        style_args=style_args,
        server_url_expr=server_url_expr,
        client_doc=client_doc,
        operation_doc=operation_doc,
    )
    return env


#: Output files of one package and the template each comes from.
PACKAGE_FILES = {
    "__init__.py": "__init__.py.jinja",
    "client.py": "client.py.jinja",
    "errors.py": "errors.py.jinja",
    "models.py": "models.py.jinja",
    "py.typed": None,
}


def render_package(
    api: Api, env: jinja2.Environment, layout: Layout = DEFAULT_LAYOUT
) -> dict[str, str]:
    """The unformatted files of ``api``'s package, by name (in the lazy layout of
    :mod:`~generator.generate.layout` when ``layout`` says it applies)."""
    files: dict[str, str] = {}
    for name, template in PACKAGE_FILES.items():
        if template is None:
            files[name] = ""
            continue
        try:
            text = env.get_template(template).render(api=api)
            # Only the client template carries helpers a package may not need.
            files[name] = prune_unused(text) if name == "client.py" else text
        except jinja2.TemplateError as exc:
            where = (
                f"{exc.filename}:{exc.lineno}: "
                if isinstance(exc, jinja2.TemplateSyntaxError)
                else ""
            )
            raise SpecgenError(f"template {template}: {where}{exc}") from None
    return lay_out(api, files, layout)


def format_sources(files: Mapping[str, str]) -> dict[str, str]:
    """Format Python sources (by relative path) with ruff's fixed settings; others pass through."""
    python = {name: text for name, text in files.items() if name.endswith(".py")}
    with tempfile.TemporaryDirectory(prefix="specgen-format-") as tmp:
        root = Path(tmp)
        for name, text in python.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
        _ruff(root, "check", *RUFF_FIXES, "--exit-zero", "--quiet")
        _ruff(root, "format", "--quiet")
        formatted = {name: (root / name).read_text(encoding="utf-8") for name in python}
    return {name: formatted.get(name, text) for name, text in files.items()}


def _ruff(root: Path, command: str, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", command, *RUFF_SETTINGS, *args, "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        raise SpecgenError(f"ruff {command} failed on generated code: {' '.join(message[:3])}")

"""Generated clients as a caller meets them: typed errors, model enums as parameters, plain lists
back, only the code a spec needs, and every runtime requirement declared.

Each test generates a small spec, calls the client over ``httpx.MockTransport`` and, where the point
is typing, runs ``mypy --strict`` on caller code written the way a user would write it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
import venv
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from generator.generate.build import api_name
from generator.generate.unwrap import Returned, returned
from tests.generate.packages import HOSTILE_SPEC, generate_and_import
from tests.paths import ROOT, SPEC_NAMES
from tests.specs import write

SHOP_SPEC = """\
openapi: 3.1.0
info: {title: Pet shop, version: "1"}
servers: [{url: "https://shop.example.test"}]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: status, in: query, schema: {$ref: "#/components/schemas/PetStatus"}}
        - name: statuses
          in: query
          schema: {type: array, items: {$ref: "#/components/schemas/PetStatus"}}
        - {name: same, in: query, schema: {type: string, enum: [available, pending, sold]}}
        - {name: other, in: query, schema: {type: string, enum: [x, y]}}
        - {name: level, in: header, schema: {$ref: "#/components/schemas/Level"}}
      responses:
        "200":
          description: the pets, cats and dogs
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
        "404":
          description: no such pets
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Problem"}
        5XX:
          description: the shop is down
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Outage"}
  /tags:
    get:
      operationId: listTags
      responses:
        "200":
          description: tags
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Tags"}
  /tags/by-pet:
    get:
      operationId: tagsByPet
      responses:
        "200":
          description: tags by pet name
          content:
            application/json:
              schema: {type: object, additionalProperties: {$ref: "#/components/schemas/Tags"}}
  /tags/maybe:
    get:
      operationId: maybeTags
      responses:
        "200":
          description: tags, some unknown
          content:
            application/json:
              schema:
                type: array
                items: {anyOf: [{$ref: "#/components/schemas/Tag"}, {type: "null"}]}
  /health:
    get:
      operationId: health
      responses:
        "204": {description: up}
components:
  schemas:
    PetStatus: {type: string, enum: [available, pending, sold]}
    Level: {type: integer, enum: [1, 2, 3]}
    Pet:
      oneOf:
        - {$ref: "#/components/schemas/Cat"}
        - {$ref: "#/components/schemas/Dog"}
    Cat:
      type: object
      required: [meow]
      properties: {meow: {type: string}, status: {$ref: "#/components/schemas/PetStatus"}}
    Dog: {type: object, required: [bark], properties: {bark: {type: string}}}
    Tag: {type: string, minLength: 1}
    Tags: {type: array, items: {$ref: "#/components/schemas/Tag"}}
    Problem: {type: object, required: [title], properties: {title: {type: string}}}
    Outage: {type: object, properties: {retryAfter: {type: integer}}}
"""

#: How a user writes code against the shop client; mypy --strict must accept it as it is.
TYPED_CALLER = """\
from shop_out.shop import Client, models
from shop_out.shop.errors import ListPetsError


def first_cat(client: Client) -> str | None:
    try:
        pets = client.list_pets(
            status=models.PetStatus.PENDING,
            statuses=[models.PetStatus.SOLD, "available"],
            same=models.PetStatus.AVAILABLE,
            level=models.Level.INTEGER_2,
        )
    except ListPetsError as error:
        if isinstance(error.parsed, models.Problem):
            return error.parsed.title
        if error.parsed is not None:
            return str(error.parsed.retry_after)
        return None
    for pet in pets:
        if isinstance(pet, models.Cat):
            return pet.meow
    return None


def tags(client: Client) -> list[str]:
    by_pet: dict[str, list[str]] = client.tags_by_pet()
    maybe: list[str | None] = client.maybe_tags()
    return client.list_tags() + [t for ts in by_pet.values() for t in ts] + [m or "" for m in maybe]
"""

#: Mistakes mypy must catch: so the types above are real, not ``Any``.
WRONG_CALLER = """\
from shop_out.shop import Client, models
from shop_out.shop.errors import ListPetsError


def wrong(client: Client) -> None:
    try:
        client.list_pets(status="lost")
    except ListPetsError as error:
        if error.parsed is not None:
            print(error.parsed.no_such_field)
    print(client.list_tags()[0].root)
"""


MYPY = (sys.executable, "-m", "mypy", "--strict", "--no-incremental")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    folder = tmp_path_factory.mktemp("shop")
    spec = write(folder, "shop.yaml", SHOP_SPEC)
    return generate_and_import(folder, spec, "shop_out"), folder


def replying(seen: list[httpx.Request], status: int, body: Any) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body)

    return httpx.MockTransport(handler)


def test_model_enums_and_their_values_are_both_accepted_and_sent_as_values(
    shop: tuple[Any, Path],
) -> None:
    package, _ = shop
    models = package.models
    seen: list[httpx.Request] = []
    client = package.Client(transport=replying(seen, 200, []))
    client.list_pets(
        status=models.PetStatus.PENDING,
        statuses=[models.PetStatus.SOLD, "available", models.PetStatus("added later")],
        same=models.PetStatus.AVAILABLE,
        other="x",
        level=models.Level.INTEGER_2,
    )
    (request,) = seen
    assert request.url.params.multi_items() == [
        ("status", "pending"),
        ("statuses", "sold"),
        ("statuses", "available"),
        ("statuses", "added later"),
        ("same", "available"),
        ("other", "x"),
    ]
    assert request.headers["level"] == "2"


def test_lists_and_maps_of_root_models_come_back_as_plain_values(shop: tuple[Any, Path]) -> None:
    package, _ = shop
    models = package.models
    seen: list[httpx.Request] = []

    def call(method: str, body: Any) -> Any:
        return getattr(package.Client(transport=replying(seen, 200, body)), method)()

    pets = package.Client(
        transport=replying(seen, 200, [{"meow": "m", "status": "sold"}, {"bark": "b"}])
    ).list_pets()
    assert [type(pet) for pet in pets] == [models.Cat, models.Dog]
    assert pets[0].status is models.PetStatus.SOLD
    assert call("list_tags", ["a", "b"]) == ["a", "b"]
    assert call("tags_by_pet", {"rex": ["good", "dog"]}) == {"rex": ["good", "dog"]}
    assert call("maybe_tags", ["a", None]) == ["a", None]
    assert package.Client(transport=replying(seen, 204, None)).health() is None


def test_a_recursive_root_model_is_unwrapped_once() -> None:
    # `Tree = RootModel[list[Tree]]`: unwrapping every level would never end.
    roots = {"Tree": "list[models.Tree]", "Forest": "list[models.Tree]"}
    assert returned("Tree", roots) == Returned(
        "list[models.Tree]", "_parse(models.Tree, response).root"
    )
    assert returned("Forest", roots).annotation == "list[list[models.Tree]]"


def test_an_operation_with_error_models_raises_its_own_typed_error(shop: tuple[Any, Path]) -> None:
    package, _ = shop
    seen: list[httpx.Request] = []
    client = package.Client(transport=replying(seen, 404, {"title": "no pets"}))
    with pytest.raises(package.errors.ListPetsError) as caught:
        client.list_pets()
    assert isinstance(caught.value, package.ApiError), "catching ApiError still catches it"
    assert caught.value.parsed == package.models.Problem(title="no pets")
    outage = package.Client(transport=replying(seen, 503, {"retryAfter": 30}))
    with pytest.raises(package.errors.ListPetsError) as down:
        outage.list_pets()
    assert down.value.parsed == package.models.Outage(retry_after=30)
    # No error model declared: a plain ApiError, its `parsed` always None.
    with pytest.raises(package.ApiError) as plain:
        package.Client(transport=replying(seen, 500, {})).list_tags()
    assert type(plain.value) is package.ApiError and plain.value.parsed is None


def test_caller_code_typechecks_without_casts_and_mistakes_are_caught(
    shop: tuple[Any, Path],
) -> None:
    _, folder = shop
    write(folder, "typed_caller.py", TYPED_CALLER)
    write(folder, "wrong_caller.py", WRONG_CALLER)
    result = subprocess.run(
        [*MYPY, "--cache-dir", str(folder / ".mypy"), "typed_caller.py", "wrong_caller.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert not [line for line in errors if line.startswith("typed_caller.py")], result.stdout
    wrong_lines = sorted({int(line.split(":")[1]) for line in errors})
    # The status that is no value of the enum, the field no error model has, `.root` on a str.
    assert wrong_lines == [7, 10, 11], result.stdout


def test_a_spec_without_security_generates_no_credential_or_redaction_code() -> None:
    for name in SPEC_NAMES:
        spec = yaml.safe_load((ROOT / "specs" / f"{name}.yaml").read_text(encoding="utf-8"))
        client = (ROOT / "generated" / name / "client.py").read_text(encoding="utf-8")
        schemes = spec.get("components", {}).get("securitySchemes", {}).values()
        has_schemes = bool(schemes)
        sends_query_key = any(s.get("in") == "query" for s in schemes)
        assert ("class _Credentials" in client) is has_schemes, name
        assert ("_secrets" in client) is has_schemes, name
        assert ("_SECRET_QUERY_PARAMETERS" in client) is sends_query_key, name
        assert ("def _redact" in client) is sends_query_key, name
        assert ("import logging" in client) is sends_query_key, name
        if not has_schemes:
            assert "base64" not in client and "Credentials are sent" not in client, name
    assert "def _redact" in (ROOT / "generated" / "sitehost" / "client.py").read_text(), (
        "sitehost sends its key in the query string: the check above is not vacuous"
    )


@pytest.mark.parametrize(
    ("title", "named"),
    [
        ("Anon API (jobs)", "Anon API (jobs)"),
        ("Payments APIs", "Payments APIs"),
        ("the api", "the api"),
        ("Jobs", "Jobs API"),
        ("OpenAPI Petstore", "OpenAPI Petstore API"),
        ("Rapid", "Rapid API"),
    ],
)
def test_titles_that_say_api_are_not_followed_by_another(title: str, named: str) -> None:
    assert api_name(title) == named


def test_generated_docstrings_never_double_the_word_api() -> None:
    for name in SPEC_NAMES:
        for module in ("client.py", "errors.py", "models.py", "__init__.py"):
            text = (ROOT / "generated" / name / module).read_text(encoding="utf-8")
            assert ") API" not in text and "API API" not in text, (name, module)


def _imported_roots(package: Path) -> set[str]:
    """The top-level modules a package's files import (relative imports left out)."""
    found: set[str] = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def _requirement_name(specifier: str) -> str:
    return specifier.split(";")[0].split("[")[0].split("<")[0].split(">")[0].split("=")[0].strip()


def test_every_import_of_a_generated_package_is_stdlib_or_declared(tmp_path: Path) -> None:
    hostile = generate_and_import(tmp_path, ROOT / HOSTILE_SPEC, "hostile_out")
    packages = [ROOT / "generated" / name for name in SPEC_NAMES]
    packages.append(Path(str(getattr(hostile, "__file__", ""))).parent)
    own = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for package in packages:
        requirements, doc = _declared(package)
        declared = {_requirement_name(r) for r in requirements}
        undeclared = _imported_roots(package) - set(sys.stdlib_module_names) - declared
        assert not undeclared, (package.name, undeclared)
        # The bounds are specgen's own: what it is tested with.
        assert set(requirements) <= set(own["project"]["dependencies"]), package.name
        for requirement in requirements:
            assert requirement in doc, "the docstring names it too"
    assert "regex" in _imported_roots(packages[-1]), "the hostile spec's look-around pattern"


def _declared(package: Path) -> tuple[tuple[str, ...], str]:
    """A package's ``REQUIREMENTS`` and docstring, read without importing it."""
    tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
    (requirements,) = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and [ast.unparse(target) for target in node.targets] == ["REQUIREMENTS"]
    ]
    return requirements, ast.get_docstring(tree) or ""


#: Run in the fresh environment: the package imports, a call goes out and its answer parses.
FRESH_CALL = """\
import httpx
from hostile_out import hostile

seen = []


def reply(request):
    seen.append(request)
    return httpx.Response(200, json={"state": "new", "look": "abc"})


client = hostile.Client(api_key="k", transport=httpx.MockTransport(reply))
thing = client.import_("x", class_="a")
assert thing.state is hostile.models.State.NEW and thing.look == "abc", thing
assert seen[0].headers["X-Key"] == "k"
"""


@pytest.mark.slow
def test_a_generated_package_runs_in_a_venv_holding_only_its_requirements(tmp_path: Path) -> None:
    hostile = generate_and_import(tmp_path, ROOT / HOSTILE_SPEC, "hostile_out")
    requirements, _ = _declared(Path(str(getattr(hostile, "__file__", ""))).parent)
    venv.create(tmp_path / "venv", with_pip=True)  # no system site-packages, no specgen
    python = str(tmp_path / "venv" / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", *requirements],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr
    run = subprocess.run(
        [python, "-I", "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n" + FRESH_CALL],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr

"""The same spec gives the same bytes in every process, whatever Python's hash seed.

Sets and frozensets iterate in an order that changes with ``PYTHONHASHSEED``; a generator that
emits anything in such an order writes a different module on every run, and `generate --check`
then calls a fresh output stale. One in-process run cannot see that: this runs the CLI under
several seeds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.paths import ROOT
from tests.specs import write

BRANCHES = ["Cat", "Dog", "Bird", "Fish", "Horse", "Lizard", "Snake", "Mouse"]


def pets_spec() -> str:
    schemas = {
        name: {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string"}, name.lower(): {"type": "string"}},
        }
        for name in BRANCHES
    }
    schemas["Pet"] = {
        "oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in BRANCHES],
        # Some branches by mapping, the others by their names.
        "discriminator": {
            "propertyName": "kind",
            "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
        },
    }
    return yaml.safe_dump(
        {
            "openapi": "3.0.3",
            "info": {"title": "Pets", "version": "1"},
            "paths": {
                "/pets": {
                    "get": {
                        "operationId": "listPets",
                        "parameters": [
                            {
                                "name": "kinds",
                                "in": "query",
                                "schema": {"type": "array", "items": {"type": "string"}},
                            }
                        ],
                        "responses": {
                            "200": {
                                "description": "Pets.",
                                "content": {
                                    "application/json": {
                                        "schema": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/Pet"},
                                        }
                                    }
                                },
                            }
                        },
                    }
                }
            },
            "components": {"schemas": schemas},
        },
        sort_keys=False,
    )


def generate_with_seed(spec: Path, out: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(spec), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def test_generated_bytes_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    spec = write(tmp_path, "pets.yaml", pets_spec())
    first = generate_with_seed(spec, tmp_path / "seed0", "0")
    for seed in ("1", "2", "3"):
        again = generate_with_seed(spec, tmp_path / f"seed{seed}", seed)
        changed = sorted(name for name in first if again.get(name) != first[name])
        assert not changed, f"PYTHONHASHSEED={seed} changed {changed}"

"""Identifiers for generated code: valid, readable, and the same on every run."""

from __future__ import annotations

import keyword

import pytest

from generator.generate.naming import Scope, class_name, constant, identifier, snake_case


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("getJobById", "get_job_by_id"),
        ("jobID", "job_id"),
        ("include-messages", "include_messages"),
        ("HTTPServerURL", "http_server_url"),
        ("class", "class_"),
        ("self", "self_"),
        ("match", "match_"),
        ("1st", "n_1st"),
        ("Ünïcödé name", "unicode_name"),
        ("$ref", "ref"),
    ],
)
def test_identifier(name: str, expected: str) -> None:
    assert identifier(name) == expected
    assert expected.isidentifier() and not keyword.iskeyword(expected)


def test_names_without_any_ascii_get_a_stable_digest() -> None:
    name = identifier("名前")
    assert name.isidentifier() and name.startswith("n")
    assert identifier("名前") == name != identifier("氏名")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("job-status", "JobStatus"),
        ("getJob", "GetJob"),
        ("404_error", "N404Error"),
        ("None", "NoneModel"),
        ("io.k8s.api.core.v1.Pod", "IoK8sApiCoreV1Pod"),
        ("名前", "N7ec26292"),
    ],
)
def test_class_name(name: str, expected: str) -> None:
    assert class_name(name) == expected


def test_constant_and_snake_case() -> None:
    assert constant("apiKey") == "API_KEY"
    assert snake_case("workflowExecutionOrder") == "workflow_execution_order"


def test_scope_resolves_collisions_in_claim_order() -> None:
    scope = Scope({"self"})
    claimed = [scope.claim(identifier(n)) for n in ("jobId", "job_id", "job-id", "self")]
    assert claimed == ["job_id", "job_id_2", "job_id_3", "self_"]

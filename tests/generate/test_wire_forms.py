"""What a generated method puts on the wire for each form of body and parameter a spec can declare,
and what it returns for each form of response: one small spec (``wire.yaml``) with an operation
per form, called through httpx.MockTransport."""

from __future__ import annotations

import asyncio
import datetime
import inspect
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from tests.generate.packages import generate_and_import, mypy_strict

WIRE_SPEC = Path(__file__).with_name("wire.yaml")
Answer = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return generate_and_import(tmp_path_factory.mktemp("wire"), WIRE_SPEC, "wire_out")


class Recorder:
    """A client of the ``wire`` package whose requests are kept, each answered by ``answer``."""

    def __init__(self, package: Any, answer: Answer | None = None, aio: bool = False) -> None:
        self.requests: list[httpx.Request] = []
        reply = answer or (lambda request: httpx.Response(204))

        def handle(request: httpx.Request) -> httpx.Response:
            request.read()
            self.requests.append(request)
            return reply(request)

        client = package.AsyncClient if aio else package.Client
        self.client = client(transport=httpx.MockTransport(handle))

    @property
    def request(self) -> httpx.Request:
        (request,) = self.requests
        return request


def form_pairs(request: httpx.Request) -> list[tuple[str, str]]:
    return [
        (unquote(name.replace("+", " ")), unquote(value.replace("+", " ")))
        for name, _, value in (pair.partition("=") for pair in request.content.decode().split("&"))
    ]


# -- JSON bodies ------------------------------------------------------------------------------------


def test_a_union_body_is_sent_as_json_whichever_branch_is_given(wire: Any) -> None:
    done = {"status": "completed", "completedAt": "2024-05-01T10:00:00Z"}
    recorder = Recorder(wire, lambda request: httpx.Response(200, json=done))
    at = datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.UTC)

    check = recorder.client.update_check(
        7, wire.models.Completed(status="completed", completed_at=at)
    )
    recorder.client.update_check("c-7", wire.models.Queued(status="queued"))

    first, second = recorder.requests
    assert first.url.path == "/checks/7" and second.url.path == "/checks/c-7"
    assert json.loads(first.content) == {
        "status": "completed",
        "completedAt": "2024-05-01T10:00:00Z",
    }
    assert json.loads(second.content) == {"status": "queued"}
    assert first.headers["Content-Type"] == "application/json"
    assert check.completed_at == at


def test_a_plain_dict_body_is_sent_as_it_is(wire: Any) -> None:
    done = {"status": "completed", "completedAt": "2024-05-01T10:00:00Z"}
    recorder = Recorder(wire, lambda request: httpx.Response(200, json=done))

    recorder.client.update_check(7, {"status": "queued", "extra": [1, None]})

    assert json.loads(recorder.request.content) == {"status": "queued", "extra": [1, None]}


def test_a_list_body_of_models_or_dicts_is_sent_with_the_declared_json_media_type(
    wire: Any,
) -> None:
    recorder = Recorder(wire)
    at = datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)

    recorder.client.create_checks(
        [wire.models.Completed(status="completed", completed_at=at), {"status": "completed"}]
    )

    assert json.loads(recorder.request.content) == [
        {"status": "completed", "completedAt": "2024-05-01T00:00:00Z"},
        {"status": "completed"},
    ]
    assert recorder.request.headers["Content-Type"] == "application/merge-patch+json"


# -- forms, files, text, bytes ---------------------------------------------------------------------


def test_a_form_body_is_urlencoded_with_each_property_in_its_encoding_style(wire: Any) -> None:
    recorder = Recorder(wire, lambda request: httpx.Response(200, json={"id": "cus_1"}))
    body = wire.models.CreateCustomerRequest(
        name="Ada L",
        active=True,
        address={"city": "Paris", "line1": "1 rue & co"},
        expand=["sources", "tax"],
        tags=["a", "b"],
        codes=[1, 2],
    )

    customer = recorder.client.create_customer(body=body)

    request = recorder.request
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form_pairs(request) == [
        ("name", "Ada L"),
        ("active", "true"),
        ("address[city]", "Paris"),
        ("address[line1]", "1 rue & co"),
        ("expand[0]", "sources"),
        ("expand[1]", "tax"),
        ("tags", "a"),
        ("tags", "b"),
        ("codes", "1,2"),
    ]
    assert customer.model_extra == {"id": "cus_1"}


def test_a_form_body_may_be_a_dict_and_an_absent_one_sends_nothing(wire: Any) -> None:
    recorder = Recorder(wire, lambda request: httpx.Response(200, json={}))

    recorder.client.create_customer(body={"name": "Bo", "address": {"city": "Oslo"}})
    recorder.client.create_customer()

    with_body, without = recorder.requests
    assert form_pairs(with_body) == [("name", "Bo"), ("address[city]", "Oslo")]
    assert without.content == b"" and "Content-Type" not in without.headers


def test_a_multipart_body_sends_files_as_files_and_other_properties_as_fields(wire: Any) -> None:
    recorder = Recorder(wire, lambda request: httpx.Response(201))

    recorder.client.upload(
        wire.models.UploadRequest(file=b"%PDF-1.7", note="first", meta={"pages": 3})
    )
    recorder.client.upload({"file": ("report.pdf", b"%PDF-1.7", "application/pdf")})

    model_request, dict_request = recorder.requests
    assert model_request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    parts = model_request.content.split(b"\r\n")
    assert b'Content-Disposition: form-data; name="note"' in parts
    assert b'Content-Disposition: form-data; name="meta"' in parts
    assert b'{"pages":3}' in parts and b"first" in parts and b"%PDF-1.7" in parts
    assert b'Content-Disposition: form-data; name="file"; filename="report.pdf"' in (
        dict_request.content.split(b"\r\n")
    )
    assert b"Content-Type: application/pdf" in dict_request.content


def test_binary_and_text_bodies_go_as_they_are_and_come_back_as_bytes_and_str(wire: Any) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00"
    answers = {
        "GET": httpx.Response(200, content=png, headers={"Content-Type": "image/png"}),
        "PUT": httpx.Response(204),
        "POST": httpx.Response(
            200, text="day,total\nmon,3\n", headers={"Content-Type": "text/csv"}
        ),
    }
    recorder = Recorder(wire, lambda request: answers[request.method])

    assert recorder.client.put_blob("a b.png", png) is None
    assert recorder.client.get_blob("a b.png") == png
    assert recorder.client.post_note("héllo") == "day,total\nmon,3\n"

    put, get, post = recorder.requests
    assert put.url.raw_path == get.url.raw_path == b"/blobs/a%20b.png" and put.content == png
    assert put.headers["Content-Type"] == "application/octet-stream"
    assert post.content == "héllo".encode() and post.headers["Content-Type"] == "text/plain"


# -- responses --------------------------------------------------------------------------------------


def test_json_is_chosen_among_response_media_types_asked_for_and_documented(wire: Any) -> None:
    recorder = Recorder(wire, lambda request: httpx.Response(200, json={"rows": 4}))

    report = recorder.client.get_report()

    assert report.rows == 4
    assert recorder.request.headers["Accept"] == "application/vnd.report+json"
    documented = " ".join(str(inspect.getdoc(wire.Client.get_report)).split())
    assert (
        "Read as `application/vnd.report+json`; the spec also lists `application/xml`" in documented
    )


def test_a_json_response_without_a_schema_returns_the_json_value(wire: Any) -> None:
    bodies = iter([httpx.Response(200, json={"any": [1, 2]}), httpx.Response(200, text="nope")])
    recorder = Recorder(wire, lambda request: next(bodies))

    assert recorder.client.get_items([1], {"x": 1, "y": 2}, ["a"]) == {"any": [1, 2]}
    with pytest.raises(wire.ResponseValidationError):
        recorder.client.get_items([1], {"x": 1, "y": 2}, ["a"])


# -- parameters -------------------------------------------------------------------------------------


def test_query_header_and_cookie_parameters_are_written_in_their_styles(wire: Any) -> None:
    recorder = Recorder(wire, lambda request: httpx.Response(200, json={}))

    recorder.client.get_report(
        filter={"state": "open", "page": 2},
        ids=[3, 4],
        words=["big", "red"],
        fields=["id", "name"],
        where={"owner": "me"},
        x_trace=["a", "b"],
        session="s1",
    )

    request = recorder.request
    assert request.url.params.multi_items() == [
        ("filter[state]", "open"),
        ("filter[page]", "2"),
        ("ids", "3|4"),
        ("words", "big red"),
        ("fields", "id,name"),
        ("where", '{"owner":"me"}'),
    ]
    assert request.headers.get_list("X-Trace") == ["a,b"]
    assert request.headers["Cookie"] == "session=s1"


def test_path_parameters_are_written_in_their_styles_and_stay_in_their_segment(wire: Any) -> None:
    recorder = Recorder(wire, lambda request: httpx.Response(200, json=None))

    recorder.client.get_items([1, 2], {"x": 3, "y": "a/b"}, ["p q", "r"])

    assert recorder.request.url.raw_path == b"/items/;ids=1;ids=2/x,3,y,a%2Fb/.p%20q,r"


def test_the_async_client_sends_the_same_bytes(wire: Any) -> None:
    recorder = Recorder(wire, lambda request: httpx.Response(200, json={}), aio=True)
    asyncio.run(recorder.client.create_customer(body={"address": {"city": "Oslo"}}))
    assert form_pairs(recorder.request) == [("address[city]", "Oslo")]


# -- types ------------------------------------------------------------------------------------------

CALLER = """\
import datetime

from wire_out import wire


def use(client: wire.Client, blob: bytes) -> None:
    at = datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)
    done: wire.models.Completed = client.update_check(1, wire.models.Queued(status="queued"))
    client.update_check("x", {"status": "queued"})
    client.create_checks([wire.models.Completed(status="completed", completed_at=at)])
    client.create_checks([{"status": "completed"}])
    client.create_customer(body={"name": "Bo"})
    client.upload({"file": ("a.txt", blob, "text/plain")})
    data: bytes = client.get_blob("x")
    text: str = client.post_note("hello")
    client.get_report(filter={"state": "open"}, ids=[1], where={"owner": "me"})
    print(done, data, text)
"""


def test_the_generated_package_and_code_calling_it_pass_mypy_strict(
    wire: Any, tmp_path: Path
) -> None:
    package = Path(wire.__file__).parent
    caller = package.parent.parent / "caller.py"
    caller.write_text(CALLER, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(caller)],
        cwd=package.parent.parent,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert mypy_strict(package).returncode == 0


# -- untyped enums -------------------------------------------------------------------------------------


def test_an_enum_without_a_type_takes_its_values_whatever_their_types(wire: Any) -> None:
    recorder = Recorder(wire)
    annotations = inspect.signature(wire.Client.send_transfer).parameters

    recorder.client.send_transfer("p", delivered=True, ratio=1.5)

    assert "Literal[True, False, 0, 1]" in str(annotations["delivered"].annotation)
    assert "float" in str(annotations["ratio"].annotation)
    assert recorder.request.url.params["delivered"] == "true"
    assert recorder.request.url.params["ratio"] == "1.5"

"""Which operation a recorded request lands on: :class:`generator.check.routing.Router` by example.

Small specs are written to ``tmp_path`` and loaded with :func:`generator.spec.reading.load_spec`, the way
``specgen check`` loads them; the last tests route real URLs of the five shipped specs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.check.routing import Route, Router
from generator.spec.reading import load_spec
from generator.spec.refs import LoadedSpec
from tests.paths import SPEC_NAMES, SPECS

JOBS = {
    "GET /jobs/{jobId}": "getJob",
    "GET /jobs/active": "listActiveJobs",
    "GET /jobs/{jobId}/logs": "getJobLogs",
    "GET /jobs/active/logs": "getActiveLogs",
    "POST /jobs": "createJob",
    "GET /folders/": "listFolders",
}


def write_spec(
    folder: Path,
    name: str,
    operations: dict[str, str],
    servers: list[dict[str, Any]] | None = None,
) -> LoadedSpec:
    """Write ``<name>.yaml`` with one operation per ``"METHOD /path": operationId`` and load it."""
    paths: dict[str, dict[str, Any]] = {}
    for key, operation_id in operations.items():
        method, path = key.split(" ", 1)
        parameters = [
            {"name": part[1:-1], "in": "path", "required": True, "schema": {"type": "string"}}
            for part in path.split("/")
            if part.startswith("{")
        ]
        paths.setdefault(path, {})[method.lower()] = {
            "operationId": operation_id,
            "parameters": parameters,
            "responses": {"200": {"description": "ok"}},
        }
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": name, "version": "1"},
        "paths": paths,
    }
    if servers is not None:
        document["servers"] = servers
    file = folder / f"{name}.yaml"
    file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return load_spec(file)


def landed(router: Router, method: str, url: str) -> tuple[str, str, dict[str, str]] | None:
    """(spec name, operationId, decoded path values) of the route, or None when unmatched."""
    route: Route | None = router.match(method, url)
    if route is None:
        return None
    return router.specs[route.spec].name, route.operation.operation_id, route.path_params


@pytest.fixture
def jobs(tmp_path: Path) -> Router:
    """A router over one spec of jobs, served at https://api.example.test/v1."""
    return Router([write_spec(tmp_path, "jobs", JOBS, [{"url": "https://api.example.test/v1"}])])


BASE = "https://api.example.test/v1"


@pytest.mark.parametrize(
    ("path", "operation", "params"),
    [
        ("/jobs/active", "listActiveJobs", {}),
        ("/jobs/42", "getJob", {"jobId": "42"}),
        ("/jobs/active/logs", "getActiveLogs", {}),
        ("/jobs/42/logs", "getJobLogs", {"jobId": "42"}),
        ("/jobs/actives", "getJob", {"jobId": "actives"}),
    ],
)
def test_literal_segments_beat_templated_ones(
    jobs: Router, path: str, operation: str, params: dict[str, str]
) -> None:
    # The spec lists /jobs/{jobId} before /jobs/active: the order in the file does not matter.
    assert landed(jobs, "GET", BASE + path) == ("jobs", operation, params)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("/jobs/a%2Fb", "a/b"),
        ("/jobs/caf%C3%A9%20au%20lait", "café au lait"),
        ("/jobs/a+b", "a+b"),
        ("/jobs/100%25", "100%"),
    ],
)
def test_path_values_are_percent_decoded(jobs: Router, path: str, value: str) -> None:
    assert landed(jobs, "GET", BASE + path) == ("jobs", "getJob", {"jobId": value})


def test_an_encoded_slash_stays_inside_one_segment(jobs: Router) -> None:
    assert landed(jobs, "GET", BASE + "/jobs/a%2Fb/logs") == (
        "jobs",
        "getJobLogs",
        {"jobId": "a/b"},
    )
    # The same value written with a bare slash is two segments, which no path has.
    assert landed(jobs, "GET", BASE + "/jobs/a/b") is None


def test_a_spec_path_without_trailing_slash_accepts_one(jobs: Router) -> None:
    assert landed(jobs, "GET", BASE + "/jobs/42/") == ("jobs", "getJob", {"jobId": "42"})
    assert landed(jobs, "GET", BASE + "/jobs/active/") == ("jobs", "listActiveJobs", {})
    assert landed(jobs, "GET", BASE + "/jobs/42//") is None


def test_a_spec_path_with_trailing_slash_requires_it(jobs: Router) -> None:
    assert landed(jobs, "GET", BASE + "/folders/") == ("jobs", "listFolders", {})
    assert landed(jobs, "GET", BASE + "/folders") is None


def test_a_method_the_path_does_not_have_is_unmatched(jobs: Router) -> None:
    assert landed(jobs, "POST", BASE + "/jobs") == ("jobs", "createJob", {})
    assert landed(jobs, "GET", BASE + "/jobs") is None
    assert landed(jobs, "DELETE", BASE + "/jobs/42") is None
    assert landed(jobs, "POST", BASE + "/jobs/42") is None


def test_the_query_is_handed_on_and_takes_no_part_in_matching(jobs: Router) -> None:
    route = jobs.match("GET", BASE + "/jobs/42?expand=logs&limit=10")
    assert route is not None
    assert route.operation.operation_id == "getJob"
    assert route.path_params == {"jobId": "42"}
    assert route.query == "expand=logs&limit=10"
    assert landed(jobs, "GET", BASE + "/jobs/active?x=/jobs/42") == ("jobs", "listActiveJobs", {})


def test_scheme_and_host_compare_case_insensitively_the_path_does_not(jobs: Router) -> None:
    assert landed(jobs, "GET", "HTTPS://API.Example.TEST/v1/jobs/42") == (
        "jobs",
        "getJob",
        {"jobId": "42"},
    )
    assert landed(jobs, "GET", "https://api.example.test/V1/jobs/42") is None
    assert landed(jobs, "GET", "https://api.example.test/v1/JOBS/42") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.test/jobs/42",  # no /v1
        "https://api.example.test/v10/jobs/42",  # /v1 must end at a slash
        "http://api.example.test/v1/jobs/42",  # another scheme
        "https://api.example.test.evil/v1/jobs/42",  # another host
        "https://other.test/v1/jobs/42",
        "/v1/jobs/42",  # no origin: an absolute server needs one
    ],
)
def test_urls_off_the_server_are_unmatched(jobs: Router, url: str) -> None:
    assert landed(jobs, "GET", url) is None


ALTERYX_LIKE = [
    {
        "url": "{scheme}://{host}/webapi",
        "variables": {
            "scheme": {"default": "http", "enum": ["http", "https"]},
            "host": {"default": "localhost"},
        },
    }
]


@pytest.mark.parametrize(
    ("url", "matches"),
    [
        ("http://localhost/webapi/jobs/1", True),
        ("https://localhost/webapi/jobs/1", True),
        ("https://alteryx.example.test:8443/webapi/jobs/1", True),
        ("ftp://localhost/webapi/jobs/1", False),  # not in the scheme's enum
        ("httpss://localhost/webapi/jobs/1", False),
        ("http://localhost/api/jobs/1", False),  # the literal /webapi is missing
    ],
)
def test_server_variables_match_their_enum_or_any_text(
    tmp_path: Path, url: str, matches: bool
) -> None:
    router = Router([write_spec(tmp_path, "alteryx_like", JOBS, ALTERYX_LIKE)])
    expected = ("alteryx_like", "getJob", {"jobId": "1"}) if matches else None
    assert landed(router, "GET", url) == expected


def test_a_free_variable_inside_the_host(tmp_path: Path) -> None:
    servers = [{"url": "https://{region}.api.example.test/v1", "variables": {"region": {}}}]
    router = Router([write_spec(tmp_path, "regional", JOBS, servers)])
    assert landed(router, "GET", "https://eu-west.api.example.test/v1/jobs/7") == (
        "regional",
        "getJob",
        {"jobId": "7"},
    )
    assert landed(router, "GET", "https://api.example.test/v1/jobs/7") is None


@pytest.mark.parametrize(
    ("servers", "url", "matches"),
    [
        ([{"url": "/api/v1"}], "https://any.example.test/api/v1/jobs/3", True),
        ([{"url": "/api/v1"}], "http://localhost:8080/api/v1/jobs/3", True),
        ([{"url": "/api/v1"}], "/api/v1/jobs/3", True),
        ([{"url": "/api/v1/"}], "/api/v1/jobs/3", True),
        ([{"url": "/api/v1"}], "https://any.example.test/jobs/3", False),
        ([{"url": "/api/v1"}], "https://any.example.test/api/v10/jobs/3", False),
        (None, "https://any.example.test/jobs/3", True),  # no servers: "/"
        (None, "/jobs/3", True),
        ([{"url": "/"}], "https://any.example.test/jobs/3", True),
    ],
)
def test_relative_server_urls_accept_any_origin(
    tmp_path: Path, servers: list[dict[str, Any]] | None, url: str, matches: bool
) -> None:
    router = Router([write_spec(tmp_path, "relative", JOBS, servers)])
    expected = ("relative", "getJob", {"jobId": "3"}) if matches else None
    assert landed(router, "GET", url) == expected


def test_the_most_literal_server_wins_among_specs(tmp_path: Path) -> None:
    generic = write_spec(
        tmp_path,
        "generic",
        {"GET /jobs/{jobId}": "getAnyJob"},
        [{"url": "https://{host}/v2", "variables": {"host": {"default": "localhost"}}}],
    )
    vendor = write_spec(
        tmp_path,
        "vendor",
        {"GET /jobs/{jobId}": "getVendorJob"},
        [{"url": "https://api.vendor.test/v2"}],
    )
    for specs in ([generic, vendor], [vendor, generic]):
        router = Router(specs)
        assert landed(router, "GET", "https://api.vendor.test/v2/jobs/9") == (
            "vendor",
            "getVendorJob",
            {"jobId": "9"},
        ), [s.name for s in specs]
        assert landed(router, "GET", "https://self-hosted.test/v2/jobs/9") == (
            "generic",
            "getAnyJob",
            {"jobId": "9"},
        ), [s.name for s in specs]


def test_a_literal_server_without_the_path_falls_back_to_a_looser_one(tmp_path: Path) -> None:
    # The vendor spec's server is more literal, but it has no /jobs/{id}/logs: the request goes on
    # to the next server that has it, rather than being unmatched.
    generic = write_spec(
        tmp_path,
        "generic",
        {"GET /jobs/{jobId}/logs": "getLogs"},
        [{"url": "https://{host}/v2", "variables": {"host": {"default": "localhost"}}}],
    )
    vendor = write_spec(
        tmp_path, "vendor", {"GET /jobs/{jobId}": "getJob"}, [{"url": "https://api.vendor.test/v2"}]
    )
    router = Router([vendor, generic])
    assert landed(router, "GET", "https://api.vendor.test/v2/jobs/9/logs") == (
        "generic",
        "getLogs",
        {"jobId": "9"},
    )


@pytest.mark.parametrize(
    ("url", "value"),
    [
        ("https://user:SUPERSECRET@api.example.test/v1/jobs/42", "42"),
        ("https://token@api.example.test/v1/jobs/42", "42"),
        # An @ in the path is not user info.
        ("https://api.example.test/v1/jobs/me@example.test", "me@example.test"),
    ],
)
def test_user_info_takes_no_part_in_matching(jobs: Router, url: str, value: str) -> None:
    assert landed(jobs, "GET", url) == ("jobs", "getJob", {"jobId": value})


@pytest.mark.parametrize(
    ("suffix", "query"),
    [("#section?tab=logs", ""), ("?limit=5#section?tab=logs", "limit=5"), ("?#x", "")],
)
def test_the_fragment_is_neither_path_nor_query(jobs: Router, suffix: str, query: str) -> None:
    route = jobs.match("GET", BASE + "/jobs/42" + suffix)
    assert route is not None
    assert route.path_params == {"jobId": "42"}
    assert route.query == query


# -- the shipped specs --------------------------------------------------------------------------------

UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
SHIPPED = [
    # (url, spec, operationId, path values); spec None: unmatched
    (f"https://worker.anon.com/api/v2/jobs/{UUID}", "anon", "getJobById", {"jobId": UUID}),
    (f"https://worker.anon.com/api/v2/jobs/{UUID}/", "anon", "getJobById", {"jobId": UUID}),
    ("https://api.sitehost.nz/1.5/job/get.json?type=daemon&id=1", "sitehost", "getJob", {}),
    ("http://localhost/webapi/v3/jobs/66ebd18d", "alteryx", "getJob", {"jobId": "66ebd18d"}),
    (
        "https://alteryx.example.test:8443/webapi/v3/jobs/66ebd18d/messages",
        "alteryx",
        "getJobMessages",
        {"jobId": "66ebd18d"},
    ),
    (
        f"https://api.altostrat.io/site/{UUID}/job/1",
        "altostrat",
        "getJobDetails",
        {"site": UUID, "job": "1"},
    ),
    # Altostrat's server is https://{appDomain}: any https host.
    (
        "https://sdx.example.test/site/s/job/j",
        "altostrat",
        "getJobDetails",
        {"site": "s", "job": "j"},
    ),
    ("https://api.moltin.com/v2/jobs/1", "elasticpath", "getJob", {"jobID": "1"}),
    ("https://useast.api.elasticpath.com/v2/jobs/1", "elasticpath", "getJob", {"jobID": "1"}),
    ("https://worker.anon.com/api/v2/jobs", None, None, None),
    ("https://api.sitehost.nz/1.5/job/list.json", None, None, None),
    ("ftp://localhost/webapi/v3/jobs/1", None, None, None),
    ("http://api.altostrat.io/site/s/job/j", None, None, None),
    ("https://api.moltin.com/v1/jobs/1", None, None, None),
]


@pytest.fixture(scope="module")
def shipped() -> Router:
    """A router over the five shipped specs, as `specgen check` builds it by default."""
    return Router([load_spec(SPECS / f"{name}.yaml") for name in sorted(SPEC_NAMES)])


@pytest.mark.parametrize(("url", "spec", "operation", "params"), SHIPPED)
def test_shipped_specs_route_their_urls(
    shipped: Router,
    url: str,
    spec: str | None,
    operation: str | None,
    params: dict[str, str] | None,
) -> None:
    expected = None if spec is None else (spec, operation, params)
    assert landed(shipped, "GET", url) == expected


def test_shipped_specs_leave_other_methods_unmatched(shipped: Router) -> None:
    for url, spec, _, _ in SHIPPED:
        if spec is not None:
            assert landed(shipped, "POST", url) is None, url


# -- segments holding several variables ------------------------------------------------------------------

MIXED = {
    "GET /files/{name}.{ext}": "getFile",
    "GET /v{major}.{minor}/status": "getStatus",
    "GET /pair/{left}{right}": "getPair",
    "GET /report-{year}-Q{quarter}.csv": "getReport",
}


@pytest.mark.parametrize(
    ("path", "operation", "params"),
    [
        # Earlier variables take the most, as a greedy pattern would.
        ("/files/a.tar.gz", "getFile", {"name": "a.tar", "ext": "gz"}),
        ("/files/readme.md", "getFile", {"name": "readme", "ext": "md"}),
        ("/v2.10/status", "getStatus", {"major": "2", "minor": "10"}),
        ("/pair/abc", "getPair", {"left": "ab", "right": "c"}),
        ("/report-2024-Q3.csv", "getReport", {"year": "2024", "quarter": "3"}),
        ("/report-2024-x-Q3.csv", "getReport", {"year": "2024-x", "quarter": "3"}),
        # Every variable needs at least one character.
        ("/files/.md", None, None),
        ("/files/readme.", None, None),
        ("/files/readme", None, None),
        ("/pair/a", None, None),
        ("/report--Q3.csv", None, None),
        ("/report-2024-Q.csv", None, None),
    ],
)
def test_a_segment_with_several_variables_is_split_at_its_literals(
    tmp_path: Path, path: str, operation: str | None, params: dict[str, str] | None
) -> None:
    router = Router([write_spec(tmp_path, "mixed", MIXED, [{"url": "https://m.test"}])])
    expected = None if operation is None else ("mixed", operation, params)
    assert landed(router, "GET", "https://m.test" + path) == expected


@pytest.mark.parametrize(
    ("url", "matches"),
    [
        ("https://abc.api.test/x/y/jobs/1", True),
        ("https://a.api.test/x/y/jobs/1", True),  # server variables may match empty text
        ("https://abc.api.tes/x/y/jobs/1", False),
        ("https://abc.api.test/jobs/1", False),  # the path variables {c}{d} are missing
        ("https://ABC.API.TEST/x/y/jobs/1", True),  # the host compares case-insensitively
    ],
)
def test_adjacent_server_variables(tmp_path: Path, url: str, matches: bool) -> None:
    servers = [{"url": "https://{a}{b}.api.test/{c}/{d}", "variables": {}}]
    router = Router([write_spec(tmp_path, "adjacent", JOBS, servers)])
    assert (landed(router, "GET", url) is not None) == matches

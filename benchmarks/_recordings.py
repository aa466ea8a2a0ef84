"""Synthetic recordings for ``bench_check.py``: job-sized exchanges for the five specs in specs/.

Every exchange is a GET of one job (or of a job's messages) from one of the five APIs, with a
response body shaped like the vendor's documented example (see ``tests/samples/*/*.yaml``), varied
by a seeded random generator: ids, names, timestamps, list lengths, optional and nullable members.
About 10% of them are made invalid, each in one way the spec forbids:

- ``wrong type``: a member of the wrong JSON type (a number for a string, a string for a boolean...);
- ``bad date-time``: a ``format: date-time`` member that is not an RFC 3339 date-time;
- ``missing required member``: a member the schema marks ``required`` left out;
- ``undeclared status``: a status code the operation does not declare (429, 502 or 503).

A spec takes only the kinds it can break (sitehost and elasticpath have no date-time format; only
anon and elasticpath's error responses have required members). Each exchange comes with a
:class:`Label` that says what it is, so checkers' verdicts can be compared with the truth.

This module imports nothing outside the standard library except orjson, so that it can be used by the
openapi-core worker, which may run in another environment.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

VALID = "valid"
WRONG_TYPE = "wrong type"
BAD_DATE_TIME = "bad date-time"
MISSING_REQUIRED = "missing required member"
UNDECLARED_STATUS = "undeclared status"
INVALID_KINDS = (WRONG_TYPE, BAD_DATE_TIME, MISSING_REQUIRED, UNDECLARED_STATUS)
#: Share of the exchanges made invalid.
INVALID_SHARE = 0.10

SPECS = ("alteryx", "altostrat", "anon", "elasticpath", "sitehost")
#: Origin of the URLs recorded for each spec (its server, with variables at their defaults).
ORIGINS = {
    "alteryx": "http://localhost",
    "altostrat": "https://api.altostrat.io",
    "anon": "https://worker.anon.com",
    "elasticpath": "https://api.moltin.com",
    "sitehost": "https://api.sitehost.nz",
}
SPEC_BY_HOST = {origin.split("://", 1)[1]: name for name, origin in ORIGINS.items()}
HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store"}
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
_BAD_DATE_TIMES = (
    "2023-02-29T10:02:54Z",  # 29 February of a common year
    "2023-11-07T05:31Z",  # no seconds
    "2023-11-07 05:31:56",  # a space, no offset
    "2023-11-07T24:00:00Z",  # hour 24
    "2023-11-07",  # a date alone
)


@dataclass(frozen=True, slots=True)
class Label:
    """What an exchange is: where it goes, and whether (and how) it breaks the spec."""

    spec: str
    operation: str
    status: int
    kind: str

    @property
    def valid(self) -> bool:
        return self.kind == VALID


@dataclass(frozen=True, slots=True)
class _Response:
    operation: str
    url: str
    status: int
    body: Any


class _Maker:
    """Random pieces of payloads, from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hex_id(self) -> str:
        return f"{self.rng.getrandbits(96):024x}"

    def time(self, fraction: bool = False) -> str:
        moment = _EPOCH + timedelta(seconds=self.rng.randrange(6 * 365 * 86400))
        if fraction:
            return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.rng.randrange(1000):03d}Z"
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def local_time(self) -> str:
        moment = _EPOCH + timedelta(seconds=self.rng.randrange(6 * 365 * 86400))
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(_WORDS, k=self.rng.randint(low, high)))

    def chance(self, share: float) -> bool:
        return self.rng.random() < share


_WORDS = (
    "nightly",
    "export",
    "orders",
    "customers",
    "inventory",
    "sync",
    "backup",
    "report",
    "provision",
    "workflow",
    "input",
    "output",
    "data",
    "records",
    "finished",
    "reading",
    "writing",
    "queued",
    "batch",
)


def _undeclared(make: _Maker, operation: str, url: str) -> _Response:
    status = make.rng.choice((429, 502, 503))
    return _Response(operation, url, status, {"error": "unavailable", "status": status})


# -- one maker per spec: (maker, kind) -> response ---------------------------------------------------


def _alteryx(make: _Maker, kind: str) -> _Response:
    job_id = make.hex_id()
    if kind != BAD_DATE_TIME and make.chance(0.2):  # messages have no date-time to break
        url = f"{ORIGINS['alteryx']}/webapi/v3/jobs/{job_id}/messages"
        if kind == UNDECLARED_STATUS:
            return _undeclared(make, "getJobMessages", url)
        messages = [_alteryx_message(make) for _ in range(make.rng.randint(1, 8))]
        if kind == WRONG_TYPE:
            messages[0]["toolId"] = str(messages[0]["toolId"])
        return _Response("getJobMessages", url, 200, messages)
    url = f"{ORIGINS['alteryx']}/webapi/v3/jobs/{job_id}"
    if kind == UNDECLARED_STATUS:
        return _undeclared(make, "getJob", url)
    job: dict[str, Any] = {
        "id": job_id,
        "appId": make.hex_id(),
        "createDateTime": make.time(fraction=True),
        "status": make.rng.choice(("Completed", "Running", "Queued")),
        "disposition": make.rng.choice(("Success", "Error", "Warning", "")),
        "outputs": [
            {
                "id": make.hex_id(),
                "availableFormats": make.rng.sample(["Raw", "CSV", "XLSX", "JSON"], k=2),
                "fileName": f"{make.words(1, 2).replace(' ', '_')}.csv",
            }
            for _ in range(make.rng.randint(1, 3))
        ],
        "priority": make.rng.choice(("Default", "Low", "High")),
        "workerTag": make.rng.choice(("", "gpu", "etl")),
        "runWithE2": make.chance(0.5),
    }
    if make.chance(0.8):  # includeMessages=false leaves them out
        job["messages"] = [_alteryx_message(make) for _ in range(make.rng.randint(2, 8))]
    if kind == WRONG_TYPE:
        key, value = make.rng.choice((("status", 0), ("runWithE2", "true"), ("outputs", None)))
        job[key] = value
    elif kind == BAD_DATE_TIME:
        job["createDateTime"] = make.rng.choice(_BAD_DATE_TIMES)
    return _Response("getJob", url, 200, job)


def _alteryx_message(make: _Maker) -> dict[str, Any]:
    return {
        "status": make.rng.randint(0, 3),
        "text": f"{make.words(2, 8).capitalize()}.",
        "toolId": make.rng.randint(-1, 40),
    }


def _altostrat(make: _Maker, kind: str) -> _Response:
    site, job_id = make.uuid(), make.uuid()
    url = f"{ORIGINS['altostrat']}/site/{site}/job/{job_id}"
    if kind == UNDECLARED_STATUS:
        return _undeclared(make, "getJobDetails", url)
    started = make.time()
    done = make.chance(0.7)
    job: dict[str, Any] = {
        "id": job_id,
        "token": f"{make.rng.getrandbits(64):016x}",
        "site_id": site,
        "idempotency_key": make.uuid(),
        "description": make.words(2, 6),
        "express_execute": make.chance(0.5),
        "needs_acknowledgement": make.chance(0.5),
        "should_backup": make.chance(0.5),
        "associated_backup": f"{site}/{make.rng.randrange(10**9, 2 * 10**9)}.rsc"
        if make.chance(0.5)
        else None,
        "started_at": started,
        "completed_at": make.time() if done else None,
        "failed_at": None if done else make.time(),
        "created_at": make.time(),
        "log_url": f"https://api.altostrat.io/logs?group=sites&streams={site}"
        f"&filter=%7B$.message=*{job_id[:8]}*%7D&limit=10",
        "script": "/system identity print\n/interface print",
    }
    if kind == WRONG_TYPE:
        key, value = make.rng.choice(
            (("express_execute", "true"), ("token", 12345), ("associated_backup", 1678886400))
        )
        job[key] = value
    elif kind == BAD_DATE_TIME:
        job[make.rng.choice(("started_at", "created_at"))] = make.rng.choice(_BAD_DATE_TIMES)
    return _Response("getJobDetails", url, 200, job)


def _anon(make: _Maker, kind: str) -> _Response:
    job_id = make.uuid()
    url = f"{ORIGINS['anon']}/api/v2/jobs/{job_id}"
    if kind == UNDECLARED_STATUS:
        return _undeclared(make, "getJobById", url)
    job: dict[str, Any] = {
        "id": job_id,
        "name": make.words(1, 4),
        "createdAt": make.time(),
        "updatedAt": make.time(fraction=True) if make.chance(0.8) else None,
        "organizationId": make.uuid(),
        "sourceProvider": make.rng.choice(("postgres", "snowflake", "s3", "bigquery")),
        "createdByUserId": make.uuid(),
        "updatedByUserId": make.uuid() if make.chance(0.7) else None,
        "jobConfigJson": {
            "workflowExecutionOrder": [make.uuid() for _ in range(make.rng.randint(0, 5))]
        },
    }
    if kind == WRONG_TYPE:
        key, value = make.rng.choice((("name", 42), ("jobConfigJson", "{}"), ("id", None)))
        job[key] = value
    elif kind == BAD_DATE_TIME:
        job["createdAt"] = make.rng.choice(_BAD_DATE_TIMES)
    elif kind == MISSING_REQUIRED:
        del job[make.rng.choice(("sourceProvider", "updatedAt", "organizationId"))]
    return _Response("getJobById", url, 200, job)


def _elasticpath(make: _Maker, kind: str) -> _Response:
    job_id = make.uuid()
    url = f"{ORIGINS['elasticpath']}/v2/jobs/{job_id}"
    if kind == UNDECLARED_STATUS:
        return _undeclared(make, "getJob", url)
    roll = make.rng.random()
    if kind == MISSING_REQUIRED or roll < 0.2:
        status = 404 if kind == MISSING_REQUIRED or roll < 0.1 else 500
        error: dict[str, Any] = {
            "status": status,
            "title": "Resource Not Found" if status == 404 else "Internal Server Error",
            "detail": make.words(4, 10),
            "request_id": make.uuid(),
        }
        if status == 500:
            error["meta"] = {"missing_ids": [make.uuid() for _ in range(make.rng.randint(0, 3))]}
        if kind == WRONG_TYPE:
            error["status"] = str(status)
        if kind == MISSING_REQUIRED:
            return _Response("getJob", url, status, error)  # the bare error, without `errors`
        return _Response("getJob", url, status, {"errors": [error]})
    created = make.time()
    job: dict[str, Any] = {
        "id": job_id,
        "type": "job",
        "job_type": make.rng.choice(("order_export", "product_import", "catalog_publish")),
        "status": make.rng.choice(("complete", "processing", "pending", "failed")),
        "timestamps": {"created_at": created, "updated_at": make.time()},
        "links": {"self": f"https://useast.api.elasticpath.com/v2/jobs/{job_id}"},
        "link": {"href": f"https://files.example/{job_id}.csv" if make.chance(0.6) else ""},
    }
    if job["status"] == "failed":
        job["error"] = "No results matched the supplied filter"
    if kind == WRONG_TYPE:
        key = make.rng.choice(("timestamps", "links", "type"))
        job[key] = 1538651329 if key != "type" else None
    return _Response("getJob", url, 200, {"data": job})


def _sitehost(make: _Maker, kind: str) -> _Response:
    job_type = make.rng.choice(("scheduler", "daemon"))
    url = (
        f"{ORIGINS['sitehost']}/1.5/job/get.json?apikey={make.rng.getrandbits(64):016x}"
        f"&type={job_type}&id={make.rng.randrange(10**4, 10**6)}"
    )
    if kind == UNDECLARED_STATUS:
        return _undeclared(make, "getJob", url)
    created = make.local_time()
    job: dict[str, Any] = {
        "state": make.rng.choice(("Completed", "Running", "Pending")),
        "created": created,
        "started": created,
        "completed": make.local_time(),
        "logs": [
            {
                "date": created,
                "level": str(make.rng.randint(1, 4)),
                "message": f"[kvm-http] {make.words(2, 5).capitalize()}",
            }
            for _ in range(make.rng.randint(1, 8))
        ],
    }
    envelope: dict[str, Any] = {"return": job, "msg": "Successful", "status": True}
    if kind == WRONG_TYPE:
        choice = make.rng.randrange(3)
        if choice == 0:
            envelope["status"] = "true"
        elif choice == 1:
            job["logs"][0]["level"] = 3
        else:
            job["created"] = 1739745778
    return _Response("getJob", url, 200, envelope)


_MAKERS: dict[str, tuple[Callable[[_Maker, str], _Response], tuple[str, ...]]] = {
    "alteryx": (_alteryx, (WRONG_TYPE, BAD_DATE_TIME, UNDECLARED_STATUS)),
    "altostrat": (_altostrat, (WRONG_TYPE, BAD_DATE_TIME, UNDECLARED_STATUS)),
    "anon": (_anon, (WRONG_TYPE, BAD_DATE_TIME, MISSING_REQUIRED, UNDECLARED_STATUS)),
    "elasticpath": (_elasticpath, (WRONG_TYPE, MISSING_REQUIRED, UNDECLARED_STATUS)),
    "sitehost": (_sitehost, (WRONG_TYPE, UNDECLARED_STATUS)),
}


def exchanges(
    count: int, seed: int, invalid_share: float = INVALID_SHARE
) -> Iterator[tuple[bytes, Label]]:
    """``count`` exchanges as JSON Lines (each line ends in a newline), with their labels; about
    ``invalid_share`` of them break their spec."""
    make = _Maker(random.Random(seed))
    rng = make.rng
    for _ in range(count):
        spec = rng.choice(SPECS)
        maker, kinds = _MAKERS[spec]
        kind = rng.choice(kinds) if rng.random() < invalid_share else VALID
        response = maker(make, kind)
        record = {
            "request": {"method": "GET", "url": response.url},
            "response": {"status": response.status, "headers": HEADERS, "body": response.body},
        }
        yield (
            orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE),
            Label(spec, response.operation, response.status, kind),
        )


def write_recording(
    path: Path, count: int, seed: int, invalid_share: float = INVALID_SHARE
) -> list[Label]:
    """Write ``count`` exchanges to ``path`` (JSON Lines); the labels, in line order."""
    labels: list[Label] = []
    with path.open("wb") as stream:
        for line, label in exchanges(count, seed, invalid_share):
            stream.write(line)
            labels.append(label)
    return labels

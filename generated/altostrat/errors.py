"""Errors raised by the Altostrat SDX API (jobs) client.

An operation that declares error models raises its own subclass of `ApiError`, named after
its method (`get_job` would raise `GetJobError`), whose `parsed` is typed with those models:
catch it to read the error body without a cast. Catching `ApiError` catches them all.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import httpx
import pydantic

_Parsed = TypeVar("_Parsed")


class ApiError(Exception, Generic[_Parsed]):
    """The API answered with a status the operation does not document as a success.

    ``parsed`` holds the body parsed into the error model the spec declares for that status, or
    None when it declares none or the body does not fit it; ``response`` is the raw response.
    """

    def __init__(
        self,
        response: httpx.Response,
        parsed: _Parsed | None,
        url: str,
    ) -> None:
        self.status_code = response.status_code
        self.response = response
        self.parsed: _Parsed | None = parsed
        self.content = response.content
        super().__init__(
            f"{response.request.method} {url} returned {response.status_code}"
            f" {response.reason_phrase}".rstrip()
        )


class ResponseValidationError(Exception):
    """A success response whose body does not fit the model the spec declares for it.

    The raw body stays available as ``content`` (bytes) and ``text``; ``errors`` lists what did
    not fit, as pydantic reports it.
    """

    def __init__(
        self, response: httpx.Response, model: str, error: pydantic.ValidationError, url: str
    ) -> None:
        self.status_code = response.status_code
        self.response = response
        self.content = response.content
        self.text = response.text
        self.errors = error.errors(include_url=False)
        first = self.errors[0] if self.errors else {"loc": (), "msg": "invalid"}
        where = "/".join(str(part) for part in first["loc"]) or "(body)"
        super().__init__(
            f"{response.request.method} {url} returned {response.status_code} with a body that"
            f" does not fit {model}: {len(self.errors)} problem(s), first at {where}:"
            f" {first['msg']}"
        )

"""A bound on request bodies, before anything parses them.

No command needs more than a few kilobytes; a 10 MB body (50 000 person-detail fields, say)
is refused with 413 before JSON decoding, so an oversized request costs neither memory nor a
validation pass over every item. Pure ASGI, so it also covers bodies sent without a
Content-Length (chunked).
"""

from __future__ import annotations

from typing import Any

from api.http.errors import Problem, problem_response

#: The largest request body accepted, in bytes.
MAX_BODY_BYTES = 1_048_576

Scope = dict[str, Any]


class BodyLimitMiddleware:
    """Answer 413 problem+json to a body over :data:`MAX_BODY_BYTES`; pass others on intact."""

    def __init__(self, app: Any, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return dict(await receive())

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Any, send: Any) -> None:
        too_large = Problem(
            413,
            "body-too-large",
            "Request body too large",
            f"the request body is larger than {self.limit} bytes",
        )
        response = problem_response(None, too_large, rule="body-size")
        await response(scope, receive, send)

"""``Server-Timing: app;dur=<ms>`` on every answer: the app's own time for the request.

Why: a phone's log, or a ballot, is slow either because the server works long on it or
because it waited its turn (the accept queue, a busy loop or threadpool). The header is the
time from the request entering the app to its answer starting, so a benchmark (and a
browser's developer tools) can tell the two apart. It names no internals.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ServerTiming"]


class ServerTiming:
    """ASGI middleware adding the app's time to each HTTP answer's headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = (time.perf_counter() - began) * 1000
                header = (b"server-timing", f"app;dur={took:.1f}".encode("ascii"))
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        await self.app(scope, receive, timed)

"""What a page handler is given: the application, the read models and the request's language.

The pages use the same application object, read store and queries as the HTTP API (their
JSON twins), through the same dependencies, so a page can never show what the API would not.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.http.deps import get_coprod, get_reads
from api.reads import ReadStore
from api.web.i18n import Language
from api.web.render import request_language
from coprod.application import Coprod

__all__ = ["App", "Lang", "ReadModels"]


async def _language(request: Request) -> Language:
    return request_language(request)


App = Annotated[Coprod, Depends(get_coprod)]
ReadModels = Annotated[ReadStore, Depends(get_reads)]
Lang = Annotated[Language, Depends(_language)]

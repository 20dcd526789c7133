"""Bulk CSV uploads over HTTP: milestones, spend and match funding of a process; census shares
and volunteer rates of a council. The same use cases as ``coprod import`` and the console.

The body is the CSV itself (``text/csv``), a multipart form with the file in ``file``, or
JSON ``{"csv": "..."}``.
``?dry_run=true`` previews. A file with bad lines answers 422 with every bad line's number,
column and reason, and nothing is written.
"""

from __future__ import annotations

import json
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.http.deps import OfficerCall
from api.http.errors import Problem, problem_response
from coprod.application.csv_table import CsvRefused
from coprod.application.imports import ImportResult

router = APIRouter(tags=["imports"])


class ImportedLine(BaseModel):
    """One good line: what it records (or would, in a dry run)."""

    line: int
    action: str
    summary: str


class ImportOutcome(BaseModel):
    """Every line's preview, and whether the lines were recorded (false for a dry run)."""

    recorded: bool
    lines: list[ImportedLine]


async def _csv(request: Request) -> bytes:
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        async with request.form() as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                return (upload or "").encode()
            return await upload.read()
    body = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            document = json.loads(body)
        except ValueError:
            return b""
        text = document.get("csv") if isinstance(document, dict) else None
        return text.encode() if isinstance(text, str) else b""
    return body


def _answer(result: ImportResult) -> ImportOutcome:
    lines = [ImportedLine(line=p.line, action=p.action, summary=p.summary) for p in result.lines]
    return ImportOutcome(recorded=result.recorded, lines=lines)


def _refused(request: Request, refused: CsvRefused) -> JSONResponse:
    """422 problem+json whose ``errors`` name every bad line: the column in ``field``, and
    ``problem`` starting "line N: " (the problem document's shape has no member for a line)."""
    errors = [
        {"field": e.field, "problem": f"line {e.line}: {e.message}", "rule": "csv-line"}
        for e in refused.errors
    ]
    detail = f"{len(errors)} bad line(s); nothing was imported"
    problem = Problem(422, "csv-refused", "The CSV file has bad lines", detail)
    return problem_response(request, problem, errors=errors)


@router.post("/processes/{process_id}/imports/{kind}", response_model=ImportOutcome)
async def import_csv(
    process_id: UUID,
    kind: Literal["milestones", "spend", "match-funding"],
    request: Request,
    call: OfficerCall,
    dry_run: bool = False,
) -> ImportOutcome | JSONResponse:
    """Import milestones, spend or match funding of a process from CSV: all lines or none."""
    data = await _csv(request)
    use_case = {
        "milestones": call.app.import_milestones,
        "spend": call.app.import_spend,
        "match-funding": call.app.import_match_funding,
    }[kind]
    try:
        result = await run_in_threadpool(use_case, process_id, data, call.actor, dry_run=dry_run)
    except CsvRefused as refused:
        return _refused(request, refused)
    return _answer(result)


@router.post("/organisations/{council_id}/parameters/{kind}", response_model=ImportOutcome)
async def load_parameters_csv(
    council_id: UUID,
    kind: Literal["census", "rates"],
    request: Request,
    call: OfficerCall,
    dry_run: bool = False,
) -> ImportOutcome | JSONResponse:
    """Load a council's census shares or volunteer rates from CSV: all lines or none."""
    data = await _csv(request)
    load = call.app.load_census_csv if kind == "census" else call.app.load_rates_csv
    try:
        result = await run_in_threadpool(load, council_id, data, call.actor, dry_run=dry_run)
    except CsvRefused as refused:
        return _refused(request, refused)
    return _answer(result)

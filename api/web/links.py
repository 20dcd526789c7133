"""Links the pages print: readable addresses where the store has them, ids where not.

``/p/demo-2026`` for a process and ``/p/demo-2026/projects/pocket-park-nordbyen`` for a
project read better, and last longer on paper, than ids; :mod:`api.http.addresses` resolves
them back. Why an object per page: the codes come from the addresses read model in one read
per page (every process's code) and one per process whose projects the page links, never a
read per link. A page rendered before the read model knows a process (or before it exists)
links by id.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

from coprod.domain.errors import NotFound
from projections.queries import process_addresses, project_codes

__all__ = ["Links"]


class Links:
    """A page's link maker (``link`` in every template); reads the codes on first use."""

    def __init__(self, reads: Any | None) -> None:
        self._reads = reads
        self._processes: dict[UUID, str] | None = None
        self._projects: dict[UUID, dict[UUID, str]] = {}

    def process(self, process_id: UUID | str, rest: str = "") -> str:
        """The process's page (or ``rest`` under it, e.g. ``/impact``)."""
        code = self._process_code(_uuid(process_id))
        if code is None:
            return f"/processes/{process_id}{rest}"
        return f"/p/{quote(code, safe='~')}{rest}"

    def project(self, project_id: UUID | str, process_id: UUID | str | None) -> str:
        """The project's page, under its process's code where both have one."""
        pid = _uuid(process_id) if process_id is not None else None
        code = None if pid is None else self._process_code(pid)
        slug = None if pid is None or code is None else self._project_slug(pid, _uuid(project_id))
        if code is None or slug is None:
            return f"/projects/{project_id}"
        return f"/p/{quote(code, safe='~')}/projects/{quote(slug)}"

    def _process_code(self, process_id: UUID | None) -> str | None:
        if process_id is None or self._reads is None:
            return None
        if self._processes is None:
            try:
                with self._reads.connection() as conn:
                    self._processes = process_addresses(conn)
            except NotFound:  # no addresses model yet (a store never projected): ids
                self._processes = {}
        return self._processes.get(process_id)

    def _project_slug(self, process_id: UUID, project_id: UUID | None) -> str | None:
        if project_id is None or self._reads is None:
            return None
        if process_id not in self._projects:
            try:
                with self._reads.connection() as conn:
                    codes = project_codes(conn, process_id)
            except NotFound:
                codes = {}
            self._projects[process_id] = {pid: code for code, pid in codes.items()}
        return self._projects[process_id].get(project_id)


def _uuid(value: UUID | str | None) -> UUID | None:
    if value is None or isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        return None

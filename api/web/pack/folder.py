"""Writing a whole report pack into a folder: all of it, or nothing.

Why a temporary folder: the pack is five kinds of file, and a council that finds half a pack
(a PDF that failed, an old workbook beside a new report) could publish figures of two
releases as one. So the pack is written into a new folder beside the target and renamed
into place only when every file is written. An existing non-empty folder is refused unless
the caller says to replace it; then the old folder is moved aside first and removed only
after the new one is in place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from api.web.i18n import language
from api.web.pack.content import Pack
from api.web.pack.csv import DIALECTS, csv_files
from api.web.pack.html import report_html
from api.web.pack.pdf import render_pdf
from api.web.pack.xlsx import report_xlsx
from coprod.domain.errors import InvalidInput

__all__ = ["Timings", "write_pack"]

Progress = Callable[[str], None]


@dataclass
class Timings:
    """Seconds each part of the pack took to build (the benchmark reports them)."""

    html: float = 0.0
    pdf: float = 0.0
    xlsx: float = 0.0
    csv: float = 0.0

    @property
    def total(self) -> float:
        return self.html + self.pdf + self.xlsx + self.csv


def write_pack(
    pack: Pack,
    out: Path,
    *,
    lang: str = "en",
    replace: bool = False,
    progress: Progress | None = None,
) -> Timings:
    """Write ``report.html``, ``report.pdf``, ``report.xlsx`` and ``csv/{da,en}/*.csv`` into
    `out`, whole or not at all; returns how long each part took."""
    target = _check_target(out.expanduser(), replace)
    say = progress or (lambda _message: None)
    say(f"the pack of release {pack.release} of {pack.name}")
    staging = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    )
    try:
        timings = _build(pack, staging, lang, say)
        staging.chmod(0o777 & ~_umask())
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    say(f"wrote the pack of release {pack.release} to {target}")
    return timings


def _build(pack: Pack, folder: Path, lang: str, say: Progress) -> Timings:
    timings = Timings()
    started = time.perf_counter()
    say("report.html")
    html = report_html(pack, language(lang))
    (folder / "report.html").write_text(html, encoding="utf-8")
    timings.html = time.perf_counter() - started
    started = time.perf_counter()
    say("report.pdf (WeasyPrint)")
    rendered = render_pdf(html)
    (folder / "report.pdf").write_bytes(rendered.data)
    timings.pdf = time.perf_counter() - started
    started = time.perf_counter()
    say("report.xlsx")
    (folder / "report.xlsx").write_bytes(report_xlsx(pack, language(lang)))
    timings.xlsx = time.perf_counter() - started
    started = time.perf_counter()
    for code in DIALECTS:
        say(f"csv/{code}/")
        (folder / "csv" / code).mkdir(parents=True)
        for name, data in csv_files(pack, code).items():
            (folder / "csv" / code / name).write_bytes(data)
    timings.csv = time.perf_counter() - started
    return timings


def _check_target(target: Path, replace: bool) -> Path:
    """`target` as a folder the pack may go to: new, empty, or to be replaced."""
    if not target.parent.is_dir():
        raise InvalidInput("out", f"folder {target.parent} does not exist")
    if target.exists() and not target.is_dir():
        raise InvalidInput("out", f"{target} is a file; give a folder")
    if target.is_dir() and any(target.iterdir()) and not replace:
        raise InvalidInput("out", f"{target} is not empty; give --force to replace it")
    return target


def _move_into_place(staging: Path, target: Path) -> None:
    """Rename the finished pack onto `target`; an old folder goes only once the new is there."""
    if not target.exists():
        staging.rename(target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    old.rmdir()
    target.rename(old)
    try:
        staging.rename(target)
    except BaseException:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

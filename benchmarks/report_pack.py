"""Time of the council report pack of the demo: each format, the whole pack, and the CLI.

    .venv/bin/python benchmarks/report_pack.py              # median of 3
    .venv/bin/python benchmarks/report_pack.py --runs 5 --lang da

Seeds the demo into a fresh SQLite file and publishes its release 1 (as `coprod demo` does),
then times, median of --runs each: reading the release into a Pack; the HTML report; the PDF
(WeasyPrint, from that HTML); the workbook; the CSV files of both dialects; `write_pack`
(all of them written into a new folder and moved into place); and `coprod report pack` run
as a command in its own process (start-up and imports included), which is what a council
officer waits for. Target: the whole pack, PDF included, in under 10 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from api.cli.serve import publish_demo_release  # noqa: E402
from api.demo import seed_demo  # noqa: E402
from api.web.i18n import language  # noqa: E402
from api.web.pack import build_pack, find_release  # noqa: E402
from api.web.pack.csv import DIALECTS, csv_files  # noqa: E402
from api.web.pack.folder import write_pack  # noqa: E402
from api.web.pack.html import report_html  # noqa: E402
from api.web.pack.pdf import render_pdf  # noqa: E402
from api.web.pack.xlsx import report_xlsx  # noqa: E402
from benchmarks.timing import median_time  # noqa: E402
from coprod.adapters.config import parse_database_url  # noqa: E402
from coprod.application import Coprod  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lang", choices=("en", "da"), default="en")
    args = parser.parse_args()
    os.environ.setdefault("COPROD_SECRET_KEY", _new_key())
    folder = Path(tempfile.mkdtemp(prefix="coprod-pack-bench-"))
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    try:
        with Coprod(parse_database_url(url)) as app:
            process_id = seed_demo(app).process_id
            publish_demo_release(app, process_id)
            read, pack = median_time(lambda: build_pack(find_release(app, process_id)), args.runs)
        _report(args, folder, url, str(process_id), read, pack)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _report(args: Any, folder: Path, url: str, process_id: str, read: float, pack: Any) -> None:
    lang, runs = language(args.lang), args.runs
    html_s, html = median_time(lambda: report_html(pack, lang), runs)
    pdf_s, pdf = median_time(lambda: render_pdf(html), runs)
    xlsx_s, _ = median_time(lambda: report_xlsx(pack, lang), runs)
    csv_s, _ = median_time(lambda: [csv_files(pack, code) for code in DIALECTS], runs)
    out = folder / "out"
    total_s, _ = median_time(lambda: write_pack(pack, out, lang=args.lang, replace=True), runs)
    command = [str(ROOT / ".venv" / "bin" / "coprod"), "report", "pack", process_id]
    command += ["--out", str(folder / "cli"), "--force", "--lang", args.lang]
    env = {**os.environ, "COPROD_DATABASE_URL": url}
    cli_s, _ = median_time(lambda: subprocess.run(command, env=env, check=True), runs)
    tables = len(pack.tables)
    rows = sum(len(t.rows) for t in pack.tables)
    print(f"demo pack: {tables} tables, {rows} rows; PDF {pdf.pages} pages; median of {runs}")
    for name, seconds in (
        ("read the release into a Pack", read),
        ("report.html", html_s),
        ("report.pdf (WeasyPrint, from the HTML)", pdf_s),
        ("report.xlsx", xlsx_s),
        ("csv/da + csv/en", csv_s),
        ("write_pack: all of it, written and moved into place", total_s),
        ("`coprod report pack` (own process, start-up included)", cli_s),
    ):
        print(f"  {name:<58} {seconds:7.3f} s")


def _new_key() -> str:
    made = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "coprod"), "secrets", "new-key"],
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip()


if __name__ == "__main__":
    main()

"""The council report pack (issue: report pack): one release of a process's impact figures as
an HTML report, its PDF, an Excel workbook and CSV files for a Danish and an English Excel.

Every format is written from one :class:`~api.web.pack.content.Pack` read from the release
exactly as published, so the pack's numbers are the API's (``GET /api/v1/processes/{id}/
impact``) for the same release. Used by ``coprod report pack`` (api/cli/pack.py) and the
impact page's downloads (api/web/pages/pack.py). It lives in the web room because its texts
are the web pages' catalogue (headings, labels, column names in Danish and English).
"""

from api.web.pack.content import Pack, build_pack, find_release

__all__ = ["Pack", "build_pack", "find_release"]

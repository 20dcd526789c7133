"""The catalogue: every idea and proposal of a process, and the project it became, as they
stand now, for the lists people filter (by area, category and status).

Why a read model of its own: a public list of 1,000 projects must answer in a few indexed
reads, not by loading 1,000 aggregates; the timeline and impact models keep histories, not
the current row a list shows.
"""

from projections.catalogue.model import CatalogueModel
from projections.catalogue.queries import CaseFilter, CasePage, CaseRow, case_facets, case_page

__all__ = ["CaseFilter", "CasePage", "CaseRow", "CatalogueModel", "case_facets", "case_page"]

"""Open-standard exports of a process: OCDS release packages and 360Giving grants of its
funded projects, and W3C PROV of a project's trail (DOMAIN.md §7).

Why in ``projections``: each export is a read of the log as of one position (a published
release's, for the public), built from the events like any read model; none writes.
"""

from projections.open_data.grants import three_sixty_giving
from projections.open_data.ocds import ocds_release_package
from projections.open_data.provenance import project_provenance
from projections.open_data.snapshot import ProcessSnapshot, export_position

__all__ = [
    "ProcessSnapshot",
    "export_position",
    "ocds_release_package",
    "project_provenance",
    "three_sixty_giving",
]

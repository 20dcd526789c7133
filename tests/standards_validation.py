"""The standards' own validation of coprod's exports, offline: libcoveocds for OCDS, the
360Giving JSON schema with jsonschema.

The validators download their schemas at run time, which cannot work here; the schemas are
read from the folder named by ``COPROD_STANDARDS_DIR`` (``.ci/run`` sets it to the shared
copy of the standards' published files). Without it the tests fail: they never skip.
libcoveocds reads the OCDS standard from a ZIP of its repository's ``schema/`` folder
(``standard_zip``), built here from that copy; its versioned-release schema, which only
record packages use, is given as an empty draft-04 schema (coprod publishes release
packages only).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = ["grants_errors", "ocds_errors", "standards_dir"]


def standards_dir() -> Path:
    """The standards' schema folder; fails (never skips) when it is not given."""
    folder = os.environ.get("COPROD_STANDARDS_DIR")
    if not folder or not Path(folder).is_dir():
        raise AssertionError(
            "set COPROD_STANDARDS_DIR to the shared standards folder (ocds-1.1.5/, 360giving/); "
            "these tests never skip"
        )
    return Path(folder)


@cache
def _standard_zip() -> bytes:
    src = standards_dir() / "ocds-1.1.5"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("standard-1__1__5/", "")
        for path in sorted(src.rglob("*")):
            if path.is_file():
                archive.write(path, f"standard-1__1__5/schema/{path.relative_to(src)}")
        unused = {"$schema": "http://json-schema.org/draft-04/schema#"}
        archive.writestr(
            "standard-1__1__5/schema/versioned-release-validation-schema.json", json.dumps(unused)
        )
    return buffer.getvalue()


def ocds_errors(package: dict[str, Any]) -> list[Any]:
    """libcoveocds's schema errors and closed-codelist violations (empty: valid)."""
    config = LibCoveOCDSConfig({"standard_zip": _standard_zip(), "context": "api"})
    context = ocds_json_output(json_data=package, lib_cove_ocds_config=config)
    return [*context["validation_errors"], *context["additional_closed_codelist_values"].values()]


def grants_errors(package: dict[str, Any]) -> list[str]:
    """The 360Giving package schema's errors, with its grant schema (empty: valid)."""
    folder = standards_dir() / "360giving"
    outer = json.loads((folder / "360-giving-package-schema.json").read_text())
    grant = json.loads((folder / "360-giving-schema.json").read_text())
    registry: Registry = Registry().with_resource(
        outer["properties"]["grants"]["items"]["$ref"],
        Resource(contents=grant, specification=DRAFT202012),
    )
    validator = jsonschema.Draft202012Validator(
        outer, registry=registry, format_checker=jsonschema.FormatChecker()
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]

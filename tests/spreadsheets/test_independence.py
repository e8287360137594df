"""spreadsheets reads and writes office files and knows no domain app; the imports and exports
that moved to their apps keep the paths and URL names users bookmarked."""

from __future__ import annotations

import grimp
import pytest
from django.urls import reverse


def test_spreadsheets_imports_no_app_but_core():
    graph = grimp.build_graph("vetserve")
    imported = {
        other
        for module in graph.modules
        if module.startswith("vetserve.spreadsheets") and ".tests" not in module
        for other in graph.find_modules_directly_imported_by(module)
    }
    domain = sorted(
        m
        for m in imported
        if m.startswith("vetserve.")
        and not m.startswith(("vetserve.spreadsheets", "vetserve.core"))
    )
    assert domain == []


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("import", "/spreadsheets/roster/import/"),
        ("template", "/spreadsheets/roster/template.xlsx"),
        ("export", "/spreadsheets/roster/export/"),
        ("qualification_import", "/spreadsheets/qualifications/import/"),
        ("qualification_import_commit", "/spreadsheets/qualifications/import/commit/"),
        ("qualification_template", "/spreadsheets/qualifications/template.xlsx"),
    ],
)
def test_the_moved_pages_keep_their_paths_and_names(name, path):
    assert reverse(f"spreadsheets:{name}") == path

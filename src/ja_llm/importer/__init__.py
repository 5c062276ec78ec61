"""The importer: awesome-list Markdown (and its translations) -> a catalog folder."""

from .build import ImportResult, import_list, import_report_json

__all__ = ["ImportResult", "import_list", "import_report_json"]

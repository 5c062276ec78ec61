"""The importer: awesome-list Markdown (and its translations) -> a catalog folder. `document` parses the
README into sections, tables and footnotes; `cells` reads the cells' patterns; `build` turns rows into
entries and registries and writes the folder."""

from .build import BuiltCatalog, ImportResult, import_list, import_report_json, read_list

__all__ = ["BuiltCatalog", "ImportResult", "import_list", "import_report_json", "read_list"]

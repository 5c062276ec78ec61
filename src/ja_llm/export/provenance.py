"""Where the exported data comes from and under which license, stated once for every export (the JSON API's
`generated_from`, the Datasette metadata, the llms.txt files)."""

from __future__ import annotations

from ..catalog.core import Catalog
from ..model.inline import plain
from ..model.text import text_in

GENERATOR = "ja-llm"
SOURCE = "awesome-japanese-llm"
SOURCE_URL = "https://github.com/llm-jp/awesome-japanese-llm"
LICENSE = "Apache-2.0"
LICENSE_URL = "https://www.apache.org/licenses/LICENSE-2.0"


def provenance(catalog: Catalog) -> dict[str, str]:
    """The source note of an export: the catalog's title (its main language), the list it derives from and
    the license of the data."""
    return {
        "catalog": plain(text_in(catalog.info.title, catalog.info.languages[0])),
        "generator": GENERATOR,
        "source": SOURCE,
        "source_url": SOURCE_URL,
        "license": LICENSE,
        "license_url": LICENSE_URL,
    }

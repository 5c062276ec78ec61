"""Stage 2 of the pipeline, load + validate: read a catalog folder into a `Catalog` (`core`: the registries
and the entries, with the lookups every stage shares), check it (`load`, `checks`: every problem as
`path:line: field: message`), and the TOML file format (`toml`). `location` says where the shipped
catalog is.

Import from the modules (`ja_llm.catalog.load`, …): this package imports nothing itself, so that the
search's hot path can ask for the shipped catalog's location without loading pydantic.
"""

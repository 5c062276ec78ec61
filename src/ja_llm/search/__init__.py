"""Stage 3 of the pipeline, query: compile a loaded catalog into flat search records (`records`), cache them
on disk keyed by the catalog's content (`index`), filter and sort them with every filter defined once
(`query`), and print the results (`output`).

`ja-llm search` answers from the cached index without loading the catalog: the modules on that path
(`index`, `query`, `output`) import neither pydantic nor the Markdown parser.
"""

"""Stage 1 of the pipeline, the data model: the schema of every catalog file (`schema`, with each field's
description), the vocabularies (`vocab`), parameter sizes and their units (`sizes`, `units`), catalog texts
in several languages and their normalisation for search (`text`), and the inline Markdown of texts
(`inline`). Nothing here reads or writes files.
"""

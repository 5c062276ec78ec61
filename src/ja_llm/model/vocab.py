"""The catalog's vocabularies in one place: section kinds, column keys and the headers that name them,
Hugging Face availability marks, commercial-use classes, and the folders entries live in."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Section kinds. Model kinds keep their entries under models/<org>/, the others under their own folder.
MODEL_KINDS = ("generative", "encoder", "embedding", "vision-language", "speech", "music", "other")
KINDS = (*MODEL_KINDS, "benchmark", "paper")
KIND_FOLDERS = dict.fromkeys(MODEL_KINDS, "models") | {"benchmark": "benchmarks", "paper": "papers"}

# Words in a section's anchor or English title that decide its kind (first match wins; benchmark and
# paper first, so that "speech-benchmark-suites" is a benchmark section).
KIND_HINTS: tuple[tuple[str, str], ...] = (
    ("benchmark", "benchmark"),
    ("reference", "paper"),
    ("paper", "paper"),
    ("generative", "generative"),
    ("autoencoding", "encoder"),
    ("encoder", "encoder"),
    ("embedding", "embedding"),
    ("multimodal", "vision-language"),
    ("vision", "vision-language"),
    ("speech", "speech"),
    ("music", "music"),
)

COMMERCIAL_CLASSES = ("yes", "no", "conditional", "unknown")
# How permissive each class is (higher: more uses allowed). Licenses that apply together combine to the
# lowest; the search and the website compare these ranks (the site reads them from the exported spec).
COMMERCIAL_RANK = {"no": 0, "unknown": 1, "conditional": 2, "yes": 3}
HF_STATUSES = ("yes", "partial", "no")
HF_MARKS = {"◯": "yes", "○": "yes", "〇": "yes", "△": "partial", "✕": "no", "×": "no", "✗": "no"}
HF_MARK_OF = {"yes": "◯", "partial": "△", "no": "✕"}

# Column keys the importer and renderer know. Any other header becomes a generic column `x-<slug>`.
COLUMN_KEYS = (
    "name",
    "year",
    "architecture",
    "context",
    "training_data",
    "developer",
    "license",
    "hf",
    "domain",
    "base_model",
    "merged_from",
    "platform",
    "description",
    "date",
    "venue",
    "paper",
)

# The list's column headers per language (data: headers.toml) -> column key, compared as normalize_header does.


@cache
def _header_keys() -> dict[str, str]:
    import tomllib  # here, not at the top: `ja-llm search` imports this module and never reads the headers
    from importlib import resources

    table = tomllib.loads(resources.files(__package__).joinpath("headers.toml").read_text(encoding="utf-8"))
    return {normalize_header(h): key for key, langs in table.items() for headers in langs.values() for h in headers}


# Tables whose header row is empty get their column keys from the section kind, by position.
POSITIONAL_COLUMNS = {"paper": ("name", "date", "venue", "paper")}


def normalize_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\[\^[^\]]+\]", "", text)
    text = re.sub(r"<br\s*/?>", "", text, flags=re.IGNORECASE)
    text = text.replace("**", "")
    return re.sub(r"\s+", "", text).lower()


def column_key_for(header: str) -> str | None:
    """The known column key for a header text (in any language of headers.toml), or None."""
    return _header_keys().get(normalize_header(header))


def slugify(text: str, fallback: str = "") -> str:
    """An ASCII slug: lower case, `-` between words; `fallback` when nothing ASCII is left."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.lower().replace("+", "-plus-").replace("&", "-and-").replace("×", "x")
    slug = re.sub(r"[^a-z0-9.]+", "-", text)
    slug = re.sub(r"-{2,}", "-", slug).strip("-.")
    slug = re.sub(r"\.+", ".", slug)
    return slug[:80].strip("-.") or fallback


def kind_for(anchor: str, english_title: str, parent_kind: str | None) -> str:
    """A section's kind: its parent's, else the first hint found in its anchor or English title."""
    if parent_kind and parent_kind != "other":
        return parent_kind
    haystack = f"{anchor} {english_title}".lower()
    for word, kind in KIND_HINTS:
        if word in haystack:
            return kind
    return parent_kind or "other"

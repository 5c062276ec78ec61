"""The catalog's vocabularies in one place: section kinds, column keys and the headers that name them,
Hugging Face availability marks, commercial-use classes, and the folders entries live in."""

from __future__ import annotations

import re
import unicodedata

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

# Header texts (normalised: plain, lower case, no footnotes, no spaces) -> column key.
_HEADER_KEYS: dict[str, str] = {
    # ja
    "公開年": "year",
    "アーキテクチャ": "architecture",
    "モデル": "architecture",
    "入出力で扱えるトークン数": "context",
    "入力で扱えるトークン数": "context",
    "学習テキスト": "training_data",
    "学習画像/テキスト": "training_data",
    "学習コーパス": "training_data",
    "学習データ": "training_data",
    "開発元": "developer",
    "ライセンス": "license",
    "ライセンス/利用規約": "license",
    "huggingfaceですぐ使える?": "hf",
    "ドメイン": "domain",
    "ベースのllm": "base_model",
    "ベースのvlm": "base_model",
    "ベースの英語llm": "base_model",
    "マージ元のllm(太字は日本語llm)": "merged_from",
    "マージ元のllm・vlm(太字は日本語llm)": "merged_from",
    "プラットフォーム": "platform",
    "説明": "description",
    "初出時期": "date",
    "会議/ジャーナル": "venue",
    "論文": "paper",
    # en
    "releaseyear": "year",
    "architecture": "architecture",
    "model": "architecture",
    "maxcontextlength": "context",
    "maxinputlength": "context",
    "trainingdata": "training_data",
    "developer": "developer",
    "license": "license",
    "license/termsofuse": "license",
    "huggingface?": "hf",
    "domain": "domain",
    "basemodel": "base_model",
    "originalmodels(japanesellmsinbold)": "merged_from",
    "originalmodels(japanesellmsandvlmsinbold)": "merged_from",
    "platform": "platform",
    "description": "description",
    "date": "date",
    "meeting/journal": "venue",
    "paper": "paper",
}

# Tables whose header row is empty get their column keys from the section kind, by position.
POSITIONAL_COLUMNS = {"paper": ("name", "date", "venue", "paper")}


def normalize_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\[\^[^\]]+\]", "", text)
    text = re.sub(r"<br\s*/?>", "", text, flags=re.IGNORECASE)
    text = text.replace("**", "")
    return re.sub(r"\s+", "", text).lower()


def column_key_for(header: str) -> str | None:
    """The known column key for a header text (ja or en), or None."""
    return _HEADER_KEYS.get(normalize_header(header))


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

"""`ja-llm hub discover`: models on the Hugging Face Hub that the catalog lacks and that look Japanese.

Candidates come from a few bounded listings of the Hub (`GET /api/models`, see `plan_listings`):

- the models tagged with the Japanese language (`filter=ja`: huggingface_hub 2.x has no `language=`
  argument any more, the Hub matches the language as a tag; a card's `language: ja` becomes that tag);
- the models of the catalog's known authors (the owners of its variants' repos), MAX_AUTHORS of them at
  most: the authors with the most catalogued repos first (ties by name);
- the models whose id contains a Japanese marker (`search=` for each of SEARCHES; the Hub's search is a
  substring of the id, so each result is checked again with JAPANESE_TEXT).

Each listing asks for `listing_limit(limit)` models, sorted by downloads, or by creation date (newest first)
with --since, so that the window holds the recent models. Every listed model gets every reason that applies
(`reasons_for`), whichever listing found it:

- `language`: the `ja` tag, or the card data's `language` naming Japanese (`ja`, `jpn`, `japanese`);
- `base`: a base model that the catalog has (a variant's repo or alias, case-insensitive), from the card
  data's `base_model` or the `base_model:` tags (`base_model:X`, `base_model:finetune|adapter|merge:X`; a
  quantized copy, `base_model:quantized:X`, is not a fine-tune and does not count);
- `name`: JAPANESE_TEXT matches the id (`japanese`, `nihongo`, `日本`, kana, or `ja`/`jp`/`jpn` not inside a
  word: `llama-3-ja`, `bert_jp`, `llm-jp/…`, `gpt2ja`, but not `jamba`, `ninja`, `jpeg`);
- `card`: JAPANESE_TEXT matches a string of the card data the listing gives (datasets, tags, widget texts,
  model name…; not the license, language or base model fields, which have their own reasons). The card's
  text (README) is not downloaded: only its metadata comes with the listing.
- `author`: the model's author is a known author (whether or not that author's listing was queried).

A model the catalog has (a variant's repo or alias, case-insensitive) is never a candidate, nor one without
a reason (a search result whose id only contains the searched letters, `ai21labs/Jamba`). --since keeps the
models created on or after the date (the Hub's createdAt; lastModified only when the listing gives no
createdAt): lastModified changes with any commit, so an old model whose README was edited is not new.

The score (`score`, the one place it is computed): evidence + popularity.

- evidence: the sum of WEIGHTS of the model's reasons (integers): a declared Japanese language tag and a
  base model from the catalog are the strongest evidence (3); a Japanese marker in the id is a good but
  fallible hint (2: `ja` can be an abbreviation of something else); Japanese in the card data (1) and a
  known author (1: organizations that publish Japanese models also publish others) only add to it;
- popularity, in [0, 1]: 0.7·min(log10(downloads+1)/7, 1) + 0.3·min(log10(likes+1)/4, 1), log-scaled
  (a tenfold difference counts the same at any size) and saturating at 10M downloads and 10k likes.

Popularity never outweighs one point of evidence, so a popular model with a weak link to Japanese (a known
author's English-only model) ranks after every model with more evidence; within the same evidence, the
more used model first. Ties: the newer model first (createdAt), then the id.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any

from ..catalog.core import Catalog
from ..errors import DraftError, HubRateLimited, HubRepoNotFound, HubRequestFailed, RepoAlreadyCatalogued
from ..model.text import hub_url
from .client import HubClient, ListedModel, list_models
from .draft import Draft, Drafter
from .facts import size_text

WEIGHTS = {"language": 3, "base": 3, "name": 2, "card": 1, "author": 1}
REASONS = tuple(WEIGHTS)  # the order in which a candidate's reasons are listed
SEARCHES = ("japanese", "-ja", "-jp")  # the id searches of the `name` signal
MAX_AUTHORS = 20  # known authors whose models are listed (those with the most catalogued repos)
DEFAULT_LIMIT = 50
LISTING_FACTOR = 4  # each listing asks for this many models per candidate shown (most are catalogued)
MAX_LISTING = 1000  # and never more than this

# Japanese in an id or a card string: the one place this rule lives.
JAPANESE_TEXT = re.compile(
    r"japanese|nihongo|日本|[\u3040-\u30ff]|(?<![a-z])(?:ja|jp|jpn)(?![a-z])",
    re.IGNORECASE,
)
JAPANESE_LANGUAGES = frozenset({"ja", "jpn", "japanese"})
_CARD_SKIP = frozenset({"base_model", "language", "license", "license_name", "license_link"})
_FINETUNE_RELATIONS = frozenset({"finetune", "adapter", "merge"})

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Query:
    """One listing call: its label (for messages) and list_models' arguments."""

    label: str
    filter: str | None = None
    author: str | None = None
    search: str | None = None


@dataclass
class Listing:
    label: str
    count: int = 0
    error: str = ""


@dataclass
class Candidate:
    model: ListedModel
    reasons: list[str]
    why: list[str]
    score: float

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def size(self) -> str:
        return size_text(self.model.parameters) if self.model.parameters else ""

    def as_json(self) -> dict[str, Any]:
        model = self.model
        return {
            "id": model.id,
            "url": hub_url(model.id),
            "score": round(self.score, 3),
            "reasons": self.reasons,
            "why": self.why,
            "downloads": model.downloads,
            "likes": model.likes,
            "created_at": model.created_at,
            "last_modified": model.last_modified,
            "size": self.size or None,
            "parameters": model.parameters,
            "pipeline_tag": model.pipeline_tag,
            "gated": model.gated,
        }


@dataclass
class Discovery:
    candidates: list[Candidate] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)
    listed: int = 0  # distinct models listed
    catalogued: int = 0  # of which the catalog has

    @property
    def errors(self) -> list[str]:
        return [listing.error for listing in self.listings if listing.error]


# --- the catalog's side ----------------------------------------------------------------------------------


def catalog_repos(catalog: Catalog) -> dict[str, str]:
    """Every repo id of the catalog, variants' repos and aliases (lowercase) -> the entry's id."""
    found: dict[str, str] = {}
    for entry in catalog.entries.values():
        for repo in catalog.repos(entry):
            found.setdefault(repo.lower(), entry.id)
    return found


def known_authors(catalog: Catalog) -> Counter[str]:
    """The Hub owners of the catalog's variants' repos (not aliases: a former owner may be gone) with their
    number of catalogued repos; keyed by the spelling the catalog uses most."""
    spellings: dict[str, Counter[str]] = {}
    for entry in catalog.entries.values():
        for variant in entry.data.variants:
            if variant.repo and "/" in variant.repo:
                owner = variant.repo.split("/", 1)[0]
                spellings.setdefault(owner.lower(), Counter())[owner] += 1
    return Counter({names.most_common(1)[0][0]: names.total() for names in spellings.values()})


def top_authors(authors: Counter[str], count: int = MAX_AUTHORS) -> list[str]:
    """The `count` authors with the most catalogued repos (ties by name, case-insensitive)."""
    return sorted(authors, key=lambda name: (-authors[name], name.lower(), name))[: max(0, count)]


# --- the signals (pure) ----------------------------------------------------------------------------------


def japanese_marker(text: str) -> str | None:
    """The Japanese marker in a text (see JAPANESE_TEXT), or None."""
    match = JAPANESE_TEXT.search(text)
    return match.group(0) if match else None


def _strings(value: Any, depth: int = 0) -> Iterable[str]:
    if depth > 6:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, depth + 1)


def card_marker(card: dict[str, Any]) -> str | None:
    """The first Japanese marker in the card data's strings (the license, language and base model aside)."""
    for key, value in card.items():
        if key in _CARD_SKIP:
            continue
        for text in _strings(value):
            marker = japanese_marker(text)
            if marker is not None:
                return f"{key}: {marker}"
    return None


def declares_japanese(model: ListedModel) -> bool:
    if "ja" in model.tags:
        return True
    language = model.card_data.get("language")
    values = [language] if isinstance(language, str) else language if isinstance(language, list) else []
    return any(isinstance(value, str) and value.casefold() in JAPANESE_LANGUAGES for value in values)


def finetune_bases(model: ListedModel) -> list[str]:
    """The models this one was fine-tuned (or adapted, or merged) from: the card data's `base_model` and
    the `base_model:` tags, without the ones it is only a quantized copy of."""
    quantized: set[str] = set()
    found: list[str] = []
    for tag in model.tags:
        if not tag.startswith("base_model:"):
            continue
        parts = tag.split(":", 2)
        relation, repo = (parts[1], parts[2]) if len(parts) == 3 else ("", parts[1])
        if relation == "quantized":
            quantized.add(repo.lower())
        elif (relation in _FINETUNE_RELATIONS or not relation) and "/" in repo:
            found.append(repo)
    value = model.card_data.get("base_model")
    card = (
        [value]
        if isinstance(value, str)
        else [v for v in value if isinstance(v, str)]
        if isinstance(value, list)
        else []
    )
    found += card
    unique: dict[str, str] = {}
    for repo in found:
        if repo.lower() not in quantized:
            unique.setdefault(repo.lower(), repo)
    return list(unique.values())


def reasons_for(model: ListedModel, repos: dict[str, str], authors: Iterable[str]) -> tuple[list[str], list[str]]:
    """The reasons that apply to a listed model (in REASONS order) and a sentence for each."""
    found: dict[str, str] = {}
    if declares_japanese(model):
        found["language"] = "tagged with the Japanese language (ja)"
    bases = [base for base in finetune_bases(model) if base.lower() in repos]
    if bases:
        found["base"] = "fine-tuned from " + ", ".join(f"{base} ({repos[base.lower()]})" for base in bases)
    marker = japanese_marker(model.id)
    if marker is not None:
        found["name"] = f"`{marker}` in the id"
    card = card_marker(model.card_data)
    if card is not None:
        found["card"] = f"Japanese in the card data ({card})"
    author = (model.author or model.id.split("/", 1)[0]).lower()
    if author in {name.lower() for name in authors}:
        found["author"] = f"by {model.author or author}, an author the catalog has"
    reasons = [reason for reason in REASONS if reason in found]
    return reasons, [found[reason] for reason in reasons]


def score(reasons: Iterable[str], downloads: int, likes: int) -> float:
    """evidence + popularity (see the module's docstring): popularity in [0, 1] never outweighs a reason."""
    evidence = sum(WEIGHTS[reason] for reason in reasons)
    popularity = 0.7 * min(math.log10(max(downloads, 0) + 1) / 7, 1.0) + 0.3 * min(
        math.log10(max(likes, 0) + 1) / 4, 1.0
    )
    return evidence + popularity


def _day(text: str | None) -> int:
    try:
        return Date.fromisoformat(text).toordinal() if text else 0
    except ValueError:
        return 0


def rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Highest score first; ties: newer first (createdAt), then the id."""
    return sorted(
        candidates,
        key=lambda c: (-round(c.score, 9), -_day(c.model.created_at or c.model.last_modified), c.id.lower(), c.id),
    )


def model_date(model: ListedModel) -> str | None:
    """The date --since compares: createdAt, else lastModified."""
    return model.created_at or model.last_modified


def candidates_of(
    models: Iterable[ListedModel],
    repos: dict[str, str],
    authors: Iterable[str],
    since: Date | None = None,
) -> tuple[list[Candidate], int]:
    """The ranked candidates among listed models, and how many of them the catalog has."""
    authors = list(authors)
    seen: set[str] = set()
    catalogued = 0
    found: list[Candidate] = []
    for model in models:
        key = model.id.lower()
        if key in seen:
            continue
        seen.add(key)
        if key in repos:
            catalogued += 1
            continue
        if since is not None and _day(model_date(model)) < since.toordinal():
            continue
        reasons, why = reasons_for(model, repos, authors)
        if reasons:
            found.append(Candidate(model, reasons, why, score(reasons, model.downloads, model.likes)))
    return rank(found), catalogued


# --- the listings ----------------------------------------------------------------------------------------


def listing_limit(limit: int) -> int:
    """How many models each listing asks for, to show `limit` candidates."""
    return max(1, min(MAX_LISTING, LISTING_FACTOR * limit))


def plan_listings(authors: Counter[str], max_authors: int = MAX_AUTHORS) -> list[Query]:
    queries = [Query("language ja", filter="ja")]
    queries += [Query(f"search {text}", search=text) for text in SEARCHES]
    queries += [Query(f"author {name}", author=name) for name in top_authors(authors, max_authors)]
    return queries


def discover(
    catalog: Catalog,
    client: HubClient,
    *,
    since: Date | None = None,
    limit: int = DEFAULT_LIMIT,
    max_authors: int = MAX_AUTHORS,
    progress: Progress | None = None,
) -> Discovery:
    """List the Hub (bounded), then rank the candidates (at most `limit`). A listing the Hub refuses (an
    HTTP error, rate-limited) is recorded and the others go on; an unreachable Hub raises HubUnreachable."""
    authors = known_authors(catalog)
    queries = plan_listings(authors, max_authors)
    sort = "created" if since is not None else "downloads"
    result = Discovery()
    models: list[ListedModel] = []
    for number, query in enumerate(queries, 1):
        if progress is not None:
            progress(number, len(queries), query.label)
        listing = Listing(query.label)
        try:
            listed = list_models(
                client,
                query.label,
                filter=query.filter,
                author=query.author,
                search=query.search,
                sort=sort,
                limit=listing_limit(limit),
            )
        except (HubRequestFailed, HubRateLimited) as exc:
            listing.error = str(exc)
        else:
            listing.count = len(listed)
            models += listed
        result.listings.append(listing)
    result.listed = len({model.id.lower() for model in models})
    ranked, result.catalogued = candidates_of(models, catalog_repos(catalog), authors, since)
    result.candidates = ranked[: max(0, limit)]
    return result


# --- drafts ----------------------------------------------------------------------------------------------


@dataclass
class DraftFailure:
    repo: str
    error: str
    hint: str = ""


def draft_candidates(
    drafter: Drafter, candidates: Iterable[Candidate], progress: Progress | None = None
) -> tuple[list[Draft], list[DraftFailure]]:
    """Draft each candidate with `ja-llm add`'s Drafter (nothing written: `drafter.write()` writes them all
    together); a candidate that cannot be drafted is a DraftFailure and the others go on."""
    candidates = list(candidates)
    drafts: list[Draft] = []
    failures: list[DraftFailure] = []
    for number, candidate in enumerate(candidates, 1):
        if progress is not None:
            progress(number, len(candidates), candidate.id)
        try:
            drafts.append(drafter.draft(candidate.id))
        except (RepoAlreadyCatalogued, HubRepoNotFound, DraftError, HubRequestFailed, HubRateLimited) as exc:
            failures.append(DraftFailure(candidate.id, str(exc), exc.hint))
    return drafts, failures

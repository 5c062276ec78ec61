"""The facts of a model read from the Hub's metadata and its config.json: parameter counts (and the
active count of a mixture of experts), context length, license, base models, and when a written size agrees
with a counted one. Pure functions of plain data: no network here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..model.sizes import Size, SizeError, parse_size
from ..model.units import PARAM_UNITS, format_params

# --- parameter counts ------------------------------------------------------------------------------------

# A written size agrees with the Hub's count when it is within one step of its last written digit (`7b`
# vs 7.62e9: names round and often truncate, Qwen2.5-7B has 7.62B parameters and Gemma-2-2b 2.61B), or within
# SIZE_TOLERANCE of the count (`465b` written for 466.4B: sizes are rounded to a few digits). The one place
# this rounding rule lives.
SIZE_TOLERANCE = 0.10

_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?\s*([kmbt])", re.IGNORECASE)
_EXPERTS = re.compile(r"^\s*(\d+)\s*[x×]", re.IGNORECASE)


def size_step(text: str) -> float:
    """The value of one unit of the last written digit of a size's total (`7b` → 1e9, `1.5b` → 1e8,
    `8x7b` → 8e9): how far a rounded name may be from the count."""
    raw = text.strip()
    inner = re.match(r"^(.*?)\s*\((.+)\)$", raw)
    if inner and _NUMBER.search(inner.group(2)):
        raw = inner.group(2)  # the exact count in parentheses
    match = _NUMBER.search(raw)
    if match is None:
        return 0.0
    decimals = len(match.group(2) or "")
    step = PARAM_UNITS[match.group(3).lower()] / 10**decimals
    experts = _EXPERTS.match(raw)
    return step * int(experts.group(1)) if experts else step


def sizes_agree(written: str, counted: float) -> bool:
    """Whether the catalog's size text agrees with a counted total (see SIZE_TOLERANCE)."""
    try:
        total = parse_size(written).total
    except SizeError:
        return False
    difference = abs(total - counted)
    return difference < size_step(written) or difference <= SIZE_TOLERANCE * counted


def size_text(total: float, active: float | None = None) -> str:
    """A counted size as the catalog writes it: `7.24b`, `46.7b-a12.9b`."""
    text = format_params(total).lower()
    if active is not None and active < total:
        text += "-a" + format_params(active).lower()
    return text


# --- config.json -----------------------------------------------------------------------------------------

# Models whose position embeddings are offset by the padding index (fairseq's RoBERTa and its heirs): the
# config says 514 for 512 usable positions.
ROBERTA_STYLE = frozenset(
    {
        "roberta",
        "xlm-roberta",
        "xlm-roberta-xl",
        "camembert",
        "data2vec-text",
        "longformer",
        "luke",
        "mluke",
        "ibert",
        "mpnet",
        "bertweet",
        "roberta-prelayernorm",
        "xmod",
        "markuplm",
    }
)
_CONTEXT_KEYS = ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length", "n_ctx")
_NESTED = ("text_config", "llm_config", "language_config", "decoder")


@dataclass
class ConfigFacts:
    context_length: int | None = None
    notes: list[str] = field(default_factory=list)
    experts: int | None = None
    experts_per_token: int | None = None
    model_type: str | None = None


def _text_config(config: dict[str, Any]) -> dict[str, Any]:
    """The language model's part of a config (a vision-language or speech model nests it)."""
    if any(key in config for key in _CONTEXT_KEYS):
        return config
    for key in _NESTED:
        nested = config.get(key)
        if isinstance(nested, dict) and any(k in nested for k in _CONTEXT_KEYS):
            return nested
    return config


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _power_of_two(value: int) -> bool:
    return value > 0 and value & (value - 1) == 0


def config_facts(config: dict[str, Any]) -> ConfigFacts:
    """The context length and mixture-of-experts settings of a config.json, with notes on what changes
    their meaning (position offset, sliding window, RoPE scaling)."""
    facts = ConfigFacts()
    text = _text_config(config)
    facts.model_type = text.get("model_type") or config.get("model_type")
    positions = next((_int(text.get(key)) for key in _CONTEXT_KEYS if _int(text.get(key))), None)
    if positions is not None:
        pad = _int(text.get("pad_token_id"))
        offset = 0
        if facts.model_type in ROBERTA_STYLE:
            offset = (pad if pad is not None else 1) + 1
        elif pad is not None and not _power_of_two(positions) and _power_of_two(positions - pad - 1):
            offset = pad + 1  # positions counted from pad_token_id + 1 (`514` with pad 1)
        facts.context_length = positions - offset
        if offset:
            facts.notes.append(f"max_position_embeddings {positions} minus {offset} (positions offset by the padding)")
    window = _int(text.get("sliding_window"))
    if window is not None and text.get("use_sliding_window", True) is not False:
        facts.notes.append(f"sliding_window {window}")
    scaling = text.get("rope_scaling")
    if isinstance(scaling, dict) and scaling:
        kind = scaling.get("rope_type") or scaling.get("type") or "?"
        factor = scaling.get("factor")
        original = scaling.get("original_max_position_embeddings")
        detail = ", ".join(
            part
            for part in (
                f"factor {factor}" if factor is not None else "",
                f"original {original}" if original is not None else "",
            )
            if part
        )
        facts.notes.append(f"rope_scaling {kind}" + (f" ({detail})" if detail else ""))
    facts.experts = (
        _int(text.get("num_local_experts")) or _int(text.get("num_experts")) or _int(text.get("n_routed_experts"))
    )
    facts.experts_per_token = _int(text.get("num_experts_per_tok")) or _int(text.get("moe_top_k"))
    return facts


def active_parameters(config: dict[str, Any], total: float) -> float | None:
    """The active parameters of a mixture of experts from its config and its total count: the total minus
    the routed experts' feed-forward weights, plus those of the experts used per token. Each expert is a
    gated feed-forward block of three hidden×intermediate matrices (Mixtral, Qwen-MoE, DeepSeek); dense
    layers (`first_k_dense_replace`, `decoder_sparse_step`) and shared experts stay in the always-active part.
    None when the config does not say enough (not a mixture, sizes missing) or the result is implausible."""
    text = _text_config(config)
    facts = config_facts(config)
    experts, per_token = facts.experts, facts.experts_per_token
    hidden = _int(text.get("hidden_size"))
    intermediate = _int(text.get("moe_intermediate_size")) or _int(text.get("intermediate_size"))
    layers = _int(text.get("num_hidden_layers"))
    if not (experts and per_token and hidden and intermediate and layers) or per_token >= experts:
        return None
    moe_layers = layers - (_int(text.get("first_k_dense_replace")) or 0)
    step = _int(text.get("decoder_sparse_step"))
    if step and step > 1:
        moe_layers = moe_layers // step
    per_expert = 3 * hidden * intermediate
    routed = moe_layers * experts * per_expert
    shared = total - routed
    if shared <= 0:
        return None
    return shared + moe_layers * per_token * per_expert


def counted_size(parameters: int | None, config: dict[str, Any] | None) -> Size | None:
    """The Hub's parameter count (safetensors) with the active count of a mixture when it can be computed."""
    if not parameters:
        return None
    active = active_parameters(config, parameters) if config else None
    return Size(float(parameters), active)


# --- card data and tags ----------------------------------------------------------------------------------


def hub_license(tags: list[str], card: dict[str, Any]) -> str | None:
    """The license the Hub shows: its `license:` tag, else the card's `license`; for `other`, the card's
    `license_name` when it gives one."""
    value: Any = next((tag.split(":", 1)[1] for tag in tags if tag.startswith("license:")), None)
    if value is None:
        value = card.get("license")
        if isinstance(value, list):
            value = value[0] if value else None
    if value == "other" and isinstance(card.get("license_name"), str):
        value = card["license_name"]
    return value if isinstance(value, str) and value else None


def base_models(tags: list[str], card: dict[str, Any]) -> list[str]:
    """The base models of a repo: the card's `base_model` (a string or a list), else the `base_model:` tags
    (`base_model:Qwen/Qwen2.5-7B`, `base_model:finetune:Qwen/Qwen2.5-7B`)."""
    value = card.get("base_model")
    found: list[str] = []
    if isinstance(value, str):
        found = [value]
    elif isinstance(value, list):
        found = [item for item in value if isinstance(item, str)]
    if not found:
        for tag in tags:
            if tag.startswith("base_model:"):
                repo = tag.rsplit(":", 1)[1]
                if "/" in repo and repo not in found:
                    found.append(repo)
    return found


# What kind of section a pipeline tag belongs to (sections.toml `kind`).
PIPELINE_KINDS = {
    "text-generation": "generative",
    "text2text-generation": "generative",
    "fill-mask": "encoder",
    "sentence-similarity": "embedding",
    "feature-extraction": "embedding",
    "text-ranking": "embedding",
    "image-text-to-text": "vision-language",
    "visual-question-answering": "vision-language",
    "text-to-image": "vision-language",
    "automatic-speech-recognition": "speech",
    "text-to-speech": "speech",
}

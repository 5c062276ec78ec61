"""render.jinja_env.DictEnvironment looks a plain dict's key up first: the same values as Jinja's own
environment gives for every `obj.name`, dict methods and missing keys included."""

from __future__ import annotations

from collections import OrderedDict

import pytest
from jinja2 import Environment, StrictUndefined, UndefinedError

from ja_llm.render.jinja_env import DictEnvironment

TEMPLATES = [
    "{{ d.name }}",
    "{{ d.items is callable }}|{{ d['items'] }}",  # a key named like a dict method: the method, as in Jinja
    "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
    "{{ d.get('name') }}|{{ d.nested.deeper }}",
    "{{ d.__class__.__name__ }}",
    "{{ o.name }}",  # not a plain dict: Jinja's own lookup
]


@pytest.mark.parametrize("source", TEMPLATES)
def test_the_same_as_jinja(source: str) -> None:
    data = {"name": "名前 <b>", "items": "a key", "nested": {"deeper": 1}}
    values = {"d": data, "o": OrderedDict(name="ordered")}
    ours = DictEnvironment(autoescape=True, undefined=StrictUndefined).from_string(source).render(**values)
    theirs = Environment(autoescape=True, undefined=StrictUndefined).from_string(source).render(**values)
    assert ours == theirs


def test_a_missing_key_is_still_undefined() -> None:
    template = DictEnvironment(undefined=StrictUndefined).from_string("{{ d.missing }}")
    with pytest.raises(UndefinedError):
        template.render(d={"name": "x"})

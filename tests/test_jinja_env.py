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


def test_templates_are_not_checked_for_changes_on_every_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The site's templates are ja-llm's code: once loaded, a page rendered again does not stat them (Jinja's
    auto_reload checks every template a page uses at every get_template: 4 stats an entry page)."""
    import os.path

    from ja_llm.catalog.load import load_catalog
    from ja_llm.catalog.location import shipped_catalog
    from ja_llm.search.records import build_records
    from ja_llm.site.build import SiteBuilder

    catalog = load_catalog(shipped_catalog())
    builder = SiteBuilder(catalog, build_records(catalog), None)
    jobs = [job for job in builder.jobs() if job.name.startswith(("entry/", "index/"))][:6]
    for job in jobs:
        job.render()
    checked: list[str] = []
    real = os.path.getmtime

    def getmtime(path: str | os.PathLike[str]) -> float:
        checked.append(str(path))
        return real(path)

    monkeypatch.setattr(os.path, "getmtime", getmtime)
    for job in jobs:
        job.render()
    assert [path for path in checked if path.endswith(".j2")] == []

"""What a long-running process keeps between its builds of one catalog (`ja-llm serve` updating the site after
each edit): outputs made from objects that the next build is given again unchanged are taken back instead of
being made again.

The next build gets the very same objects for what did not change: catalog.load.ParseMemo gives back the
model made of an unchanged file, and the build cache (site.build_cache) the search record of an unchanged entry
from memory. A value is kept with the objects it was made from and given back only when the caller passes
those very objects (`is`, not `==`: an edited entry's file gives a new model and a new record, a registry
edit new records for every entry), so a value is never stale; its other inputs (a language, a link's base)
are part of its key. A changed entry's value replaces the one under its key; `sweep` drops what was not asked
for since the last sweep (site.pipeline.prime_site sweeps after asking for every entry's values: those of
deleted entries go). An update asks only for what it makes again, so it does not sweep.

Only a process that builds again keeps one: a command's build makes each output once, and at 100,000 entries
the values (the rows of the index, the blocks of llms-full.txt) would take gigabytes.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Kept:
    def __init__(self) -> None:
        self._values: dict[Hashable, tuple[tuple[object, ...], tuple[object, ...], Any]] = {}
        self._asked: set[Hashable] = set()
        self.reused = 0

    def made(
        self, key: Hashable, sources: tuple[object, ...], make: Callable[[], T], values: tuple[object, ...] = ()
    ) -> T:
        """The value kept under `key` if it was made from these very `sources` (and equal `values`: inputs
        that are made again at each build, such as a digest or a title), else `make()` (then kept)."""
        found: T | None = self.find(key, sources, values)
        if found is not None:
            return found
        return self.keep(key, sources, make(), values)

    def find(self, key: Hashable, sources: tuple[object, ...], values: tuple[object, ...] = ()) -> Any:
        """The value kept under `key` if it was made from these very `sources` and equal `values`, else None
        (for a caller that makes the missing values together: `keep` them afterwards)."""
        self._asked.add(key)
        found = self._values.get(key)
        if (
            found is not None
            and len(found[0]) == len(sources)
            and all(map(operator.is_, found[0], sources))
            and found[1] == values
        ):
            self.reused += 1
            return found[2]
        return None

    def keep(self, key: Hashable, sources: tuple[object, ...], value: T, values: tuple[object, ...] = ()) -> T:
        """Keep `value` (not None) under `key`, made from `sources` and `values`; returns it."""
        self._asked.add(key)
        self._values[key] = (sources, values, value)
        return value

    def sweep(self) -> None:
        """Forget the values not asked for since the last sweep."""
        for key in self._values.keys() - self._asked:
            del self._values[key]
        self._asked = set()

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values

    def held(self) -> list[Hashable]:
        """The keys of the values kept."""
        return list(self._values)

"""A plan's records read back from its file: a frozen sequence that holds none of them.

`FileRecords` is what a plan read from a file (or written while planning) holds as its `changes`,
`skips` and `play_entries`. It knows how many records it has (the file's header says) and reads
them, one at a time, each time it is iterated: a plan of a million changes is shown or applied in
the memory of one. It compares equal to any sequence of the same records in the same order, so a
plan read back is the plan that was saved. Indexing reads up to the record asked for: it is there
for small plans and tests; code that handles a whole plan iterates it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar, overload

_T = TypeVar("_T")


class FileRecords(Sequence[_T]):
    """`count` records that `read()` yields afresh on every call, in plan order."""

    __slots__ = ("_count", "_read")

    def __init__(self, count: int, read: Callable[[], Iterator[_T]]) -> None:
        self._count = count
        self._read = read

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[_T]:
        return itertools.islice(self._read(), self._count)

    @overload
    def __getitem__(self, index: int) -> _T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[_T, ...]: ...

    def __getitem__(self, index: int | slice) -> _T | tuple[_T, ...]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            return tuple(itertools.islice(iter(self), start, stop, step))
        position = index + self._count if index < 0 else index
        if not 0 <= position < self._count:
            raise IndexError("plan record index out of range")
        return next(itertools.islice(iter(self), position, None))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        if len(other) != self._count:
            return False
        return all(mine == theirs for mine, theirs in zip(self, other, strict=True))

    def __hash__(self) -> int:  # equal to a tuple of the same records, so hashed alike
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"FileRecords({self._count} records)"


class EncodedRecords(FileRecords[_T]):
    """Records whose JSON form is at hand as it was encoded (`encoded()`): a plan's spool, written by this
    process, whose lines are the codec's own form of each record, so a view need not decode and encode them."""

    __slots__ = ("encoded",)

    def __init__(self, count: int, read: Callable[[], Iterator[_T]], encoded: Callable[[], Iterator[Any]]) -> None:
        super().__init__(count, read)
        self.encoded = encoded


def mapped(records: Sequence[Any], convert: Callable[[Any], _T]) -> Sequence[_T]:
    """`records` seen through `convert`, one at a time: a view's form of a plan's records, never all held."""
    return FileRecords(len(records), lambda: map(convert, records))

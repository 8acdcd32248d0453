"""Go's ``sort.Sort``, as kubectl 1.32 runs it (built with Go 1.23): pattern-defeating quicksort, not stable.

kubectl sorts with ``sort.Sort`` where its order shows: ``get --sort-by`` (``RuntimeSort`` and ``TableSorter`` in
``pkg/cmd/get/sorter.go``) and the events of ``describe`` (``event.SortableEvents``). Equal elements do not keep
their order once there are more than 12 of them (below that ``pdqsort`` is an insertion sort, which keeps it), and
kubectl's ``--sort-by`` comparison calls a missing value less than another missing value, so even the insertion
sort moves those. To print what kubectl prints, this is the same algorithm, comparison for comparison and swap for
swap: Go 1.23 ``src/sort/zsortinterface.go`` (``insertionSort``, ``heapSort``/``siftDown``, ``pdqsort``,
``partition``, ``partitionEqual``, ``partialInsertionSort``, ``breakPatterns``, ``choosePivot``, ``median``,
``medianAdjacent``, ``reverseRange``) and ``src/sort/sort.go`` (``Sort``, ``xorshift``, ``nextPowerOfTwo``).

``go_sort(items, less)`` sorts a list in place; ``less(a, b)`` is the ``Less`` of the elements (it may raise: the
sort stops there, as kubectl's ``klog.Exitf`` inside ``Less`` does).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

    Less = Callable[[Any, Any], bool]

_UNKNOWN_HINT, _INCREASING_HINT, _DECREASING_HINT = 0, 1, 2
_MASK64 = (1 << 64) - 1


def go_sort(items: list, less: "Less") -> None:
    """sort.Sort: ``pdqsort(data, 0, n, bits.Len(uint(n)))`` for n > 1."""
    n = len(items)
    if n <= 1:
        return
    _pdqsort(items, less, 0, n, n.bit_length())


def _insertion_sort(d: list, less: "Less", a: int, b: int) -> None:
    for i in range(a + 1, b):
        j = i
        while j > a and less(d[j], d[j - 1]):
            d[j], d[j - 1] = d[j - 1], d[j]
            j -= 1


def _sift_down(d: list, less: "Less", lo: int, hi: int, first: int) -> None:
    root = lo
    while True:
        child = 2 * root + 1
        if child >= hi:
            return
        if child + 1 < hi and less(d[first + child], d[first + child + 1]):
            child += 1
        if not less(d[first + root], d[first + child]):
            return
        d[first + root], d[first + child] = d[first + child], d[first + root]
        root = child


def _heap_sort(d: list, less: "Less", a: int, b: int) -> None:
    first, lo, hi = a, 0, b - a
    for i in range((hi - 1) // 2, -1, -1):
        _sift_down(d, less, i, hi, first)
    for i in range(hi - 1, -1, -1):
        d[first], d[first + i] = d[first + i], d[first]
        _sift_down(d, less, lo, i, first)


def _pdqsort(d: list, less: "Less", a: int, b: int, limit: int) -> None:
    max_insertion = 12
    was_balanced = True  # whether the last partitioning was reasonably balanced
    was_partitioned = True  # whether the slice was already partitioned
    while True:
        length = b - a
        if length <= max_insertion:
            _insertion_sort(d, less, a, b)
            return
        if limit == 0:  # too many bad pivot choices
            _heap_sort(d, less, a, b)
            return
        if not was_balanced:  # the last partitioning was imbalanced: break patterns
            _break_patterns(d, a, b)
            limit -= 1
        pivot, hint = _choose_pivot(d, less, a, b)
        if hint == _DECREASING_HINT:
            _reverse_range(d, a, b)
            pivot = (b - 1) - (pivot - a)
            hint = _INCREASING_HINT
        if was_balanced and was_partitioned and hint == _INCREASING_HINT:  # likely already sorted
            if _partial_insertion_sort(d, less, a, b):
                return
        if a > 0 and not less(d[a - 1], d[pivot]):  # many duplicates: elements equal to the pivot, then greater
            a = _partition_equal(d, less, a, b, pivot)
            continue
        mid, already_partitioned = _partition(d, less, a, b, pivot)
        was_partitioned = already_partitioned
        left_len, right_len = mid - a, b - mid
        balance_threshold = length // 8
        if left_len < right_len:
            was_balanced = left_len >= balance_threshold
            _pdqsort(d, less, a, mid, limit)
            a = mid + 1
        else:
            was_balanced = right_len >= balance_threshold
            _pdqsort(d, less, mid + 1, b, limit)
            b = mid


def _partition(d: list, less: "Less", a: int, b: int, pivot: int) -> tuple[int, bool]:
    d[a], d[pivot] = d[pivot], d[a]
    i, j = a + 1, b - 1
    while i <= j and less(d[i], d[a]):
        i += 1
    while i <= j and not less(d[j], d[a]):
        j -= 1
    if i > j:
        d[j], d[a] = d[a], d[j]
        return j, True
    d[i], d[j] = d[j], d[i]
    i += 1
    j -= 1
    while True:
        while i <= j and less(d[i], d[a]):
            i += 1
        while i <= j and not less(d[j], d[a]):
            j -= 1
        if i > j:
            break
        d[i], d[j] = d[j], d[i]
        i += 1
        j -= 1
    d[j], d[a] = d[a], d[j]
    return j, False


def _partition_equal(d: list, less: "Less", a: int, b: int, pivot: int) -> int:
    d[a], d[pivot] = d[pivot], d[a]
    i, j = a + 1, b - 1
    while True:
        while i <= j and not less(d[a], d[i]):
            i += 1
        while i <= j and less(d[a], d[j]):
            j -= 1
        if i > j:
            break
        d[i], d[j] = d[j], d[i]
        i += 1
        j -= 1
    return i


def _partial_insertion_sort(d: list, less: "Less", a: int, b: int) -> bool:
    max_steps = 5  # adjacent out-of-order pairs that will get shifted
    shortest_shifting = 50  # don't shift any elements on short arrays
    i = a + 1
    for _ in range(max_steps):
        while i < b and not less(d[i], d[i - 1]):
            i += 1
        if i == b:
            return True
        if b - a < shortest_shifting:
            return False
        d[i], d[i - 1] = d[i - 1], d[i]
        if i - a >= 2:  # shift the smaller one to the left (Go's loop runs down to index 1, not to a)
            j = i - 1
            while j >= 1:
                if not less(d[j], d[j - 1]):
                    break
                d[j], d[j - 1] = d[j - 1], d[j]
                j -= 1
        if b - i >= 2:  # shift the greater one to the right
            j = i + 1
            while j < b:
                if not less(d[j], d[j - 1]):
                    break
                d[j], d[j - 1] = d[j - 1], d[j]
                j += 1
    return False


def _xorshift_next(r: int) -> int:
    """Go 1.23's ``xorshift.Next`` (shifts 13, 17, 5 on a uint64; Go 1.24 changed them, golang/go#70144)."""
    r ^= (r << 13) & _MASK64
    r ^= r >> 17
    r ^= (r << 5) & _MASK64
    return r


def _break_patterns(d: list, a: int, b: int) -> None:
    length = b - a
    if length >= 8:
        random = length  # xorshift(length)
        modulus = 1 << length.bit_length()  # nextPowerOfTwo
        idx = a + (length // 4) * 2 - 1
        while idx <= a + (length // 4) * 2 + 1:
            random = _xorshift_next(random)
            other = random & (modulus - 1)
            if other >= length:
                other -= length
            d[idx], d[a + other] = d[a + other], d[idx]
            idx += 1


def _choose_pivot(d: list, less: "Less", a: int, b: int) -> tuple[int, int]:
    shortest_ninther = 50
    max_swaps = 4 * 3
    n = b - a
    swaps = [0]
    i = a + n // 4 * 1
    j = a + n // 4 * 2
    k = a + n // 4 * 3
    if n >= 8:
        if n >= shortest_ninther:  # Tukey ninther
            i = _median_adjacent(d, less, i, swaps)
            j = _median_adjacent(d, less, j, swaps)
            k = _median_adjacent(d, less, k, swaps)
        j = _median(d, less, i, j, k, swaps)
    if swaps[0] == 0:
        return j, _INCREASING_HINT
    if swaps[0] == max_swaps:
        return j, _DECREASING_HINT
    return j, _UNKNOWN_HINT


def _order2(d: list, less: "Less", a: int, b: int, swaps: list) -> tuple[int, int]:
    if less(d[b], d[a]):
        swaps[0] += 1
        return b, a
    return a, b


def _median(d: list, less: "Less", a: int, b: int, c: int, swaps: list) -> int:
    a, b = _order2(d, less, a, b, swaps)
    b, c = _order2(d, less, b, c, swaps)
    a, b = _order2(d, less, a, b, swaps)
    return b


def _median_adjacent(d: list, less: "Less", a: int, swaps: list) -> int:
    return _median(d, less, a - 1, a, a + 1, swaps)


def _reverse_range(d: list, a: int, b: int) -> None:
    i, j = a, b - 1
    while i < j:
        d[i], d[j] = d[j], d[i]
        i += 1
        j -= 1

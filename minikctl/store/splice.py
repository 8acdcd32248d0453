"""A text made by splicing rather than by the store's encoder, checked once.

Several writers make an object's stored text from texts they kept (a pod's old text with a new resourceVersion and
status, a template's text with a pod's own values, a twin's text with its own tokens) rather than encode the
object whole again. Each such splice is exact by construction, and one comparison keeps that true in practice:
the first text a splice makes is compared with what the general way gives (the store's encoder, ``db._dumps``, or
a comparison of the splice's own); equal, the splice is trusted from then on; different, it is given up for good
and the general way is taken. ``Checked`` is that decision, one per splice (a scheduler's status texts, a
template's encoding, a status twin's model)."""

from __future__ import annotations

from minikctl.store.db import _dumps


class Checked:
    """One splice's check: ``state`` 0 before its first comparison, 1 trusted, -1 given up."""

    __slots__ = ("state",)

    def __init__(self) -> None:
        self.state = 0

    @property
    def off(self) -> bool:
        """Given up: the general way, without making the splice."""
        return self.state < 0

    def passes(self, same) -> bool:
        """Whether the splice's output may be used: it is trusted, or this is its first use and ``same()`` (the
        comparison with the general way) says so; a first comparison that fails gives it up for good."""
        state = self.state
        if state == 0:
            state = self.state = 1 if same() else -1
        return state > 0

    def text(self, spliced: str, obj) -> str:
        """The store's text of ``obj``, whose splice is ``spliced``: the splice once trusted, else the encoder's own
        (the first time compared with the splice, which decides)."""
        if self.state > 0:
            return spliced
        plain = _dumps(obj)
        if self.state == 0:
            self.state = 1 if spliced == plain else -1
        return plain

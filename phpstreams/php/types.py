"""The objects PHP code handles: ``Ref`` (a by-reference slot) and the resources."""

from __future__ import annotations

from ..core.ref import Ref
from ..core.resources import ContextResource
from ..core.stream import StreamResource

__all__ = ["ContextResource", "Ref", "StreamResource"]

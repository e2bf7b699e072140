"""Per-run placeholder values and their reverse mapping for normalization.

Each run (PHP, then Python) gets its own peer, hence its own port numbers and
temporary paths.  Rendering fills ``{port}``-style placeholders with the actual
values; normalization maps every actual value found in the records back to its
placeholder, so the two runs compare equal.  Derived ints (``pint("port") + 65536``)
register their own reverse mapping (``{port+65536}``) when they are resolved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ._scenario import Cat, PInt

__all__ = ["Placeholders", "literal_replacement"]


def literal_replacement(text: str) -> Callable[[re.Match[str]], str]:
    """A re.sub replacement that inserts ``text`` verbatim (no backslash processing)."""
    return lambda _match: text


@dataclass
class Placeholders:
    host: str = "127.0.0.1"
    port: int | None = None
    port2: int | None = None
    path: str | None = None
    tmp: str | None = None
    derived: dict[int, str] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        out = {"host": self.host}
        for name in ("port", "port2", "path", "tmp"):
            value = getattr(self, name)
            if value is not None:
                out[name] = str(value)
        return out

    def fill(self, text: str) -> str:
        """str.format-style substitution; a placeholder the peer lacks is an error."""
        try:
            return text.format_map(self.values())
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"cannot fill placeholders in {text!r}: {exc!r}") from exc

    def resolve_int(self, node: PInt) -> int:
        base = getattr(self, node.name)
        if base is None:
            raise ValueError(f"this peer has no {{{node.name}}}")
        value = int(base) + node.offset
        if node.offset:
            sign = "+" if node.offset > 0 else "-"
            self.derived[value] = f"{{{node.name}{sign}{abs(node.offset)}}}"
        return value

    def concat(self, node: Cat) -> str:
        return "".join(
            self.fill(part) if isinstance(part, str) else str(self.resolve_int(part))
            for part in node.parts
        )

    def reverse(self) -> list[tuple[re.Pattern[str], str]]:
        """(pattern of an actual value, its placeholder), longest value first."""
        pairs: list[tuple[str, str, bool]] = []
        for name in ("path", "tmp"):
            value = getattr(self, name)
            if value:
                pairs.append((str(value), f"{{{name}}}", False))
        for name in ("port", "port2"):
            value = getattr(self, name)
            if value is not None:
                pairs.append((str(value), f"{{{name}}}", True))
        for number, label in self.derived.items():
            pairs.append((str(number), label, True))
        pairs.sort(key=lambda p: len(p[0]), reverse=True)
        out = []
        for text, label, numeric in pairs:
            body = re.escape(text)
            if numeric:
                body = rf"(?<!\d){body}(?!\d)"
            out.append((re.compile(body), label))
        return out

    def unfill(self, text: str) -> str:
        for pattern, label in self.reverse():
            text = pattern.sub(literal_replacement(label), text)
        return text

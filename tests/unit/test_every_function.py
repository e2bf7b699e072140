"""Every public function goes through the one argument layer: called with an
argument of a type PHP refuses (or one argument too many), each answers with
PHP's TypeError text before doing anything."""

from __future__ import annotations

import re

import pytest

import phpstreams
from phpstreams import Ref
from phpstreams.core.coercion import ArgumentCountError

# the lower-case names that are PHP functions (php_user_filter and stdClass are PHP classes)
FUNCTIONS = sorted(
    n
    for n in phpstreams.__all__
    if n[0].islower() and n != "silence" and not isinstance(getattr(phpstreams, n), type)
)


def test_every_function_has_its_signature() -> None:
    for name in FUNCTIONS:
        assert hasattr(getattr(phpstreams, name), "__php_signature__"), name


@pytest.mark.parametrize("name", FUNCTIONS)
def test_a_refused_argument_is_phps_type_error(name: str) -> None:
    function = getattr(phpstreams, name)
    signature = function.__php_signature__
    first = signature.parameters[0] if signature.parameters else None
    if name == "stream_is_local":
        # PHP takes any zval here and converts it: php -n prints the warning, then true
        with pytest.warns(phpstreams.PHPWarning, match="^Array to string conversion$"):
            assert function([]) is True
        return
    if first is None or first.type_text() in ("mixed", "") or (first.by_ref and not first.members):
        # nothing PHP refuses for the first argument: one argument too many
        count = len(signature.parameters)
        required = sum(not p.optional and not p.variadic for p in signature.parameters)
        args = [None] * (count + 1)
        with pytest.raises(ArgumentCountError, match=rf"^{name}\(\) expects "):
            function(*args)
        assert required <= count
        return
    wrong: object = 42 if "array" in first.members else []
    given = "int" if wrong == 42 else "array"
    # never reached: the first argument fails first (a by-ref one gets its Ref,
    # which PHP's engine checks as the call is sent)
    rest = [
        Ref() if p.by_ref and not p.members else None
        for p in signature.parameters[1:]
        if not p.optional and not p.variadic
    ]
    text = f"{name}(): Argument #1 (${first.name}) must be "
    with pytest.raises(TypeError, match="^" + re.escape(text)) as caught:
        function(wrong, *rest)
    assert str(caught.value).endswith(f", {given} given") or "valid callback" in str(caught.value)

"""Files catalogue: the file-like stream calls on sockets (plain, unix, TLS) and the
non-socket streams socket code mixes in -- php://memory, php://temp, local files,
php://stdin/stdout/output/input/fd -- file_get_contents/file_put_contents,
stream_copy_to_stream and fpassthru.

Every scenario names the PHP 8.2 behaviour it pins (``doc``); what PHP does is what
real PHP records. Paths are in ``{tmp}``, the peer's private folder; fpassthru and
php://output are compared through the engine's ``output`` capture.
"""

from __future__ import annotations

from .._scenario import Scenario
from ._files_copy import COPY, PASSTHRU
from ._files_memory import MEMORY, TEMP
from ._files_more import MORE
from ._files_plain import CONTENTS, FILES, PHP_STREAMS
from ._files_sockets import SOCKETS, TLS

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [
    *SOCKETS,
    *TLS,
    *MEMORY,
    *TEMP,
    *FILES,
    *CONTENTS,
    *PHP_STREAMS,
    *COPY,
    *PASSTHRU,
    *MORE,
]

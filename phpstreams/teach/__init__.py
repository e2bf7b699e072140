"""Teaching tools: ``explain`` (how PHP reads an address, a crypto method, a context)
and ``apidoc`` (docs/api.md from the code's own signatures and docstrings).

This layer sits above the facade: it may import ``php/``, ``core/`` and ``tls/`` to
compute its answers with the library's own parsers and tables, and nothing imports it.
"""

"""reportlab's settings pinned to its shipped defaults while a PDF is made.

reportlab reads ``~/.reportlab_settings``, a ``reportlab_settings`` module and ``RL_*`` environment variables
at import; any of them (``pageCompression=0``, say) would change the bytes of every PDF, so two users would
not get identical files. The defaults are restored for the duration of a render and the user's values put
back afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from reportlab import rl_config, rl_settings

_SHIPPED: dict[str, Any] = {name: getattr(rl_settings, name) for name in rl_settings.__all__}


@contextlib.contextmanager
def shipped_settings() -> Iterator[None]:
    """Run the body with every reportlab setting at its shipped default."""
    missing = object()
    saved = {name: getattr(rl_config, name, missing) for name in _SHIPPED}
    changed = [name for name, value in _SHIPPED.items() if saved[name] is missing or saved[name] != value]
    for name in changed:
        setattr(rl_config, name, _SHIPPED[name])
    try:
        yield
    finally:
        for name in changed:
            if saved[name] is missing:
                delattr(rl_config, name)
            else:
                setattr(rl_config, name, saved[name])

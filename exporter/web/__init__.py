"""``exporter serve``: a web page and an HTTP API over the same conversions (the ``[web]`` extra)."""

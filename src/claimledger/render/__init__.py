"""Rendering: everything people read or other tools import, from data the other layers computed.

- :mod:`.text`: grades and summaries as terminal text, CSV, JSON, Markdown;
- :mod:`.checks`: ``claimledger check`` results as text, JSON and a highlighted HTML draft;
- :mod:`.pages`: the report's front page and claim-audit cards; :mod:`.explorer`: the claim explorer;
- :mod:`.plots`: matplotlib figures (returned, never shown); :mod:`.notebooks`: executing notebooks;
- :mod:`.exports`: ClaimReview, BibTeX, CSL-JSON, CSV, each one module in a registry.

HTML always comes from the Jinja2 templates in ``claimledger/templates`` (autoescape on).
"""

"""The Jinja2 environment every HTML page and notebook display is rendered with.

Templates and CSS live in ``claimledger/templates/`` (package data), never in
Python strings. Autoescaping is on for every template, so text from a ledger,
a draft or a server is always escaped; nothing is marked safe except JSON that
:func:`script_json` has made safe for a ``<script>`` element. Links go through
the ``href`` filter, which lets only http(s) URLs through: anything else
(``javascript:``, ``data:``, a relative path from a CSV cell) renders as
plain text.
"""
from __future__ import annotations

import json
from functools import lru_cache

import jinja2
from markupsafe import Markup

from .citations import safe_url

TEMPLATES = "claimledger"


def script_json(data) -> Markup:
    """JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` escaped, so ``</script>`` cannot occur."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _label(value) -> str:
    """``weak_or_indirect`` -> ``weak or indirect``."""
    return "" if value is None else str(value).replace("_", " ")


def plural(n: int, word: str, plural: str | None = None) -> str:
    """``1 document``, ``2 documents``."""
    return f"{n} {word if n == 1 else (plural or word + 's')}"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The shared environment: package templates, autoescape on, strict undefined, the project's filters."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(TEMPLATES, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(href=safe_url, label=_label, script_json=script_json)
    env.globals.update(plural=plural)
    return env


def render(template: str, **context) -> str:
    """Render one template of ``claimledger/templates`` with ``context``."""
    return environment().get_template(template).render(**context)


def static(name: str) -> str:
    """The text of a static file (CSS, JavaScript) in ``claimledger/templates``, to inline in a page."""
    return environment().loader.get_source(environment(), name)[0]

"""Tables for notebooks: text left-aligned, no index, and a sentence instead of an empty table."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from ..templating import render


@dataclass
class Message:
    """What a notebook shows instead of an empty table: a sentence saying why there is nothing."""

    text: str

    def _repr_html_(self) -> str:
        return render("message.html.j2", text=self.text)

    def __repr__(self) -> str:
        return self.text


def table(frame: pd.DataFrame, empty: str = "No rows to show.", max_rows: int = 200):
    """``frame`` for display in a notebook: text columns left-aligned (long text reads from the left), numbers
    right-aligned, missing values blank, no index; or ``empty`` as a sentence when it has no rows.

    Examples
    --------
    >>> import pandas as pd
    >>> table(pd.DataFrame(columns=["claim_id"]), empty="No claims yet.")
    No claims yet.
    """
    if frame is None or frame.empty:
        return Message(empty)
    shown = frame.head(max_rows).reset_index(drop=True)
    text_cols = [c for c in shown.columns if not pd.api.types.is_numeric_dtype(shown[c]) or pd.api.types.is_bool_dtype(shown[c])]
    # escape="html": ledger text is data, never markup. The id comes from the content, so the same table gives the
    # same HTML on every run (Styler's default id is random).
    uid = hashlib.sha256(shown.to_csv().encode("utf-8")).hexdigest()[:10]
    styler = shown.style.set_uuid(uid).hide(axis="index").format(na_rep="", precision=2, escape="html")
    styler = styler.format_index(escape="html", axis=1)
    styler = styler.set_properties(subset=text_cols, **{"text-align": "left", "white-space": "normal"})
    return styler.set_table_styles([{"selector": "th", "props": "text-align: left; vertical-align: bottom"}])

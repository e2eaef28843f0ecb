# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
# ---

# %% [markdown]
# # 04 Efficacy synthesis: how large are the reported effects?
#
# Where two or more comparable estimates exist (same claim, measure and scale, comparator
# and outcome, from independent bodies of evidence) they are pooled with a random-effects
# model (REML, checked against metafor in the tests); otherwise the reported estimates
# are shown as they are, with the reason they were not pooled. Reviews that pool largely
# the same trials count once.

# %%
from IPython.display import display

import claimledger
from claimledger import grading, plots

# %% tags=["parameters"]
root = ".."
claim_ids = ["relieves-sciatica-pain", "decreases-daily-pain", "point-specificity"]

# %%
ledger = claimledger.load(root)
estimates = grading.effect_estimates(ledger.links, ledger.citations)
pooled = grading.pool_comparable(estimates)
notes = grading.pooling_notes(estimates)
claimledger.table(estimates[["claim_id", "citation_id", "panel", "estimate", "ci_low", "ci_high", "comparator", "outcome"]])

# %% [markdown]
# Which groups of comparable estimates were pooled, and why the others were not:

# %%
claimledger.table(notes)

# %%
claimledger.table(pooled, empty="No group has two independent comparable estimates: nothing was pooled (the table above says why).")

# %%
for figure in plots.forests(estimates, pooled, notes, claim_ids).values():
    display(figure)

# %% [markdown]
# Nothing pools: each claim's estimates differ in scale, comparator or outcome, and the
# reviews against medication pool overlapping small trials (low certainty). The one large
# sham-controlled trial reports a 16 mm leg-pain difference on a 100 mm scale; estimates
# whose source does not state the scale get a panel of their own rather than share an axis.

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
# Where two or more comparable estimates exist (same claim, measure, comparator and
# outcome, from independent bodies of evidence) they are pooled with a random-effects
# model (REML, checked against metafor in the tests); otherwise the reported estimates
# are shown as they are. Reviews that pool largely the same trials count once.

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
estimates[["claim_id", "citation_id", "measure", "estimate", "ci_low", "ci_high", "comparator", "outcome"]]

# %% [markdown]
# Pooled groups (empty when no two independent, comparable estimates exist):

# %%
pooled

# %%
for claim_id in claim_ids:
    sel = estimates[estimates["claim_id"] == claim_id]
    if len(sel):
        display(plots.forest(sel, pooled[pooled["claim_id"] == claim_id], title=f"{claim_id}: reported estimates"))

# %% [markdown]
# Estimates against medication come from reviews of mostly small trials (low certainty),
# while the one large sham-controlled trial reports a 16 mm leg-pain difference on a
# 100 mm scale. Different measures sit on different panels because their scales differ.

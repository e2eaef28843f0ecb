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
# # 02 Evidence map: what kind of evidence stands behind each claim?
#
# Each claim (grouped by category) against the designs of the studies cited for it, in
# evidence-hierarchy order, shaped and coloured by what the study says about the claim;
# then the cited evidence by publication year.

# %%
import claimledger
from claimledger import plots

# %% tags=["parameters"]
root = ".."

# %%
ledger = claimledger.load(root)

# %%
plots.evidence_map(ledger)

# %% [markdown]
# Links by directness and stance:

# %%
claimledger.table(ledger.links.groupby(["directness", "stance"], observed=True).size().unstack(fill_value=0).reset_index())

# %%
plots.evidence_by_year(ledger)

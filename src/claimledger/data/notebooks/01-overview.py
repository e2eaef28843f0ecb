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
# # 01 Overview: what do the documents claim?
#
# Which claims does each audited document make, in which categories, and how are the
# verdicts distributed? Everything is computed by the `claimledger` package; this
# notebook only calls it and shows the results.

# %%
import claimledger
from claimledger import plots

# %% tags=["parameters"]
root = ".."

# %%
ledger = claimledger.load(root)
ledger

# %% [markdown]
# Claims by category:

# %%
summary = ledger.summary()
claimledger.table(summary["by_category"])

# %% [markdown]
# Mentions (places a document makes a claim) and distinct claims per document:

# %%
claimledger.table(summary["by_document"])

# %%
plots.claims_by_document(ledger)

# %%
grades = ledger.grades()
plots.verdict_distribution(grades)

# %% [markdown]
# Claims about the intervention and background facts are counted apart. Verdicts follow
# the rules in claimledger's `docs/grading.md`; notebook 03 gives the reason for each.

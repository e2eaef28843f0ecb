"""Summary of Findings certainty as FHIR: one ``ArtifactAssessment`` per claim, in a ``collection`` Bundle.

Each resource follows the CertaintyOfEvidence profile of the HL7 FHIR Evidence Based Medicine implementation guide
(``http://hl7.org/fhir/uv/ebm/StructureDefinition/certainty-of-evidence``, a profile of the FHIR R5
ArtifactAssessment resource): a ``content`` entry naming the rating system (GRADE), and a ``content`` entry of type
``Overall`` whose classifier is the certainty (high, moderate, low, very-low) with one ``component`` per GRADE
domain, its type from the ``certainty-type`` code system and its judgement from ``certainty-rating`` (no-concern,
serious-concern, very-serious-concern for the reasons to rate down; absent, upcode1, upcode2 for the reasons to rate
up). A domain nobody could assess has no classifier and says so in its summary; a domain judged by a person names
the assessor as the component's author. ``tests/test_sof.py`` validates the output with ``fhir.resources`` (R5).
"""
from __future__ import annotations

import hashlib
import json

from ...grading.domains import NOT_ASSESSED
from ...writers.reports import ClaimReports

PROFILE = "http://hl7.org/fhir/uv/ebm/StructureDefinition/certainty-of-evidence"
CERTAINTY_TYPE = "http://terminology.hl7.org/CodeSystem/certainty-type"
CERTAINTY_RATING = "http://terminology.hl7.org/CodeSystem/certainty-rating"
RATING_SYSTEM_TYPE = {"system": "https://fevir.net/resources/CodeSystem/179423", "code": "rating-system", "display": "Rating System"}
"""The type the profile fixes for its ratingSystem content slice."""
GRADE = {"system": "http://hl7.org/fhir/uv/ebm/CodeSystem/evidence-rating-system-classifier-codesystem", "code": "GRADE", "display": "GRADE"}

DOMAIN_CODE = {"risk_of_bias": ("RiskOfBias", "Risk of bias"), "inconsistency": ("Inconsistency", "Inconsistency"),
               "indirectness": ("Indirectness", "Indirectness"), "imprecision": ("Imprecision", "Imprecision"),
               "publication_bias": ("PublicationBias", "Publication bias"), "large_effect": ("LargeEffect", "Large effect"),
               "dose_response": ("DoseResponseGradient", "Dose response gradient"),
               "plausible_confounding": ("PlausibleConfounding", "Plausible confounding")}
"""Our domain -> its code and display in the certainty-type code system."""
RATING_CODE = {"high": ("high", "High quality"), "moderate": ("moderate", "Moderate quality"), "low": ("low", "Low quality"),
               "very_low": ("very-low", "Very low quality"), "no_concern": ("no-concern", "no serious concern"),
               "serious": ("serious-concern", "serious concern"), "very_serious": ("very-serious-concern", "very serious concern"),
               "none": ("absent", "absent"), "up_one": ("upcode1", "increase rating: +1"), "up_two": ("upcode2", "increase rating: +2")}
"""Our certainty or judgement -> its code and display in the certainty-rating code system."""


def fhir_id(claim_id: str) -> str:
    """A FHIR resource id (letters, digits, ``-`` and ``.``, at most 64): the claim id, shortened with a hash if longer."""
    if len(claim_id) <= 64:
        return claim_id
    return claim_id[:55].rstrip("-") + "-" + hashlib.sha256(claim_id.encode()).hexdigest()[:8]


def _concept(system: str, pair: tuple[str, str]) -> dict:
    return {"coding": [{"system": system, "code": pair[0], "display": pair[1]}]}


def _component(row: dict, assessor: str) -> dict:
    component = {"informationType": "rating", "summary": row["reason"], "type": _concept(CERTAINTY_TYPE, DOMAIN_CODE[row["domain"]])}
    if row["judgement"] != NOT_ASSESSED:
        component["classifier"] = [_concept(CERTAINTY_RATING, RATING_CODE[row["judgement"]])]
    elif not row["reason"].lower().startswith("not assessed"):
        component["summary"] = f"Not assessed: {row['reason']}"
    if row["source"] == "assessor":
        component["author"] = {"display": assessor or "assessor"}
    return component


def artifact_assessment(sof) -> dict:
    """One claim's :class:`~claimledger.grading.sof.SummaryOfFindings` as a CertaintyOfEvidence ArtifactAssessment."""
    overall = {"informationType": "rating", "summary": f"{sof.plain_language} {sof.certainty_note}".strip(),
               "type": _concept(CERTAINTY_TYPE, ("Overall", "Overall certainty"))}
    if sof.certainty:
        overall["classifier"] = [_concept(CERTAINTY_RATING, RATING_CODE[sof.certainty])]
    overall["component"] = [_component(row, sof.assessors.get(row["domain"], "")) for row in sof.domains.to_dict("records")]
    return {
        "resourceType": "ArtifactAssessment",
        "id": fhir_id(sof.claim_id),
        "meta": {"profile": [PROFILE]},
        "title": f"Certainty of evidence: {sof.statement}",
        "artifactReference": {"display": f"Body of evidence for claim {sof.claim_id}: {sof.statement}"},
        "content": [{"informationType": "classifier", "summary": "GRADE rating system", "type": {"coding": [RATING_SYSTEM_TYPE]},
                     "classifier": [{"coding": [GRADE]}]}, overall],
    }


def export(ledger, reports: ClaimReports | None = None) -> str:
    """Every claim's certainty as a FHIR Bundle (type ``collection``) of ArtifactAssessment resources."""
    ids = ledger.claims["claim_id"].astype(str).tolist()
    entries = [{"resource": artifact_assessment(ledger.summary_of_findings(c))} for c in ids]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"



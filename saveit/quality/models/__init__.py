"""Quality records of the provider (SPEC §11): frameworks, self-assessment, registers, surveys,
complaints, improvement actions and audits. Every row belongs to the provider organisation."""

from .audits import Audit, NonConformity
from .complaints import Complaint, ImprovementAction
from .frameworks import Assessment, Criterion, Evidence, Framework, Indicator, ProviderProfile
from .registers import (
    AccessibilityCheck,
    Accommodation,
    DisabilityReferent,
    OfferSheet,
    OfferSheetVersion,
    StaffCompetence,
    Subcontractor,
    WatchEntry,
)
from .surveys import SurveyAnswer, SurveyRequest

__all__ = [
    "AccessibilityCheck",
    "Accommodation",
    "Assessment",
    "Audit",
    "Complaint",
    "Criterion",
    "DisabilityReferent",
    "Evidence",
    "Framework",
    "ImprovementAction",
    "Indicator",
    "NonConformity",
    "OfferSheet",
    "OfferSheetVersion",
    "ProviderProfile",
    "StaffCompetence",
    "Subcontractor",
    "SurveyAnswer",
    "SurveyRequest",
    "WatchEntry",
]

from .activity import Activity, Attempt, LinkRequest, SignInLink
from .assignment import Assignment, RecertificationCampaign
from .people import Learner, Population, PopulationImport, PopulationMember

__all__ = [
    "Activity",
    "Assignment",
    "Attempt",
    "Learner",
    "LinkRequest",
    "Population",
    "PopulationImport",
    "PopulationMember",
    "RecertificationCampaign",
    "SignInLink",
]

from .activity import Activity, Attempt, SignInLink
from .assignment import Assignment, RecertificationCampaign
from .people import Learner, Population, PopulationImport, PopulationMember

__all__ = [
    "Activity",
    "Assignment",
    "Attempt",
    "Learner",
    "Population",
    "PopulationImport",
    "PopulationMember",
    "RecertificationCampaign",
    "SignInLink",
]

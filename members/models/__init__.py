"""Models of members, the development pipeline, dues and commendations."""

from .development import STAGE_DATES, Applicant, DevelopmentQuota, Stage
from .members import (
    Education,
    EndReason,
    EventKind,
    Gender,
    Member,
    MemberCategory,
    MembershipEvent,
    MemberStatus,
    PioneerPost,
    PostKind,
    add_years,
)
from .records import PERSONAL_COMMENDATIONS, Commendation, CommendationKind, DuesPayment

__all__ = [
    "PERSONAL_COMMENDATIONS",
    "STAGE_DATES",
    "Applicant",
    "Commendation",
    "CommendationKind",
    "DevelopmentQuota",
    "DuesPayment",
    "Education",
    "EndReason",
    "EventKind",
    "Gender",
    "Member",
    "MemberCategory",
    "MemberStatus",
    "MembershipEvent",
    "PioneerPost",
    "PostKind",
    "Stage",
    "add_years",
]

"""The data model, split by business area. Import from here."""

from webapp.models.audit import AuditEvent
from webapp.models.cases import (
    ApplicationType,
    Case,
    Child,
    CourtApplication,
    Incident,
    IncidentCause,
    IncidentKind,
    LawType,
    PersonAffected,
    ProceedingsStatus,
)
from webapp.models.reviews import Review, ReviewState, ReviewTransition, Task, TaskKind, TaskStatus
from webapp.models.types import utcnow
from webapp.models.users import ROLE_LABELS, OperationalArea, Role, User, UserRole

__all__ = [
    "ROLE_LABELS",
    "ApplicationType",
    "AuditEvent",
    "Case",
    "Child",
    "CourtApplication",
    "Incident",
    "IncidentCause",
    "IncidentKind",
    "LawType",
    "OperationalArea",
    "PersonAffected",
    "ProceedingsStatus",
    "Review",
    "ReviewState",
    "ReviewTransition",
    "Role",
    "Task",
    "TaskKind",
    "TaskStatus",
    "User",
    "UserRole",
    "utcnow",
]

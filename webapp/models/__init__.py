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
from webapp.models.notifications import (
    Notification,
    NotificationStatus,
    SupportMeeting,
    SupportPlan,
    TaskEscalation,
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
    "Notification",
    "NotificationStatus",
    "OperationalArea",
    "PersonAffected",
    "ProceedingsStatus",
    "Review",
    "ReviewState",
    "ReviewTransition",
    "Role",
    "SupportMeeting",
    "SupportPlan",
    "Task",
    "TaskEscalation",
    "TaskKind",
    "TaskStatus",
    "User",
    "UserRole",
    "utcnow",
]

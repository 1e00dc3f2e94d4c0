"""The case review procedure as durable-rules rulesets, the deadlines policy and working days."""

from rules.calendar import add_working_days, due_date, is_working_day, working_days_between
from rules.errors import InvalidFacts, RulesEngineError
from rules.incident import evaluate_incident
from rules.policy import Escalation, Policy, PolicyError, load_policy

__all__ = [
    "Escalation",
    "InvalidFacts",
    "Policy",
    "PolicyError",
    "RulesEngineError",
    "add_working_days",
    "due_date",
    "evaluate_incident",
    "is_working_day",
    "load_policy",
    "working_days_between",
]

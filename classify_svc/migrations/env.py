"""Alembic environment of the classify service."""

from chassis.migrations import run_env
from classify_svc.tables import ClassifyBase

run_env(ClassifyBase.metadata)

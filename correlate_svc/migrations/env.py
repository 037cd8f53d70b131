"""Alembic environment of the correlate service."""

from chassis.migrations import run_env
from correlate_svc.tables import CorrelateBase

run_env(CorrelateBase.metadata)

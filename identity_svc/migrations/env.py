"""Alembic environment of the identity service."""

from chassis.migrations import run_env
from identity_svc.tables import IdentityBase

run_env(IdentityBase.metadata)

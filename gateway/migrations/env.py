"""Alembic environment of the gateway."""

from chassis.migrations import run_env
from gateway.tables import GatewayBase

run_env(GatewayBase.metadata)

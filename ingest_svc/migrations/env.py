"""Alembic environment of the ingest service."""

from chassis.migrations import run_env
from ingest_svc.tables import IngestBase

run_env(IngestBase.metadata)

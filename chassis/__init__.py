"""Shared infrastructure of the Conflux services, one module per concept.

The chassis never imports a service. Services import what they need from its modules:

- ``config``: settings from environment variables, validated at start-up;
- ``errors``: the domain error tree and its mapping to gRPC status with ``google.rpc`` details;
- ``interceptors``: error mapping, authentication and per-method metrics on every server;
- ``telemetry``: OpenTelemetry configured from ``OTEL_*`` variables, logs carrying the trace id;
- ``database``: SQLAlchemy engines and sessions; ``migrations``: Alembic per service;
- ``channels``: client channels to the other services;
- ``health``: dependency probes feeding the standard health service;
- ``server``: the gRPC server lifecycle (health, reflection, TLS, drain on SIGTERM);
- ``workers``: bounded pools for blocking and CPU-bound work, off the event loop;
- ``pagination``: opaque page tokens; ``timestamps``: protobuf time conversions;
- ``search``: the search-engine interface and its adapters.
"""

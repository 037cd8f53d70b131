"""``python -m conflux_cli`` runs the ``conflux`` command."""

from conflux_cli.main import main

main()

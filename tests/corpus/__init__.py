"""Sweeps over the public data in ``../shared/data`` (the ``corpus`` tier, outside CI)."""

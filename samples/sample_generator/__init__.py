"""Builders of the bundled samples: referential, labelled set and inbox (see ../README.md)."""

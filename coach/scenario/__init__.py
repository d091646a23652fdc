"""Scenario files: the format (``model``), branch conditions (``conditions``),
loading with positioned diagnostics (``loader``), static checks (``validate``)
and discovery of shipped and user scenarios (``library``)."""

"""Incident briefs: the facts of the user's own incident, for rehearsing it.

A brief is a small YAML file (``model``, ``loader``) kept in the user data
directory (``store``). It fills a scenario's placeholders and the scorer's
checks against the brief (``facts``), picks the scenario to rehearse
(``match``), says what the brief cannot answer yet (``readiness``), and after a
session drafts the written update (``followup``). No UI lives here.
"""

"""The rehearsal engine: a pure, deterministic, resumable state machine.

``states`` lists the session states and every allowed transition; ``transcript``
is the saved record; ``session`` plays a scenario answer by answer; ``debrief``
turns a transcript into scores, improvements and model answers; ``answers_file``
reads headless answer files; ``playtest`` walks scenarios with generated answers.
"""

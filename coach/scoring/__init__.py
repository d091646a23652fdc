"""The answer scorer: pure functions, no UI.

``scorer.score_answer`` analyses one answer; ``result`` holds the result models;
``names`` is the vocabulary of elements, dimensions and flag codes; the rules and
lexicons live as data in ``data/``.
"""

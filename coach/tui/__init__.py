"""The Textual app: Home, Prep, Rehearsal, Debrief, Help (and History, from the store).

Nothing here decides anything about a rehearsal: screens call the engine
(:mod:`coach.engine`), the scorer through it, and the store (:mod:`coach.store`),
and only show what they return. Importing this package is free; the app and
its screens import Textual, pydantic and the engine lazily so the first paint
of Home stays close to a bare Textual app's.
"""

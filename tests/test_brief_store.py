"""Saving a brief from the form over a file written by hand or from the template:
the form writes its own layout, so the original (comments and all) is kept as
NAME.yaml.bak beside it, which ``coach brief list`` never lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.brief.loader import load_brief_text
from coach.brief.store import BriefStore, dump, template
from coach.cli import main
from coach.errors import CoachError

HAND_WRITTEN = """\
# Written by hand the night before the meeting.
system: the payments gateway   # the EU one, not the US one
cause_status: suspected
cause: an expired certificate
"""


@pytest.fixture
def store(tmp_path: Path) -> BriefStore:
    return BriefStore(tmp_path / "data")


def test_a_hand_written_file_is_kept_as_a_backup_when_the_form_saves_over_it(
    store: BriefStore,
) -> None:
    path = store.save_text("payments", HAND_WRITTEN)
    assert store.rewrites("payments")
    edited = load_brief_text(HAND_WRITTEN).model_copy(update={"system": "the card gateway"})
    assert store.save("payments", edited, overwrite=True) == path
    backup = store.backup_path("payments")
    assert backup == path.with_name("payments.yaml.bak")
    assert backup.read_text(encoding="utf-8") == HAND_WRITTEN
    assert path.read_text(encoding="utf-8") == dump(edited)
    # Now the file is in the form's layout: saving again loses nothing, and the
    # backup still holds the hand-written original rather than the form's copy.
    assert not store.rewrites("payments")
    store.save("payments", edited.model_copy(update={"plan": "renew it"}), overwrite=True)
    assert backup.read_text(encoding="utf-8") == HAND_WRITTEN


def test_a_newer_hand_edit_replaces_the_older_backup(store: BriefStore) -> None:
    store.save_text("payments", HAND_WRITTEN)
    brief = load_brief_text(HAND_WRITTEN)
    store.save("payments", brief, overwrite=True)
    again = "# edited by hand again\n" + dump(brief)
    store.save_text("payments", again, overwrite=True)
    store.save("payments", brief, overwrite=True)
    assert store.backup_path("payments").read_text(encoding="utf-8") == again


def test_the_template_counts_as_hand_written(store: BriefStore) -> None:
    store.save_text("tomorrow", template())
    assert store.rewrites("tomorrow")
    store.save("tomorrow", load_brief_text("system: search\n"), overwrite=True)
    assert store.backup_path("tomorrow").read_text(encoding="utf-8") == template()


def test_a_file_the_form_wrote_or_a_new_brief_gets_no_backup(store: BriefStore) -> None:
    brief = load_brief_text(HAND_WRITTEN)
    store.save("payments", brief)  # new
    assert not store.rewrites("payments")
    store.save("payments", brief.model_copy(update={"plan": "renew it"}), overwrite=True)
    assert not store.backup_path("payments").exists()
    assert not store.rewrites("nothing-here")


def test_a_yml_brief_is_saved_in_place_not_beside_itself(store: BriefStore) -> None:
    store.directory.mkdir(parents=True)
    yml = store.directory / "payments.yml"
    yml.write_text(HAND_WRITTEN, encoding="utf-8")
    assert store.save("payments", load_brief_text(HAND_WRITTEN), overwrite=True) == yml
    assert store.names() == ["payments"]
    assert (store.directory / "payments.yml.bak").read_text(encoding="utf-8") == HAND_WRITTEN


def test_if_the_backup_cannot_be_written_nothing_is_saved(store: BriefStore) -> None:
    path = store.save_text("payments", HAND_WRITTEN)
    store.backup_path("payments").mkdir()  # a directory where the backup would go
    with pytest.raises(CoachError, match=r"not saved: cannot keep the original of .*unchanged"):
        store.save("payments", load_brief_text("system: other\n"), overwrite=True)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_brief_list_never_shows_a_backup(
    store: BriefStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.save_text("payments", HAND_WRITTEN)
    store.save("payments", load_brief_text(HAND_WRITTEN), overwrite=True)
    assert store.backup_path("payments").exists()
    assert store.names() == ["payments"]
    assert [e.name for e in store.list()] == ["payments"]
    assert main(["brief", "list", "--data-dir", str(tmp_path / "data")]) == 0
    out = capsys.readouterr().out
    assert "payments" in out and ".bak" not in out
    assert len([line for line in out.splitlines() if "payments" in line]) == 1

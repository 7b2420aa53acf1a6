"""The system check that keeps the private files' folder out of MEDIA_ROOT."""

from elearning.infrastructure.checks import private_files_not_public


def test_a_private_folder_inside_media_root_is_an_error(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    assert private_files_not_public(None) == []
    for inside in (tmp_path / "media", tmp_path / "media" / "private"):
        settings.PRIVATE_FILES_ROOT = inside
        assert [e.id for e in private_files_not_public(None)] == ["elearning.E001"]

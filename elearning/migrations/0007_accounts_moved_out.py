"""The user and the institution now live in `accounts` (accounts/migrations/0001_initial.py).

Their tables stay: elearning only forgets the models (no SQL). What names them by app label
follows them: their content types (so permissions, "accounts.change_institution", groups,
Wagtail's log entries and revisions stay attached) and the e-mail tasks waiting in the outbox,
whose module moved with them.

It runs after reports 0004, which points the coordinators' scope at accounts.Institution: until
then reports' state still refers to elearning's.
"""

from django.db import migrations

MODELS = ("user", "institution")
# Tasks that moved from elearning/tasks.py to accounts/tasks.py, as the outbox names them.
MOVED_TASKS = ("send_welcome_email", "send_account_exists_notice", "send_email")


def relabel(apps, schema_editor, *, old: str, new: str) -> None:
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if ContentType.objects.using(db).filter(app_label=old, model=model).exists():
            # A content type under the new label exists only if a migrate run stopped between
            # accounts 0001 and here (post_migrate made it, with fresh permissions nobody
            # holds): the old one, with everything attached to it, wins.
            ContentType.objects.using(db).filter(app_label=new, model=model).delete()
            ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)
    PendingTask = apps.get_model("elearning", "PendingTask")
    for task in MOVED_TASKS:
        PendingTask.objects.using(db).filter(task=f"{old}.tasks.{task}").update(
            task=f"{new}.tasks.{task}"
        )
    # This process may have cached the content types by their old label.
    CurrentContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, old="elearning", new="accounts")


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, old="accounts", new="elearning")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("elearning", "0006_user_awaiting_activation"),
        ("reports", "0004_scope_institution_in_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="user", name="institution"),
                migrations.RemoveField(model_name="user", name="groups"),
                migrations.RemoveField(model_name="user", name="user_permissions"),
                migrations.DeleteModel(name="Institution"),
                migrations.DeleteModel(name="User"),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]

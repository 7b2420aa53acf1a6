"""The user and the institution, moved here from `elearning` without moving any data.

Their tables keep their names (db_table "elearning_user", "elearning_institution", and the
many-to-many tables named after the first), so this migration only tells Django's state where
the models live now: no SQL. On a new database elearning's migrations still create the tables
and add the later columns; elearning 0007 then removes the models from elearning's state and
renames their content types, so permissions, groups and Wagtail's history follow them.

It depends on elearning 0001 only: Wagtail's migrations depend on the first migration of the
app that holds AUTH_USER_MODEL (this one), and elearning 0002 depends on Wagtail's, so a later
dependency would be a cycle. A database migrated before the move has this migration recorded by
accounts/management/commands/migrate.py before Django checks the history.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import accounts.models.users


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("elearning", "0001_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Institution",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=255, verbose_name="name")),
                        (
                            "type",
                            models.CharField(
                                choices=[
                                    ("school", "School or school inspectorate"),
                                    ("police", "Police"),
                                    ("prosecution", "Prosecutor's office"),
                                    ("court", "Court"),
                                    ("child_protection", "Social assistance and child protection"),
                                    ("ngo", "Non-governmental organisation"),
                                    ("other", "Other public institution"),
                                ],
                                max_length=32,
                                verbose_name="type",
                            ),
                        ),
                        (
                            "county",
                            models.CharField(
                                choices=[
                                    ("AB", "Alba"),
                                    ("AR", "Arad"),
                                    ("AG", "Argeș"),
                                    ("BC", "Bacău"),
                                    ("BH", "Bihor"),
                                    ("BN", "Bistrița-Năsăud"),
                                    ("BT", "Botoșani"),
                                    ("BV", "Brașov"),
                                    ("BR", "Brăila"),
                                    ("B", "Bucharest"),
                                    ("BZ", "Buzău"),
                                    ("CS", "Caraș-Severin"),
                                    ("CL", "Călărași"),
                                    ("CJ", "Cluj"),
                                    ("CT", "Constanța"),
                                    ("CV", "Covasna"),
                                    ("DB", "Dâmbovița"),
                                    ("DJ", "Dolj"),
                                    ("GL", "Galați"),
                                    ("GR", "Giurgiu"),
                                    ("GJ", "Gorj"),
                                    ("HR", "Harghita"),
                                    ("HD", "Hunedoara"),
                                    ("IL", "Ialomița"),
                                    ("IS", "Iași"),
                                    ("IF", "Ilfov"),
                                    ("MM", "Maramureș"),
                                    ("MH", "Mehedinți"),
                                    ("MS", "Mureș"),
                                    ("NT", "Neamț"),
                                    ("OT", "Olt"),
                                    ("PH", "Prahova"),
                                    ("SM", "Satu Mare"),
                                    ("SJ", "Sălaj"),
                                    ("SB", "Sibiu"),
                                    ("SV", "Suceava"),
                                    ("TR", "Teleorman"),
                                    ("TM", "Timiș"),
                                    ("TL", "Tulcea"),
                                    ("VS", "Vaslui"),
                                    ("VL", "Vâlcea"),
                                    ("VN", "Vrancea"),
                                ],
                                max_length=2,
                                verbose_name="county",
                            ),
                        ),
                        (
                            "is_active",
                            models.BooleanField(
                                default=True,
                                help_text="Untick to stop offering this institution to new learners.",
                                verbose_name="shown at registration",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "institution",
                        "verbose_name_plural": "institutions",
                        "db_table": "elearning_institution",
                        "ordering": ["county", "name"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("name", "county"), name="institution_unique_per_county"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="User",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("password", models.CharField(max_length=128, verbose_name="password")),
                        (
                            "last_login",
                            models.DateTimeField(blank=True, null=True, verbose_name="last login"),
                        ),
                        (
                            "is_superuser",
                            models.BooleanField(
                                default=False,
                                help_text="Designates that this user has all permissions without explicitly assigning them.",
                                verbose_name="superuser status",
                            ),
                        ),
                        (
                            "email",
                            models.EmailField(
                                max_length=254, unique=True, verbose_name="e-mail address"
                            ),
                        ),
                        (
                            "full_name",
                            models.CharField(
                                help_text="As it should be printed on your certificates.",
                                max_length=150,
                                verbose_name="full name",
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("teacher", "Teacher or school staff"),
                                    ("police_officer", "Police officer"),
                                    ("prosecutor", "Prosecutor"),
                                    ("judge", "Judge"),
                                    (
                                        "social_worker",
                                        "Social worker or child-protection specialist",
                                    ),
                                    ("other", "Other"),
                                ],
                                default="other",
                                max_length=32,
                                verbose_name="professional role",
                            ),
                        ),
                        (
                            "institution_other",
                            models.CharField(
                                blank=True,
                                help_text="The institution's name when it is not in the list.",
                                max_length=255,
                                verbose_name="institution (not listed)",
                            ),
                        ),
                        (
                            "county",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("AB", "Alba"),
                                    ("AR", "Arad"),
                                    ("AG", "Argeș"),
                                    ("BC", "Bacău"),
                                    ("BH", "Bihor"),
                                    ("BN", "Bistrița-Năsăud"),
                                    ("BT", "Botoșani"),
                                    ("BV", "Brașov"),
                                    ("BR", "Brăila"),
                                    ("B", "Bucharest"),
                                    ("BZ", "Buzău"),
                                    ("CS", "Caraș-Severin"),
                                    ("CL", "Călărași"),
                                    ("CJ", "Cluj"),
                                    ("CT", "Constanța"),
                                    ("CV", "Covasna"),
                                    ("DB", "Dâmbovița"),
                                    ("DJ", "Dolj"),
                                    ("GL", "Galați"),
                                    ("GR", "Giurgiu"),
                                    ("GJ", "Gorj"),
                                    ("HR", "Harghita"),
                                    ("HD", "Hunedoara"),
                                    ("IL", "Ialomița"),
                                    ("IS", "Iași"),
                                    ("IF", "Ilfov"),
                                    ("MM", "Maramureș"),
                                    ("MH", "Mehedinți"),
                                    ("MS", "Mureș"),
                                    ("NT", "Neamț"),
                                    ("OT", "Olt"),
                                    ("PH", "Prahova"),
                                    ("SM", "Satu Mare"),
                                    ("SJ", "Sălaj"),
                                    ("SB", "Sibiu"),
                                    ("SV", "Suceava"),
                                    ("TR", "Teleorman"),
                                    ("TM", "Timiș"),
                                    ("TL", "Tulcea"),
                                    ("VS", "Vaslui"),
                                    ("VL", "Vâlcea"),
                                    ("VN", "Vrancea"),
                                ],
                                max_length=2,
                                verbose_name="county",
                            ),
                        ),
                        (
                            "preferred_language",
                            models.CharField(
                                choices=[("ro", "Română"), ("en", "English")],
                                default="ro",
                                max_length=2,
                                verbose_name="preferred language",
                            ),
                        ),
                        (
                            "is_staff",
                            models.BooleanField(default=False, verbose_name="staff status"),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        (
                            "awaiting_activation",
                            models.BooleanField(
                                default=False, verbose_name="awaiting e-mail confirmation"
                            ),
                        ),
                        (
                            "date_joined",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="date joined"
                            ),
                        ),
                        (
                            "erased_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="personal data erased"
                            ),
                        ),
                        (
                            "groups",
                            models.ManyToManyField(
                                blank=True,
                                help_text="The groups this user belongs to. A user will get all permissions granted to each of their groups.",
                                related_name="user_set",
                                related_query_name="user",
                                to="auth.group",
                                verbose_name="groups",
                            ),
                        ),
                        (
                            "user_permissions",
                            models.ManyToManyField(
                                blank=True,
                                help_text="Specific permissions for this user.",
                                related_name="user_set",
                                related_query_name="user",
                                to="auth.permission",
                                verbose_name="user permissions",
                            ),
                        ),
                        (
                            "institution",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="members",
                                to="accounts.institution",
                                verbose_name="institution",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "user",
                        "verbose_name_plural": "users",
                        "db_table": "elearning_user",
                        "indexes": [
                            models.Index(
                                fields=["county", "role"], name="elearning_u_county_470a74_idx"
                            )
                        ],
                    },
                    managers=[
                        ("objects", accounts.models.users.UserManager()),
                    ],
                ),
            ],
        ),
    ]

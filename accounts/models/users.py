"""The people who use the platform: learners, trainers, coordinators, administrators."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .counties import County
from .institutions import Institution

FULL_NAME_MAX_LENGTH = 150


class ProfessionalRole(models.TextChoices):
    TEACHER = "teacher", _("Teacher or school staff")
    POLICE_OFFICER = "police_officer", _("Police officer")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    JUDGE = "judge", _("Judge")
    SOCIAL_WORKER = "social_worker", _("Social worker or child-protection specialist")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    RO = "ro", "Română"
    EN = "en", "English"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("full_name", email)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # E-mail addresses are stored lower-case, so logins are case-insensitive.
        return self.get(**{self.model.USERNAME_FIELD: (username or "").strip().lower()})


# Where a cached copy of a user keeps its session hash (see User.get_session_auth_hash).
SESSION_HASH_ATTRIBUTE = "_cached_session_auth_hash"


class User(AbstractBaseUser, PermissionsMixin):
    """A person who uses the platform; e-mail is the login, full name goes on certificates."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(
        _("full name"),
        max_length=FULL_NAME_MAX_LENGTH,
        help_text=_("As it should be printed on your certificates."),
    )
    role = models.CharField(
        _("professional role"),
        max_length=32,
        choices=ProfessionalRole.choices,
        default=ProfessionalRole.OTHER,
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    institution_other = models.CharField(
        _("institution (not listed)"),
        max_length=255,
        blank=True,
        help_text=_("The institution's name when it is not in the list."),
    )
    county = models.CharField(_("county"), max_length=2, choices=County.choices, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.RO
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Registered on the site and not yet confirmed by the link in the welcome e-mail. Only such
    # an account can be activated by a link: not one that was confirmed and later deactivated
    # by an administrator, nor one created by other means.
    awaiting_activation = models.BooleanField(_("awaiting e-mail confirmation"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Set when the learner deleted their account: name and address are gone, counts stay.
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        # Kept from when the model lived in `elearning`, like its many-to-many tables
        # (elearning_user_groups, elearning_user_user_permissions) named after it.
        db_table = "elearning_user"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [
            models.Index(fields=["county", "role"]),
            # The completion report's order (name, then id): its first page reads 50 people in
            # order instead of sorting every enrolment in scope (benchmarks/README.md,
            # "Issue 16: runs in the reports").
            models.Index(fields=["full_name", "id"], name="user_name_order"),
        ]

    def get_session_auth_hash(self):
        # A copy read from the cache (elearning.infrastructure.caching.auth) holds no password
        # hash, only the session hash computed from it when it was stored. Once the password is
        # loaded or set on this copy (a password change), the hash is computed from it again.
        stored = self.__dict__.get(SESSION_HASH_ATTRIBUTE)
        if stored is not None and "password" not in self.__dict__:
            return stored
        return super().get_session_auth_hash()

    def __str__(self):
        if self.erased_at:
            return str(_("Erased account"))
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def institution_name(self) -> str:
        return self.institution.name if self.institution_id else self.institution_other

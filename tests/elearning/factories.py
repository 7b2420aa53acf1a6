import factory

from accounts.models import County, Institution, InstitutionType, ProfessionalRole, User

PASSWORD = "a-Good-passw0rd-for-tests"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("name", "county")

    name = factory.Sequence(lambda n: f"Școala Gimnazială nr. {n}")
    type = InstitutionType.SCHOOL
    county = County.CJ


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"learner{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Cursant Ștefănescu {n}")
    role = ProfessionalRole.TEACHER
    county = County.CJ
    institution = factory.SubFactory(InstitutionFactory)
    preferred_language = "ro"
    is_active = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

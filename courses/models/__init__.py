from .pages import CourseIndexPage, CoursePage, CourseStepMixin, LessonPage
from .progress import Enrollment, RecertificationCampaign, RunKind, StepCompletion
from .snippets import ReferralContact

__all__ = [
    "CourseIndexPage",
    "CoursePage",
    "CourseStepMixin",
    "Enrollment",
    "LessonPage",
    "RecertificationCampaign",
    "ReferralContact",
    "RunKind",
    "StepCompletion",
]

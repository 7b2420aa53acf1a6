from .objectives import LearningObjective
from .pages import CourseIndexPage, CoursePage, CourseStepMixin, LessonPage
from .progress import Enrollment, RecertificationCampaign, RunKind, StepCompletion
from .snippets import ReferralContact, ReferralKind

__all__ = [
    "CourseIndexPage",
    "CoursePage",
    "CourseStepMixin",
    "Enrollment",
    "LearningObjective",
    "LessonPage",
    "RecertificationCampaign",
    "ReferralContact",
    "ReferralKind",
    "RunKind",
    "StepCompletion",
]

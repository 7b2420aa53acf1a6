from .pages import CourseIndexPage, CoursePage, CourseStepMixin, LessonPage
from .progress import Enrollment, StepCompletion
from .snippets import ReferralContact

__all__ = [
    "CourseIndexPage",
    "CoursePage",
    "CourseStepMixin",
    "Enrollment",
    "LessonPage",
    "ReferralContact",
    "StepCompletion",
]

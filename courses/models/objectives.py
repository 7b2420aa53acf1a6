"""A course's learning objectives: what a learner can do after it.

Lessons and quiz questions are tagged with them, so every measure of learning (knowledge gain,
item analysis, retention) can be cut by objective. Each objective carries a `key` that its
translations share (copied unchanged when the course is translated, like quiz questions' keys):
a question answered in English counts with its Romanian pair.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable


class LearningObjectiveQuerySet(models.QuerySet):
    def for_course_key(self, course_key):
        """The objectives of a course in every language it has."""
        return self.filter(course__translation_key=course_key)


class LearningObjective(Orderable):
    course = ParentalKey("courses.CoursePage", related_name="objectives", on_delete=models.CASCADE)
    key = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    title = models.CharField(
        _("objective"),
        max_length=300,
        help_text=_("What a learner can do after the course, e.g. “Recognise the signs of …”."),
    )

    objects = LearningObjectiveQuerySet.as_manager()

    panels = [FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("learning objective")
        verbose_name_plural = _("learning objectives")

    def __str__(self):
        # Shown in the choosers of questions and lessons, which list every course's objectives.
        course = self.course.title if self.course_id else ""
        return f"{course}: {self.title}" if course else self.title

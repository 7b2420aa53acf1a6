from .attempts import Attempt, AttemptStatus
from .pages import Choice, Question, QuestionKind, QuizKind, QuizPage, ReviewPolicy

__all__ = [
    "Attempt",
    "AttemptStatus",
    "Choice",
    "Question",
    "QuestionKind",
    "QuizKind",
    "QuizPage",
    "ReviewPolicy",
]

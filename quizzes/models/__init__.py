from .attempts import Attempt, AttemptStatus
from .pages import Choice, Question, QuestionKind, QuizKind, QuizPage, ReviewPolicy
from .responses import ItemResponse, MeasuredPair

__all__ = [
    "Attempt",
    "AttemptStatus",
    "Choice",
    "ItemResponse",
    "MeasuredPair",
    "Question",
    "QuestionKind",
    "QuizKind",
    "QuizPage",
    "ReviewPolicy",
]

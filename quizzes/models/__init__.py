from .attempts import Attempt, AttemptStatus
from .pages import Choice, Question, QuestionKind, QuizKind, QuizPage, ReviewPolicy
from .responses import ItemResponse

__all__ = [
    "Attempt",
    "AttemptStatus",
    "Choice",
    "ItemResponse",
    "Question",
    "QuestionKind",
    "QuizKind",
    "QuizPage",
    "ReviewPolicy",
]

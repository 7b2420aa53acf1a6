from .attempts import Attempt, AttemptStatus
from .pages import Choice, Question, QuestionKind, QuizKind, QuizPage, ReviewPolicy
from .responses import ItemResponse, MeasuredPair
from .scenarios import (
    ChoiceRating,
    PlayStatus,
    ScenarioChoice,
    ScenarioNode,
    ScenarioPage,
    ScenarioPlay,
)

__all__ = [
    "Attempt",
    "AttemptStatus",
    "Choice",
    "ChoiceRating",
    "ItemResponse",
    "MeasuredPair",
    "PlayStatus",
    "Question",
    "QuestionKind",
    "QuizKind",
    "QuizPage",
    "ReviewPolicy",
    "ScenarioChoice",
    "ScenarioNode",
    "ScenarioPage",
    "ScenarioPlay",
]

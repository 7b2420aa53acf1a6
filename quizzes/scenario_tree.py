"""The shape of a decision scenario, apart from the database: nodes (decision points) named by a
short label, each with choices that lead to another node by its label or end the scenario.

One place for the rules of the shape (what the admin form refuses, what the demo content must
satisfy), for the best score a path can reach (what a graded play's percentage is of), and for
walking a learner's path of choice keys to the decision they are at. Keys, not ids: a Romanian
scenario and its English translation share every node's and choice's key, so a play begun in
one language continues in the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

# "Branching up to 3 levels": at most three decisions on any path from the first node to an end.
MAX_DEPTH = 3


@dataclass(frozen=True)
class TreeChoice:
    key: str
    text: str
    next_label: str  # "" ends the scenario
    score: int
    consequence: str = ""
    commentary: str = ""
    pk: int | None = None


@dataclass(frozen=True)
class TreeNode:
    key: str
    label: str
    situation: str
    choices: tuple[TreeChoice, ...]
    pk: int | None = None


class PathError(Exception):
    """A path that does not walk through this tree (the scenario changed under a play)."""


@dataclass(frozen=True)
class Step:
    """A decision taken: the node it was taken at and the choice made."""

    number: int
    node: TreeNode
    choice: TreeChoice


@dataclass(frozen=True)
class Position:
    """Where a path has led: the steps taken, and the node to decide at (None at an end)."""

    steps: tuple[Step, ...]
    node: TreeNode | None

    @property
    def finished(self) -> bool:
        return self.node is None

    @property
    def last(self) -> Step | None:
        return self.steps[-1] if self.steps else None

    @property
    def score(self) -> int:
        return sum(step.choice.score for step in self.steps)


class ScenarioTree:
    """Nodes in authoring order; the first is where every play starts."""

    def __init__(self, nodes: list[TreeNode]):
        self.nodes = list(nodes)
        self.by_label = {node.label: node for node in self.nodes}

    @property
    def start(self) -> TreeNode | None:
        return self.nodes[0] if self.nodes else None

    def problems(self) -> list[str]:
        """What makes this tree unplayable, in words for the trainer; empty when it is sound."""
        if not self.nodes:
            return [_("Add at least one decision point.")]
        problems = []
        labels = [node.label.strip() for node in self.nodes]
        if any(not label for label in labels):
            problems.append(_("Give every decision point a label."))
        duplicates = sorted({label for label in labels if label and labels.count(label) > 1})
        for label in duplicates:
            problems.append(
                _("Two decision points have the label “%(label)s”: labels must differ.")
                % {"label": label}
            )
        for node in self.nodes:
            if len(node.choices) < 2:
                problems.append(
                    _("Decision point “%(label)s” needs at least two choices.")
                    % {"label": node.label}
                )
            for choice in node.choices:
                if choice.next_label and choice.next_label not in self.by_label:
                    problems.append(
                        _(
                            "The choice “%(choice)s” leads to “%(target)s”, which is not the "
                            "label of a decision point here. Leave it empty to end the scenario."
                        )
                        % {"choice": choice.text[:60], "target": choice.next_label}
                    )
        if problems:
            return problems
        cycle = self._cycle()
        if cycle:
            return [
                _("The choices lead round in a circle (%(cycle)s): every path must reach an end.")
                % {"cycle": " → ".join(cycle)}
            ]
        if self.depth > MAX_DEPTH:
            problems.append(
                _(
                    "A path takes %(depth)s decisions; a scenario branches at most "
                    "%(max)s levels deep."
                )
                % {"depth": self.depth, "max": MAX_DEPTH}
            )
        unreachable = [n.label for n in self.nodes if n.label not in self._reachable()]
        if unreachable:
            problems.append(
                _("No choice leads to %(labels)s: link it from a choice or remove it.")
                % {"labels": ", ".join(f"“{label}”" for label in unreachable)}
            )
        return problems

    def _successors(self, node: TreeNode) -> list[TreeNode]:
        return [self.by_label[c.next_label] for c in node.choices if c.next_label in self.by_label]

    def _cycle(self) -> list[str]:
        """The labels of a cycle, first label repeated at the end; [] when there is none."""
        state: dict[str, int] = {}  # 1: on the current path, 2: done

        def visit(node: TreeNode, path: list[str]) -> list[str]:
            state[node.label] = 1
            for nxt in self._successors(node):
                if state.get(nxt.label) == 1:
                    return [*path[path.index(nxt.label) :], nxt.label]
                if nxt.label not in state:
                    found = visit(nxt, [*path, nxt.label])
                    if found:
                        return found
            state[node.label] = 2
            return []

        for node in self.nodes:
            if node.label not in state:
                found = visit(node, [node.label])
                if found:
                    return found
        return []

    def _reachable(self) -> set[str]:
        seen, todo = set(), [self.start] if self.start else []
        while todo:
            node = todo.pop()
            if node.label not in seen:
                seen.add(node.label)
                todo.extend(self._successors(node))
        return seen

    @cached_property
    def depth(self) -> int:
        """The most decisions any path from the start takes (the tree has no cycle)."""
        memo: dict[str, int] = {}

        def depth(node: TreeNode) -> int:
            if node.label not in memo:
                memo[node.label] = 1 + max((depth(n) for n in self._successors(node)), default=0)
            return memo[node.label]

        return depth(self.start) if self.start else 0

    @cached_property
    def best_score(self) -> int:
        """The highest total score of any path from the start to an end: 100 % of a play."""
        memo: dict[str, int] = {}

        def best(node: TreeNode) -> int:
            if node.label not in memo:
                memo[node.label] = max(
                    (
                        c.score + (best(self.by_label[c.next_label]) if c.next_label else 0)
                        for c in node.choices
                    ),
                    default=0,
                )
            return memo[node.label]

        return best(self.start) if self.start else 0

    def walk(self, path: list[str]) -> Position:
        """Follow a play's choice keys from the start; raises PathError when a key is not a
        choice of the node the path has reached (the tree changed since the play began)."""
        node, steps = self.start, []
        for key in path:
            if node is None:
                raise PathError(key)
            choice = next((c for c in node.choices if c.key == key), None)
            if choice is None:
                raise PathError(key)
            steps.append(Step(number=len(steps) + 1, node=node, choice=choice))
            node = self.by_label.get(choice.next_label) if choice.next_label else None
            if choice.next_label and node is None:
                raise PathError(key)
        return Position(steps=tuple(steps), node=node)

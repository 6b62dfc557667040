"""Forms for answering a quiz and taking a decision in a case. Labels come from the content."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import localized


class QuizForm(forms.Form):
    """One required radio group per question; field names are the question ids."""

    def __init__(self, *args, questions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q-{question['id']}"] = forms.ChoiceField(
                label=localized(question["prompt"]),
                choices=[(o["id"], localized(o["label"])) for o in question["options"]],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choisissez une réponse."),
                                "invalid_choice": _("Choisissez l'une des réponses proposées.")},
            )

    def answers(self) -> dict[str, str]:
        return {q["id"]: self.cleaned_data[f"q-{q['id']}"] for q in self.questions}

    def rows(self):
        """(question, bound field) pairs, in order, for the template."""
        return [(q, self[f"q-{q['id']}"]) for q in self.questions]


def quiz_initial(answers: dict[str, str]) -> dict[str, str]:
    return {f"q-{question_id}": answer for question_id, answer in answers.items()}


class ScenarioChoiceForm(forms.Form):
    """A decision at one step. `step` says which step the learner saw (see scenario_choose)."""

    step = forms.CharField(widget=forms.HiddenInput, max_length=40)
    choice = forms.ChoiceField(
        label=_("Que faites-vous ?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez ce que vous faites."),
                        "invalid_choice": _("Choisissez l'une des options proposées.")},
    )

    def __init__(self, *args, step: dict, **kwargs):
        kwargs.setdefault("initial", {"step": step["id"]})
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [
            (c["id"], localized(c["label"])) for c in step.get("choices", [])
        ]

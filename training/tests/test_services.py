"""Service rules: enrolment, reading, quiz, branching scenarios, level completion; selectors."""

import pytest

from audit.models import AuditEvent
from core.exceptions import ApplicationError
from training import selectors
from training.content import content_load
from training.models import Enrollment, LevelCompletion, ModuleProgress
from training.services import (
    enrollment_start,
    level_completion_check,
    module_progress_record,
    quiz_submit,
    scenario_choose,
    scenario_restart,
)
from training.tests.conftest import CORRECT_QUIZ, MINI, mini_data, write_yaml

# --- enrolment ------------------------------------------------------------------------------


def test_enrollment_start_is_idempotent(world, program):
    first = enrollment_start(user=world.learner, program=program)
    second = enrollment_start(user=world.learner, program=program)
    assert first.id == second.id
    assert first.program_slug == "mini-sexto"
    assert Enrollment.objects.count() == 1
    assert AuditEvent.objects.filter(action="training.enrolled").count() == 1


def test_a_draft_cannot_be_started(world):
    draft = content_load(MINI).program
    with pytest.raises(ApplicationError) as exc:
        enrollment_start(user=world.learner, program=draft)
    assert exc.value.code == "not_published"
    assert not Enrollment.objects.exists()


def test_a_learner_keeps_the_version_they_started(world, program, tmp_path):
    enrollment_start(user=world.learner, program=program)
    data = mini_data()
    data["version"] = 2
    v2 = content_load(write_yaml(tmp_path, data), publish=True).program
    kept = enrollment_start(user=world.learner, program=v2)
    assert kept.program_id == program.id
    assert selectors.program_for_user(user=world.learner, slug="mini-sexto") == program
    assert selectors.program_for_user(user=world.principal, slug="mini-sexto") == v2


# --- reading --------------------------------------------------------------------------------


def test_reading_completion_enrols_and_completes(world, modules):
    outcome = module_progress_record(user=world.learner, module=modules["le-phenomene"])
    assert outcome.progress.is_completed
    assert outcome.just_completed is True
    assert outcome.level_completion is None
    assert Enrollment.objects.filter(user=world.learner).exists()
    again = module_progress_record(user=world.learner, module=modules["le-phenomene"])
    assert again.just_completed is False
    assert again.progress.completed_at == outcome.progress.completed_at


def test_reading_service_refuses_other_kinds(world, modules):
    with pytest.raises(ApplicationError) as exc:
        module_progress_record(user=world.learner, module=modules["verifier"])
    assert exc.value.code == "wrong_kind"


# --- quiz -----------------------------------------------------------------------------------


def test_quiz_with_a_wrong_answer_is_stored_but_not_completed(world, modules):
    outcome = quiz_submit(user=world.learner, module=modules["verifier"],
                          answers={"q1": "a", "q2": "c"})
    progress = outcome.progress
    assert not progress.is_completed
    assert progress.state["answers"] == {"q1": "a", "q2": "c"}
    assert progress.state["all_correct"] is False
    assert progress.state["attempts"] == 1
    feedback = selectors.quiz_feedback(module=modules["verifier"],
                                       answers=progress.state["answers"])
    assert [f.correct for f in feedback] == [True, False]
    assert feedback[1].answer_option["id"] == "c"


def test_quiz_completes_when_every_answer_is_correct_and_stays_completed(world, modules):
    quiz = modules["verifier"]
    quiz_submit(user=world.learner, module=quiz, answers={"q1": "b", "q2": "b"})
    outcome = quiz_submit(user=world.learner, module=quiz, answers=CORRECT_QUIZ)
    assert outcome.progress.is_completed and outcome.just_completed
    assert outcome.progress.state["attempts"] == 2
    later = quiz_submit(user=world.learner, module=quiz, answers={"q1": "b", "q2": "b"})
    assert later.progress.is_completed
    assert later.progress.state["answers"] == {"q1": "b", "q2": "b"}


@pytest.mark.parametrize("answers", [{"q1": "a"}, {"q1": "a", "q2": "z"}, {}])
def test_quiz_refuses_missing_or_unknown_answers(world, modules, answers):
    with pytest.raises(ApplicationError) as exc:
        quiz_submit(user=world.learner, module=modules["verifier"], answers=answers)
    assert exc.value.code == "quiz_incomplete"
    assert not ModuleProgress.objects.exists()


# --- scenario -------------------------------------------------------------------------------


def test_scenario_branches_records_the_path_and_completes_at_the_ending(world, modules):
    case = modules["cas-1"]
    user = world.learner
    outcome = scenario_choose(user=user, module=case, step_id="s1", choice_id="b")
    assert outcome.progress.state["current"] == "s2"
    assert not outcome.progress.is_completed
    # s2/b leads back to s1: the branch loops, the path keeps every decision.
    scenario_choose(user=user, module=case, step_id="s2", choice_id="b")
    scenario_choose(user=user, module=case, step_id="s1", choice_id="a")
    outcome = scenario_choose(user=user, module=case, step_id="s2", choice_id="a")
    progress = outcome.progress
    assert progress.is_completed and outcome.just_completed
    assert progress.state["current"] == "fin"
    assert progress.state["path"] == [
        {"step": "s1", "choice": "b"}, {"step": "s2", "choice": "b"},
        {"step": "s1", "choice": "a"}, {"step": "s2", "choice": "a"},
    ]
    state = selectors.scenario_state(module=case, progress=progress)
    assert state.ended
    assert [e.follows_method for e in state.path] == [False, False, True, True]
    assert state.followed_count == 2


def test_scenario_refuses_a_choice_for_another_step(world, modules):
    case = modules["cas-1"]
    scenario_choose(user=world.learner, module=case, step_id="s1", choice_id="a")
    with pytest.raises(ApplicationError) as exc:
        scenario_choose(user=world.learner, module=case, step_id="s1", choice_id="a")
    assert exc.value.code == "stale_step"
    progress = ModuleProgress.objects.get(user=world.learner, module=case)
    assert progress.state["current"] == "s2"
    assert len(progress.state["path"]) == 1


def test_scenario_refuses_a_choice_that_is_not_in_the_step(world, modules):
    with pytest.raises(ApplicationError) as exc:
        scenario_choose(user=world.learner, module=modules["cas-1"], step_id="s1",
                        choice_id="z")
    assert exc.value.code == "unknown_choice"


def test_scenario_refuses_choices_after_the_ending_and_restart_keeps_completion(world, modules):
    case = modules["cas-1"]
    scenario_choose(user=world.learner, module=case, step_id="s1", choice_id="a")
    scenario_choose(user=world.learner, module=case, step_id="s2", choice_id="a")
    with pytest.raises(ApplicationError) as exc:
        scenario_choose(user=world.learner, module=case, step_id="fin", choice_id="a")
    assert exc.value.code == "scenario_ended"
    outcome = scenario_restart(user=world.learner, module=case)
    assert outcome.progress.state["current"] == "s1"
    assert outcome.progress.state["path"] == []
    assert outcome.progress.state["restarts"] == 1
    assert outcome.progress.is_completed


def test_scenario_progress_is_resumable(world, modules):
    case = modules["cas-1"]
    scenario_choose(user=world.learner, module=case, step_id="s1", choice_id="a")
    progress = selectors.module_progress_get(user=world.learner, module=case)
    state = selectors.scenario_state(module=case, progress=progress)
    assert state.current["id"] == "s2"
    assert state.step_number == 2
    assert state.last.choice["id"] == "a"


def test_scenario_services_refuse_other_kinds(world, modules):
    with pytest.raises(ApplicationError):
        scenario_choose(user=world.learner, module=modules["verifier"], step_id="s1",
                        choice_id="a")
    with pytest.raises(ApplicationError):
        scenario_restart(user=world.learner, module=modules["le-phenomene"])


# --- levels ---------------------------------------------------------------------------------


def test_level_completion_is_created_once_when_every_module_is_done(world, modules):
    user = world.learner
    level = modules["le-phenomene"].level
    first = module_progress_record(user=user, module=modules["le-phenomene"])
    assert first.level_completion is None
    assert level_completion_check(user=user, level=level) is None
    outcome = quiz_submit(user=user, module=modules["verifier"], answers=CORRECT_QUIZ)
    assert outcome.level_just_completed is True
    assert outcome.level_completion.level == level
    assert selectors.level_is_completed(user=user, level=level)
    assert outcome.level_completion.completed_at is not None
    again = quiz_submit(user=user, module=modules["verifier"], answers=CORRECT_QUIZ)
    assert again.level_just_completed is False
    assert level_completion_check(user=user, level=level) == outcome.level_completion
    assert LevelCompletion.objects.filter(user=user).count() == 1
    assert AuditEvent.objects.filter(action="training.level_completed").count() == 1
    # The other level is untouched.
    assert not selectors.level_is_completed(user=user, level=modules["cas-1"].level)


def test_completing_a_scenario_completes_its_level(world, modules):
    case = modules["cas-1"]
    scenario_choose(user=world.learner, module=case, step_id="s1", choice_id="a")
    outcome = scenario_choose(user=world.learner, module=case, step_id="s2", choice_id="a")
    assert outcome.level_just_completed
    assert selectors.level_is_completed(user=world.learner, level=case.level)


def test_progress_is_per_person(world, modules):
    module_progress_record(user=world.learner, module=modules["le-phenomene"])
    assert selectors.module_progress_get(user=world.principal,
                                         module=modules["le-phenomene"]) is None


# --- selectors ------------------------------------------------------------------------------


def test_programs_published_lists_the_newest_published_version_per_slug(world, program,
                                                                          tmp_path):
    data = mini_data()
    data["version"] = 2
    v2 = content_load(write_yaml(tmp_path, data)).program
    assert selectors.programs_published() == [program]
    content_load(write_yaml(tmp_path, data))  # same file again: nothing changes
    from training.content import program_publish

    program_publish(program=v2, actor=world.author)
    assert selectors.programs_published() == [v2]
    assert list(selectors.programs_all()) == [v2, program]


def test_program_progress_counts_and_resumes(world, program, modules):
    progress = selectors.program_progress(user=world.learner, program=program)
    assert (progress.completed, progress.total, progress.percent) == (0, 3, 0)
    assert progress.enrollment is None
    assert progress.resume_module.slug == "le-phenomene"
    module_progress_record(user=world.learner, module=modules["le-phenomene"])
    progress = selectors.program_progress(user=world.learner, program=program)
    assert (progress.completed, progress.total, progress.percent) == (1, 3, 33)
    assert progress.enrollment is not None
    assert progress.resume_module.slug == "verifier"
    assert [(lp.completed, lp.total) for lp in progress.levels] == [(1, 2), (0, 1)]
    assert progress.levels[0].percent == 50


def test_program_progress_for_an_anonymous_visitor(program):
    from django.contrib.auth.models import AnonymousUser

    progress = selectors.program_progress(user=AnonymousUser(), program=program)
    assert progress.total == 3 and progress.completed == 0
    assert progress.first_module.slug == "le-phenomene"


def test_module_neighbours_cross_levels(modules):
    previous, following = selectors.module_neighbours(module=modules["verifier"])
    assert previous.slug == "le-phenomene"
    assert following.slug == "cas-1"
    assert selectors.module_neighbours(module=modules["le-phenomene"])[0] is None
    assert selectors.module_neighbours(module=modules["cas-1"])[1] is None


def test_personal_data_lists_what_training_holds(world, modules):
    quiz_submit(user=world.learner, module=modules["verifier"], answers=CORRECT_QUIZ)
    data = selectors.personal_data(world.learner)
    assert data["enrollments"][0]["program"] == "mini-sexto"
    assert data["module_progress"][0]["state"]["answers"] == CORRECT_QUIZ
    assert data["level_completions"] == []
    assert selectors.personal_data(world.principal) == {
        "enrollments": [], "module_progress": [], "level_completions": []}

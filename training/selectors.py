"""Read-only questions about programs and progress, used by training and by the badges app."""

from training.models import Level, LevelCompletion


def level_is_completed(*, user, level: Level) -> bool:
    return LevelCompletion.objects.filter(user=user, level=level).exists()


def level_completion_time(*, user, level: Level):
    completion = LevelCompletion.objects.filter(user=user, level=level).first()
    return completion.completed_at if completion else None

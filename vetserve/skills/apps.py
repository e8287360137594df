from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "vetserve.skills"
    label = "skills"
    verbose_name = "Skills and qualifications"

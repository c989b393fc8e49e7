from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "mend.people"
    label = "people"
    verbose_name = "People"

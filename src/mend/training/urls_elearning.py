"""Training URLs: elearning."""

urlpatterns: list = []

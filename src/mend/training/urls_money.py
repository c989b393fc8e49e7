"""Training URLs: money."""

urlpatterns: list = []

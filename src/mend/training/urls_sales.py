"""Training URLs: sales."""

urlpatterns: list = []

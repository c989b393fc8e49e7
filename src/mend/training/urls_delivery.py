"""Training URLs: delivery."""

urlpatterns: list = []

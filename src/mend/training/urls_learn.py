"""E-learning for learners (/learn/<organisation>/...): public catalogue and sign-up, then
the learner's own pages (access.LEARNER)."""

urlpatterns: list = []

from django.dispatch import receiver

from mend.core.signals import organisation_created
from mend.core.tenancy import organisation_scope


@receiver(organisation_created)
def _install_training_defaults(sender, organisation, **kwargs):
    from mend.training.defaults import install

    with organisation_scope(organisation):
        install(organisation)

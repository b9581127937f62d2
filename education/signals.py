"""What the services announce after a change has committed, for work that must not run inside it."""

from django.dispatch import Signal

# A version was approved and published (sent after the transaction commits); keyword argument: version_id.
version_published = Signal()

# A version was withdrawn from patients (sent after the transaction commits); keyword argument: version_id.
version_withdrawn = Signal()

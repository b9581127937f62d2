"""A share link remembers (as a SHA-256) the one-time key of the staff form that made it, unique, so submitting
the same form twice makes one link and sends one email, whichever app server gets each request.

Nullable and with a conditional unique index, so SQLite adds both in place instead of rebuilding the table
(a rebuild would drop the triggers of 0005_protect_handouts)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0008_staff_see_review_reminders"),
    ]

    operations = [
        migrations.AddField(
            model_name="sharelink",
            name="form_key_hash",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="share form fingerprint"),
        ),
        migrations.AddConstraint(
            model_name="sharelink",
            constraint=models.UniqueConstraint(
                condition=models.Q(("form_key_hash__isnull", False)),
                fields=("form_key_hash",),
                name="share_link_one_per_form",
            ),
        ),
    ]

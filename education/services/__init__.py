"""Every change to leaflets goes through these functions, one module per domain:

- `leaflets`: a leaflet's identity (create, update its name, topic, tags, review interval, owner);
- `drafts`: opening, editing and catching up drafts;
- `workflow`: submit, send back, approve and publish (against the text the approver read), discard;
- `withdrawal`: taking a version or a whole leaflet away from patients, with a reason;
- `recall`: after a withdrawal, revoking every live link and telling the staff who handed the version out;
- `sharing`: handout records, share links and sharing a leaflet with a patient (email included);
- `reminders`: review reminders to leaflet owners;
- `starter`: the bundled starter leaflets;
- `feedback`: what patients tell us (feedback and page views), without tracking;
- `permissions`: who may do what (reads only);
- `errors`: what they raise.

Each write is keyword-only, runs in one transaction, records the acting user and raises a `WorkflowError`
(a message fit to show the user) for anything the rules forbid. Others import from here, not the modules.
"""

from education.models import share_token_hash
from education.services.common import add_months
from education.services.drafts import (
    CHANGE_NOTE_PROMPT,
    MAX_HELP_SIGNS,
    HelpSignData,
    version_create_draft,
    version_edit_draft,
    version_translation_catch_up,
)
from education.services.errors import (
    AlreadyShared,
    EmailNotSent,
    NotPermitted,
    StaleApproval,
    StaleEdit,
    WorkflowError,
)
from education.services.feedback import (
    feedback_comments_remove,
    feedback_record,
    page_view_count,
    page_views_flush,
)
from education.services.leaflets import LEAFLET_EDITABLE_FIELDS, leaflet_create, leaflet_update
from education.services.permissions import (
    available_actions,
    can_approve,
    can_edit,
    can_print,
    can_retire,
    can_share,
    can_submit,
    is_contributor,
)
from education.services.recall import RecallNotices, recall_notify_staff, recall_revoke_links
from education.services.reminders import ReviewReminderReport, review_reminders_send
from education.services.sharing import (
    HANDOUT_OPTION_KEYS,
    Shared,
    TooManyEmails,
    handout_record,
    share_link_count_view,
    share_link_create,
    share_link_revoke,
    share_url,
    share_with_patient,
)
from education.services.starter import STARTER_AUTHOR_USERNAME, starter_author, starter_leaflets_load
from education.services.withdrawal import leaflet_withdraw, version_withdraw
from education.services.workflow import (
    approval_statement,
    version_approve_and_publish,
    version_discard,
    version_send_back,
    version_submit,
)

__all__ = [
    "CHANGE_NOTE_PROMPT",
    "HANDOUT_OPTION_KEYS",
    "LEAFLET_EDITABLE_FIELDS",
    "MAX_HELP_SIGNS",
    "STARTER_AUTHOR_USERNAME",
    "AlreadyShared",
    "EmailNotSent",
    "HelpSignData",
    "NotPermitted",
    "RecallNotices",
    "ReviewReminderReport",
    "Shared",
    "StaleApproval",
    "StaleEdit",
    "TooManyEmails",
    "WorkflowError",
    "add_months",
    "approval_statement",
    "available_actions",
    "can_approve",
    "can_edit",
    "can_print",
    "can_retire",
    "can_share",
    "can_submit",
    "feedback_comments_remove",
    "feedback_record",
    "handout_record",
    "is_contributor",
    "leaflet_create",
    "leaflet_update",
    "leaflet_withdraw",
    "page_view_count",
    "page_views_flush",
    "recall_notify_staff",
    "recall_revoke_links",
    "review_reminders_send",
    "share_link_count_view",
    "share_link_create",
    "share_link_revoke",
    "share_token_hash",
    "share_url",
    "share_with_patient",
    "starter_author",
    "starter_leaflets_load",
    "version_approve_and_publish",
    "version_create_draft",
    "version_discard",
    "version_edit_draft",
    "version_send_back",
    "version_submit",
    "version_translation_catch_up",
    "version_withdraw",
]

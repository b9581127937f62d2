"""Every change to leaflets goes through these functions, one module per domain:

- `leaflets`: a leaflet's identity (create, update its name, topic, tags, review interval, owner);
- `drafts`: opening, editing and catching up drafts;
- `figures`: pictures in a draft (add, change, remove);
- `workflow`: submit, send back, approve and publish (against the text the approver read), discard;
- `withdrawal`: taking a version or a whole leaflet away from patients, with a reason;
- `recall`: after a withdrawal, revoking every live link and telling the staff who handed the version out;
- `sharing`: handout records, share links and sharing a leaflet with a patient (email included);
- `reminders`: review reminders to leaflet owners;
- `notifications`: who is told about what (shown on the staff home, emailed after the commit);
- `renewals`: "reviewed, no change", which renews a published version's review date;
- `codes`: the diagnosis codes record systems find a leaflet by;
- `starter`: the bundled starter leaflets;
- `feedback`: what patients tell us (feedback and page views), without tracking;
- `permissions`: who may do what (reads only);
- `errors`: what they raise.

Each write is keyword-only, runs in one transaction, records the acting user and raises a `WorkflowError`
(a message fit to show the user) for anything the rules forbid. Others import from here, not the modules.
"""

from education.models import share_token_hash
from education.services.codes import MAX_CODES, CodeData, leaflet_codes_set
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
from education.services.figures import MAX_FIGURES, figure_add, figure_remove, figure_update
from education.services.leaflets import LEAFLET_EDITABLE_FIELDS, leaflet_create, leaflet_update
from education.services.notifications import (
    clinical_approvers,
    notifications_mark_read,
    review_due_notify,
    staff_language_set,
)
from education.services.permissions import (
    available_actions,
    can_approve,
    can_edit,
    can_print,
    can_retire,
    can_share,
    can_submit,
    is_contributor,
    unavailable_actions,
)
from education.services.recall import RecallNotices, recall_notify_staff, recall_revoke_links
from education.services.reminders import ReviewReminderReport, review_reminders_send
from education.services.renewals import review_statement, version_review_renew
from education.services.sharing import (
    HANDOUT_OPTION_KEYS,
    Shared,
    TooManyEmails,
    handout_record,
    share_emails_give_up_stuck,
    share_link_count_view,
    share_link_create,
    share_link_revoke,
    share_url,
    share_with_patient,
)
from education.services.starter import (
    STARTER_AUTHOR_USERNAME,
    StarterOutcome,
    starter_author,
    starter_codes_apply,
    starter_leaflets_load,
    starter_leaflets_update,
)
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
    "CodeData",
    "HANDOUT_OPTION_KEYS",
    "LEAFLET_EDITABLE_FIELDS",
    "MAX_CODES",
    "MAX_FIGURES",
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
    "clinical_approvers",
    "figure_add",
    "figure_remove",
    "figure_update",
    "feedback_comments_remove",
    "feedback_record",
    "handout_record",
    "is_contributor",
    "leaflet_codes_set",
    "leaflet_create",
    "leaflet_update",
    "notifications_mark_read",
    "leaflet_withdraw",
    "page_view_count",
    "page_views_flush",
    "recall_notify_staff",
    "recall_revoke_links",
    "review_due_notify",
    "review_reminders_send",
    "review_statement",
    "share_emails_give_up_stuck",
    "share_link_count_view",
    "share_link_create",
    "share_link_revoke",
    "share_token_hash",
    "share_url",
    "share_with_patient",
    "staff_language_set",
    "starter_author",
    "starter_codes_apply",
    "starter_leaflets_load",
    "starter_leaflets_update",
    "StarterOutcome",
    "version_approve_and_publish",
    "version_create_draft",
    "version_discard",
    "version_edit_draft",
    "version_send_back",
    "version_submit",
    "version_review_renew",
    "version_translation_catch_up",
    "version_withdraw",
    "unavailable_actions",
]

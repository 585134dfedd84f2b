"""The names people read for the codes the portal stores: one table per kind, here only.

Values are message ids (records.i18n): officer pages, citizen pages and PDFs show them in
the reader's language (``translate``, the ``tr`` filter), the JSON API keeps the codes
and, where it gives a name, the English text (``english``).
"""
from records.i18n import _

#: A dossier's state, as a heading or a badge.
STATES = {
    "received": _("Received"),
    "in_processing": _("In processing"),
    "supplement_requested": _("Supplement requested"),
    "result_ready": _("Result ready"),
    "returned": _("Result returned"),
    "rejected": _("Rejected"),
    "withdrawn": _("Withdrawn"),
}

#: A state inside a sentence ("cannot return a dossier in state received"): the English
#: text is the state's code, so that the API's messages stay what clients know.
STATES_IN_TEXT = {
    "received": _("received"), "in_processing": _("in_processing"),
    "supplement_requested": _("supplement_requested"), "result_ready": _("result_ready"),
    "returned": _("returned"), "rejected": _("rejected"), "withdrawn": _("withdrawn"),
}

#: A workflow action inside a sentence ("your role may not approve").
ACTIONS = {
    "transfer": _("transfer"), "request_supplement": _("request supplement"),
    "receive_supplement": _("receive supplement"), "approve": _("approve"),
    "return": _("return"), "reject": _("reject"), "withdraw": _("withdraw"),
    "reschedule": _("reschedule"),
}

#: A line of a dossier's history, as officers read it.
HISTORY = {
    "receive": _("received"), "transfer": _("transferred for processing"),
    "request_supplement": _("supplement requested"), "receive_supplement": _("supplement received"),
    "approve": _("result approved"), "return": _("result returned"), "reject": _("rejected"),
    "withdraw": _("withdrawn"), "reschedule": _("rescheduled"), "upload": _("new version uploaded"),
    "reuse": _("earlier result reused"), "correct_field": _("field corrected"),
    "attach_result": _("result attached"), "publish_result": _("e-result published"),
    "revoke_result": _("result revoked"), "supersede_result": _("result superseded"),
    "dispose": _("disposed"),
    "reused_by": _("document reused by another dossier"),
    "hold": _("legal hold placed"), "lift_hold": _("legal hold lifted"),
    "import_bag": _("imported from a bag"), "ingest": _("ingested from the paper archive"),
    "send_back": _("sent back to an earlier step"),
}

#: The steps of a dossier its citizen sees (records.views.citizen says which, and whose
#: notes they may read).
CITIZEN_STEPS = {
    "receive": _("Dossier received"),
    "transfer": _("Sent to the processing unit"),
    "request_supplement": _("A supplement was requested"),  # an event, not the state
    "receive_supplement": _("Supplement received"),
    "reschedule": _("Return date rescheduled (we apologise for the delay)"),
    "approve": _("Result ready"),
    "publish_result": _("E-result published"),
    "supersede_result": _("Result replaced by a corrected one"),
    "return": _("Result returned"),
    "reject": _("Dossier rejected"),
    "withdraw": _("Dossier withdrawn"),
}

#: The citizen's satisfaction rating.
RATINGS = {
    "very_satisfied": _("Very satisfied"),
    "satisfied": _("Satisfied"),
    "not_satisfied": _("Not satisfied"),
}

#: A result's status, and the leaders' actions on it, inside sentences.
RESULT_STATUSES = {"draft": _("draft"), "approved": _("approved"), "published": _("published"),
                   "revoked": _("revoked"), "superseded": _("superseded")}
RESULT_ACTIONS = {"publish": _("publish"), "revoke": _("revoke"), "supersede": _("supersede")}

#: The fields read from a file that officers may correct.
FIELDS = {
    "number_symbol": _("Number and symbol"), "doc_type": _("Document type"),
    "issuer": _("Issuer"), "issue_date": _("Issue date"), "place": _("Place"),
    "summary": _("Summary"),
}

#: Where the reading of a file is.
READING_STATES = {"queued": _("queued"), "running": _("reading"), "done": _("read"),
                  "failed": _("failed")}


#: An officer's role (records.resources.users.ROLES).
ROLES = {"receiving": _("Receiving officer"), "processing": _("Processing officer"),
         "leader": _("Leader"), "archivist": _("Archivist"), "supervisor": _("Supervisor"),
         "admin": _("Administrator")}

#: What a search hit is (records.search documents' ``kind``).
SEARCH_KINDS = {"dossier": _("Dossier"), "file": _("File"), "result": _("Result")}

#: The facets of the search page (records.views.search.FACETS), as headings.
FACETS = {"kind": _("Kind"), "procedure": _("Procedure"), "state": _("State"),
          "doc_type": _("Document type"), "status": _("Result status"),
          "receiving_unit": _("Receiving unit")}

#: An entry of the audit trail that is not a line of a dossier's history (those are
#: named by HISTORY).
AUDIT_ACTIONS = {
    "login": _("logged in"), "login_failed": _("wrong password"),
    "login_refused": _("login refused (too many tries)"), "logout": _("logged out"),
    "search": _("searched"), "view_dossier": _("opened the dossier"),
    "view_dossier_audit": _("opened the dossier's audit page"),
    "download": _("downloaded a file"), "export": _("exported the dossier"),
    "audit_search": _("searched the audit trail"),
    "audit_export": _("exported the audit trail"),
    "admin_create_user": _("created an account"),
    "admin_edit_procedure": _("edited a procedure"),
    "acknowledge_fixity_failure": _("acknowledged a fixity failure"),
    "export_fixity_report": _("exported the fixity report"),
}

#: The details an audit entry may carry (records.audit.record), as the trail page names them.
AUDIT_DETAILS = {
    "from_state": _("from"), "to_state": _("to"), "note": _("note"), "via": _("via"),
    "query": _("query"), "file_id": _("file"), "refused": _("refused with"),
    "procedure": _("procedure"), "account": _("account"), "roles": _("roles"),
    "account_unit": _("unit"),
    "rows": _("rows"), "kind": _("kind"), "result_id": _("result"),
    "filter_user": _("user"), "filter_action": _("action"), "filter_since": _("from"),
    "filter_until": _("to"), "owner": _("dossier"), "reason": _("reason"),
}

#: A field read with a confidence under the threshold (records.services.corrections).
NEEDS_CHECK = _("needs checking")


def label(table, code):
    """The name of ``code`` in ``table``; the code itself when it has none."""
    return table.get(code, code)


#: A result as the public verify page states it (records.views.verify.verification): a
#: published one is valid or expired; one not published yet is not published for anyone.
VERIFY_STATUSES = {"valid": _("Valid"), "expired": _("Expired"), "revoked": _("Revoked"),
                   "superseded": _("Superseded"), "approved": _("Not published"),
                   "draft": _("Not published")}

#: The national monthly report's figures (records.reports.steps.FIGURES).
MONTHLY_FIGURES = {
    "received": _("received"), "received_online": _("received online"),
    "received_in_person": _("received in person"), "received_postal": _("received by post"),
    "carried_over": _("carried over"), "resolved": _("resolved"),
    "resolved_early": _("resolved early"), "resolved_on_time": _("resolved on time"),
    "resolved_late": _("resolved late"), "pending_in_time": _("pending in time"),
    "pending_late": _("pending late")}

#: The dashboard's figures (records.reports.figures.PERIOD_FIGURES and "held_up").
DASHBOARD_FIGURES = {
    "received": _("dossiers received"), "online": _("received online"),
    "with_files": _("with files"), "digitized": _("digitized"),
    "reused": _("earlier results reused"), "solved": _("solved"),
    "solved_on_time": _("solved on time"), "returned": _("returned"),
    "returned_electronically": _("results returned electronically"), "rated": _("rated"),
    "rating:very_satisfied": _("very satisfied"), "rating:satisfied": _("satisfied"),
    "rating:not_satisfied": _("not satisfied"), "held_up": _("Where open dossiers are held up")}

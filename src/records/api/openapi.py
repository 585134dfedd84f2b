"""The OpenAPI 3.1 description of /api/v1 (served at /api/v1/openapi.json)."""

_ERROR = {"description": "error", "content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/Error"}}}}


def _json(ref, description="ok"):
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
         "description": "dossier code <unit id>-YYMMDD-XXXX"}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "Records API", "version": "1.0.0",
             "description": "Dossiers, components, file versions and workflow actions. Log in "
                            "with POST /session; send the returned csrf_token as X-CSRF-Token "
                            "on every change."},
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "session"}},
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {
                "error": {"type": "string"}, "fields": {"type": "object"}}},
            "Session": {"type": "object", "properties": {
                "login": {"type": "string"}, "roles": {"type": "array", "items": {"type": "string"}},
                "unit": {"type": ["string", "null"]}, "csrf_token": {"type": "string"}}},
            "Applicant": {"type": "object", "required": ["kind", "name", "id_number"], "properties": {
                "kind": {"enum": ["person", "business"]}, "name": {"type": "string"},
                "id_number": {"type": "string", "description": "CCCD (12) / CMND (9) or tax code (10/13)"},
                "address": {"type": "string"}, "phone": {"type": "string"}, "email": {"type": "string"}}},
            "Intake": {"type": "object", "required": ["procedure", "applicant"], "properties": {
                "procedure": {"type": "string"}, "channel": {"enum": ["in_person", "online", "postal"]},
                "unit": {"type": "string"}, "applicant": {"$ref": "#/components/schemas/Applicant"},
                "submission": {"type": "string", "description": "one-time token against double submission"},
                "note": {"type": "string"}}},
            "Reading": {"type": "object", "properties": {
                "state": {"enum": ["queued", "running", "done", "failed"]},
                "reason": {"type": ["string", "null"], "description": "why reading failed, in English"},
                "reason_text": {"type": "string", "description": "the reason in the request's language (present with a reason)"},
                "pages_done": {"type": "integer"},
                "pages_total": {"type": ["integer", "null"]}}},
            "FileVersion": {"type": "object", "properties": {
                "file_id": {"type": "string"}, "filename": {"type": "string"},
                "media_type": {"type": "string"}, "size": {"type": "integer"},
                "sha256": {"type": "string"}, "number": {"type": ["integer", "null"]},
                "uploaded_by": {"type": "string"}, "uploaded_at": {"type": "string", "format": "date-time"},
                "derivation": {"type": ["string", "null"]},
                "reading": {"$ref": "#/components/schemas/Reading"}, "href": {"type": "string"}}},
            "DossierSummary": {"type": "object", "properties": {
                "code": {"type": "string"}, "procedure": {"type": "string"}, "state": {"type": "string"},
                "receiving_unit": {"type": "string"}, "processing_unit": {"type": ["string", "null"]},
                "received_at": {"type": "string"}, "due_at": {"type": "string", "format": "date"},
                "overdue": {"type": "boolean"}, "channel": {"type": "string"},
                "applicant_name": {"type": "string"}}},
            "Dossier": {"allOf": [{"$ref": "#/components/schemas/DossierSummary"}, {
                "type": "object", "properties": {
                    "applicant": {"$ref": "#/components/schemas/Applicant"},
                    "components": {"type": "array", "items": {"type": "object"}},
                    "receipt": {"oneOf": [{"$ref": "#/components/schemas/FileVersion"}, {"type": "null"}]},
                    "history": {"type": "array", "items": {"type": "object"}},
                    "actions": {"type": "array", "items": {"type": "string"}},
                    "process": {"oneOf": [{"$ref": "#/components/schemas/Run"}, {"type": "null"}],
                                "description": "its steps through the internal process "
                                               "(null: it follows none)"},
                    "pin": {"type": "string", "description": "only in the reply to POST /dossiers"}}}]},
            "DossierList": {"type": "object", "properties": {
                "total": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
                "dossiers": {"type": "array", "items": {"$ref": "#/components/schemas/DossierSummary"}}}},
            "Action": {"type": "object", "required": ["action"], "properties": {
                "action": {"enum": ["transfer", "request_supplement", "receive_supplement", "approve",
                                    "return", "reject", "withdraw", "reschedule"]},
                "note": {"type": "string"}, "processing_unit": {"type": "string"},
                "new_due": {"type": "string", "format": "date"}}},
        },
    },
    "security": [{"session": []}],
    "paths": {
        "/session": {
            "post": {"summary": "Log in", "security": [], "requestBody": {"required": True, "content": {
                "application/json": {"schema": {"type": "object", "properties": {
                    "login": {"type": "string"}, "password": {"type": "string"}}}}}},
                "responses": {"200": _json("Session"), "401": _ERROR}},
            "get": {"summary": "Who am I", "responses": {"200": _json("Session"), "401": _ERROR}},
            "delete": {"summary": "Log out", "responses": {"200": {"description": "logged out"}}},
        },
        "/procedures": {"get": {"summary": "Procedures", "responses": {"200": {"description": "ok"}}}},
        "/dossiers": {
            "get": {"summary": "Dossiers the caller may see (q: a dossier code; search names "
                               "with POST /search, so that they stay out of URLs)", "parameters": [
                {"name": n, "in": "query", "schema": {"type": "string"}}
                for n in ("q", "state", "procedure", "unit", "overdue", "page")],
                "responses": {"200": _json("DossierList"), "401": _ERROR}},
            "post": {"summary": "Receive a dossier", "requestBody": {"required": True, "content": {
                "multipart/form-data": {"schema": {"type": "object", "required": ["data"], "properties": {
                    "data": {"type": "string", "description": "JSON of Intake"},
                    "file.{component key}": {"type": "string", "format": "binary"}}}}}},
                "responses": {"201": _json("Dossier", "received"), "400": _ERROR, "409": _ERROR,
                              "413": _ERROR, "415": _ERROR}},
        },
        "/dossiers/{code}": {"get": {"summary": "One dossier", "parameters": [_CODE],
                                     "responses": {"200": _json("Dossier"), "404": _ERROR}}},
        "/dossiers/{code}/actions": {"post": {
            "summary": "Fire a workflow action", "parameters": [_CODE],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Action"}}}},
            "responses": {"200": _json("Dossier"), "400": _ERROR, "403": _ERROR, "409": _ERROR}}},
        "/dossiers/{code}/components/{key}/versions": {"post": {
            "summary": "Upload a new version of a component", "parameters": [
                _CODE, {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {"201": _json("FileVersion"), "400": _ERROR, "404": _ERROR,
                          "413": _ERROR, "415": _ERROR}}},
        "/dossiers/{code}/files/{file_id}": {"get": {
            "summary": "Download a file version", "parameters": [
                _CODE, {"name": "file_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the bytes", "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                "404": _ERROR}}},
        "/dashboard": {"get": {
            "summary": "The figures of a month (month=YYYY-MM, default this month) or a year "
                       "(year=YYYY), and where open dossiers are held up; counted from the "
                       "catalog, limited to the caller's units",
            "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}}
                           for n in ("month", "year")],
            "responses": {"200": {"description": "the figures", "content": {
                "application/json": {"schema": {"type": "object"}}}}, "401": _ERROR,
                "403": _ERROR}}},
    },
}

# -- signatures (records.signing) -------------------------------------------------------

_SIGNATURE = {"type": "object", "required": [
    "signer", "organisation", "issuer", "signed_at", "intact", "covers_whole_file", "trusted",
    "problems"], "properties": {
    "field": {"type": ["string", "null"]},
    "signer": {"type": ["string", "null"], "description": "the certificate's common name"},
    "organisation": {"type": ["string", "null"]},
    "issuer": {"type": ["string", "null"], "description": "the issuing CA's name"},
    "signed_at": {"type": ["string", "null"], "description": "the signer's clock"},
    "timestamp": {"type": ["string", "null"], "description": "a timestamp server's time"},
    "intact": {"type": "boolean", "description": "the signed bytes are unchanged"},
    "valid": {"type": "boolean", "description": "intact, and the signature value checks out"},
    "covers_whole_file": {"type": "boolean"},
    "added_after": {"type": ["string", "null"], "enum": [
        None, "none", "validation data", "form filling or later signatures", "annotations",
        "other changes"]},
    "trusted": {"type": "boolean", "description": "the chain reaches a trust root here"},
    "revocation": {"enum": ["good", "revoked", "not checked"],
                   "description": "from the data embedded in the file only"},
    "problems": {"type": "array", "items": {"type": "string"}}}}
OPENAPI["components"]["schemas"]["Signature"] = _SIGNATURE
OPENAPI["components"]["schemas"]["SignatureReport"] = {
    "type": "object", "required": ["signatures"], "properties": {
        "signatures": {"type": "array", "items": {"$ref": "#/components/schemas/Signature"}}}}
OPENAPI["components"]["schemas"]["FileVersion"]["properties"]["signatures"] = {
    "description": "null until a worker has checked the PDF (or not a PDF)",
    "oneOf": [{"type": "null"}, {"type": "object", "properties": {
        "state": {"enum": ["done", "failed"]}, "reason": {"type": ["string", "null"]},
        "signed": {"type": "integer"}, "intact": {"type": "boolean"},
        "trusted": {"type": "boolean"},
        "signatures": {"type": "array", "items": {"$ref": "#/components/schemas/Signature"}}}}]}
OPENAPI["paths"]["/verify-pdf"] = {"post": {
    "summary": "The digital signatures of a PDF, checked against the trust roots here",
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"}}}}}},
    "responses": {"200": _json("SignatureReport"), "400": _ERROR, "401": _ERROR,
                  "403": _ERROR, "413": _ERROR, "422": _ERROR}}}
# -- the archivists' part (records.api.archive) ---------------------------------------
_SCHEMAS = OPENAPI["components"]["schemas"]
_SCHEMAS["Hold"] = {"type": "object", "properties": {
    "code": {"type": "string"}, "by": {"type": "string"}, "unit": {"type": ["string", "null"]},
    "reason": {"type": "string"}, "since": {"type": "string", "format": "date-time"},
    "lifted_by": {"type": "string"}, "lifted_at": {"type": "string", "format": "date-time"},
    "lift_reason": {"type": "string"}}}
_SCHEMAS["AuditEntry"] = {"type": "object", "description": "one entry; further keys carry "
                          "the action's details (file_id, query, note…)", "properties": {
    "seq": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
    "user": {"type": "string"}, "unit": {"type": "string"}, "action": {"type": "string"},
    "code": {"type": "string"}, "prev": {"type": "string"}, "hash": {"type": "string"},
    "sealed": {"type": "boolean", "description": "false: not chained yet (recent)"}}}
_REASON = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}}
_HOLD_REPLY = {"description": "ok", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"hold": {"$ref": "#/components/schemas/Hold"}}}}}}
OPENAPI["paths"]["/audit"] = {"get": {
    "summary": "Search the audit trail (permission archive), newest first",
    "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}}
                   for n in ("user", "code", "action", "since", "until", "limit")]
    + [{"name": "format", "in": "query", "schema": {"enum": ["json", "csv"]}}],
    "responses": {"200": {"description": "entries", "content": {
        "application/json": {"schema": {"type": "object", "properties": {
            "entries": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"}},
            "pending": {"type": "integer"}}}},
        "text/csv": {"schema": {"type": "string"}}}}, "400": _ERROR, "403": _ERROR}}}
OPENAPI["paths"]["/archive/holds"] = {"get": {
    "summary": "Dossiers on legal hold", "responses": {"200": {"description": "ok", "content": {
        "application/json": {"schema": {"type": "object", "properties": {"holds": {
            "type": "array", "items": {"$ref": "#/components/schemas/Hold"}}}}}}},
        "403": _ERROR}}}
OPENAPI["paths"]["/dossiers/{code}/hold"] = {
    "post": {"summary": "Place a legal hold (blocks disposition and packing)",
             "parameters": [_CODE], "requestBody": _REASON,
             "responses": {"201": _HOLD_REPLY, "400": _ERROR, "403": _ERROR, "404": _ERROR,
                           "409": _ERROR}},
    "delete": {"summary": "Lift the legal hold, with a reason", "parameters": [_CODE],
               "requestBody": _REASON,
               "responses": {"200": _HOLD_REPLY, "400": _ERROR, "403": _ERROR, "409": _ERROR}}}
OPENAPI["paths"]["/archive/bags"] = {"post": {
    "summary": "Import a dossier from a BagIt ZIP exported by another portal; a bag with any "
               "problem is refused whole, with the reason",
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["bag"], "properties": {
            "bag": {"type": "string", "format": "binary"}}}}}},
    "responses": {"201": {"description": "imported", "content": {"application/json": {
        "schema": {"type": "object", "properties": {
            "code": {"type": "string"}, "state": {"type": "string"},
            "files": {"type": "integer"}}}}}},
        "400": _ERROR, "403": _ERROR, "409": _ERROR, "413": _ERROR}}}
_SCHEMAS["FixityFailure"] = {"type": "object", "properties": {
    "key": {"type": "string", "description": "<file id>@<found at>: names it to acknowledge"},
    "file_id": {"type": "string"}, "owner": {"type": ["string", "null"]},
    "filename": {"type": "string"}, "problem": {"enum": ["missing", "mismatch"]},
    "expected": {"type": "string"}, "actual": {"type": ["string", "null"]},
    "found_at": {"type": "string"}, "last_seen": {"type": "string"},
    "acknowledged_by": {"type": ["string", "null"]},
    "acknowledged_at": {"type": ["string", "null"]}, "note": {"type": "string"}}}
OPENAPI["paths"]["/archive/fixity"] = {"get": {
    "summary": "Fixity failures (never repaired; unacknowledged first) and the last runs",
    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
        "type": "object", "properties": {
            "failures": {"type": "array", "items": {"$ref": "#/components/schemas/FixityFailure"}},
            "runs": {"type": "array", "items": {"type": "object"}}}}}}}, "403": _ERROR}}}
OPENAPI["paths"]["/archive/fixity/acknowledge"] = {"post": {
    "summary": "Acknowledge one fixity failure (it stays on record)",
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["failure"], "properties": {
            "failure": {"type": "string"}, "note": {"type": "string"}}}}}},
    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"failure": {
            "$ref": "#/components/schemas/FixityFailure"}}}}}},
        "403": _ERROR, "404": _ERROR, "409": _ERROR}}}
OPENAPI["paths"]["/archive/records"] = {"get": {
    "summary": "Closed dossiers as records, with the retention end and the hold status",
    "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}}
                   for n in ("field", "unit", "procedure", "year", "page")]
    + [{"name": "held", "in": "query", "schema": {"enum": ["1"]},
        "description": "only the records on legal hold"}],
    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
        "type": "object", "properties": {
            "total": {"type": "integer"}, "page": {"type": "integer"},
            "pages": {"type": "integer"}, "records": {"type": "array", "items": {
                "type": "object", "properties": {
                    "code": {"type": "string"}, "procedure": {"type": "string"},
                    "field": {"type": "string"}, "units": {"type": "array",
                                                            "items": {"type": "string"}},
                    "closed_at": {"type": ["string", "null"]},
                    "retention_years": {"type": ["integer", "string"]},
                    "retention_end": {"type": ["string", "null"], "format": "date"},
                    "hold": {"oneOf": [{"$ref": "#/components/schemas/Hold"},
                                       {"type": "null"}]},
                    "disposed": {"type": "boolean"}}}}}}}}},
        "400": _ERROR, "403": _ERROR}}}
OPENAPI["paths"]["/archive/records"]["get"]["summary"] += (
    ", newest closed first, 50 a page; served from the catalog's indexes")
_CSV = {"description": "CSV (UTF-8 with a byte order mark)", "content": {
    "text/csv": {"schema": {"type": "string"}}}}
OPENAPI["paths"]["/archive/fixity/report"] = {"get": {
    "summary": "Every fixity failure, acknowledged or not, as CSV (the export is audited)",
    "responses": {"200": _CSV, "403": _ERROR}}}
OPENAPI["paths"]["/archive/disposal"] = {"get": {
    "summary": "Closed dossiers whose retention ended, not yet disposed of nor proposed, "
               "oldest end first, 50 a page (a dossier on hold is listed, marked held: it "
               "cannot be proposed)",
    "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}}],
    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
        "type": "object", "properties": {
            "total": {"type": "integer"}, "page": {"type": "integer"},
            "pages": {"type": "integer"}, "dossiers": {"type": "array", "items": {
                "type": "object", "properties": {
                    "code": {"type": "string"}, "procedure": {"type": "string"},
                    "closed_at": {"type": ["string", "null"]},
                    "retention_end": {"type": "string", "format": "date"},
                    "held": {"type": "boolean"}}}}}}}}},
        "403": _ERROR}}}
# Internal processes, steps, the officer's work, forms and the held-up report (issue 11).
_PROCEDURE = {"name": "procedure", "in": "path", "required": True, "schema": {"type": "string"}}
_REPORT_FILTERS = [{"name": n, "in": "query", "schema": {"type": "string"}, "description": d}
                   for n, d in (("from", "YYYY-MM-DD"), ("to", "YYYY-MM-DD"),
                                ("unit", "unit identifier"),
                                ("unit_role", "processing (the step's unit) or receiving"),
                                ("field", "field (lĩnh vực)"), ("procedure", "procedure code"))]
OPENAPI["components"]["schemas"].update({
    "Step": {"type": "object", "properties": {
        "key": {"type": "string"}, "name": {"type": "string"}, "unit": {"type": "string"},
        "role": {"type": "string"}, "budget_minutes": {"type": "integer"},
        "arrived_at": {"type": "string", "format": "date-time"},
        "due_at": {"type": ["string", "null"], "format": "date-time"},
        "assigned": {"type": ["string", "null"]}, "started_at": {"type": ["string", "null"]},
        "ended_at": {"type": ["string", "null"]}, "officer": {"type": ["string", "null"]},
        "outcome": {"enum": ["done", "sent_back", "rejected", "withdrawn", None]},
        "note": {"type": "string", "description": "the reason when sent back"},
        "paused": {"type": "boolean"},
        "pauses": {"type": "array", "items": {"type": "array"}},
        "taken_minutes": {"type": "integer",
                          "description": "working minutes held (so far, when open)"},
        "over_budget": {"type": "boolean"},
        "timeliness": {"enum": ["early", "done", "late", None],
                       "description": "for a finished step: before, on, after its due"}}},
    "Run": {"type": "object", "properties": {
        "code": {"type": "string"}, "procedure": {"type": "string"},
        "version": {"type": "integer"}, "case": {"type": "string"},
        "closed": {"type": "boolean"}, "state": {"type": "string"},
        "derived_state": {"type": "string"},
        "steps": {"type": "array", "items": {"$ref": "#/components/schemas/Step"}},
        "current": {"type": ["object", "null"], "description": "the open step", "properties": {
            "key": {"type": "string"}, "name": {"type": "string"}, "unit": {"type": "string"},
            "assigned": {"type": ["string", "null"]},
            "due_at": {"type": ["string", "null"], "format": "date-time"},
            "paused": {"type": "boolean"},
            "minutes_left": {"type": ["integer", "null"],
                             "description": "working minutes until due; negative: late"}}}}},
    "StepAction": {"type": "object", "required": ["action"], "properties": {
        "action": {"enum": ["claim", "assign", "start", "finish", "send_back", "pause",
                            "resume", "reject", "reschedule"]},
        "note": {"type": "string", "description": "required for send_back, pause, reject, "
                                                  "reschedule"},
        "officer": {"type": "string", "description": "assign: login, empty for the queue"},
        "to": {"type": "string", "description": "send_back: an earlier step's key"},
        "new_due": {"type": "string", "format": "date"}}},
    "ProcessVersion": {"type": "object", "properties": {
        "version": {"type": "integer"}, "at": {"type": "string"}, "by": {"type": "string"},
        "note": {"type": "string"}, "definition": {"type": "object"}}},
})
OPENAPI["paths"].update({
    "/work": {"get": {"summary": "Steps waiting for the caller or in their units' queues, "
                                 "late first", "responses": {"200": {"description": "items"},
                                                             "401": _ERROR}}},
    "/dossiers/{code}/step": {
        "get": {"summary": "The dossier's run through its process", "parameters": [_CODE],
                "responses": {"200": _json("Run"), "403": _ERROR, "404": _ERROR}},
        "post": {"summary": "A step action", "parameters": [_CODE],
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": {"$ref": "#/components/schemas/StepAction"}}}},
                 "responses": {"200": _json("Run"), "400": _ERROR, "403": _ERROR,
                               "409": _ERROR}}},
    "/dossiers/{code}/forms/{form}": {"get": {
        "summary": "A one-stop form as PDF", "parameters": [
            _CODE, {"name": "form", "in": "path", "required": True,
                    "schema": {"enum": ["control", "supplement", "refusal", "apology"]}}],
        "responses": {"200": {"description": "PDF", "content": {"application/pdf": {
            "schema": {"type": "string", "format": "binary"}}}}, "404": _ERROR,
            "409": _ERROR}}},
    "/processes/{procedure}": {
        "get": {"summary": "Every version of a procedure's internal process",
                "parameters": [_PROCEDURE], "responses": {"200": {"description": "versions"},
                                                          "404": _ERROR}},
        "post": {"summary": "Keep a new version (admin; validated)", "parameters": [_PROCEDURE],
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["definition"], "properties": {
                         "definition": {"type": "object"}, "note": {"type": "string"}}}}}},
                 "responses": {"201": _json("ProcessVersion"), "400": _ERROR, "403": _ERROR}}},
    "/reports/steps": {"get": {
        "summary": "Where dossiers are held up: steps, overdue, due within N days, national "
                   "monthly layout, trend; with table and format (csv, xlsx) an export",
        "parameters": _REPORT_FILTERS + [
            {"name": "days", "in": "query", "schema": {"type": "integer"}},
            {"name": "table", "in": "query", "schema": {
                "enum": ["steps", "overdue", "due", "national"]}},
            {"name": "format", "in": "query", "schema": {"enum": ["csv", "xlsx"]}}],
        "responses": {"200": {"description": "tables"}, "400": _ERROR, "403": _ERROR}}},
    "/reports/steps/dossiers": {"get": {
        "summary": "The dossiers behind one step figure (drill-down)",
        "parameters": _REPORT_FILTERS + [
            {"name": "step", "in": "query", "schema": {"type": "string"}},
            {"name": "late", "in": "query", "schema": {"enum": ["1"]}}],
        "responses": {"200": {"description": "codes"}, "403": _ERROR}}},
    "/reports/monthly/dossiers": {"get": {
        "summary": "The dossiers behind one figure of the national monthly layout "
                   "(drill-down); the list has as many codes as the figure",
        "parameters": [
            {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"},
             "description": "a day of the month (default: this month)"},
            {"name": "field", "in": "query", "required": True, "schema": {"type": "string"}},
            {"name": "figure", "in": "query", "required": True, "schema": {"enum": [
                "received", "received_online", "received_in_person", "received_postal",
                "carried_over", "resolved", "resolved_early", "resolved_on_time",
                "resolved_late", "pending_in_time", "pending_late"]}}],
        "responses": {"200": {"description": "month, field, figure, count, codes"},
                      "400": _ERROR, "403": _ERROR,
                      "404": {"description": "not kept for that month"}}}},
    "/dashboard/dossiers": {"get": {
        "summary": "The dossiers behind one dashboard figure (drill-down), from the catalog; "
                   "the list has as many codes as the figure (reused: each dossier once)",
        "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}}
                       for n in ("month", "year", "state", "unit")] + [
            {"name": "figure", "in": "query", "required": True, "schema": {"enum": [
                "held_up", "received", "online", "with_files", "digitized", "reused",
                "solved", "solved_on_time", "returned", "returned_electronically", "rated",
                "rating:very_satisfied", "rating:satisfied", "rating:not_satisfied"]}},
            {"name": "late", "in": "query", "schema": {"enum": ["1"]}}],
        "responses": {"200": {"description": "period, figure, count, codes"},
                      "400": _ERROR, "403": _ERROR}}},
})
# Accounts and sessions ended on the server (issue: What a security probe found).
_LOGIN = {"name": "login", "in": "path", "required": True, "schema": {"type": "string"}}
OPENAPI["components"]["schemas"]["User"] = {"type": "object", "properties": {
    "login": {"type": "string"}, "name": {"type": "string"}, "unit": {"type": ["string", "null"]},
    "roles": {"type": "array", "items": {"type": "string"}}, "active": {"type": "boolean"},
    "sessions": {"type": "integer", "description": "live sessions"},
    "failures": {"type": "integer", "description": "failed logins in the limit's window"},
    "locked_for": {"type": "integer", "description": "seconds the login stays refused"},
    "password": {"type": "string", "description": "only in the reply to reset-password"}}}
OPENAPI["paths"].update({
    "/session/password": {"post": {
        "summary": "Change one's own password; ends every other session of the caller",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["current", "new"], "properties": {
                "current": {"type": "string"}, "new": {"type": "string", "minLength": 10}}}}}},
        "responses": {"200": _json("Session"), "400": _ERROR, "401": _ERROR}}},
    "/users": {"get": {"summary": "Officer accounts (admin)",
                       "responses": {"200": {"description": "ok", "content": {
                           "application/json": {"schema": {"type": "object", "properties": {
                               "users": {"type": "array", "items": {
                                   "$ref": "#/components/schemas/User"}}}}}}},
                           "403": _ERROR}}},
    "/users/{login}/deactivate": {"post": {
        "summary": "Deactivate an account (admin); its sessions end at once",
        "parameters": [_LOGIN], "responses": {"200": _json("User"), "400": _ERROR,
                                              "403": _ERROR, "404": _ERROR}}},
    "/users/{login}/activate": {"post": {
        "summary": "Reactivate an account (admin)", "parameters": [_LOGIN],
        "responses": {"200": _json("User"), "403": _ERROR, "404": _ERROR}}},
    "/users/{login}/unlock": {"post": {
        "summary": "End a login lockout before it ends on its own (admin)",
        "parameters": [_LOGIN], "responses": {"200": _json("User"), "403": _ERROR,
                                              "404": _ERROR}}},
    "/users/{login}/reset-password": {"post": {
        "summary": "Give an account a new random password, returned once (admin); its "
                   "sessions end", "parameters": [_LOGIN],
        "responses": {"200": _json("User"), "400": _ERROR, "403": _ERROR, "404": _ERROR}}},
})
OPENAPI["paths"]["/session"]["post"]["responses"]["429"] = {
    "description": "too many failed logins for the account or from the address; see "
                   "Retry-After", "content": {"application/json": {"schema": {
                       "$ref": "#/components/schemas/Error"}}}}
OPENAPI["components"]["schemas"]["Intake"]["properties"]["missing_reason"] = {
    "type": "string", "maxLength": 500,
    "description": "why a required component has no file (recorded in the history)"}

# -- fields read from a file, with the reader's doubt; results (publishing prints the URL) --

_FILE_ID = {"name": "file_id", "in": "path", "required": True, "schema": {"type": "string"}}
OPENAPI["components"]["schemas"].update({
    "ReadField": {"type": "object", "properties": {
        "field": {"enum": ["number_symbol", "doc_type", "issuer", "issue_date", "place",
                           "summary"]},
        "value": {"type": ["string", "null"], "description": "the current value (the last "
                  "correction, else what was read)"},
        "extracted": {"type": ["string", "null"], "description": "what the reader found"},
        "confidence": {"type": ["number", "null"], "minimum": 0, "maximum": 1,
                       "description": "the reader's confidence in the extracted value"},
        "needs_check": {"type": "boolean", "description": "read with a confidence under "
                        "0.8 and not corrected since: an officer should check it (such "
                        "fields come first)"},
        "page": {"type": ["integer", "null"]}, "corrected": {"type": "boolean"}}},
    "ReadFields": {"type": "object", "properties": {
        "fields": {"type": "array", "items": {"$ref": "#/components/schemas/ReadField"}},
        "all": {"type": "object", "description": "everything the reader stored (GET only)"},
        "corrections": {"type": "array", "items": {"type": "object"},
                        "description": "who corrected what and when (GET only)"}}},
})
OPENAPI["paths"]["/dossiers/{code}/files/{file_id}/fields"] = {
    "get": {"summary": "The fields read from a file, those to check first",
            "parameters": [_CODE, _FILE_ID],
            "responses": {"200": _json("ReadFields"), "404": _ERROR}},
    "post": {"summary": "Correct one field", "parameters": [_CODE, _FILE_ID],
             "requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "required": ["field", "value"], "properties": {
                     "field": {"type": "string"}, "value": {"type": "string"}}}}}},
             "responses": {"200": _json("ReadFields"), "400": _ERROR, "404": _ERROR}}}
_PRINTS = {"description": "the portal listens beyond loopback while its public URL is "
                          "loopback: the stamped e-result would print a URL citizens "
                          "cannot open (set RECORDS_PUBLIC_URL)",
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
OPENAPI["paths"]["/dossiers/{code}/results/{result_id}/{action}"] = {"post": {
    "summary": "publish (stamp the e-result), revoke (field reason) or supersede (a "
               "corrected PDF and reason) a result (leader)",
    "parameters": [_CODE, {"name": "result_id", "in": "path", "required": True,
                           "schema": {"type": "string"}},
                   {"name": "action", "in": "path", "required": True,
                    "schema": {"enum": ["publish", "revoke", "supersede"]}}],
    "responses": {"200": {"description": "the result"}, "201": {"description": "the new "
                  "result (supersede)"}, "403": _ERROR, "404": _ERROR, "409": _ERROR,
                  "503": _PRINTS}}}
OPENAPI["paths"]["/dossiers"]["post"]["responses"]["503"] = {
    "description": "nothing was received: the dossier numbering database cannot be reached "
                   "(try again later), or the public URL the receipt prints is loopback "
                   "(see the result actions)",
    "content": _PRINTS["content"]}

# -- search, results of a dossier, reuse of earlier results ------------------------------

from records.search.query import MAX_SIZE, SORTS  # noqa: E402  (data, no import cycle)
from records.search.schema import DATE_FIELDS, KINDS  # noqa: E402

_ANY_OF = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
           "description": "one value or a list (any of)"}
OPENAPI["components"]["schemas"].update({
    "SearchRequest": {"type": "object", "properties": {
        "q": {"type": "string", "description": "free text; quoted phrases; a number and symbol "
              "(15/QĐ-UBND) or dossier code matches as a phrase and ranks first; accents and "
              "case are ignored"},
        "applicant_id": {"type": "string", "description": "the applicant's CCCD/CMND or tax "
                         "code (in the body, never in a URL; not kept in the audit trail)"},
        "kind": _ANY_OF, "procedure": _ANY_OF, "unit": _ANY_OF, "state": _ANY_OF,
        "doc_type": _ANY_OF, "status": _ANY_OF,
        "overdue": {"type": ["boolean", "string"]},
        "date_field": {"enum": list(DATE_FIELDS)},
        "date_from": {"type": "string", "format": "date"},
        "date_to": {"type": "string", "format": "date"},
        "page": {"type": "integer", "minimum": 1},
        "size": {"type": "integer", "minimum": 1, "maximum": MAX_SIZE},
        "sort": {"enum": list(SORTS)}}},
    "SearchHit": {"type": "object", "properties": {
        "id": {"type": "string"}, "kind": {"enum": list(KINDS)}, "score": {"type": "number"},
        "fields": {"type": "object", "description": "the indexed fields of the dossier, "
                   "file or result (code, title, number_symbol, issuer, dates, status…)"},
        "highlights": {"type": "array", "items": {"type": "object", "properties": {
            "page": {"type": ["integer", "null"]}, "fragment": {"type": "string"},
            "spans": {"type": "array", "items": {"type": "array", "items": {
                "type": "integer"}}}}}}}},
    "SearchResults": {"type": "object", "properties": {
        "total": {"type": "integer"}, "total_exact": {"type": "boolean"},
        "page": {"type": "integer"}, "pages": {"type": "integer"},
        "hits": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
        "facets": {"type": "object", "additionalProperties": {"type": "array", "items": {
            "type": "object", "properties": {"value": {"type": "string"},
                                             "count": {"type": "integer"}}}}}}},
    "ResultFile": {"type": ["object", "null"], "properties": {
        "file_id": {"type": "string"}, "filename": {"type": "string"},
        "size": {"type": "integer"}, "sha256": {"type": "string"},
        "derivation": {"type": ["string", "null"]},
        "derived_from": {"type": ["string", "null"]}, "href": {"type": "string"}}},
    "Result": {"type": "object", "properties": {
        "result_id": {"type": "string"},
        "status": {"enum": ["draft", "approved", "published", "revoked", "superseded"]},
        "doc_type": {"type": "string"}, "number_symbol": {"type": "string"},
        "issuer": {"type": "string"}, "issue_date": {"type": ["string", "null"]},
        "valid_until": {"type": ["string", "null"]}, "kind": {"type": "string"},
        "created_by": {"type": "string"}, "created_at": {"type": ["string", "null"]},
        "approved_by": {"type": ["string", "null"]},
        "approved_at": {"type": ["string", "null"]},
        "published_at": {"type": ["string", "null"]},
        "status_reason": {"type": ["string", "null"]},
        "status_at": {"type": ["string", "null"]},
        "supersedes": {"type": ["string", "null"]},
        "superseded_by": {"type": ["string", "null"]},
        "original": {"$ref": "#/components/schemas/ResultFile"},
        "published": {"$ref": "#/components/schemas/ResultFile"},
        "verify_url": {"type": ["string", "null"], "description": "the public verification "
                       "page printed on the e-result (null until published)"},
        "downloads": {"type": "integer"}}},
    "ReuseOffer": {"type": "object", "properties": {
        "source": {"type": "string", "description": "result:<id> or file:<id>; send it back "
                   "to attach"},
        "kind": {"enum": ["result", "file"]}, "dossier": {"type": "string"},
        "title": {"type": "string"}, "number_symbol": {"type": "string"},
        "issuer": {"type": "string"}, "issue_date": {"type": "string"},
        "file_id": {"type": "string"}, "score": {"type": "number"},
        "reason": {"enum": ["same-unit", "identity-match"], "description": "why it is "
                   "offered: the caller's unit's dossier, or another unit's dossier of the "
                   "same applicant (ID and name)"}}},
})
_RESULT_META = {"type": "object", "required": ["file", "doc_type", "number_symbol", "issuer",
                                               "issue_date"], "properties": {
    "file": {"type": "string", "format": "binary", "description": "the result PDF"},
    "doc_type": {"type": "string"}, "number_symbol": {"type": "string",
                                                      "examples": ["15/QĐ-UBND"]},
    "issuer": {"type": "string"}, "issue_date": {"type": "string", "format": "date"},
    "valid_until": {"type": "string", "format": "date"}, "kind": {"type": "string"}}}
OPENAPI["paths"]["/search"] = {"post": {
    "summary": "Search dossiers, files and results the caller may see (POST, so that an "
               "applicant's ID never appears in a URL)",
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/SearchRequest"}}}},
    "responses": {"200": _json("SearchResults"), "400": _ERROR, "401": _ERROR,
                  "403": _ERROR, "503": _ERROR}}}
OPENAPI["paths"]["/dossiers/{code}/results"] = {
    "get": {"summary": "The dossier's results (drafts, approved, published e-results)",
            "parameters": [_CODE], "responses": {"200": {"description": "the results",
            "content": {"application/json": {"schema": {"type": "object", "properties": {
                "code": {"type": "string"}, "returned_electronically": {"type": "boolean"},
                "results": {"type": "array", "items": {
                    "$ref": "#/components/schemas/Result"}}}}}}}, "404": _ERROR}},
    "post": {"summary": "Attach a result document (a PDF) as a draft; it is read like any "
                        "upload", "parameters": [_CODE],
             "requestBody": {"required": True, "content": {"multipart/form-data": {
                 "schema": _RESULT_META}}},
             "responses": {"201": _json("Result", "attached"), "400": _ERROR, "403": _ERROR,
                           "404": _ERROR, "409": _ERROR, "413": _ERROR, "415": _ERROR}}}
OPENAPI["paths"]["/dossiers/{code}/results/{result_id}/{action}"]["post"]["responses"][
    "200"] = _json("Result", "the result")
OPENAPI["paths"]["/dossiers/{code}/results/{result_id}/{action}"]["post"]["responses"][
    "201"] = _json("Result", "the new result (supersede)")
OPENAPI["paths"]["/dossiers/{code}/reuse"] = {
    "get": {"summary": "Earlier results and files that could fill this open dossier's empty "
                       "components, best first, with why each is offered",
            "parameters": [_CODE], "responses": {"200": {"description": "offers per "
            "component key", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"offers": {
                    "type": "object", "additionalProperties": {"type": "array", "items": {
                        "$ref": "#/components/schemas/ReuseOffer"}}}}}}}},
                "403": _ERROR, "404": _ERROR}},
    "post": {"summary": "Fill a component with an offered document (a reference pinned to "
                        "that file version; no copy); recorded on both dossiers",
             "parameters": [_CODE], "requestBody": {"required": True, "content": {
                 "application/json": {"schema": {"type": "object",
                                                 "required": ["component", "source"],
                                                 "properties": {
                     "component": {"type": "string"}, "source": {"type": "string"}}}}}},
             "responses": {"201": {"description": "the reference", "content": {
                 "application/json": {"schema": {"type": "object"}}}},
                 "400": _ERROR, "403": _ERROR, "404": _ERROR}}}

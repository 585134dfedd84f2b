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
            "responses": {"201": _json("FileVersion"), "400": _ERROR, "413": _ERROR, "415": _ERROR}}},
        "/dossiers/{code}/files/{file_id}": {"get": {
            "summary": "Download a file version", "parameters": [
                _CODE, {"name": "file_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the bytes", "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                "404": _ERROR}}},
    },
}

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

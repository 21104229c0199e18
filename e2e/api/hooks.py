"""Schemathesis hooks for Cascade's contract run (e2e/api/run.sh).

Two things the stock tool cannot know:

1. How to sign in. Access tokens live minutes and a run takes longer, so
   the token is fetched with the account in CASCADE_USER / CASCADE_PASSWORD
   and renewed every minute.

2. Which refusals of a schema-valid request are the API's documented rules
   rather than a gap in the document. The stock `positive_data_acceptance`
   check fails on every 422 for data the schema allows. Most rules are in
   the document as patterns, enums and bounds, and for those a refusal is a
   bug. The few the document cannot state (a sum across fields, an id that
   must name something that exists in your scope, a cursor the server
   issued, a file's contents) are listed below, each with the field and the
   words of the refusal. A schema-valid request refused for any other reason
   fails the run.
"""

import os
import re

import requests
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance as stock_positive_data_acceptance

BASE_URL = os.environ["CASCADE_BASE_URL"]


def _sign_in():
    r = requests.post(
        f"{BASE_URL}/api/v1/auth/login",
        json={"username": os.environ["CASCADE_USER"], "password": os.environ["CASCADE_PASSWORD"]},
        timeout=10,
    )
    r.raise_for_status()
    return r.json()


@schemathesis.auth(refresh_interval=60)
class CascadeSignIn:
    """Signs in as CASCADE_USER; the token is renewed every minute."""

    def get(self, case, ctx):
        return _sign_in()["access_token"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


_ME = {}


@schemathesis.hook
def filter_case(context, case):
    """The run does not deactivate, demote, re-password or delete the very
    account it signs in with: that would only end the run's own session.
    Every other user is fair game."""
    if not case.operation.path.startswith("/api/v1/users/{id}"):
        return True
    if "id" not in _ME:
        _ME["id"] = _sign_in()["me"]["user_id"]
    return (case.path_parameters or {}).get("id") != _ME["id"]


# Rules of a request the document cannot state as a schema: for each
# operation (or "*" for all), the refused field (a regular expression over
# the problem's `errors[].field`) and the words of the refusal.
NO_SUCH = r"^no such .*|.*in your scope.*"
REFERENCES = {
    # An id in a body or filter must name an object that exists inside the
    # caller's scope; which ids do is data, not schema.
    r"(.*\.)?(unit_id|parent_id|owner_rep_id|rep_id|customer_id|product_line_id|line_id|opportunity_id|to_rep_id|customer_ids(\[\d+\])?|actor_user_id|under)": NO_SUCH,
}
PLAN_SETTINGS = {
    # Weights are each 0–100 (in the schema) and must add up to 100.
    r"weights": r"must sum to exactly 100 .*",
    # The total is split in whole rounding units.
    r"total": r"must be a multiple of the rounding unit .*",
}
RULES = {
    "*": {
        # A page token is only good if the server issued it.
        r"cursor": r".*cursor.*",
        # Custom fields, their types, choices and whether they are required
        # are defined by an admin at run time: they are data, not schema.
        r"custom\..*": r".*",
        **REFERENCES,
    },
    "PATCH /api/v1/plans/{id}": PLAN_SETTINGS,
    "POST /api/v1/plans/{id}/what-if": PLAN_SETTINGS,
    # Revision numbers run from 0 to the plan's latest.
    "GET /api/v1/plans/{id}/diff": {r"from|to": r"must be a revision number from 0 to \d+"},
    # A note on a stage change goes with a stage change.
    "PATCH /api/v1/customers/{id}": {r"stage_note": r"only goes with a stage change"},
    # Where a unit may go depends on the tree as it is.
    "PATCH /api/v1/org-units/{id}": {
        r"parent_id": r"the company root cannot be moved|.*(itself|descendant).*",
        r"kind": r"must be company for the root, and only for the root",
    },
    # The admin role keeps what lets it repair the matrix and its users.
    "PUT /api/v1/roles/{role}/permissions": {r"permissions": r"the admin role must keep .*"},
    # There is one company root, and it already exists.
    "POST /api/v1/org-units": {
        r"parent_id": r"is required: the company root already exists",
        r"kind": r"must be company for the root, and only for the root",
    },
    # Only a top plan takes a total of its own (a child's is its parent line).
    "POST /api/v1/plans": {
        **PLAN_SETTINGS,
        r"total": r"must be a multiple of the rounding unit .*|is required for the company's plan"
        r"|is the parent line's final target, .*; leave it out",
    },
    # A line's final value stays in whole rounding units inside its band
    # around the suggestion, both set by the plan; a reason goes with a
    # changed value only.
    "PATCH /api/v1/plans/{id}/lines/{line_id}": {
        r"final": r"must be a whole number of rounding units .*|.* is outside the band .* around the suggested .*",
        r"reason": r"only a line with a changed final value carries a reason",
    },
    # Who and what an event names is checked against the plan's lines, its
    # unit's reps, customers and deals, and its period: all of it data.
    "POST /api/v1/plans/{id}/calibrations": {
        r"event\.(rep_id|to_rep_id|customer_ids|opportunity_id|reassign(\[\d+\]\.(customer_id|to_rep_id))?)": (
            r"rep -?\d+ has no line in this plan|the rep already has a line in this plan"
            r"|must be an active rep of .* who counts in .*|is not an active rep: .*|must be another rep with a line in this plan"
            r"|no such opportunity in this plan's unit|the deal is not expected to close in .*|the deal's customer has no owner .*"
            r"|name one or more existing customers, each once|the customers (must all belong to one rep|already belong to this rep)"
            r"|customer -?\d+ of the departing rep has no receiving rep|is not a customer of the departing rep"
            r"|the departing rep's open deal .*"
        ),
        r"event\.(effective|new_expected_close)": r"must lie in .*|must be after .* ends .*",
    },
    # A status change says since when, and nobody leaves before joining.
    "POST /api/v1/reps": {r"status_since": r"is required when the status is not active|must not be before the hire date"},
    "PATCH /api/v1/reps/{id}": {r"status_since": r"is required when the status changes|must not be before the hire date"},
    # Choices go with choice fields only: the type is chosen at creation.
    "POST /api/v1/custom-fields": {r"choices": r"a choice field needs 1–100 choices|only choice fields have choices"},
    "PATCH /api/v1/custom-fields/{id}": {r"choices": r"only choice fields have choices|a choice field needs 1–100 choices"},
    # A user with the rep role is a rep, whose scope is their own records.
    "POST /api/v1/users": {r"rep_id": r"the rep works outside the user's unit|is required for the rep role.*"},
    "PATCH /api/v1/users/{id}": {r"rep_id": r"the rep works outside the user's unit|is required for the rep role.*"},
    # A rep answers for themselves; anyone else names the rep they answer for.
    "POST /api/v1/fairness": {r"rep_id": r"is required when you answer for a rep"},
    # A lost deal says why; no other deal has a reason for being lost.
    "POST /api/v1/opportunities": {r"lost_reason": r"is (required|only allowed) when the stage is lost"},
    "PATCH /api/v1/opportunities/{id}": {r"lost_reason": r"is (required|only allowed) when the stage is lost"},
    # What a file holds is checked row by row (errors name the row), not by
    # the document: the body is the file.
    "POST /api/v1/plans/{id}/lines/{line_id}/evidence": {r"body": r"the content is not a valid .* file|is empty.*"},
}


def _documented(case, response):
    """Whether a 4xx answer to a schema-valid request is a documented rule."""
    if response.status_code not in (400, 422):
        return False
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return False
    if not errors:
        return False
    label = f"{case.operation.method.upper()} {case.operation.path}"
    rules = {**RULES["*"], **RULES.get(label, {})}
    if label == "POST /api/v1/imports":
        # Every refusal of an import is about the file's content.
        return all(e.get("row") is not None or e.get("field") in ("body", "file") for e in errors)
    return all(
        any(re.fullmatch(field, e.get("field", "")) and re.fullmatch(reason, e.get("reason", ""), re.S) for field, reason in rules.items())
        for e in errors
    )


@schemathesis.check
def positive_data_accepted(ctx, response, case):
    """The stock positive-data check, but for refusals by a documented rule."""
    try:
        return stock_positive_data_acceptance(ctx, response, case)
    except AssertionError:
        if _documented(case, response):
            return None
        raise

from __future__ import annotations

from sfsync.salesforce.errors import bulk_error, error_details, request_error
from sfsync.salesforce.port import Outcome
from sfsync.salesforce.results import collection_results, map_bulk_results

DUPLICATE = {
    "duplicateResut": {
        "allowSave": False,
        "duplicateRule": "Standard_Lead_Duplicate_Rule",
        "matchResults": [
            {
                "entityType": "Lead",
                "matchRecords": [
                    {"record": {"attributes": {"type": "Lead"}, "Id": "00Q000000000001AAA"}},
                    {"record": {"attributes": {"type": "Lead"}, "Id": "00Q000000000002AAA"}},
                ],
            }
        ],
    },
    "errorCode": "DUPLICATES_DETECTED",
    "message": "Use one of these records?",
    "fields": [],
}


def test_rest_error_array_becomes_a_typed_error() -> None:
    body = [{"message": "No such column 'Foo__c' on sobject of type Lead", "errorCode": "INVALID_FIELD"}]
    error = request_error(400, body, "Lead", record="00Q000000000001AAA")
    assert (error.code, error.status, error.record) == ("INVALID_FIELD", 400, "00Q000000000001AAA")
    assert str(error) == "Lead: No such column 'Foo__c' on sobject of type Lead"
    assert not error.rejected_whole_request


def test_limit_and_lock_errors() -> None:
    limit = request_error(403, [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}])
    assert limit.code == "REQUEST_LIMIT_EXCEEDED" and not limit.rejected_whole_request
    lock = request_error(400, [{"message": "unable to obtain exclusive access", "errorCode": "UNABLE_TO_LOCK_ROW"}])
    assert lock.rejected_whole_request
    assert request_error(503, "Service Unavailable").code == "HTTP_503"


def test_oauth_error_body() -> None:
    error = request_error(400, {"error": "invalid_grant", "error_description": "authentication failure"})
    assert (error.code, str(error)) == ("invalid_grant", "authentication failure")


def test_collection_rows_use_status_code_and_carry_duplicate_ids() -> None:
    rows = [
        {"id": "00Q000000000003AAA", "success": True, "errors": [], "created": True},
        {
            "success": False,
            "errors": [
                {
                    "statusCode": "REQUIRED_FIELD_MISSING",
                    "message": "Required fields are missing: [Company]",
                    "fields": ["Company"],
                }
            ],
        },
        {"success": False, "errors": [{**DUPLICATE, "statusCode": "DUPLICATES_DETECTED"}]},
    ]
    results = collection_results(rows, 4)
    assert [r.outcome for r in results] == [Outcome.OK, Outcome.REJECTED, Outcome.REJECTED, Outcome.UNKNOWN]
    assert results[0].id == "00Q000000000003AAA" and results[0].created is True
    assert results[1].errors[0].code == "REQUIRED_FIELD_MISSING" and results[1].errors[0].fields == ("Company",)
    assert results[2].errors[0].duplicate_ids == ("00Q000000000001AAA", "00Q000000000002AAA")


def test_duplicate_result_with_the_corrected_spelling() -> None:
    fixed = {**DUPLICATE, "duplicateResult": DUPLICATE["duplicateResut"]}
    del fixed["duplicateResut"]
    assert error_details([fixed])[0].duplicate_ids == ("00Q000000000001AAA", "00Q000000000002AAA")


def test_duplicate_matches_carry_their_object_and_the_rule() -> None:
    cross = {
        "duplicateResut": {
            "duplicateRule": "Contact_vs_Leads",
            "duplicateRuleEntityType": "Contact",
            "matchResults": [
                {"entityType": "Lead", "matchRecords": [{"record": {"Id": "00Q000000000001AAA"}}]},
                {
                    "entityType": "Contact",
                    "matchRecords": [{"record": {"attributes": {"type": "Contact"}, "Id": "003000000000001AAA"}}],
                },
            ],
        },
        "errorCode": "DUPLICATES_DETECTED",
        "message": "Use one of these records?",
    }
    (found,) = error_details([cross])
    assert found.duplicate_ids == ("00Q000000000001AAA", "003000000000001AAA")
    assert found.duplicate_types == ("Lead", "Contact") and found.duplicate_rule == "Contact_vs_Leads"


def test_bulk_error_column() -> None:
    found = bulk_error("REQUIRED_FIELD_MISSING:Required fields are missing: [Company]:Company --")
    assert (found.code, found.message, found.fields) == (
        "REQUIRED_FIELD_MISSING",
        "Required fields are missing: [Company]",
        ("Company",),
    )


def test_bulk_results_map_back_to_row_order_by_content() -> None:
    rows = [
        {"Email": "a@x.io", "LastName": "A"},
        {"Email": "", "LastName": "B"},
        {"Email": "a@x.io", "LastName": "A"},
        {"Email": "c@x.io", "LastName": "C"},
    ]
    successful = '"sf__Id","sf__Created",Email,LastName\n"00Q2","true",,B\n"00Q1","true",a@x.io,A\n'
    failed = '"sf__Id","sf__Error",Email,LastName\n"","DUPLICATE_VALUE:duplicate value found:Email --",a@x.io,A\n'
    results = map_bulk_results(rows, [successful], [failed], [""])
    assert [r.outcome for r in results] == [Outcome.OK, Outcome.OK, Outcome.REJECTED, Outcome.UNKNOWN]
    assert [r.id for r in results[:2]] == ["00Q1", "00Q2"]
    assert results[2].errors[0].code == "DUPLICATE_VALUE"

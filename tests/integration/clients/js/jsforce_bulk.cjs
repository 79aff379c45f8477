// jsforce's Bulk API 2.0 calls against an org, unchanged: prints one JSON object of what they returned.
// Input on stdin: {instanceUrl, accessToken, version, many}.
"use strict";
const fs = require("fs");
const jsforce = require("jsforce");

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const conn = new jsforce.Connection({ instanceUrl: input.instanceUrl, accessToken: input.accessToken, version: input.version });
conn.bulk2.pollInterval = 200;
conn.bulk2.pollTimeout = 120000;

async function main() {
  const out = {};
  const rows = ["Name,Sfsync_Id__c,NumberOfEmployees,Industry"];
  for (let n = 0; n < input.many; n++) rows.push(`Bulk2 ${String(n).padStart(5, "0")},bulk2-${n},${n},${n % 2 ? "Energy" : ""}`);
  rows.push("Bulk2 Bad,bulk2-bad,not-a-number,");
  const loaded = await conn.bulk2.loadAndWaitForResults({
    object: "Account",
    operation: "upsert",
    externalIdFieldName: "Sfsync_Id__c",
    input: rows.join("\n") + "\n",
  });
  out.load = {
    successful: loaded.successfulResults.length,
    created: loaded.successfulResults.filter((r) => r.sf__Created === "true").length,
    failed: loaded.failedResults.map((r) => [r.Sfsync_Id__c, r.sf__Error.split(":")[0]]),
    unprocessed: loaded.unprocessedRecords.length,
    firstId: loaded.successfulResults[0].sf__Id,
  };
  const records = await (await conn.bulk2.query(
    "SELECT Id, Name, NumberOfEmployees, Industry, IsDeleted, CreatedDate, Owner.Name FROM Account WHERE Name LIKE 'Bulk2 %' ORDER BY Name",
  )).toArray();
  out.query = { count: records.length, first: records[0], last: records[records.length - 1] };
  // Parent datetimes: a Contact under the first Account, read by Bulk and by REST.
  const contact = await conn.sobject("Contact").create({ LastName: "Bulk2 Parent", AccountId: loaded.successfulResults[0].sf__Id });
  const parents = `SELECT Id, CreatedDate, Account.LastModifiedDate, Account.Owner.CreatedDate FROM Contact WHERE Id = '${contact.id}'`;
  const [bulkRow] = await (await conn.bulk2.query(parents)).toArray();
  const [restRow] = (await conn.query(parents)).records;
  out.parents = {
    bulk: [bulkRow.CreatedDate, bulkRow["Account.LastModifiedDate"], bulkRow["Account.Owner.CreatedDate"]],
    rest: [restRow.CreatedDate, restRow.Account.LastModifiedDate, restRow.Account.Owner.CreatedDate],
  };
  return out;
}

main().then(
  (out) => process.stdout.write(JSON.stringify(out)),
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error));
    process.exit(1);
  },
);

// jsforce's REST calls against an org, unchanged: prints one JSON object of what each call returned.
// Input on stdin: {instanceUrl, accessToken, version, many}. Errors are captured as jsforce raises them.
"use strict";
const fs = require("fs");
const jsforce = require("jsforce");

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const connect = (accessToken) =>
  new jsforce.Connection({ instanceUrl: input.instanceUrl, accessToken, version: input.version });

async function outcome(call) {
  try {
    return { ok: await call() };
  } catch (error) {
    return { error: { name: error.name, errorCode: error.errorCode, status: error.statusCode ?? null, message: error.message } };
  }
}

async function main() {
  const conn = connect(input.accessToken);
  const accounts = conn.sobject("Account");
  const out = {};

  // Many: more than one collection request (200) and more than one query page (2,000).
  const names = Array.from({ length: input.many }, (_, n) => ({ Name: `Js Many ${String(n).padStart(4, "0")}` }));
  const created = await accounts.create(names, { allowRecursive: true });
  out.createdMany = created.filter((r) => r.success).length;
  const ids = created.map((r) => r.id);
  const fetched = await conn.query("SELECT Id, Name FROM Account WHERE Name LIKE 'Js Many %' ORDER BY Name", {
    autoFetch: true,
    maxFetch: 100000,
  });
  out.autoFetch = { totalSize: fetched.totalSize, done: fetched.done, count: fetched.records.length };
  out.autoFetch.inOrder = fetched.records.every((r, n) => r.Name === names[n].Name);
  const some = ids.slice(0, 3);
  out.retrievedMany = (await accounts.retrieve(some)).map((r) => r.Name);
  out.updatedMany = (await accounts.update(some.map((Id) => ({ Id, Industry: "Energy" })))).map((r) => r.success);
  const upsertRows = [
    { Sfsync_Id__c: "js-up-1", Name: "Js Upsert One" },
    { Sfsync_Id__c: "js-up-2", Name: "Js Upsert Two" },
  ];
  out.upsertedMany = (await accounts.upsert(upsertRows, "Sfsync_Id__c")).map((r) => [r.success, r.created]);
  out.destroyedMany = (await accounts.destroy(ids, { allowRecursive: true })).filter((r) => r.success).length;

  // One record through its whole life.
  const one = await accounts.create({ Name: "Js Single", NumberOfEmployees: 7 });
  const got = await accounts.retrieve(one.id);
  out.single = { created: one.success, name: got.Name, employees: got.NumberOfEmployees, type: got.attributes.type };
  out.single.updated = (await accounts.update({ Id: one.id, Name: "Js Single Renamed" })).success;
  out.single.renamed = (await accounts.retrieve(one.id)).Name;
  const first = await accounts.upsert({ Sfsync_Id__c: "js-one", Name: "Js Upserted" }, "Sfsync_Id__c");
  const again = await accounts.upsert({ Sfsync_Id__c: "js-one", Name: "Js Upserted Again" }, "Sfsync_Id__c");
  out.single.upserts = [first.created, again.created];
  out.single.destroyed = (await accounts.destroy(one.id)).success;

  const described = await accounts.describe();
  out.describe = { name: described.name, keyPrefix: described.keyPrefix, hasName: described.fields.some((f) => f.name === "Name") };
  const global = await conn.describeGlobal();
  out.describeGlobal = global.sobjects.map((s) => [s.name, s.keyPrefix]);
  const limits = await conn.limits();
  out.limits = limits.DailyApiRequests;

  out.errors = {
    requiredFieldMissing: await outcome(() => accounts.create({ Industry: "Energy" })),
    malformedQuery: await outcome(() => conn.query("SELEC Id FROM Account")),
    invalidField: await outcome(() => conn.query("SELECT NoSuchField__c FROM Account")),
    invalidSession: await outcome(() => connect("not-a-session").query("SELECT Id FROM Account")),
    notFound: await outcome(() => accounts.retrieve("001000000000000AAA")),
  };
  // A 401 is what makes jsforce refresh the session and send the request again.
  let refreshed = 0;
  const refreshing = new jsforce.Connection({
    instanceUrl: input.instanceUrl,
    accessToken: "expired-session",
    version: input.version,
    refreshFn: (_conn, callback) => {
      refreshed += 1;
      callback(null, input.accessToken);
    },
  });
  const afterRefresh = await refreshing.query("SELECT COUNT() FROM Account");
  const expected = await conn.query("SELECT COUNT() FROM Account");
  out.refreshOn401 = { refreshed, sameAnswer: afterRefresh.totalSize === expected.totalSize };
  out.requiredFieldMissingInMany = (await accounts.create([{ Industry: "Energy" }])).map((r) => r.errors);
  return out;
}

main().then(
  (out) => process.stdout.write(JSON.stringify(out)),
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error));
    process.exit(1);
  },
);

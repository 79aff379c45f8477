// jsforce against the email objects, unchanged: prints one JSON object of what the calls returned.
// Input on stdin: {instanceUrl, accessToken, version, contactId, leadId, enhancedEmail}. With `enhancedEmail`
// false the org refuses an EmailMessage outside a Case: the errors are captured as jsforce gives them.
"use strict";
const fs = require("fs");
const jsforce = require("jsforce");

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const conn = new jsforce.Connection({ instanceUrl: input.instanceUrl, accessToken: input.accessToken, version: input.version });
const emails = conn.sobject("EmailMessage");
const email = (subject) => ({
  Subject: subject,
  Status: "3",
  Incoming: false,
  FromAddress: "sales@acme.example",
  ToAddress: "grace@acme.example",
  TextBody: `Body of ${subject}`,
  MessageDate: "2024-03-01T09:30:00.000+0000",
  MessageIdentifier: `<${subject.replace(/ /g, ".")}@acme.example>`,
});

async function refused(call) {
  try {
    return { ok: await call() };
  } catch (error) {
    return { error: { name: error.name, errorCode: error.errorCode, fields: error.data && error.data.fields, message: error.message } };
  }
}

async function enhanced() {
  const out = {};
  const one = await emails.create(email("Js Email One"));
  const got = await emails.retrieve(one.id);
  out.one = { success: one.success, subject: got.Subject, status: got.Status, type: got.attributes.type, date: got.MessageDate, activity: got.ActivityId };
  const relations = conn.sobject("EmailMessageRelation");
  const made = await relations.create([
    { EmailMessageId: one.id, RelationId: input.contactId, RelationType: "ToAddress" },
    { EmailMessageId: one.id, RelationId: input.leadId, RelationType: "CcAddress" },
  ]);
  out.relationsMade = made.map((r) => r.success);
  const read = await relations.retrieve(made.map((r) => r.id), { fields: ["RelationType", "RelationObjectType", "RelationAddress"] });
  out.relations = read.map((r) => [r.RelationType, r.RelationObjectType, r.RelationAddress]);
  const many = await emails.create([email("Js Email Two"), email("Js Email Three")]);
  out.many = many.map((r) => r.success);
  const soql =
    "SELECT Subject, Activity.TaskSubtype, (SELECT RelationType FROM EmailMessageRelations) FROM EmailMessage " +
    "WHERE Subject LIKE 'Js Email %' ORDER BY Subject";
  out.query = (await conn.query(soql)).records.map((r) => [
    r.Subject,
    r.Activity && r.Activity.TaskSubtype,
    r.EmailMessageRelations ? r.EmailMessageRelations.records.map((x) => x.RelationType) : [],
  ]);
  const who = await conn.query(
    `SELECT Relation.Name, Relation.Type FROM EmailMessageRelation WHERE EmailMessageId = '${one.id}' ORDER BY RelationType DESC`,
  );
  out.relatedNames = who.records.map((r) => [r.Relation.attributes.type, r.Relation.Name, r.Relation.Type]);
  out.updatedSent = await refused(() => emails.update({ Id: one.id, Subject: "Changed after sending" }));
  out.destroyed = (await emails.destroy(one.id)).success;
  out.relationsLeft = (await conn.query(`SELECT COUNT() FROM EmailMessageRelation WHERE EmailMessageId = '${one.id}'`)).totalSize;
  return out;
}

async function withoutEnhancedEmail() {
  const out = {};
  out.one = await refused(() => emails.create(email("Js Refused One")));
  const many = await emails.create([email("Js Refused Two"), email("Js Refused Three")]);
  out.many = many.map((r) => ({ success: r.success, errors: r.errors }));
  const task = await conn.sobject("Task").create({ Subject: "Js Logged Email", Status: "Completed", TaskSubtype: "Email", WhoId: input.contactId });
  out.task = task.success;
  return out;
}

(input.enhancedEmail ? enhanced() : withoutEnhancedEmail()).then(
  (out) => process.stdout.write(JSON.stringify(out)),
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error));
    process.exit(1);
  },
);

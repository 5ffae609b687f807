// Verifies the DKIM signatures of one message with mailauth (an independent implementation).
// Usage: node verify.js MESSAGE_FILE RECORDS_JSON  (RECORDS_JSON: {"<name>": "<TXT value>"})
// Prints a JSON array: [{"algo": "rsa-sha256", "result": "pass", "comment": ...}, ...]
'use strict';
const fs = require('fs');
const { dkimVerify } = require('mailauth/lib/dkim/verify');

const [messageFile, recordsFile] = process.argv.slice(2);
const records = JSON.parse(fs.readFileSync(recordsFile, 'utf8'));

const resolver = async (name, type) => {
  const key = name.replace(/\.$/, '').toLowerCase();
  if (type === 'TXT' && records[key] !== undefined) {
    // Split as DNS would (strings of at most 255 octets); mailauth joins them.
    const v = records[key];
    const parts = [];
    for (let i = 0; i < v.length; i += 255) parts.push(v.slice(i, i + 255));
    return [parts];
  }
  const err = new Error(`no ${type} record at ${name}`);
  err.code = 'ENOTFOUND';
  throw err;
};

(async () => {
  const result = await dkimVerify(fs.readFileSync(messageFile), { resolver });
  const out = result.results.map((r) => ({
    algo: r.algo,
    result: r.status && r.status.result,
    comment: r.status && r.status.comment,
    aligned: r.status && r.status.aligned,
  }));
  process.stdout.write(JSON.stringify(out) + '\n');
})().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});

// The Cedar baseline of bench/decide_bench: answers the questions the C++
// benchmark wrote (PROPRIO_CEDAR_QUESTIONS, JSON lines with each question's
// customer facts and the answer rules::Decide gave) with Cedar, policies
// preparsed once (preparsePolicySet) and statefulIsAuthorized per question.
// Checks that every answer agrees, and prints decisions per second and the
// per-decision latency as one JSON line.
//
//   node decide.js QUESTIONS.jsonl [--limit N]
'use strict';
const fs = require('fs');
const path = require('path');
const cedar = require('@cedar-policy/cedar-wasm/nodejs');

const file = process.argv[2];
if (!file) {
  console.error('usage: node decide.js QUESTIONS.jsonl [--limit N]');
  process.exit(2);
}
const limitAt = process.argv.indexOf('--limit');
const limit = limitAt > 0 ? Number(process.argv[limitAt + 1]) : Infinity;

const policies = fs.readFileSync(path.join(__dirname, 'cpni.cedar'), 'utf8');
const parsed = cedar.preparsePolicySet('cpni', { staticPolicies: policies });
if (parsed.type !== 'success') {
  console.error(JSON.stringify(parsed.errors, null, 2));
  process.exit(1);
}

const ACTS_FOR_CARRIER = new Set([
  'carrier_itself', 'agent', 'affiliate', 'joint_venturer', 'independent_contractor',
]);
const group = { type: 'RecipientGroup', id: 'acts_for_carrier' };

const questions = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l)
  .slice(0, limit).map((l) => JSON.parse(l));

// Each call is built before the clock starts: only Cedar's work is timed.
const calls = questions.map((q) => ({
  principal: { type: 'Recipient', id: q.recipient },
  action: { type: 'Action', id: q.purpose },
  resource: { type: 'Customer', id: String(q.customer) },
  context: {
    service_category: q.service_category,
    offering: q.offering,
    legal_process: q.flags.legal_process,
    written_authorization: q.flags.written_authorization,
    recipient_serves_customer: q.flags.recipient_serves_customer,
    recipient_provides_comm_services: q.flags.recipient_provides_comm_services,
  },
  preparsedPolicySetId: 'cpni',
  entities: [
    {
      uid: { type: 'Recipient', id: q.recipient },
      attrs: {},
      parents: ACTS_FOR_CARRIER.has(q.recipient) ? [group] : [],
    },
    { uid: group, attrs: {}, parents: [] },
    {
      uid: { type: 'Customer', id: String(q.customer) },
      attrs: {
        services: q.services,
        multi_category: q.multi_category,
        opt_in: q.opt_in,
        opt_out: q.opt_out,
      },
      parents: [],
    },
  ],
}));

function decide(call) {
  const answer = cedar.statefulIsAuthorized(call);
  if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
  return answer.response.decision === 'allow';
}

// Warm up (JIT, wasm tiering), then time every call.
for (let i = 0; i < Math.min(2000, calls.length); ++i) decide(calls[i]);
const latencies = new Float64Array(calls.length);
let mismatches = 0;
const examples = [];
const start = process.hrtime.bigint();
for (let i = 0; i < calls.length; ++i) {
  const t0 = process.hrtime.bigint();
  const allowed = decide(calls[i]);
  latencies[i] = Number(process.hrtime.bigint() - t0);
  if (allowed !== questions[i].allowed) {
    ++mismatches;
    if (examples.length < 5) examples.push({ question: questions[i], cedar: allowed });
  }
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
latencies.sort();
const pct = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
const summary = {
  engine: 'cedar-wasm ' + cedar.getCedarVersion() + ' on node ' + process.version,
  decisions: calls.length,
  seconds: Number(seconds.toFixed(3)),
  decisions_per_second: Math.round(calls.length / seconds),
  p50_ns: pct(0.5),
  p99_ns: pct(0.99),
  mismatches,
};
console.log(JSON.stringify(summary));
if (mismatches) {
  console.error(JSON.stringify(examples, null, 2));
  process.exit(1);
}

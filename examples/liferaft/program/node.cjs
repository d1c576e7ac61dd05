// liferaft (npm liferaft 1.0.0, unchanged) on a faultline node, wired the way its README
// says: a LifeRaft whose `write` sends packets over a transport and whose incoming
// packets are `emit('data', packet, reply)`; its Log on a leveldown (here one backed by
// the node's simulated disk); a register state machine fed by the 'commit' event.
// This is an ordinary CommonJS program: faultline's evented adapter (faultline/evented)
// runs it with virtual timers, a seeded Math.random and its promises drained inside each
// event. Clients (the workload's other nodes) send { type: 'request', reqId, input } and
// get { type: 'reply', reqId, output } or { type: 'redirect', reqId, leader }.
'use strict';
const LifeRaft = require('liferaft');
const Log = require('liferaft/log');
const DiskDOWN = require('./diskdown.cjs');

/** Outstanding request/response calls kept per node, at most (older ones are forgotten). */
const CALLS_MAX = 1000;
const ROLES = { [LifeRaft.LEADER]: 'leader', [LifeRaft.CANDIDATE]: 'candidate', [LifeRaft.FOLLOWER]: 'follower', [LifeRaft.STOPPED]: 'stopped', [LifeRaft.CHILD]: 'child' };

module.exports = function main(host) {
  const { servers, electionMinMs, electionMaxMs, heartbeatMs } = host.config;
  let store = null;
  const raft = new LifeRaft({
    address: String(host.id),
    'election min': electionMinMs,
    'election max': electionMaxMs,
    heartbeat: heartbeatMs,
    Log,
    adapter: () => (store = DiskDOWN(host.disk, 'raft-log')),
  });
  const sm = registerMachine();
  const counts = { commits: 0, duplicates: 0, errors: 0, commandFailures: 0 };
  raft.on('error', () => counts.errors++);

  // The transport: a request/response call per packet, as liferaft's TCP example does it.
  let callId = 0;
  const calls = new Map();
  for (const peer of servers) {
    if (peer === host.id) continue;
    raft.join(String(peer), (packet, fn) => {
      callId += 1;
      if (typeof fn === 'function') {
        calls.set(callId, fn);
        if (calls.size > CALLS_MAX) calls.delete(calls.keys().next().value);
      }
      host.send(peer, { type: 'raft', id: callId, packet });
    });
  }

  host.onMessage((from, msg) => {
    if (msg === null || typeof msg !== 'object') return;
    if (msg.type === 'raft') {
      raft.emit('data', msg.packet, (reply) => {
        if (reply !== undefined) host.send(from, { type: 'raft-reply', id: msg.id, packet: reply });
      });
    } else if (msg.type === 'raft-reply') {
      const fn = calls.get(msg.id);
      calls.delete(msg.id);
      if (fn !== undefined) fn(undefined, msg.packet);
    } else if (msg.type === 'request') {
      onRequest(from, msg);
    }
  });

  // Clients: the leader proposes their command; whoever received it answers once applied.
  const waiting = new Set();
  function onRequest(client, msg) {
    if (raft.state !== LifeRaft.LEADER) {
      host.send(client, { type: 'redirect', reqId: msg.reqId, leader: raft.leader === '' ? -1 : Number(raft.leader) });
      return;
    }
    waiting.add(`${client}:${msg.reqId}`);
    raft.command({ client, reqId: msg.reqId, input: msg.input }).catch(() => counts.commandFailures++);
  }

  // What the invariant checker sees: roles, the new leader's log, and each applied entry.
  raft.on('state change', () => {
    host.telemetry.emit('raft.role', { role: ROLES[raft.state], term: raft.term });
    if (raft.state === LifeRaft.LEADER) {
      const log = logEntries();
      host.telemetry.emit('raft.leader', { term: raft.term, lastIndex: log.length === 0 ? 0 : log[log.length - 1].index, logTerms: termRuns(log) });
    }
  });

  const reported = new Set();
  raft.on('commit', (command) => {
    counts.commits += 1;
    const entry = logEntries().find((e) => e.committed && !reported.has(e.index) && sameCommand(e.command, command));
    if (entry !== undefined) reported.add(entry.index);
    host.telemetry.emit('raft.apply', { index: entry === undefined ? -1 : entry.index, term: entry === undefined ? -1 : entry.term, data: commandText(command) });
    const result = sm.apply(command);
    if (result.duplicate) counts.duplicates += 1;
    const key = `${command.client}:${command.reqId}`;
    if (waiting.delete(key) && result.output !== null) host.send(command.client, { type: 'reply', reqId: command.reqId, output: result.output });
  });

  // A restarted node rebuilds its state machine from the entries its log marks committed.
  raft.once('initialize', () => {
    raft.log.getEntriesAfter(0).then((entries) => {
      for (const e of entries) {
        if (!e.committed) continue;
        reported.add(e.index);
        sm.apply(e.command);
      }
    }).catch(() => counts.errors++);
  });

  // Parsed entries by their stored text: an entry is parsed again only when it changes.
  const parsed = new Map();
  function logEntries() {
    if (store === null) return [];
    const raw = store.entries();
    if (parsed.size > 4 * raw.length + 64) parsed.clear();
    return raw.map((e) => {
      let entry = parsed.get(e.value);
      if (entry === undefined) {
        entry = JSON.parse(e.value);
        parsed.set(e.value, entry);
      }
      return entry;
    });
  }

  host.inspect(() => ({
    role: ROLES[raft.state] || 'unknown',
    summary: `term ${raft.term} · commit ${raft.log ? raft.log.committedIndex : 0} · ${JSON.stringify(sm.value())}`,
    details: { term: raft.term, commitIndex: raft.log ? raft.log.committedIndex : 0, ...counts },
  }));
};

/** A register with per-client deduplication: a retried command is applied once. */
function registerMachine() {
  let value = null;
  const last = new Map();
  return {
    value: () => value,
    apply(command) {
      const seen = last.get(command.client);
      if (seen !== undefined && seen.reqId >= command.reqId) return { duplicate: true, output: seen.reqId === command.reqId ? seen.output : null };
      const input = command.input;
      let output;
      if (input.op === 'read') output = { ok: true, value };
      else if (input.op === 'write') {
        value = input.value;
        output = { ok: true };
      } else if (value === input.expected) {
        value = input.value;
        output = { ok: true };
      } else output = { ok: false, current: value };
      last.set(command.client, { reqId: command.reqId, output });
      return { duplicate: false, output };
    },
  };
}

function commandText(c) {
  return `${c.client}:${c.reqId}:${JSON.stringify(c.input)}`;
}

function sameCommand(a, b) {
  return a !== null && typeof a === 'object' && a.client === b.client && a.reqId === b.reqId;
}

/** A log's terms as runs, "snapshot|start:term,start:term" (what the invariant checker reads). */
function termRuns(log) {
  const runs = [];
  let term = -1;
  for (const e of log) {
    if (e.term !== term) runs.push(`${e.index}:${e.term}`);
    term = e.term;
  }
  return `0|${runs.join(',')}`;
}

// The event taxonomy: every telemetry event a module emits (through TelemetrySink) or the
// simulator records about a node, with its fields, log level and meaning.
//
// Contract: an emitted name must be listed here (a test scans the sources); fields are
// flat scalars. Events are cheap: modules emit on transitions and per request, and carry
// per-message figures in periodic stats events. The JSON logs use `level`; sim-side
// records (node.*, fault.*) come from the trace and the fault schedule, not from a sink.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface EventSpec {
  readonly name: string;
  readonly level: LogLevel;
  /** Who emits it. */
  readonly source: string;
  /** Field name -> meaning. */
  readonly fields: Readonly<Record<string, string>>;
  readonly meaning: string;
}

function e(name: string, level: LogLevel, source: string, meaning: string, fields: Record<string, string> = {}): EventSpec {
  return { name, level, source, meaning, fields };
}

const TP = 'W3C traceparent of the request (00-trace-span-01)';

export const EVENTS: readonly EventSpec[] = [
  // ---- Raft, emitted by the KV server that hosts it ----
  e('raft.role', 'info', 'core/kv/server', 'The node\'s Raft role changed.', { role: 'leader, candidate, precandidate or follower', term: 'current term', voters: 'the voters of its configuration, comma-separated (for the candidate-persists check)' }),
  e('raft.leader', 'info', 'core/kv/server', 'The node became leader; its log shape, for the leader-completeness check, and the voters whose quorum elected it, for the vote-sound check.', { term: 'term it leads', lastIndex: 'last log index', logTerms: 'run-length encoded terms of its log', voters: 'the voter ids of its configuration, comma-separated' }),
  e('raft.term', 'info', 'core/kv/server', 'The node entered a new term.', { term: 'the new term' }),
  e('raft.lead', 'info', 'core/kv/server', 'The leader this node knows changed.', { lead: 'leader node id, -1 for none', term: 'current term' }),
  e('raft.campaign', 'info', 'core/kv/server', 'The node started a campaign (pre-vote round or election).', { term: 'term campaigned for', pre: 'true for a pre-vote round', voter: 'whether the node is a voter of its configuration (a learner or a removed server must not campaign)' }),
  e('raft.higher_term', 'debug', 'core/kv/server', 'The node stepped a message of a term above its own.', { from: 'sender node id', type: 'message type', term: 'the message\'s term', after: 'the node\'s term after stepping it', sticky: 'whether CheckQuorum bound the node to ignore it: a vote request (no transfer) while it led or had heard from the leader of its term within the election timeout', timerFresh: 'not sticky, but a vote request (no transfer) under CheckQuorum to a node that knows a leader and had a reason to restart its election timer (a vote granted, a new term or role) within the election timeout, which Raft\'s own guard may still ignore (term-adopt)' }),
  e('raft.granted', 'debug', 'core/kv/server', 'The node granted its vote in an election, or a pre-vote (Raft answered it with a grant), with both logs\' last entries as the request and the node saw them.', { to: 'candidate node id', term: 'the election\'s term', index: 'the candidate\'s last log index, from its request', logTerm: 'the term of the candidate\'s last entry, from its request', ownIndex: 'this node\'s last log index when it granted', ownTerm: 'the term of this node\'s last entry when it granted', pre: 'a pre-vote (thesis §9.6): no vote recorded, no term taken' }),
  e('raft.refused', 'debug', 'core/kv/server', 'The node refused or ignored a vote request in an election, or refused a pre-vote request (one it ignored is not reported), with both logs\' last entries and what it knew, for the vote-due check.', { to: 'candidate node id', term: 'the election\'s term', index: 'the candidate\'s last log index, from its request', logTerm: 'the term of the candidate\'s last entry, from its request', ownIndex: 'this node\'s last log index before the request', ownTerm: 'the term of this node\'s last entry before the request', after: 'the node\'s term after stepping it', voted: 'whom the node had voted for in the election\'s term before the request (-1: nobody)', led: 'whether the node had heard from a leader of the election\'s term', sticky: 'whether CheckQuorum bound the node to ignore it (as in raft.higher_term)', voter: 'whether the node is a voter of its configuration', pre: 'true for a pre-vote request', heardTicks: 'ticks given to Raft since the node last heard from a leader of its term then (-1: never)', electionTicks: 'the election timeout in ticks' }),
  e('raft.transfer', 'debug', 'core/kv/server', 'The leader accepted an operator\'s leadership transfer, with what it knew of the target, for the transfer-completes check.', { to: 'the target node id', term: 'the term the leader leads', match: 'the target\'s match index in the leader\'s progress (-1: none)', lastIndex: 'the leader\'s last log index', commit: 'the leader\'s commit index', state: 'the target\'s progress state (probe, replicate, snapshot; none)' }),
  e('raft.stranded', 'warn', 'core/kv/server', 'A leader under CheckQuorum still leads though a quorum of its voters has not answered it for more than two election timeouts (once per term).', { term: 'the term it leads', ticks: 'ticks since a quorum last answered', electionTicks: 'its election timeout in ticks' }),
  e('raft.stale_unanswered', 'warn', 'core/kv/server', 'Under PreVote or CheckQuorum, the node stepped an append or heartbeat of an older term and queued no answer carrying its own term (for the term-adopt check).', { from: 'sender node id', type: 'message type', term: 'the message\'s term', own: 'the node\'s term' }),
  e('raft.overdue', 'warn', 'core/kv/server', 'A voter that does not lead had no reason to restart its election timer (no append, heartbeat or snapshot of its leader, no vote granted, no new term or role, no campaign) for longer than the longest randomized election timeout, and has not campaigned (once per such stretch).', { term: 'its term', role: 'its role', ticks: 'ticks since the last reason to restart its timer', electionTicks: 'its election timeout in ticks' }),
  e('raft.vote', 'debug', 'core/kv/server', 'A (pre-)candidate received a vote response.', { from: 'voter node id', term: 'term of the response', granted: 'whether the vote was granted', pre: 'true for a pre-vote' }),
  e('raft.append', 'debug', 'core/kv/server', 'Entries became durable in this node\'s log.', { lo: 'first index', hi: 'last index', term: 'term of the last entry', terms: 'each entry\'s term, comma-separated', hashes: 'a 32-bit hash of each entry (base 36), comma-separated', nodeTerm: 'the node\'s current term (the term of the leader it took them from)', confs: 'the indexes of the configuration-change entries among them, comma-separated (empty: none)', readyCommit: 'the commit index of the Ready that carried them, -1 when it did not change it' }),
  e('raft.snapshot_stored', 'debug', 'core/kv/server', 'A snapshot from the leader became durable and replaced the log up to its index.', { index: 'snapshot index', term: 'snapshot term' }),
  e('raft.compacted', 'debug', 'core/kv/server', 'The node\'s own snapshot (a compaction at its applied index) became durable and its log was cut up to its index.', { index: 'snapshot index', term: 'the term the snapshot names for its last entry', voters: 'the voters the snapshot records, comma-separated ids (for the membership check)', learners: 'the learners the snapshot records, comma-separated ids' }),
  e('raft.conf', 'info', 'core/kv/server', 'The node\'s configuration changed, or it started: its members, and the commit index they follow from (for the membership check).', { voters: 'the voter ids, comma-separated', learners: 'the learner ids, comma-separated (empty: none)', commit: 'the commit index when the node reported it: the configuration is the one the conf entries up to it imply' }),
  e('raft.hardstate', 'debug', 'core/kv/server', 'A new hard state became durable (before anything depending on it was sent).', { term: 'current term', vote: 'vote in that term, -1 for none', commit: 'commit index', lastIndex: 'last log index' }),
  e('raft.match', 'debug', 'core/kv/server', 'The leader learned that a follower\'s log matches its own further.', { term: 'the leader\'s term', to: 'follower node id', match: 'the follower\'s match index' }),
  e('raft.ack', 'debug', 'core/kv/server', 'A follower acknowledged a leader\'s append or snapshot, with what the messages it answers proved.', { to: 'leader node id', term: 'the follower\'s term', index: 'the index acknowledged', proved: 'the highest index the answered MsgApp/MsgSnap proved it holds: its previous index plus its entries (or the snapshot\'s index), or the follower\'s commit index' }),
  e('raft.apply', 'debug', 'core/kv/server', 'A committed entry was applied to the state machine.', { index: 'log index', term: 'entry term', type: 'normal or conf', data: 'the encoded command' }),
  e('raft.stats', 'debug', 'core/kv/server', 'Periodic counters and indexes (every 100 ms of local time while the node handles events).', {
    term: 'current term', commit: 'commit index', applied: 'applied index', lastIndex: 'last log index', appendsSent: 'MsgApp sent', heartbeatsSent: 'MsgHeartbeat sent',
    appendsRejected: 'appends rejected', heartbeatsRejected: 'stale heartbeats refused', proposalsDropped: 'proposals refused', sessions: 'client sessions', duplicates: 'duplicate writes suppressed',
  }),
  e('raft.recovered', 'info', 'core/kv/server', 'The node rebuilt its state from disk on start.', { applied: 'applied index after recovery', torn: 'whether a torn log tail was repaired', term: 'term Raft starts in', vote: 'vote Raft starts with', commit: 'commit index Raft starts with', lastIndex: 'last log index', logTerms: 'run-length encoded terms of its log' }),
  e('raft.recover_failed', 'error', 'core/kv/server', 'The node could not read its durable state; it retries and serves nothing meanwhile.', { error: 'ENOSPC, EIO or corruption' }),
  e('raft.syncing', 'debug', 'core/kv/server', 'With disk time: a Ready\'s writes were issued; its fsync completes delayUs later.', { entries: 'entries written', hardState: 'whether it wrote a hard state', messages: 'messages waiting for the fsync', delayUs: 'disk time of the fsync' }),
  e('raft.synced', 'debug', 'core/kv/server', 'With disk time: a Ready\'s fsync completed; its sends follow a step later.', { entries: 'entries it made durable', hardState: 'whether it held a hard state', messages: 'messages waiting for it' }),
  e('raft.disk_error', 'error', 'core/kv/server', 'Persisting a Ready failed; nothing was sent or acknowledged.', { error: 'ENOSPC or EIO' }),
  e('raft.snapshot_sent', 'info', 'core/kv/server', 'The leader sent a snapshot to a lagging follower.', { to: 'follower node id', index: 'snapshot index', term: 'snapshot term' }),
  e('raft.snapshot_applied', 'info', 'core/kv/server', 'A follower installed a snapshot from the leader.', { index: 'snapshot index', term: 'snapshot term' }),
  e('msg.rejected', 'warn', 'core/kv/server', 'A malformed, forged or corrupted message was refused.', { from: 'claimed sender', what: 'raft or kv' }),
  // ---- KV service ----
  e('kv.request', 'debug', 'core/kv/server', 'A client request reached a server.', { client: 'sender node id', clientId: 'session id', rid: 'request id', op: 'operation', seq: 'the request\'s session seq (a write\'s own; a read carries the last write\'s)', tp: 'the traceparent the request carried (its attempt), or empty' }),
  e('kv.propose', 'debug', 'core/kv/server', 'The leader appended a client write to its log.', { client: 'sender node id', rid: 'request id', index: 'log index', term: 'term' }),
  e('kv.reply', 'debug', 'core/kv/server', 'A server answered a request.', { client: 'receiver node id', rid: 'request id', outcome: 'ok, failed, expired or redirect', readIndexUs: 'ReadIndex latency for reads, local µs (-1 if none)', readIndex: 'the read index a read was served at (-1 if none)', readCtx: 'the read\'s ReadIndex context (kv.read), or empty', output: 'the result\'s canonical JSON, empty for a redirect (for the answer-sound check)', seq: 'the session seq of the applied command whose result this is, -1 for reads and redirects (for the answer-sound check)' }),
  e('kv.state', 'debug', 'core/kv/server', 'The state machine after applying a committed entry: its digest (for the state-agreement check).', { index: 'log index just applied', digest: 'the key-value state machine\'s digest: data, sessions and command count', changed: 'whether applying the entry changed the stored data (for the exactly-once check)', ran: 'whether the state machine ran the entry\'s command, rather than answering it from its session cache or refusing it as session-expired (for the executed-once check)' }),
  e('kv.sessions', 'debug', 'core/kv/server', 'The client session table after a registration, a restart or snapshot (a new base), or any other entry that changed its size (for the session-bound check).', { index: 'log index just applied (the applied index for a base)', count: 'sessions kept', opened: 'sessions the entry registered; -1 for a base', max: 'the table\'s bound' }),
  e('kv.read_basis', 'debug', 'core/kv/server', 'Raft released a client read to the leader: what it rests on, as the server counted it from the heartbeats it sent and the answers it stepped (for the read-basis check).', { ctx: 'the read\'s context (kv.read)', lease: 'whether the server reads by lease', alone: 'whether the leader is the only voter', afterAsked: 'whether a quorum of voters answered a heartbeat sent after the read was asked', sinceBasis: 'ticks since the newest heartbeat a quorum answered was sent, -1 for none in this term', revoked: 'whether the leader began a leadership transfer this term', electionTicks: 'the election timeout in ticks', driftMax: 'the clock drift bound of lease reads' }),
  e('kv.read', 'debug', 'core/kv/server', 'The leader took a client read and asked Raft for a read index (ReadIndex, or its lease).', { client: 'sender node id', rid: 'request id', ctx: 'the read\'s context, unique within the server process' }),
  e('kv.write_refused', 'debug', 'core/kv/server', 'The leader refused a client\'s write (Raft did not take the proposal), for the transfer-bounded check.', { sinceTransfer: 'ticks since this server last accepted a leadership transfer (-1: never in this process)', electionTicks: 'the election timeout in ticks', full: 'whether the uncommitted log was full', term: 'the term it leads' }),
  e('kv.session_expired', 'warn', 'core/kv/server', 'A write came under a session the servers do not know (never registered, or evicted); it was answered session-expired and not applied.', { clientId: 'session id', seq: 'the write\'s session seq' }),
  e('kv.admin', 'info', 'core/kv/server', 'The leader answered an operator\'s admin request (membership change, leadership transfer, compaction).', { op: 'admin operation', node: 'the node it concerns', ok: 'whether it was done', reason: 'why not' }),
  e('kv.invoke', 'info', 'core/kv/client', 'A client invoked an operation (the history checker\'s invocation).', { clientId: 'session id', rid: 'operation id', input: 'the operation, JSON', tp: TP }),
  e('kv.attempt', 'debug', 'core/kv/client', 'A client sent an operation to a server (first try or retry).', { clientId: 'session id', rid: 'operation id', attempt: 'attempt number from 1', target: 'server node id', tp: TP }),
  e('kv.complete', 'info', 'core/kv/client', 'An operation completed (the history checker\'s return).', { clientId: 'session id', rid: 'operation id', output: 'the result JSON, empty when unknown' }),
  // ---- Gateway and load ----
  e('gw.request', 'debug', 'core/gateway/gateway', 'A request reached the gateway.', { client: 'sender node id', rid: 'client request id', op: 'operation', tp: 'traceparent of the gateway\'s own span for the request', parent: 'the traceparent the request carried, or empty' }),
  e('gw.attempt', 'debug', 'core/gateway/gateway', 'The gateway called a server for a request.', { client: 'requesting node id', rid: 'client request id', id: 'gateway request id (the rid servers see)', attempt: 'attempt number from 1', hop: 'redirects followed within the attempt so far', target: 'server node id', tp: TP }),
  e('gw.reply', 'debug', 'core/gateway/gateway', 'The gateway answered a request.', { client: 'receiver node id', rid: 'client request id', outcome: 'ok, rejected, timeout or error', reason: 'why it did not end ok' }),
  e('gw.breaker', 'warn', 'core/gateway/gateway', 'A backend\'s circuit breaker changed state.', { server: 'server node id', from: 'previous state', to: 'new state' }),
  e('gw.health', 'warn', 'core/gateway/gateway', 'The gateway\'s readiness changed.', { status: 'healthy, degraded or unhealthy', ready: 'whether it is ready' }),
  e('gw.limits', 'warn', 'core/gateway/gateway', 'An operator (the MAPE-K manager) changed the gateway\'s rate limit.', { ratePerSec: 'the new rate, requests per second' }),
  e('gw.stats', 'debug', 'core/gateway/gateway', 'Periodic cumulative counters of the gateway (every health interval).', { received: 'requests received', rateLimited: 'refused by the rate limiter', shed: 'shed', retries: 'retries', budgetRefused: 'retries refused by the budget', inFlight: 'bulkhead permits in use', queued: 'queued requests' }),
  e('load.send', 'debug', 'core/gateway/loadClient', 'A load client sent a request.', { rid: 'request id', op: 'operation', tp: TP }),
  e('load.done', 'debug', 'core/gateway/loadClient', 'A load client\'s request ended.', { rid: 'request id', phase: 'load phase index', outcome: '0 ok, 1 rejected, 2 timeout, 3 error', latencyUs: 'latency, local µs' }),
  e('load.phase', 'info', 'core/gateway/loadClient', 'A load phase ended at this client.', { phase: 'phase index', sent: 'requests sent in it' }),
  // ---- RAG (retrieval over a replicated vector index) ----
  e('rag.invoke', 'debug', 'core/rag/clients', 'A RAG client asked a query.', { client: 'client id', qid: 'query id', mode: 'fresh or cached', atUs: 'local time of the question' }),
  e('rag.complete', 'debug', 'core/rag/clients', 'A RAG query was answered (or gave up).', { client: 'client id', qid: 'query id', mode: 'fresh or cached', ok: 'answered', cached: 'served from the semantic cache', replica: 'replica node id', applied: 'its applied index', latencyUs: 'latency, local µs', labels: 'documents returned', error: 'why not answered', v: 'the query vector (sampled queries only)' }),
  e('rag.acked', 'debug', 'core/rag/clients', 'A document write was acknowledged or refused.', { label: 'document label', kind: 'add or remove', ok: 'whether it was acknowledged' }),
  e('rag.probe', 'debug', 'core/rag/clients', 'A read-your-writes probe was answered.', { label: 'document label', ok: 'answered', found: 'the document was returned', applied: 'the replica\'s applied index', replica: 'replica node id', error: 'why not answered' }),
  e('rag.audit', 'debug', 'core/rag/clients', 'A replica answered an audit question.', { round: 'audit round', replica: 'replica node id', applied: 'applied index', docs: 'documents held', answer: 'the answer' }),
  e('rag.served', 'debug', 'core/rag/replica', 'A replica answered a batch of queries.', { bid: 'batch id', n: 'queries in it', mode: 'fresh or cached', applied: 'applied index' }),
  e('rag.restored', 'info', 'core/rag/replica', 'A replica rebuilt its index from a snapshot.', { index: 'log index', docs: 'documents', bytes: 'snapshot size' }),
  e('rag.frontend_disk_error', 'error', 'core/rag/frontend', 'The RAG front end could not persist its state.', { error: 'ENOSPC or EIO' }),
  // ---- MAPE-K manager (core/mapek) ----
  e('mapek.symptom', 'warn', 'core/mapek/manager', 'Analyze raised or cleared a symptom.', { state: 'raised or cleared', kind: 'symptom kind', target: 'node id, or -1 for the cluster', value: 'the observed figure', detail: 'what was seen' }),
  e('mapek.diagnosis', 'warn', 'core/mapek/manager', 'A diagnosis appeared, changed or went away.', { state: 'new, changed or gone', cause: 'probable cause', target: 'node id or -1', confidence: '0..1', symptoms: 'the symptom kinds behind it', sinceUs: 'when it began, local µs' }),
  e('mapek.decision', 'info', 'core/mapek/manager', 'Plan chose an action.', { id: 'action id', action: 'action kind', target: 'node id', cause: 'the diagnosis it answers', spare: 'spare node for a replacement, or -1', arg: 'action argument', healthyVoters: 'healthy voters when decided', voters: 'voters' }),
  e('mapek.deferred', 'debug', 'core/mapek/manager', 'A safety rule held an action back.', { key: 'the episode', reason: 'the rule' }),
  e('mapek.step', 'debug', 'core/mapek/manager', 'A runbook step of an action finished.', { id: 'action id', action: 'action kind', target: 'node id', step: 'step name', ok: 'whether it succeeded', reason: 'why not' }),
  e('mapek.action', 'info', 'core/mapek/manager', 'An action finished.', { id: 'action id', action: 'action kind', target: 'node id', spare: 'spare node or -1', ok: 'whether it succeeded', detail: 'what happened' }),
  e('mapek.outcome', 'info', 'core/mapek/manager', 'A healing episode ended.', { key: 'the episode', cause: 'diagnosed cause', target: 'node id', outcome: 'recovered, failed, no-effect or aborted', action: 'the last action, or empty', ttrUs: 'time to recover, local µs' }),
  e('mapek.lease', 'info', 'core/mapek/manager', 'This manager instance took or lost the lease.', { active: 'whether it holds the lease', instance: 'instance number' }),
  e('mapek.knowledge', 'debug', 'core/mapek/manager', 'The manager\'s knowledge after an update (what --save-knowledge writes).', { json: 'the knowledge file, JSON', episodes: 'episodes recorded' }),
  // ---- Failure detector ----
  e('fd.boot', 'info', 'core/heartbeat/failureDetector', 'The detector started a new epoch.', { epoch: 'epoch number' }),
  e('fd.suspect', 'warn', 'core/heartbeat/failureDetector', 'The detector began suspecting a peer.', { peer: 'peer node id' }),
  e('fd.trust', 'info', 'core/heartbeat/failureDetector', 'The detector trusts a peer again.', { peer: 'peer node id' }),
  e('fd.rejected', 'warn', 'core/heartbeat/failureDetector', 'A bad heartbeat was refused.', { from: 'claimed sender' }),
  e('fd.disk_error', 'error', 'core/heartbeat/failureDetector', 'Persisting the epoch failed.', { error: 'ENOSPC or EIO' }),
  // ---- Host and simulator ----
  e('host.stats', 'debug', 'sim/host/runtime', 'Periodic host figures of a node (every 100 ms of simulated time while it handles events; only when telemetry is on).', { cpuBusyUs: 'CPU busy time so far, µs', cpuQueue: 'events waiting for the CPU', memoryBytes: 'memory in use', fsyncs: 'fsync calls so far' }),
  e('node.crash', 'error', 'sim (trace)', 'The node crashed (fault or a process that threw).'),
  e('node.oom', 'error', 'sim (trace)', 'The node exceeded its memory budget and was killed.'),
  e('node.restart', 'info', 'sim (trace)', 'The node restarted after a crash.'),
  e('node.pause', 'warn', 'sim (trace)', 'The node\'s process was paused.'),
  e('node.resume', 'info', 'sim (trace)', 'The node\'s process resumed.'),
  e('nemesis.action', 'info', 'sim/faults (schedule)', 'The kernel ran a scheduled action: a fault, its heal, a boot or an end-of-phase check.', { action: 'the action\'s name, e.g. "crash {\\"node\\":2}" or "heal partition"' }),
  e('check.violation', 'error', 'sim/check', 'A check reported a violation.', { check: 'check name', message: 'what broke' }),
];

const BY_NAME = new Map(EVENTS.map((x) => [x.name, x]));

/** The spec of event `name`, or undefined if it is not in the taxonomy. */
export function eventSpec(name: string): EventSpec | undefined {
  return BY_NAME.get(name);
}

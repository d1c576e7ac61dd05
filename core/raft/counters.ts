// Plain counters of what a Raft node did, for telemetry (like etcd's metrics, but read by
// the host instead of registered globally).
//
// Contract: counters only grow within one Raft instance (a restart starts from zero);
// counting never changes behaviour. The host reads them when it reports (KvServer's
// periodic 'raft.stats' event) and compares campaign counts to spot new campaigns.
export class RaftCounters {
  /** Real elections started (candidate), including leadership transfers. */
  campaigns = 0;
  /** Pre-vote rounds started (pre-candidate). */
  preCampaigns = 0;
  /** Elections won. */
  won = 0;
  appendsSent = 0;
  heartbeatsSent = 0;
  snapshotsSent = 0;
  /** Appends this node rejected because its log did not match (MsgAppResp with reject). */
  appendsRejected = 0;
  /** Heartbeats refused because their term was stale. */
  heartbeatsRejected = 0;
  /** Proposals refused (not leader, transfer pending, too much uncommitted). */
  proposalsDropped = 0;
}

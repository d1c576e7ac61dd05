// The tours the page offers: one per category of the catalogue (the list), each
// narrating one (scenario, seed) run. Membership change has no tour yet: the scenarios exist
// (raft-membership and its kin), but the cluster view does not show a server's place in the
// configuration (voter, learner, spare, retired), which such a tour has to point at.
import { checkQuorumTour } from './checkQuorum.ts';
import { electionTour } from './election.ts';
import { figure8Tour } from './figure8.ts';
import { heartbeatCrashTour } from './heartbeatCrash.ts';
import { leaseReadsTour } from './leaseReads.ts';
import { replicationTour } from './replication.ts';
import { retryStormTour } from './retryStorm.ts';
import { snapshotTour } from './snapshot.ts';
import type { Tour } from './types.ts';

export const TOURS: readonly Tour[] = [electionTour, replicationTour, checkQuorumTour, figure8Tour, snapshotTour, leaseReadsTour, retryStormTour, heartbeatCrashTour];

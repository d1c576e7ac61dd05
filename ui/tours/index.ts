// The tours the page offers: one per category of the catalogue (the list), each
// narrating one (scenario, seed) run.
import { checkQuorumTour } from './checkQuorum.ts';
import { electionTour } from './election.ts';
import { figure8Tour } from './figure8.ts';
import { heartbeatCrashTour } from './heartbeatCrash.ts';
import { leaseReadsTour } from './leaseReads.ts';
import { membershipTour } from './membership.ts';
import { replicationTour } from './replication.ts';
import { retryStormTour } from './retryStorm.ts';
import { snapshotTour } from './snapshot.ts';
import type { Tour } from './types.ts';

export const TOURS: readonly Tour[] = [electionTour, replicationTour, checkQuorumTour, figure8Tour, snapshotTour, membershipTour, leaseReadsTour, retryStormTour, heartbeatCrashTour];

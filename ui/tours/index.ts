// The tours the page offers, by scenario.
import { heartbeatCrashTour } from './heartbeatCrash.ts';
import { raftKvBasicTour } from './raftKvBasic.ts';
import type { Tour } from './types.ts';

export const TOURS: readonly Tour[] = [heartbeatCrashTour, raftKvBasicTour];

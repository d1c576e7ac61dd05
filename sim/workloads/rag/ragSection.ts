// The `rag:` scenario section: the retrieval service on the simulated cluster (see
// docs/rag.md). Defaults are filled here and nowhere else.
import { z } from 'zod';
import { duration } from '../../scenario/schema.ts';

export const RAG_BUGS = ['skipTailAfterRestart'] as const;

const onOff = (enabled: boolean) => ({ enabled: z.boolean().default(enabled) });

export const ragSchema = z.object({
  /** 'fiori' (the real corpus, 778 x 384) or 'synthetic-<count>x<dim>'. */
  corpus: z.string().regex(/^(fiori|synthetic-\d+x\d+)$/, 'use "fiori" or "synthetic-<count>x<dim>", e.g. synthetic-10000x128').default('fiori'),
  /** How many corpus documents the ingest client writes first (0: all). */
  docs: z.number().int().min(0).max(1_000_000).default(0),
  index: z.object({
    m: z.number().int().min(2).max(128).default(16),
    efConstruction: z.number().int().min(1).max(4096).default(200),
    seed: z.number().int().min(0).max(0xffffffff).default(100),
  }).strict().default({ m: 16, efConstruction: 200, seed: 100 }),
  /** Parallel search lanes per replica in the cost model (1: the calibrated case). */
  searchThreads: z.number().int().min(1).max(64).default(1),
  /** How long a fresh search may wait for the leader's read index and its apply. */
  freshTimeout: duration.default(500_000),
  ingest: z.object({
    /** Writes in flight at once. */
    window: z.number().int().min(1).max(256).default(16),
    start: duration.default(300_000),
    /** Pause after each acknowledged write on a slot. */
    gap: duration.default(0),
    /** After the initial load: writes per second (re-puts and deletes of random documents) until `stop`. */
    churnRate: z.number().min(0).max(100_000).default(0),
    /** Share of churn writes that delete (the rest put a document back or replace it). */
    deleteShare: z.number().min(0).max(1).default(0.3),
    /** Share of acknowledged puts followed by a fresh read-your-writes probe. */
    probeShare: z.number().min(0).max(1).default(0.2),
    timeout: duration.default(2_000_000),
  }).strict().default({ window: 16, start: 300_000, gap: 0, churnRate: 0, deleteShare: 0.3, probeShare: 0.2, timeout: 2_000_000 }),
  queries: z.object({
    clients: z.number().int().min(0).max(64).default(4),
    /** Queries per second over all clients (Poisson arrivals). */
    rate: z.number().min(0).max(100_000).default(200),
    start: duration.default(1_500_000),
    k: z.number().int().min(1).max(100).default(10),
    ef: z.number().int().min(1).max(4096).default(100),
    freshShare: z.number().min(0).max(1).default(0.1),
    /** Zipf exponent of document popularity. */
    zipf: z.number().min(0).max(5).default(1.1),
    /** How far a question lies from its document (norm of the noise on a unit vector). */
    noise: z.number().min(0).max(4).default(0.1),
    timeout: duration.default(1_000_000),
    /** Every n-th query is checked against exact search (recall); 0: none. */
    sampleEvery: z.number().int().min(0).default(5),
    pendingMax: z.number().int().min(1).max(1_000_000).default(10_000),
  }).strict().default({ clients: 4, rate: 200, start: 1_500_000, k: 10, ef: 100, freshShare: 0.1, zipf: 1.1, noise: 0.1, timeout: 1_000_000, sampleEvery: 5, pendingMax: 10_000 }),
  cache: z.object({
    ...onOff(true),
    capacity: z.number().int().min(0).max(100_000).default(256),
    ttl: duration.default(5_000_000),
    /** Cosine similarity at or above which a question counts as one already answered. */
    threshold: z.number().gt(0).max(1).default(0.95),
  }).strict().default({ enabled: true, capacity: 256, ttl: 5_000_000, threshold: 0.95 }),
  batch: z.object({
    ...onOff(true),
    max: z.number().int().min(1).max(256).default(16),
    window: duration.default(2_000),
  }).strict().default({ enabled: true, max: 16, window: 2_000 }),
  frontend: z.object({
    timeout: duration.default(300_000),
    attempts: z.number().int().min(1).max(20).default(4),
    writeLanes: z.number().int().min(1).max(64).default(8),
    /** A replica that let a batch time out is skipped this long. */
    eject: duration.default(1_000_000),
  }).strict().default({ timeout: 300_000, attempts: 4, writeLanes: 8, eject: 1_000_000 }),
  /** The auditor asks every replica the same question this often (0: no auditor). */
  auditInterval: duration.default(250_000),
  /** Checks: mean recall@k of sampled answers against exact search must reach this. */
  recallMin: z.number().min(0).max(1).default(0.95),
  bugs: z.array(z.enum(RAG_BUGS)).default([]),
}).strict();

export type RagSection = z.output<typeof ragSchema>;
/** The `rag:` section (every field defaulted, so the section may be left out). */
export const ragSection = ragSchema.default(() => ragSchema.parse({}));

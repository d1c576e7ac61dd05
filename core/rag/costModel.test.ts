// Goal: the virtual CPU cost model keeps the shape it was calibrated on: search cost grows
// with ef until the index is smaller than ef, scales with the dimension, and a batch on t
// threads costs the call once plus ceil(n / t) rounds of search. Method: direct values.
import { describe, expect, it } from 'vitest';
import { batchCostUs, cacheLookupCostUs, COST, insertCostUs, loadCostUs, searchCostUs } from './costModel.ts';

describe('cost model', () => {
  it('search cost follows ef, capped by the index size, and scales with the dimension', () => {
    expect(searchCostUs(778, 384, 10, 100)).toBeCloseTo(COST.searchBaseUs + 100 * COST.searchPerEfUs);
    expect(searchCostUs(778, 384, 10, 200)).toBeGreaterThan(searchCostUs(778, 384, 10, 100));
    expect(searchCostUs(50, 384, 10, 200)).toBe(searchCostUs(50, 384, 10, 50));
    expect(searchCostUs(778, 384, 20, 10)).toBe(searchCostUs(778, 384, 20, 20));
    expect(searchCostUs(778, 128, 10, 100) - COST.searchBaseUs).toBeCloseTo((searchCostUs(778, 384, 10, 100) - COST.searchBaseUs) / 3);
  });

  it('inserts, restores and cache lookups cost what the calibration measured, in magnitude', () => {
    expect(insertCostUs(778, 384, 200)).toBeGreaterThan(150);
    expect(insertCostUs(778, 384, 200)).toBeLessThan(300);
    expect(loadCostUs(1_307_552)).toBeGreaterThan(1000);
    expect(loadCostUs(1_307_552)).toBeLessThan(2500);
    expect(cacheLookupCostUs(256, 384)).toBeCloseTo(1 + 256 * COST.cosinePerEntryUs);
  });

  it('a batch pays the call once and runs its searches threads at a time', () => {
    const one = searchCostUs(778, 384, 10, 100);
    expect(batchCostUs(0, 8, one)).toBe(0);
    expect(batchCostUs(1, 1, one)).toBeCloseTo(one);
    expect(batchCostUs(16, 1, one)).toBeCloseTo(COST.searchBaseUs + 16 * (one - COST.searchBaseUs));
    expect(batchCostUs(16, 8, one)).toBeCloseTo(COST.searchBaseUs + 2 * (one - COST.searchBaseUs));
    expect(batchCostUs(17, 8, one)).toBeCloseTo(COST.searchBaseUs + 3 * (one - COST.searchBaseUs));
  });
});

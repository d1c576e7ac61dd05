// Elementary functions whose every bit is fixed by IEEE 754, for everything a run computes.
//
// Contract: each function here is built only from + - * / (and comparisons, Math.floor,
// Math.round), which IEEE 754 and ECMAScript define to the last bit, in a fixed order. So
// each returns the same double in every engine (V8, SpiderMonkey, JavaScriptCore), unlike
// Math.log, Math.exp, Math.pow and Math.cos, which ECMAScript lets each engine approximate
// in its own way. They are accurate to about one unit in the last place (ln, exp, cosTurns;
// pow to a few units times |y ln x|) and are checked against Math.* in portableMath.test.ts;
// their exact outputs for fixed inputs are pinned there too (golden values).
// The lint rule in eslint.config.js bans Math.log/exp/pow/sin/cos/... and `**` in core/ and
// sim/, so every sampler and every run goes through this module.
//
// Method: ln and exp reduce the argument by powers of two (exact) and ln 2 split in a high
// part with trailing zero bits and a low part (the classic fdlibm reduction), then evaluate
// Taylor series of fixed length by Horner's rule; cosTurns reduces turns exactly by symmetry
// to [0, 1/8] and evaluates the cos or sin series there.

/** ln 2 = LN2_HI + LN2_LO; LN2_HI has 21 trailing zero bits, so k * LN2_HI is exact for |k| < 2^11. */
const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e+00;
const SQRT2 = 1.4142135623730951;
const TWO_PI = 2 * Math.PI;

/** 2^0 .. 2^63, exact (built by doubling, which is exact). */
const POW2_SMALL: readonly number[] = (() => {
  const t: number[] = [];
  for (let i = 0, p = 1; i < 64; i++, p *= 2) t.push(p);
  return t;
})();
const TWO_64 = POW2_SMALL[63] * 2;
const TWO_M64 = 1 / TWO_64;

/** 2^n exactly, for an integer n (0 below 2^-1074, Infinity above 2^1023). */
export function pow2(n: number): number {
  if (!Number.isInteger(n)) throw new Error(`pow2: n must be an integer, got ${n}`);
  if (n > 1023) return Infinity;
  if (n < -1074) return 0;
  let r = 1;
  let e = n;
  // Every intermediate is a power of two at or above 2^-1074, so every product is exact.
  while (e >= 64) { r *= TWO_64; e -= 64; }
  while (e <= -64) { r *= TWO_M64; e += 64; }
  return e >= 0 ? r * POW2_SMALL[e] : r / POW2_SMALL[-e];
}

/** x^n for an integer n >= 0 by repeated squaring (a fixed sequence of products). */
export function powInt(x: number, n: number): number {
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`powInt: n must be an integer >= 0, got ${n}`);
  let result = 1;
  let base = x;
  let e = n;
  while (e > 0) {
    if (e % 2 === 1) result *= base;
    e = Math.floor(e / 2);
    if (e > 0) base *= base;
  }
  return result;
}

/** 2/(2k+1) for k = 1..12: the series of ln((1+s)/(1-s))/s - 2 in z = s^2. */
const LOG_COEFFS: readonly number[] = Array.from({ length: 12 }, (_, i) => 2 / (2 * i + 3));
/** Exponents for the exact scaling of ln's argument: 512, 256, ..., 1, with 2^e, 2^-e, 2^(1-e). */
const SCALE_E: readonly number[] = [512, 256, 128, 64, 32, 16, 8, 4, 2, 1];
const SCALE_UP: readonly number[] = SCALE_E.map((e) => pow2(e));
const SCALE_DOWN: readonly number[] = SCALE_E.map((e) => pow2(-e));
const SCALE_LOW: readonly number[] = SCALE_E.map((e) => pow2(1 - e));
const MIN_NORMAL = 2.2250738585072014e-308;

/** The natural logarithm. ln(0) = -Infinity; negative numbers and NaN give NaN. */
export function ln(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  // x = m * 2^k with m in [1, 2), then [sqrt(1/2), sqrt(2)), by exact power-of-two scaling.
  let m = x;
  let k = 0;
  if (m < MIN_NORMAL) { m *= POW2_SMALL[54]; k -= 54; } // Subnormal: normalise first.
  // Invariant before step i: m < 2^(2 e_i); after it, m < 2^(e_i).
  for (let i = 0; i < SCALE_E.length; i++) if (m >= SCALE_UP[i]) { m *= SCALE_DOWN[i]; k += SCALE_E[i]; }
  // Invariant before step i: m >= 2^(1 - 2 e_i); after it, m >= 2^(1 - e_i). So m ends in [1, 2).
  for (let i = 0; i < SCALE_E.length; i++) if (m < SCALE_LOW[i]) { m *= SCALE_UP[i]; k -= SCALE_E[i]; }
  if (m >= SQRT2) { m /= 2; k += 1; }
  // ln(m) = ln(1 + f) = 2 atanh(s) with s = f / (2 + f); f is exact (Sterbenz).
  const f = m - 1;
  const s = f / (2 + f);
  const z = s * s;
  let r = LOG_COEFFS[LOG_COEFFS.length - 1];
  for (let i = LOG_COEFFS.length - 2; i >= 0; i--) r = LOG_COEFFS[i] + z * r;
  r *= z;
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f);
}

/** 1/k! for k = 0..17, for exp's Taylor series (|r| <= ln2 / 2: the tail is below 2^-70). */
const EXP_COEFFS: readonly number[] = Array.from({ length: 18 }, (_, k) => 1 / factorial(k));

/** e^x. Overflows to Infinity above ~709.78 and underflows to 0 below ~-745.13. */
export function exp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  // x = k ln2 + r with |r| <= ln2 / 2; hi - lo is r, carried in two parts for accuracy.
  const k = Math.round(x * INV_LN2);
  const hi = x - k * LN2_HI;
  const lo = k * LN2_LO;
  const r = hi - lo;
  let p = EXP_COEFFS[EXP_COEFFS.length - 1];
  for (let i = EXP_COEFFS.length - 2; i >= 1; i--) p = EXP_COEFFS[i] + r * p;
  // e^r = 1 + r * p(r); the correction term puts back what r lost in hi - lo.
  const y = 1 + (r * p + (hi - r - lo) * (1 + r * p));
  // Scale by 2^k, in two exact steps when the result is subnormal (one rounding at most).
  if (k >= -1021) return k > 1023 ? y * 2 * pow2(k - 1) : y * pow2(k);
  return y * pow2(k + 1000) * pow2(-1000);
}

/** x^y for x > 0 (a Pareto tail, a growth factor): exp(y ln x). */
export function pow(x: number, y: number): number {
  if (!(x > 0)) throw new Error(`pow: the base must be > 0, got ${x}`);
  if (y === 0 || x === 1) return 1;
  return exp(y * ln(x));
}

/** (-1)^k / (2k)! for k = 1..9: cos(x) = 1 + x^2 p(x^2) on [0, pi/4], tail below 2^-70. */
const COS_COEFFS: readonly number[] = Array.from({ length: 9 }, (_, i) => (i % 2 === 0 ? -1 : 1) / factorial(2 * i + 2));
/** (-1)^k / (2k+1)! for k = 1..9: sin(x) = x + x^3 p(x^2) on [0, pi/4]. */
const SIN_COEFFS: readonly number[] = Array.from({ length: 9 }, (_, i) => (i % 2 === 0 ? -1 : 1) / factorial(2 * i + 3));

/** n! as a fixed product (exact up to 18!, one rounding per step beyond). */
function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

function cosKernel(x: number): number {
  const z = x * x;
  let p = COS_COEFFS[COS_COEFFS.length - 1];
  for (let i = COS_COEFFS.length - 2; i >= 0; i--) p = COS_COEFFS[i] + z * p;
  return 1 + z * p;
}

function sinKernel(x: number): number {
  const z = x * x;
  let p = SIN_COEFFS[SIN_COEFFS.length - 1];
  for (let i = SIN_COEFFS.length - 2; i >= 0; i--) p = SIN_COEFFS[i] + z * p;
  return x + x * (z * p);
}

/** cos(2 pi t): the cosine of an angle given in turns (Box-Muller draws its angle in turns). */
export function cosTurns(t: number): number {
  if (!Number.isFinite(t)) return NaN;
  // Whole turns go exactly: t - round(t) is exact (Sterbenz) and lies in [-1/2, 1/2].
  let a = Math.abs(t - Math.round(t));
  let sign = 1;
  if (a > 0.25) { a = 0.5 - a; sign = -1; } // cos(2 pi a) = -cos(2 pi (1/2 - a)), exact.
  // Now a is in [0, 1/4]; past 1/8, cos(2 pi a) = sin(2 pi (1/4 - a)), exact.
  return a > 0.125 ? sign * sinKernel(TWO_PI * (0.25 - a)) : sign * cosKernel(TWO_PI * a);
}

// Canonical JSON: one spelling per value, so equal payloads hash equally whatever order
// their keys were written in.
//
// Contract: object keys sorted by code unit; undefined members omitted (as JSON does);
// arrays keep order with undefined written as null; -0 written as 0. Values JSON cannot
// carry faithfully (NaN, Infinity, bigint, functions, symbols, cycles) are rejected with
// a message naming the path, because silently dropping them would merge distinct requests.

export function canonicalJson(value: unknown): string {
  return write(value, '$', []);
}

function write(value: unknown, path: string, ancestors: object[]): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`canonicalJson: ${path} is ${value}, which JSON cannot carry`);
      return Object.is(value, -0) ? '0' : JSON.stringify(value);
    case 'object':
      return writeObject(value, path, ancestors);
    default:
      throw new Error(`canonicalJson: ${path} is a ${typeof value}, which JSON cannot carry`);
  }
}

function writeObject(value: object, path: string, ancestors: object[]): string {
  if (ancestors.includes(value)) throw new Error(`canonicalJson: ${path} is a cycle`);
  if (ancestors.length >= 100) throw new Error(`canonicalJson: ${path} is nested deeper than 100 levels`);
  ancestors.push(value);
  let text: string;
  if (Array.isArray(value)) {
    text = `[${value.map((item, index) => (item === undefined ? 'null' : write(item, `${path}[${index}]`, ancestors))).join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
    text = `{${keys.map((key) => `${JSON.stringify(key)}:${write(record[key], `${path}.${key}`, ancestors)}`).join(',')}}`;
  }
  ancestors.pop();
  return text;
}

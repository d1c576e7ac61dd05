// A leveldown for a simulated node: memdown's sorted in-memory store, with every write
// also appended to a file on the node's simulated disk and replayed when the store opens
// (after a restart). Like leveldown, a write is made durable (fsync) only when the caller
// asks for `sync: true`; otherwise a crash of the node may lose it, as a power loss loses
// what leveldown left in the page cache. A disk error is reported to the caller as an
// error, and the write is not applied. A torn last record is skipped on replay.
'use strict';
// memdown 3: the repository's package.json overrides liferaft's leveldown with it.
const MemDOWN = require('leveldown');
const { inherits } = require('util');

function encodeKey(key) {
  return Buffer.isBuffer(key) ? { b: key.toString('base64') } : { s: String(key) };
}

function decodeKey(e) {
  return e.b !== undefined ? Buffer.from(e.b, 'base64') : e.s;
}

function DiskDOWN(disk, file) {
  if (!(this instanceof DiskDOWN)) return new DiskDOWN(disk, file);
  MemDOWN.call(this);
  this._disk = disk;
  this._file = file;
}

inherits(DiskDOWN, MemDOWN);

DiskDOWN.prototype._applyOp = function (op) {
  const key = decodeKey(op.k);
  if (op.type === 'del') {
    this._store = this._store.remove(key);
    return;
  }
  const it = this._store.find(key);
  this._store = it.valid ? it.update(op.v) : this._store.insert(key, op.v);
};

DiskDOWN.prototype._open = function (options, callback) {
  const read = this._disk.read(this._file);
  if (!read.ok) return setImmediate(() => callback(new Error(`reading ${this._file}: ${read.error}`)));
  for (const record of read.records) {
    let ops;
    try {
      ops = JSON.parse(record);
    } catch (e) {
      continue; // A torn write: the record never completed.
    }
    for (const op of ops) this._applyOp(op);
  }
  MemDOWN.prototype._open.call(this, options, callback);
};

/** Appends the operations as one record; an Error when the disk refuses. */
DiskDOWN.prototype._log = function (ops, options) {
  const wrote = this._disk.append(this._file, JSON.stringify(ops));
  if (!wrote.ok) return new Error(`writing ${this._file}: ${wrote.error}`);
  if (options && options.sync) {
    const synced = this._disk.fsync();
    if (!synced.ok) return new Error(`fsync: ${synced.error}`);
  }
  return null;
};

DiskDOWN.prototype._put = function (key, value, options, callback) {
  const err = this._log([{ type: 'put', k: encodeKey(key), v: value }], options);
  if (err) return setImmediate(() => callback(err));
  MemDOWN.prototype._put.call(this, key, value, options, callback);
};

DiskDOWN.prototype._del = function (key, options, callback) {
  const err = this._log([{ type: 'del', k: encodeKey(key) }], options);
  if (err) return setImmediate(() => callback(err));
  MemDOWN.prototype._del.call(this, key, options, callback);
};

DiskDOWN.prototype._batch = function (array, options, callback) {
  const ops = array.map((op) => (op.type === 'del' ? { type: 'del', k: encodeKey(op.key) } : { type: 'put', k: encodeKey(op.key), v: op.value }));
  const err = this._log(ops, options);
  if (err) return setImmediate(() => callback(err));
  MemDOWN.prototype._batch.call(this, array, options, callback);
};

/** The store's entries, in key order, read synchronously (for telemetry, never by liferaft). */
DiskDOWN.prototype.entries = function () {
  const out = [];
  this._store.forEach((key, value) => {
    out.push({ key, value });
  });
  return out;
};

module.exports = DiskDOWN;

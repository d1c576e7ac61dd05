// Goal: the answer-sound check has teeth: a client that completes an operation with an
// answer no server gave to that request (an answer to its previous request, arriving late
// or twice) is reported, and a client that takes one of the answers to its own request
// passes, whichever server sent it. Method: a one-process world; the test emits 'kv.reply'
// as KvServer does and 'kv.complete' as KvClient does.
import { describe, expect, it } from 'vitest';
import { World } from '../world/world.ts';
import { AnswerSoundCheck } from './answerSound.ts';

const idle = { start() {}, onMessage() {}, onTimer() {} };
const CLIENT = 3;

function world(): World {
  return new World({ seed: 'answer-sound', nodes: [0, 1, 2, 3].map((i) => ({ role: i === CLIENT ? 'client' : 'server', factory: () => idle })) });
}

function reply(w: World, server: number, rid: number, output: string): void {
  w.telemetry(0, server, 'kv.reply', { client: CLIENT, rid, outcome: output === '' ? 'redirect' : 'ok', readIndexUs: -1, readIndex: -1, readCtx: '', output });
}

function complete(w: World, rid: number, output: string): void {
  w.telemetry(0, CLIENT, 'kv.complete', { clientId: 7, rid, output });
}

const A = '{"ok":true,"value":"a"}';
const B = '{"ok":true,"value":"b"}';

describe('answer-sound: a client takes only an answer to the request it made', () => {
  it('an answer to the request itself passes, from any server that answered it', () => {
    const w = world();
    const check = new AnswerSoundCheck(w);
    reply(w, 0, 1, '');
    reply(w, 1, 1, A);
    reply(w, 2, 1, B);
    complete(w, 1, B);
    expect(w.violations).toEqual([]);
    expect(check.judged).toBe(1);
  });

  it('an answer to the previous request taken for the current one fails', () => {
    const w = world();
    new AnswerSoundCheck(w);
    reply(w, 0, 1, A);
    complete(w, 1, A);
    // The answer to request 1 arrives again while request 2 waits; the client takes it.
    reply(w, 0, 1, A);
    complete(w, 2, A);
    expect(w.violations).toHaveLength(1);
    expect(w.violations[0].check).toBe('answer-sound');
    expect(w.violations[0].message).toContain('completed request 2 with {"ok":true,"value":"a"}, but no server had answered it');
    reply(w, 1, 3, B);
    complete(w, 3, A);
    expect(w.violations[1].message).toContain('the servers had answered it with {"ok":true,"value":"b"}');
  });

  it('an unknown outcome (no answer taken) is not judged', () => {
    const w = world();
    const check = new AnswerSoundCheck(w);
    complete(w, 1, '');
    expect(w.violations).toEqual([]);
    expect(check.judged).toBe(0);
  });
});

describe('answer-sound at the server: a write is answered with its own command\'s result', () => {
  const asked = (w: World, server: number, rid: number, seq: number, op = 'put'): void => {
    w.telemetry(0, server, 'kv.request', { client: CLIENT, clientId: 7, rid, op, seq, tp: '' });
  };
  const answered = (w: World, server: number, rid: number, seq: number): void => {
    w.telemetry(0, server, 'kv.reply', { client: CLIENT, rid, outcome: 'ok', readIndexUs: -1, readIndex: -1, readCtx: '', output: A, seq });
  };

  it('the result of the request\'s own seq passes, from any server it reached; reads are not judged', () => {
    const w = world();
    new AnswerSoundCheck(w);
    asked(w, 0, 1, 4);
    asked(w, 1, 1, 4);
    answered(w, 1, 1, 4);
    asked(w, 1, 2, 4, 'get');
    w.telemetry(0, 1, 'kv.reply', { client: CLIENT, rid: 2, outcome: 'ok', readIndexUs: 10, readIndex: 3, readCtx: '1:0', output: A, seq: -1 });
    expect(w.violations).toEqual([]);
  });

  it('a write answered with an earlier write\'s result fails at the server, before any client takes it', () => {
    const w = world();
    new AnswerSoundCheck(w);
    asked(w, 0, 1, 4);
    answered(w, 0, 1, 4);
    complete(w, 1, A);
    asked(w, 0, 2, 5);
    answered(w, 0, 2, 4); // The duplicate of seq 4 applied again, its answer filed under the session alone.
    expect(w.violations.map((v) => v.check)).toEqual(['answer-sound']);
    expect(w.violations[0].message).toContain('answered request 2 of client 3, a write of session seq 5, with the result of applying the command of seq 4');
  });
});

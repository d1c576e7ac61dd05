// The answer-sound check: a client completes an operation only with an answer a server gave
// to that operation (thesis §6.3: a client matches each answer to its request; an answer to
// an earlier request, a duplicate or a late one, is not the answer to this one).
//
// Contract: judged from 'kv.reply', which a KV server emits as it answers a request, with the
// receiving node, the request id and the result's canonical JSON (`output`, empty for a
// redirect), and from 'kv.complete', which a client emits as it completes an operation with
// the same request id and the result it took. A known completion (output not empty) of
// request r at node c fails the check unless some server had sent c an answer to r with
// that very result. Unknown completions (no answer, attempts exhausted, session-expired)
// are not judged. Only for workloads whose clients talk to the servers directly (raft-kv):
// behind a gateway the servers answer the gateway, not the client.
// The servers' side of the same rule: a server answers a write request only with the result
// of applying that request's own command. 'kv.request' carries the write's session seq as
// the server received it, and 'kv.reply' the seq of the command whose result it sends (-1
// for reads and redirects); an answer to request r of client c from a command whose seq no
// request r of c carried fails the check as the server sends it, whether or not the client
// then takes it (a server that files its waiting writes under the session alone answers a
// later write with an earlier one's result).
// Memory: per client node, the results answered to requests it has not completed yet, and
// the seqs those requests carried (request ids only grow, so a completion forgets every
// answer to it and to earlier ones).
import type { NodeId } from '../../core/env.ts';
import type { World } from '../world/world.ts';
import { VIOLATIONS_PER_CHECK_MAX } from './raftInvariants.ts';

interface ClientAnswers {
  /** The highest request id this client completed. */
  done: number;
  /** Results answered, by request id, for requests above `done`. */
  byRid: Map<number, Set<string>>;
  /** The session seqs the servers received write requests with, by request id, for requests above `done`. */
  seqs: Map<number, Set<number>>;
}

export class AnswerSoundCheck {
  private readonly clients = new Map<NodeId, ClientAnswers>();
  private reported = 0;
  /** Known completions judged. */
  judged = 0;

  constructor(private readonly world: World) {
    world.onTelemetry((_t, node, name, f) => {
      if (name === 'kv.reply') {
        this.onReply(f.client as number, f.rid as number, (f.output as string | undefined) ?? '');
        if (typeof f.seq === 'number' && f.seq >= 0) this.onWriteAnswered(node, f.client as number, f.rid as number, f.seq);
      } else if (name === 'kv.request') {
        if (typeof f.seq === 'number' && f.op !== 'get') this.onWriteAsked(f.client as number, f.rid as number, f.seq);
      } else if (name === 'kv.complete') this.onComplete(node, f.rid as number, f.output as string);
    });
  }

  private of(client: NodeId): ClientAnswers {
    let c = this.clients.get(client);
    if (c === undefined) {
      c = { done: 0, byRid: new Map(), seqs: new Map() };
      this.clients.set(client, c);
    }
    return c;
  }

  private onReply(client: NodeId, rid: number, output: string): void {
    if (output === '') return;
    const c = this.of(client);
    if (rid <= c.done) return;
    let s = c.byRid.get(rid);
    if (s === undefined) {
      s = new Set();
      c.byRid.set(rid, s);
    }
    s.add(output);
  }

  private onWriteAsked(client: NodeId, rid: number, seq: number): void {
    const c = this.of(client);
    if (rid <= c.done) return;
    let s = c.seqs.get(rid);
    if (s === undefined) {
      s = new Set();
      c.seqs.set(rid, s);
    }
    s.add(seq);
  }

  /** Server `server` answered request `rid` of `client` with the result of applying the command of session seq `seq`. */
  private onWriteAnswered(server: NodeId, client: NodeId, rid: number, seq: number): void {
    const c = this.of(client);
    if (rid <= c.done) return;
    const asked = c.seqs.get(rid);
    if (asked === undefined || asked.has(seq)) return;
    if (this.reported++ < VIOLATIONS_PER_CHECK_MAX) {
      this.world.violate('answer-sound', server, `server ${server} answered request ${rid} of client ${client}, a write of session seq ${[...asked].join(' or ')}, with the result of applying the command of seq ${seq}: a server answers a write with the result of that write's own command`);
    }
  }

  private onComplete(client: NodeId, rid: number, output: string): void {
    const c = this.of(client);
    const answered = c.byRid.get(rid);
    if (output !== '') {
      this.judged++;
      if (answered?.has(output) !== true && this.reported++ < VIOLATIONS_PER_CHECK_MAX) {
        const sent = answered === undefined ? 'no server had answered it' : `the servers had answered it with ${[...answered].join(' or ')}`;
        this.world.violate('answer-sound', client, `client ${client} completed request ${rid} with ${output}, but ${sent}: a client must take only an answer to the request it made`);
      }
    }
    if (rid > c.done) c.done = rid;
    for (const r of [...c.byRid.keys()]) if (r <= c.done) c.byRid.delete(r);
    for (const r of [...c.seqs.keys()]) if (r <= c.done) c.seqs.delete(r);
  }
}

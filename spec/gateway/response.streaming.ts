import { check, checkEqual } from '../harness/assert.ts';
import { send } from '../harness/client.ts';
import { eventually } from '../harness/eventually.ts';
import { bytesWords } from '../harness/observe.ts';
import { pep3333 } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const responseStreaming: SpecCase = {
  id: 'gateway.response.streaming',
  level: 'MUST',
  requirement: 'A response body the app yields piece by piece reaches the client piece by piece, not buffered until the end.',
  refs: [pep3333('Buffering and Streaming')],
  async run(t) {
    const server = await t.shared();
    const delay = 600;
    const connection = await send(server, { target: `/stream?chunks=3&bytes=4&delay=${delay}` });
    await eventually(() => connection.pending.includes('0000'), { within: 5000, what: 'the first piece', seen: () => bytesWords(connection.pending) });
    const firstAt = Date.now();
    const response = await connection.readResponse();
    const gap = Date.now() - firstAt;
    connection.destroy();
    checkEqual(response.body.toString(), '000011112222', 'the body');
    check(gap >= delay, `the first piece arrived only ${gap} ms before the end: the body was buffered`);
  },
};

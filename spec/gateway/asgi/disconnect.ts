import { checkEqual } from '../../harness/assert.ts';
import type { SpecCase } from '../../harness/case.ts';
import { send } from '../../harness/client.ts';
import { eventually } from '../../harness/eventually.ts';
import { bytesWords } from '../../harness/observe.ts';
import { asgi } from '../../harness/refs.ts';

/** How soon after the client left the app must be told. */
const TOLD_WITHIN_S = 3;

export const asgiDisconnect: SpecCase = {
  id: 'gateway.asgi.disconnect',
  level: 'MUST',
  requirement: `An app awaiting receive() after its request receives http.disconnect within ${TOLD_WITHIN_S} s of the client closing the connection.`,
  refs: [asgi('www', 'Disconnect', 'sent to the application when an HTTP connection is closed')],
  profile: 'asgi',
  async run(t) {
    const server = await t.shared();
    const tag = `d${t.seed}-${process.hrtime.bigint()}`;
    const connection = await send(server, { target: `/disconnect?tag=${tag}&ms=10000` });
    await eventually(() => connection.pending.includes('waiting'), { within: 5000, what: 'the app to start its answer', seen: () => bytesWords(connection.pending) });
    connection.destroy();
    const said = new RegExp(`conform-probe: event (\\S+) tag=${tag} `);
    const event = await eventually(() => said.exec(server.logs())?.[1], {
      within: TOLD_WITHIN_S * 1000,
      what: 'the app to receive an event after the client left',
      seen: () => 'the app printed no event: its receive() is still waiting',
    });
    checkEqual(event, 'http.disconnect', 'the event the app received once the client had gone');
  },
};

// The worker's side of the master's one question on the control channel (boot-contract.ts):
// "where are you?", asked when the worker missed its heartbeat and is about to be killed.
// Answered by whichever thread can: the stack helper thread for the classes that run the app on
// the main thread (stack-helper.ts), gthread's main thread itself (its pool threads run the app).
import net from 'node:net';
import { frameMessage, STACK_REPLY, STACK_REQUEST } from '../boot-contract.ts';

export function answerStackRequests(controlFd: number, where: () => Promise<string>): void {
  const control = new net.Socket({ fd: controlFd, readable: true, writable: true });
  control.on('error', () => undefined); // the master went away: nobody to answer
  control.on('data', (request) => {
    if (!request.toString().includes(STACK_REQUEST.trim())) return;
    void where().then((stack) => control.write(frameMessage(`${STACK_REPLY}${stack}`)));
  });
}

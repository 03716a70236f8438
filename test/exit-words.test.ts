// Failure messages about a server's exit name the process whose status the driver holds: the
// master, or, where the manifest's processes.master names another process, the launcher the kit
// started (a shell that does not exec, a script): its status is not the master's. The master's
// words are those expectations already match.
import { expect, test } from 'vitest';
import { exitWords } from '../spec/harness/observe.ts';

const status = { code: 0, signal: null };

test.each([
  [true, status, 'the master exited with {"code":0,"signal":null}'],
  [true, null, 'the master (pid 10) is still running'],
  [false, status, 'the started process (pid 10, which processes.master says is not the master) exited with {"code":0,"signal":null}'],
  [false, null, 'the started process (pid 10, which processes.master says is not the master) is still running'],
])('started process is the master: %s, status %j', (startedIsMaster, exit, words) => {
  expect(exitWords({ startedPid: 10, startedIsMaster, exitStatus: () => exit })).toBe(words);
});

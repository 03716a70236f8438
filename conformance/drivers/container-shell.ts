// One long-lived `sh` inside a target's container, through which the container driver reads the
// process table and sends signals. It sees the container's PID namespace, so the pids it reports
// are the ones the server and the probe app see (a probe answering {"pid": 12} means pid 12 here).
// One exec for the whole life of the container: a `docker exec` per query costs ~50 ms, a line
// on this shell ~1-2 ms, which matters for cases that poll the process tree.
import { PassThrough, type Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { HarnessError } from '../../spec/harness/types.ts';
import { parseStat, type ProcInfo } from './proc.ts';

const END = '@@conform-end';

// Commands are single lines; every answer ends with "@@conform-end <status>". Only shell builtins
// are used (read, kill, printf), so any image with a POSIX sh will do; `args` (a helper's command
// line, manifest processes.helpers) uses tr, and says "" where the image has none.
const SHELL = `
stats() { for f in "$@"; do read -r l 2>/dev/null < "$f" && printf '%s\\n' "$l"; done 2>/dev/null; }
while IFS= read -r line; do
  set -- $line
  case "$1" in
    ps) stats /proc/[0-9]*/stat; st=0 ;;
    kill) kill -s "$2" "$3" 2>/dev/null; st=$? ;;
    tasks) stats /proc/$2/task/[0-9]*/stat; st=0 ;;
    args) tr '\\0' ' ' < "/proc/$2/cmdline" 2>/dev/null; printf '\\n'; st=0 ;;
    *) st=127 ;;
  esac
  printf '${END} %s\\n' "$st"
done
`;

interface Pending {
  command: string;
  resolve: (answer: { lines: string[]; status: number }) => void;
  reject: (error: Error) => void;
}

export class ContainerShell {
  private buffer = '';
  private lines: string[] = [];
  private queue: Pending[] = [];
  private closed: Error | undefined;

  private constructor(private readonly stream: Duplex) {}

  static async open(dockerode: Dockerode, containerId: string): Promise<ContainerShell> {
    const exec = await dockerode.getContainer(containerId).exec({
      Cmd: ['/bin/sh', '-c', SHELL],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
    const shell = new ContainerShell(stream);
    const stdout = new PassThrough();
    dockerode.modem.demuxStream(stream, stdout, new PassThrough().resume());
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => shell.take(chunk));
    const gone = () => shell.fail(new HarnessError('the shell inside the container ended (the container stopped?)'));
    stream.on('end', gone);
    stream.on('close', gone);
    stream.on('error', (error) => shell.fail(new HarnessError(`the shell inside the container failed: ${error.message}`)));
    return shell;
  }

  /** Every process in the container's PID namespace (the shell itself included). */
  async processes(): Promise<ProcInfo[]> {
    return this.stats('ps');
  }

  /** A process's arguments joined by spaces ("" where the image has no `tr`, or the process is gone). */
  async commandLine(pid: number): Promise<string> {
    const { lines } = await this.ask(`args ${pid}`);
    return lines.join(' ').trim();
  }

  /** The state of every thread of `pid` ([] once it is gone). */
  async threadStates(pid: number): Promise<string[]> {
    return (await this.stats(`tasks ${pid}`)).map((p) => p.state);
  }

  /** The stat lines a command prints, parsed (a line cut short by a process that went is dropped). */
  private async stats(command: string): Promise<ProcInfo[]> {
    const { lines } = await this.ask(command);
    return lines.filter((l) => l.includes(')')).map(parseStat);
  }

  /** Sends `signal` to `pid` inside the container; a pid that is already gone is not an error. */
  async kill(pid: number, signal: NodeJS.Signals): Promise<void> {
    await this.ask(`kill ${signal.replace(/^SIG/, '')} ${pid}`);
  }

  close(): void {
    this.stream.end();
    this.stream.destroy();
  }

  private ask(command: string): Promise<{ lines: string[]; status: number }> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.queue.push({ command, resolve, reject });
      if (this.queue.length === 1) this.stream.write(`${command}\n`);
    });
  }

  private take(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (!line.startsWith(END)) {
        this.lines.push(line);
        continue;
      }
      const done = this.queue.shift();
      const lines = this.lines;
      this.lines = [];
      done?.resolve({ lines, status: Number(line.slice(END.length + 1)) });
      if (this.queue.length > 0) this.stream.write(`${this.queue[0].command}\n`);
    }
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }
}

// The libc calls Node does not offer: dup() (a worker stops accepting by closing its own copy
// of the listening socket and resumes on a fresh copy), accept4() (a worker takes one waiting
// connection without a listener) and prctl(PR_SET_PDEATHSIG) (the kernel kills a worker when its
// master dies, even if the worker's event loop is blocked).
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const dupCall = libc.func('int dup(int)');
const accept4Call = libc.func('int accept4(int, void *, void *, int)');
const prctlCall = libc.func('int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)');

const PR_SET_PDEATHSIG = 1;
const SIGKILL = 9;

export function dup(fd: number): number {
  const copy = dupCall(fd) as number;
  if (copy < 0) throw new Error(`dup(${fd}) failed`);
  return copy;
}

const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;

/** One connection from a listening socket's backlog, or -1 (none waits, or any other failure). */
export function acceptOne(fd: number): number {
  return accept4Call(fd, null, null, SOCK_NONBLOCK | SOCK_CLOEXEC) as number;
}

/** Asks the kernel to SIGKILL this process when its parent dies. */
export function dieWithParent(): void {
  if ((prctlCall(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) as number) !== 0) throw new Error('prctl(PR_SET_PDEATHSIG) failed');
}

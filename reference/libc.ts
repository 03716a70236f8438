// The libc calls Node does not offer: fcntl() for close-on-exec copies of a descriptor (a worker
// stops accepting by closing its own copy of the listening socket and resumes on a fresh copy;
// no copy may leak into a subprocess the app starts), accept4() (a worker takes one waiting
// connection without a listener) and prctl(PR_SET_PDEATHSIG) (the kernel kills a worker when its
// master dies, even if the worker's event loop is blocked), getpwnam() and getgrnam() (--user
// and --group by name, checked before anything binds; Node switches by name only when it does).
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const fcntlCall = libc.func('int fcntl(int, int, ...)');
const accept4Call = libc.func('int accept4(int, void *, void *, int)');
const prctlCall = libc.func('int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)');
const dup2Call = libc.func('int dup2(int, int)');
const getpwnamCall = libc.func('void *getpwnam(const char *)');
const getgrnamCall = libc.func('void *getgrnam(const char *)');
const Passwd = koffi.struct('prefork_passwd', { name: 'char *', password: 'char *', uid: 'uint32_t', gid: 'uint32_t' });
const Group = koffi.struct('prefork_group', { name: 'char *', password: 'char *', gid: 'uint32_t' });

const PR_SET_PDEATHSIG = 1;
const SIGKILL = 9;

const F_DUPFD_CLOEXEC = 1030;
const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;

const ENFILE = 23;
const EMFILE = 24;

/** The process (EMFILE) or the system (ENFILE) has no descriptor left to give. */
export class OutOfDescriptors extends Error {
  override name = 'OutOfDescriptors';
}

function failed(call: string): Error {
  const errno = koffi.errno();
  if (errno === EMFILE) return new OutOfDescriptors(`${call}: too many open files`);
  if (errno === ENFILE) return new OutOfDescriptors(`${call}: the system's file table is full`);
  return new Error(`${call} failed (errno ${errno})`);
}

/** A copy of `fd` that a subprocess does not inherit (dup() would hand it to every exec). */
export function dup(fd: number): number {
  const copy = fcntlCall(fd, F_DUPFD_CLOEXEC, 'int', 0) as number;
  if (copy < 0) throw failed(`fcntl(${fd}, F_DUPFD_CLOEXEC)`);
  return copy;
}

/**
 * Marks an inherited descriptor close-on-exec: what a process receives through spawn's stdio
 * never has the flag (the copy into the child's slot clears it).
 */
export function closeOnExec(fd: number): void {
  const flags = fcntlCall(fd, F_GETFD, 'int', 0) as number;
  if (flags < 0 || (fcntlCall(fd, F_SETFD, 'int', flags | FD_CLOEXEC) as number) < 0) throw new Error(`fcntl(${fd}, F_SETFD, FD_CLOEXEC) failed`);
}

const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;

/** One connection from a listening socket's backlog, or -1 (none waits, or any other failure); OutOfDescriptors thrown. */
export function acceptOne(fd: number): number {
  const connection = accept4Call(fd, null, null, SOCK_NONBLOCK | SOCK_CLOEXEC) as number;
  if (connection < 0) {
    const error = failed('accept4');
    if (error instanceof OutOfDescriptors) throw error;
  }
  return connection;
}

/** Makes `target` (stdout, stderr) refer to what `fd` refers to: --capture-output. */
export function dup2(fd: number, target: number): void {
  if ((dup2Call(fd, target) as number) < 0) throw failed(`dup2(${fd}, ${target})`);
}

/** --capture-output: this process's stdout and stderr become `fd` (the error log file). */
export const captureInto = (fd: number): void => {
  dup2(fd, 1);
  dup2(fd, 2);
};

/** Asks the kernel to SIGKILL this process when its parent dies. */
export function dieWithParent(): void {
  if ((prctlCall(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) as number) !== 0) throw new Error('prctl(PR_SET_PDEATHSIG) failed');
}

/** The uid of a user name (the system's user database: files, LDAP, ...), or undefined. */
export function userId(name: string): number | undefined {
  const entry = getpwnamCall(name);
  return entry ? (koffi.decode(entry, Passwd) as { uid: number }).uid : undefined;
}

/** The gid of a group name, or undefined. */
export function groupId(name: string): number | undefined {
  const entry = getgrnamCall(name);
  return entry ? (koffi.decode(entry, Group) as { gid: number }).gid : undefined;
}

// Whose fault a thrown error is. Only a ServerFault is the server's: a failed check (Violation), a
// wait that timed out (TimedOut), a wire error (WireError). Anything else a case throws is the kit's
// (verdict `error`): a HarnessError, or a TypeError that is a bug in a case.

export class ServerFault extends Error {}

// Whose fault a thrown error is. Only a ServerFault is the server's: a failed check (Violation), a
// wait that timed out (TimedOut), a wire error (WireError). Anything else a case throws is the kit's
// (verdict `error`): a HarnessError, or a TypeError that is a bug in a case. An Unmet premise is
// neither: the case cannot judge this target with the configuration its bounds allowed.

/** What a failed comparison wanted and what it saw, as data (WPT's asserts keep both). */
export interface Compared {
  expected: unknown;
  actual: unknown;
}

export class ServerFault extends Error {
  constructor(
    message: string,
    /** Set by a check that compared values; reports carry it beside the message. */
    readonly compared?: Compared,
  ) {
    super(message);
  }
}

/**
 * The configuration a case got (after the manifest's settings bounds) cannot show its rule: one
 * worker asked, two given. Verdict `unsupported`, with the message saying what was asked and got.
 */
export class UnmetPremise extends Error {
  override name = 'UnmetPremise';
}

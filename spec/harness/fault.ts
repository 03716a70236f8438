// Whose fault a thrown error is. Only a ServerFault is the server's: a failed check (Violation), a
// wait that timed out (TimedOut), a wire error (WireError). Anything else a case throws is the kit's
// (verdict `error`): a HarnessError, or a TypeError that is a bug in a case. An Unmet premise is
// neither: the case cannot judge this target with the configuration its bounds allowed.

export class ServerFault extends Error {}

/**
 * The configuration a case got (after the manifest's settings bounds) cannot show its rule: one
 * worker asked, two given. Verdict `unsupported`, with the message saying what was asked and got.
 */
export class UnmetPremise extends Error {
  override name = 'UnmetPremise';
}

// Known deviations live with the target (WPT's .ini idea): an entry says a case is expected not
// to pass, with a reason and a link, and may say what its miss looks like (`seen`: another miss is
// news, not this deviation). An unexpected pass is reported (xpass) and fails the run for a MUST
// (a SHOULD's only under --strict); entries that match nothing that ran are reported stale.
import fs from 'node:fs';
import path from 'node:path';
import { ManifestError, type Target } from './manifest.ts';
import { globToRegExp } from './select.ts';

export interface Expectation {
  /** Case id or glob. */
  id: string;
  /** Class label or glob (default "*"). */
  class?: string;
  reason: string;
  link?: string;
  /**
   * The deviation is racy: a pass is accepted as well (reported pass, not xpass). Use sparingly,
   * with the race explained in the reason.
   */
  intermittent?: boolean;
  /**
   * Part of the message the miss gives (as the report shows it), or several, any of which will do:
   * a miss that says something else is not this deviation, and is judged as if there were no entry
   * (fail or warn, "the miss changed").
   */
  seen?: string | string[];
  /**
   * Written by `conform expectations --update` for a new miss: the reason is a placeholder until a
   * person confirms the deviation by hand and says how. Runs count such entries.
   */
  unreviewed?: boolean;
}

export interface ExpectationFile {
  expectations: Expectation[];
}

export function loadExpectations(target: Target): { file?: string; entries: Expectation[] } {
  if (!target.manifest.expectations) return { entries: [] };
  const file = path.resolve(target.dir, target.manifest.expectations);
  if (!fs.existsSync(file)) throw new ManifestError(`expectations file ${file} (named by conform.json "expectations") does not exist`);
  let data: ExpectationFile;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ManifestError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data?.expectations)) throw new ManifestError(`${file}: expected {"expectations": [...]}`);
  data.expectations.forEach((entry, index) => {
    if (typeof entry?.id !== 'string' || typeof entry.reason !== 'string' || entry.reason.trim() === '') {
      throw new ManifestError(`${file}: expectations[${index}] needs a string "id" and a non-empty "reason"`);
    }
    for (const flag of ['intermittent', 'unreviewed'] as const) {
      if (entry[flag] !== undefined && typeof entry[flag] !== 'boolean') throw new ManifestError(`${file}: expectations[${index}].${flag} must be true or false`);
    }
    const seen = entry.seen === undefined ? [] : [entry.seen].flat();
    if (entry.seen !== undefined && (seen.length === 0 || seen.some((part) => typeof part !== 'string' || part === ''))) {
      throw new ManifestError(`${file}: expectations[${index}].seen must be a non-empty string, or a list of them (parts of the miss's message)`);
    }
    if (entry.class !== undefined && typeof entry.class !== 'string') throw new ManifestError(`${file}: expectations[${index}].class must be a string (a class label or glob)`);
  });
  return { file, entries: data.expectations };
}

export function findExpectation(entries: Expectation[], id: string, label: string): Expectation | undefined {
  return entries.find((e) => globToRegExp(e.id).test(id) && globToRegExp(e.class ?? '*').test(label));
}

// `conform diff OLD.json NEW.json`: exit 1 when something got worse, 0 otherwise, 2 on bad input.
import { diffRuns, diffText } from '../report/diff.ts';
import { mergeRuns, readRuns } from '../report/document.ts';

export function diffReports(oldFile: string, newFile: string): number {
  const [before, after] = [mergeRuns(readRuns(oldFile)).runs, mergeRuns(readRuns(newFile)).runs];
  const diff = diffRuns(before, after);
  console.log(diffText(diff, { old: oldFile, new: newFile }));
  return diff.worse.length > 0 ? 1 : 0;
}

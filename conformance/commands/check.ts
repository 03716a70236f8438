// `conform check DIR`: validates a target without starting anything, and says what the kit will
// make of it: the layers it claims, its operations and limits, and how much of the plan runs.
import { stepWords } from '../../spec/harness/operations.ts';
import { defaultConfig } from '../../spec/harness/case.ts';
import { SPEC_VERSION } from '../../spec/version.ts';
import { checkSpecVersion, loadTarget, runClasses, targetTraits } from '../manifest.ts';
import { makePlan } from '../plan.ts';

export function checkTarget(dir: string): number {
  const target = loadTarget(dir);
  checkSpecVersion(target, false);
  const { manifest } = target;
  const traits = targetTraits(manifest, defaultConfig('sync'));
  const plan = makePlan(target, { only: [], skip: [] });
  const unsupported = new Map<string, number>();
  for (const run of plan.runs) if (run.unsupported) unsupported.set(run.unsupported, (unsupported.get(run.unsupported) ?? 0) + 1);
  const skipped = plan.runs.filter((run) => run.unsupported).length;
  const operations = Object.entries(traits.operations).map(([op, steps]) => `${op} ${steps!.map(stepWords).join('/')}`);
  console.log(
    [
      `conform check: ${target.dir}/conform.json is valid (spec version ${SPEC_VERSION})`,
      `  ${manifest.name} ${manifest.version}`,
      `  layers:       model, gateway ${manifest.gateway}${(manifest.profiles ?? []).map((p) => `, ${p}`).join('')}`,
      `  classes:      ${runClasses(manifest).map((c) => c.label).join(', ')}${manifest.extraClasses ? ` (more with --class: ${Object.keys(manifest.extraClasses).join(', ')})` : ''}`,
      `  capabilities: ${(manifest.capabilities ?? []).join(', ') || 'none'}`,
      `  operations:   ${operations.join(', ') || 'none'}${manifest.operations ? '' : " (gunicorn's, by default)"}; a graceful stop exits ${traits.gracefulExit.signal ? `by ${traits.gracefulExit.signal}` : `with ${traits.gracefulExit.code}`}`,
      `  limits:       ${Object.entries(traits.limits).map(([l, v]) => `${l} ${v}`).join(', ') || 'none'}`,
      `  plan:         ${plan.runs.length} runs, ${plan.runs.length - skipped} to run, ${skipped} unsupported:`,
      ...[...unsupported].map(([why, n]) => `    ${String(n).padStart(3)} x ${why}`),
    ].join('\n'),
  );
  return 0;
}

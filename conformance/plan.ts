// The plan: the (case, class) pairs a run executes, computed once from the target, the classes,
// --only/--skip and --shard. Everything reads it and nothing selects again: the run schedules its
// entries (run.ts), `--list --target` prints it, `--repeat` runs it again, the reports record its
// shard.
import { caseCatalog, type CaseInfo } from './catalog.ts';
import { LIMIT_PLACEHOLDERS, runClasses, targetTraits, usesPlaceholder, type RunClass, type Target } from './manifest.ts';
import { selected } from './select.ts';
import { defaultConfig } from '../spec/harness/case.ts';
import { isGateway } from '../spec/harness/gateways.ts';
import { HarnessError, PROFILES, type TargetTraits } from '../spec/harness/types.ts';

export interface Shard {
  index: number; // 1-based
  count: number;
}

export interface PlannedRun {
  id: string;
  group: string;
  label: string;
  level: string;
  /** Why the case does not apply to the target (a profile it does not claim, a capability, operation or limit it lacks): reported unsupported. */
  unsupported?: string;
}

export interface Plan {
  classes: RunClass[];
  runs: PlannedRun[];
  shard?: Shard;
}

export interface Selection {
  classes?: string[];
  only: string[];
  skip: string[];
  /** Only cases of these levels (MUST, SHOULD) / layers (model, a profile); all when absent. */
  levels?: string[];
  layers?: string[];
  shard?: Shard;
}

const LEVELS = ['MUST', 'SHOULD'];

/** Whether a case is of the levels and layers asked for (all when none are). */
export function ofLevelsAndLayers(c: Pick<CaseInfo, 'level' | 'layer'>, levels?: string[], layers?: string[]): boolean {
  return (!levels || levels.includes(c.level)) && (!layers || layers.includes(c.layer));
}

/** --level and --layer, refused before anything is planned when they name what the spec lacks. */
export function checkLevelsAndLayers(opts: { level?: string[]; layer?: string[] }): void {
  const check = (option: string, given: string[] | undefined, allowed: readonly string[]) => {
    const unknown = (given ?? []).filter((g) => !allowed.includes(g));
    if (unknown.length > 0) throw new HarnessError(`${option} ${unknown.join(',')}: not one of ${allowed.join(', ')}`);
  };
  check('--level', opts.level, LEVELS);
  check('--layer', opts.layer, ['model', ...PROFILES]);
}

/** "2/4" -> {index: 2, count: 4}; anything else is refused with the form it takes. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!match || count < 1 || index < 1 || index > count) throw new HarnessError(`--shard ${text}: expected i/n with 1 <= i <= n, e.g. 1/4`);
  return { index, count };
}

const applies = (c: CaseInfo, rc: RunClass) => c.classes.includes(rc.specClass);

export function makePlan(target: Target, selection: Selection): Plan {
  const classes = runClasses(target.manifest, selection.classes);
  const traits = targetTraits(target.manifest, defaultConfig('sync'));
  const all: PlannedRun[] = caseCatalog()
    .filter((c) => selected(c.id, selection.only, selection.skip))
    .filter((c) => ofLevelsAndLayers(c, selection.levels, selection.layers))
    .flatMap((c) => {
      const because = unsupportedBecause(target, c, traits);
      return classes
        .filter((rc) => applies(c, rc))
        .map((rc) => ({ id: c.id, group: c.group, label: rc.label, level: c.level, ...(because ? { unsupported: because } : {}) }));
    });
  if (all.length === 0) throw new HarnessError(`no case matches --only/--skip/--class/--level/--layer${nearest(selection.only)}`);
  // Shards deal the plan out like cards, in spec order: each gets a share of every group (the
  // slow lifecycle cases included), and the same selection always gives the same shards.
  const runs = selection.shard ? all.filter((_, i) => i % selection.shard!.count === selection.shard!.index - 1) : all;
  return { classes, runs, ...(selection.shard ? { shard: selection.shard } : {}) };
}

/** Why a case does not apply to a target, in words that name the manifest field to change; undefined when it applies. */
export function unsupportedBecause(
  target: Target,
  c: Pick<CaseInfo, 'layer' | 'needs' | 'operations' | 'limits'> & Partial<Pick<CaseInfo, 'settings'>>,
  traits: TargetTraits = targetTraits(target.manifest, defaultConfig('sync')),
): string | undefined {
  const manifest = target.manifest;
  if (isGateway(c.layer) && manifest.gateway !== c.layer) {
    return `a case of the ${c.layer} gateway profile; the target's gateway is ${manifest.gateway}`;
  }
  if (c.layer !== 'model' && !isGateway(c.layer) && !(manifest.profiles ?? []).includes(c.layer)) {
    return `a case of the ${c.layer} profile, which the target does not claim ("profiles")`;
  }
  const declared = new Set<string>(manifest.capabilities ?? []);
  const capabilities = c.needs.filter((n) => !declared.has(n));
  if (capabilities.length > 0) return `the target does not declare ${capabilities.join(', ')}`;
  const operations = c.operations.filter((o) => !traits.operations[o]);
  if (operations.length > 0) return `the target declares no way to ask for ${operations.map((o) => `operations.${o}`).join(', ')}`;
  const limits = c.limits.filter((l) => traits.limits[l] === undefined);
  if (limits.length > 0) return `the target declares no ${limits.map((l) => `limits.${l} (nor a {${LIMIT_PLACEHOLDERS[l]}} placeholder)`).join(', ')}`;
  const lacking = (c.settings ?? []).filter((s) => !usesPlaceholder(manifest, s));
  if (lacking.length > 0) return `the target's manifest sets no ${lacking.map((s) => `{${s}}`).join(', ')}: a setting the server lacks (or the kit cannot set) is not judged`;
  return undefined;
}

/** For a selection that matched nothing: the group names and ids nearest to what was asked. */
function nearest(only: string[]): string {
  const catalog = caseCatalog();
  const groups = [...new Set(catalog.map((c) => c.group))];
  const hints = only.flatMap((glob) => {
    const word = glob.replace(/[*?]/g, '').replace(/\.$/, '');
    if (groups.includes(word)) return [`"${word}.*" (a group needs ".*")`];
    return catalog.filter((c) => word && c.id.includes(word.split('.').pop()!)).slice(0, 3).map((c) => c.id);
  });
  return hints.length > 0 ? `; did you mean ${[...new Set(hints)].slice(0, 5).join(', ')}?` : '';
}

export function planGroups(plan: Plan): string[] {
  return [...new Set(plan.runs.map((r) => r.group))];
}

export function planText(plan: Plan): string {
  const lines = plan.runs.map((r) => `  ${`${r.id} [${r.label}]`.padEnd(58)} ${r.level.padEnd(6)} ${r.unsupported ? `unsupported: ${r.unsupported}` : ''}`.trimEnd());
  const shard = plan.shard ? `, shard ${plan.shard.index}/${plan.shard.count}` : '';
  return `${lines.join('\n')}\n\n${plan.runs.length} runs in ${planGroups(plan).length} groups, classes ${plan.classes.map((c) => c.label).join(', ')}${shard}`;
}

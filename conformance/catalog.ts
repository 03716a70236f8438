// The spec as data: every case with its group, level, requirement, source and the line that
// defines it. Reports, the matrix page, `explain` and CI annotations read this, never the groups.
import fs from 'node:fs';
import path from 'node:path';
import { requirementText } from '../spec/harness/case.ts';
import { GROUPS } from '../spec/index.ts';
import { NORMATIVE_KINDS, refMatches, refsText, refText, refUrl } from '../spec/harness/refs.ts';
import type { JudgedSetting, Layer, Limit, Operation, ServerConfig, SpecClass } from '../spec/harness/types.ts';
import { KIT_DIR } from './manifest.ts';

export interface CaseInfo {
  id: string;
  group: string;
  level: string;
  requirement: string;
  /** The references in words, one line (refs.ts refsText). */
  source: string;
  /** Each reference: in words, where to read it, whether it is a specification (normative). */
  refs: RefInfo[];
  classes: SpecClass[];
  /** `model` (any pre-fork server) or the profile a target must claim. */
  layer: Layer;
  needs: string[];
  operations: Operation[];
  limits: Limit[];
  settings: JudgedSetting[];
  /** The settings the case's own server asks for (its `server`), on top of the kit's defaults. */
  server: Partial<ServerConfig>;
  /** Where the case is defined, relative to the kit: "spec/http/reject-cl-te.ts:9" (its file, the line of its id). */
  location: string;
}

/** The spec's classes; a case written without `classes` applies to all of them. */
export const SPEC_CLASSES: readonly SpecClass[] = ['sync', 'gthread', 'async'];

export interface RefInfo {
  text: string;
  url?: string;
  normative: boolean;
}

export interface GroupInfo {
  name: string;
  summary: string;
}

let cached: CaseInfo[] | undefined;

/**
 * The file that defines a case: spec/<group>/[<profile>/]<name>.ts, the name being the id without
 * its group and, for a profile's case, without the profile ("gateway.asgi.scope" in
 * spec/gateway/asgi/scope.ts). test/spec-layout.test.ts holds the tree to it.
 */
export function caseFile(group: string, id: string, profile?: string): string {
  let name = id.slice(group.length + 1);
  if (profile && name.startsWith(`${profile}.`)) name = name.slice(profile.length + 1);
  return ['spec', group, ...(profile ? [profile] : []), `${name}.ts`].join('/');
}

/** The case's file and the line of its id there. */
function locate(group: string, id: string, profile?: string): string {
  const file = caseFile(group, id, profile);
  try {
    const line = fs.readFileSync(path.join(KIT_DIR, file), 'utf8').split('\n').findIndex((l) => l.includes(`'${id}'`));
    return `${file}:${line + 1}`;
  } catch {
    return file; // a case defined outside the layout: test/spec-layout.test.ts fails on it
  }
}

export function caseCatalog(): CaseInfo[] {
  cached ??= GROUPS.flatMap((g) =>
    g.cases.map((c) => ({
      id: c.id,
      group: g.name,
      level: c.level,
      requirement: requirementText(c),
      source: refsText(c.refs),
      refs: c.refs.map((r) => ({ text: refText(r), url: refUrl(r), normative: NORMATIVE_KINDS.has(r.kind) })),
      classes: c.classes ?? [...SPEC_CLASSES],
      layer: c.profile ?? 'model',
      needs: c.needs ?? [],
      operations: c.operations ?? [],
      limits: c.limits ?? [],
      settings: c.settings ?? [],
      server: c.server ?? {},
      location: locate(g.name, c.id, c.profile),
    })),
  );
  return cached;
}

export function groupCatalog(): GroupInfo[] {
  return GROUPS.map((g) => ({ name: g.name, summary: g.summary }));
}

export function caseInfo(id: string): CaseInfo | undefined {
  return caseCatalog().find((c) => c.id === id);
}

/** The cases that cite a reference under `query` ("rfc9112#6.3", "pep3333", "gunicorn:arbiter.py"; refs.ts refKey). */
export function casesCiting(query: string): Set<string> {
  return new Set(GROUPS.flatMap((g) => g.cases.filter((c) => c.refs.some((r) => refMatches(r, query))).map((c) => c.id)));
}

// `prefork [options] APP`: gunicorn's flags and defaults from the settings table; bad input is a
// clear error and exit 2, before anything binds.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, Option } from 'commander';
import { Arbiter } from './arbiter.ts';
import { loadApp, loadErrorWords } from './gateway/load.ts';
import { captureInto } from './libc.ts';
import { log, setLogFile, setLogLevel } from './log.ts';
import { apply, defaults, SETTINGS, SettingError, shownDefault, type Settings } from './settings.ts';
import { secureContextOf } from './tls.ts';

const VERSION = '0.1.0';

// A config file is a module (or JSON) whose exports are settings. TypeScript goes through tsx's
// scoped import, so the master compiles only this file and keeps no loader for anything else.
async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  if (!fs.existsSync(file)) throw new SettingError(`config file ${file} does not exist`);
  if (!/\.(json|[cm]?js|[cm]?ts)$/.test(file)) {
    const python = file.endsWith('.py') ? "not gunicorn's Python config: " : '';
    throw new SettingError(`config file ${file}: ${python}prefork reads a .json, .js, .mjs or .ts file whose exports (or keys) are its settings: workers, bind, timeout, ...`);
  }
  try {
    if (file.endsWith('.json')) return JSON.parse(fs.readFileSync(file, 'utf8'));
    const url = pathToFileURL(path.resolve(file)).href;
    const module = /\.[cm]?tsx?$/.test(file) ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url) : await import(url);
    // A .ts file outside an ESM package is compiled as CommonJS: its default export arrives one
    // level deeper. No setting is called "default", so unwrapping is safe.
    let settings = module;
    while (settings && typeof settings === 'object' && 'default' in settings) settings = settings.default;
    return settings;
  } catch (error) {
    throw new SettingError(`config file ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
}

export async function parse(argv: string[]): Promise<{ settings: Settings; app: string }> {
  const program = new Command('prefork')
    .description('A gunicorn-style pre-fork HTTP server for fetch-style TypeScript apps.\nAPP is module[:export], e.g. app.ts:default')
    .version(VERSION)
    .usage('[options] APP')
    .argument('<APP>', 'the app module and export')
    .exitOverride()
    .showHelpAfterError('Usage: prefork [options] APP   (APP is module[:export]; prefork --help lists the options)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  // Commander names an option after its long flag (--keep-alive -> keepAlive), not our key.
  const attribute = new Map<string, string>();
  for (const s of SETTINGS) {
    const also = s.aliases ? `; also ${s.aliases.join(', ')}` : '';
    const option = new Option(s.flags, `${s.doc} (default: ${shownDefault(s)}${also})`);
    if (s.repeatable) option.argParser((v: string, prev: string[] = []) => [...prev, v]);
    attribute.set(s.key, option.attributeName());
    program.addOption(option);
    // An alias is listed in its setting's doc; as an option of its own it is hidden.
    for (const alias of s.aliases ?? []) {
      const hidden = new Option(`${alias} ${s.flags.split(' ').slice(-1)[0]}`).hideHelp();
      attribute.set(`${s.key}:${alias}`, hidden.attributeName());
      program.addOption(hidden);
    }
  }
  program.parse(argv, { from: 'user' });
  const opts = program.opts();
  const settings = defaults();
  if (opts.config) {
    const fromFile = await readConfigFile(opts.config);
    for (const [key, value] of Object.entries(fromFile)) {
      const repeatable = SETTINGS.find((s) => s.key === key)?.repeatable;
      for (const v of repeatable && Array.isArray(value) ? value : [value]) apply(settings, key, v, { configFile: opts.config });
    }
  }
  for (const s of SETTINGS) {
    const aliases = s.aliases ?? [];
    const value = opts[attribute.get(s.key)!] ?? aliases.map((a) => opts[attribute.get(`${s.key}:${a}`)!]).find((v) => v !== undefined);
    if (value === undefined) continue;
    for (const v of s.repeatable ? (value as string[]) : [value]) apply(settings, s.key, v, 'option');
  }
  secureContextOf(settings); // a bad certificate or key exits 2 here, before anything binds
  return { settings, app: program.args[0] };
}

export async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = await parse(argv);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    if (code === 0) process.exit(0);
    // Commander has already printed its own errors; anything else would otherwise exit silently.
    const fromCommander = String((error as { code?: string }).code ?? '').startsWith('commander.');
    if (!fromCommander) process.stderr.write(`prefork: error: ${(error as Error).message}\n`);
    process.exit(2);
  }
  setLogLevel(parsed.settings.logLevel);
  try {
    setLogFile(parsed.settings.errorLogfile, parsed.settings.captureOutput ? captureInto : undefined);
  } catch (error) {
    process.stderr.write(`prefork: error: option --error-logfile: ${(error as Error).message}\n`);
    process.exit(2);
  }
  if (parsed.settings.checkConfig) process.exit(await checkConfig(parsed.app));
  await new Arbiter(parsed.settings, parsed.app, VERSION).start();
}

/** gunicorn's --check-config: the settings were valid (or parse() exited 2); now the app must load. */
async function checkConfig(app: string): Promise<number> {
  try {
    await loadApp(app);
    return 0;
  } catch (error) {
    log('error', `Error while loading the application: ${loadErrorWords(error)}`);
    return 1;
  }
}

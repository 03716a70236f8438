// The driver registry: one place names the drivers; the CLI's choices and help come from it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { chooseDriver, DRIVERS, driverKind, driverNames } from '../conformance/drivers/registry.ts';
import { KIT_DIR } from '../conformance/manifest.ts';

describe('driver registry', () => {
  test('names are unique, each with a help line; an unknown name lists the known ones', () => {
    expect(new Set(driverNames()).size).toBe(DRIVERS.length);
    expect(driverNames()).toEqual(expect.arrayContaining(['process', 'container']));
    for (const d of DRIVERS) expect(d.help.length).toBeGreaterThan(10);
    expect(() => driverKind('podman')).toThrow(/no driver named podman; the kit has container, process/);
  });
  test('--driver takes auto and every registered name, and --help describes each', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/conform.js', '--help'], { cwd: KIT_DIR });
    const help = stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(new RegExp(`choices: ${['auto', ...driverNames()].map((n) => `"${n}"`).join(', ')}`));
    for (const d of DRIVERS) expect(help).toContain(`${d.name}: ${d.help.replace(/\s+/g, ' ')}`);
  });
  test('the process driver is always available and prepares nothing to sweep', async () => {
    const choice = await chooseDriver('process', { dir: KIT_DIR, manifest: {} as never });
    expect(choice).toMatchObject({ name: 'process', because: 'asked for' });
    expect(await choice.sweep()).toEqual([]);
  });
});

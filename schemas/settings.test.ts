import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS, SettingsSchema, settingsTable } from './settings.js';

const README = new URL('../README.md', import.meta.url);

describe('settings table', () => {
  it('the README lists every setting with its default, as schemas/settings.ts defines them', () => {
    const text = readFileSync(README, 'utf8');
    const table = /<!-- settings:start -->\n([\s\S]*?)\n<!-- settings:end -->/.exec(text)?.[1];
    expect(table, 'README.md has no <!-- settings:start --> ... <!-- settings:end --> block').toBeDefined();
    expect(table).toBe(settingsTable());
  });

  it('every setting has a schema property, and every schema property a setting', () => {
    expect(new Set(SETTINGS.map((s) => s.key))).toEqual(new Set(Object.keys(SettingsSchema.properties)));
    expect(new Set(SETTINGS.map((s) => s.env)).size).toBe(SETTINGS.length);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// The domain stays pure: the lint rule bans framework and I/O packages by name. This proves the rule is
// there and bites, so that `npm test` (which lints) fails on a violation. ESLint runs as its own process
// (its config loader needs native dynamic import, which jest's sandbox lacks).
const root = join(__dirname, '../../..');

const banned = [
  "import { Injectable } from '@nestjs/common';",
  "import { EventStoreDBClient } from '@eventstore/db-client';",
  "import { Queue } from 'bullmq';",
  "import Redis from 'ioredis';",
  "import { IsString } from 'class-validator';",
  "import { readFileSync } from 'node:fs';",
  "import { handleCommand } from '@tracker/application';",
];
const allowedInDomain = "import Holidays from 'date-holidays';";
const frameworkOutsideDomain = "import { Injectable } from '@nestjs/common';";

let restricted: Map<string, boolean>;
const dirs: string[] = [];

beforeAll(() => {
  const probe = (dir: string, name: string, code: string) => {
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, `${code}\nexport const probe = 1;\n`);
    return file;
  };
  const domainDir = mkdtempSync(join(__dirname, 'probe-'));
  const appDir = mkdtempSync(join(root, 'libs/application/src/probe-'));
  dirs.push(domainDir, appDir);
  const files = [
    ...banned.map((code, i) => probe(domainDir, `banned-${i}`, code)),
    probe(domainDir, 'allowed', allowedInDomain),
    probe(appDir, 'framework', frameworkOutsideDomain),
  ];
  let output: string;
  try {
    output = execFileSync(
      process.execPath,
      [join(root, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', ...files],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
  } catch (error) {
    output = (error as { stdout: string }).stdout; // exit code 1 when there are lint errors
  }
  const results = JSON.parse(output) as { filePath: string; messages: { ruleId: string | null }[] }[];
  restricted = new Map(
    results.map((r) => [
      relative(root, r.filePath),
      r.messages.some((m) => m.ruleId === 'no-restricted-imports'),
    ]),
  );
}, 60_000);

afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const flagged = (name: string) =>
  [...restricted.entries()].find(([path]) => path.endsWith(`/${name}.ts`))?.[1];

describe('the domain dependency rule', () => {
  it.each(banned.map((code, i) => [code, i] as const))('refuses %s in libs/domain', (_code, i) => {
    expect(flagged(`banned-${i}`)).toBe(true);
  });

  it('allows a pure library in libs/domain, and framework packages outside it', () => {
    expect(flagged('allowed')).toBe(false);
    expect(flagged('framework')).toBe(false);
  });
});

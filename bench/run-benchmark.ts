/**
 * `npm run bench`: the benchmark of issue #7 on this machine. Prints the report as markdown and
 * writes every figure as JSON to bench/reports/<timestamp>.json (git-ignored).
 *
 *   npm run bench                          the full run (1,000 to 20,000 patients; about 15 minutes)
 *   npm run bench -- --smoke               the CI-sized run (50 patients, well under a minute)
 *   npm run bench -- --patients 500,1000 --measure-seconds 30 --alert-probes 10
 *   npm run bench -- --patients 2000 --profile-server   where the server's time goes (slower)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { describeIssues } from '../common/describe-issues.ts';
import { runBenchmark } from './benchmark.ts';
import { BenchmarkOptions, type BenchmarkOptionsInput, SMOKE_OPTIONS } from './benchmark-options.ts';
import { BenchmarkReport } from './benchmark-report.ts';
import { formatReport } from './report-markdown.ts';
import { REPO_ROOT } from './ts-child-process.ts';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    patients: { type: 'string' },
    'warmup-seconds': { type: 'string' },
    'measure-seconds': { type: 'string' },
    'alert-probes': { type: 'string' },
    'generator-processes': { type: 'string' },
    'profile-server': { type: 'boolean', default: false },
  },
});

const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
const overrides: BenchmarkOptionsInput = Object.fromEntries(
  Object.entries({
    patientCounts: values.patients?.split(',').map(Number),
    warmupSeconds: number(values['warmup-seconds']),
    measureSeconds: number(values['measure-seconds']),
    alertProbes: number(values['alert-probes']),
    generatorProcesses: number(values['generator-processes']),
    profileServer: values['profile-server'] || undefined,
  }).filter(([, value]) => value !== undefined),
);

let options: BenchmarkOptions;
try {
  options = BenchmarkOptions.parse({ ...(values.smoke ? SMOKE_OPTIONS : {}), ...overrides });
} catch (err) {
  if (!(err instanceof ZodError)) throw err;
  process.stderr.write(`bench: ${describeIssues(err)}\n`);
  process.exit(2);
}

const report = BenchmarkReport.parse(
  await runBenchmark(options, (message) => process.stderr.write(`${new Date().toISOString()} ${message}\n`)),
);
const markdown = formatReport(report);
const dir = join(REPO_ROOT, 'bench', 'reports');
const name = report.startedAt.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${markdown}\nWritten: bench/reports/${name}.json\n`);

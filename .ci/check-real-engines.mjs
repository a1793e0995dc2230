// Fails CI when the real-engine suites (PostgreSQL, Redis) did not run or did not all pass.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const tests = report.testResults.flatMap((file) => file.assertionResults);
const problems = [];
for (const engine of ['postgres', 'redis']) {
  // Suites name their engine: "… on postgres", "… on 'redis'" (describe.each quotes strings).
  const named = new RegExp(`\\bon '?${engine}\\b`);
  const suite = tests.filter((test) => named.test(test.fullName));
  const passed = suite.filter((test) => test.status === 'passed').length;
  console.log(`${engine}: ${passed} of ${suite.length} real-engine tests passed`);
  if (passed === 0 || passed !== suite.length) problems.push(engine);
}
const skipped = tests.filter((test) => test.status !== 'passed' && test.status !== 'failed');
if (skipped.length > 0) {
  console.log(`${skipped.length} tests did not run: ${skipped.map((t) => t.fullName).join('; ')}`);
  problems.push('skipped tests');
}
const passedTotal = tests.filter((test) => test.status === 'passed').length;
const failedTotal = tests.filter((test) => test.status === 'failed').length;
if (problems.length > 0) {
  console.error(`Real-engine check failed: ${problems.join(', ')}`);
  console.log(`${passedTotal} passed, ${failedTotal} failed`);
  process.exit(1);
}
console.log(`${passedTotal} passed, ${failedTotal} failed`);

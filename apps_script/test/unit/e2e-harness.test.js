'use strict';
/**
 * Checks the end-to-end harness (real synchronous HTTP, SpreadsheetApp over the Sheets API) and e2e.test.js
 * itself against mock-world.js, so they work when the Python side starts calling `npm run test:e2e`;
 * and checks that e2e.test.js fails, not skips, without its environment.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const readline = require('node:readline');

const TEST_DIR = path.join(__dirname, '..');
const E2E_VARIABLES = [
  'E2E_FUNCTION_URL', 'E2E_SHORT_BUDGET_FUNCTION_URL', 'E2E_SHEETS_API_URL', 'E2E_SPREADSHEET_ID',
  'E2E_SHEET_TITLE', 'E2E_ID_TOKEN', 'E2E_ACCESS_TOKEN', 'E2E_INTERVIEW_ID',
];

/** The environment without any E2E_ variable. */
function cleanEnv() {
  const env = { ...process.env };
  for (const name of [...E2E_VARIABLES, 'E2E_INTERVIEWS_TITLE', 'E2E_WORLD_URL', 'E2E_SPREADSHEETAPP_TOKEN']) delete env[name];
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** Runs e2e.test.js in its own process, as `npm run test:e2e` does. */
function runE2e(extraEnv) {
  return spawnSync(process.execPath, ['--test', path.join(TEST_DIR, 'e2e.test.js')], {
    env: { ...cleanEnv(), ...extraEnv },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

test('without its environment variables the end-to-end test fails and names them', () => {
  const result = runE2e({});
  assert.notEqual(result.status, 0);
  assert.match(result.stdout, /missing environment variables: E2E_FUNCTION_URL, E2E_SHORT_BUDGET_FUNCTION_URL, E2E_SHEETS_API_URL/);
  assert.doesNotMatch(result.stdout, /# skipped [1-9]/);
});

test('the end-to-end test passes against the mock world', async () => {
  const world = spawn(process.execPath, [path.join(TEST_DIR, 'mock-world.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const base = await new Promise((resolve, reject) => {
      readline.createInterface({ input: world.stdout }).once('line', resolve);
      world.once('exit', (code) => reject(new Error('mock world exited with ' + code)));
    });
    const mock = require('../mock-world-constants');
    const result = runE2e({
      E2E_FUNCTION_URL: base + '/function',
      E2E_SHORT_BUDGET_FUNCTION_URL: base + '/function-short-budget',
      E2E_SHEETS_API_URL: base,
      E2E_SPREADSHEET_ID: mock.SPREADSHEET_ID,
      E2E_SHEET_TITLE: mock.TITLE,
      E2E_ID_TOKEN: mock.ID_TOKEN,
      E2E_ACCESS_TOKEN: mock.ACCESS_TOKEN,
      E2E_INTERVIEW_ID: mock.INTERVIEW_ID,
    });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /# pass 6\n/, 'the issue-11 tests need the Python side\'s JobMojito; the mock world runs the first 6');
  } finally {
    world.kill();
  }
});

'use strict';
/**
 * Test connection in the settings sidebar: the server function testConnection, answered by the fake function's
 * `check` option (test/check-answers.js) or by error answers and UrlFetchApp's exceptions.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadScript, FakeSheet, FakeSpreadsheet } = require('../fakes');
const { fakeFunction, candidateRows } = require('../fake-function');
const { ALL_GREEN, CREDENTIALS_REJECTED, INTERVIEW_NOT_FOUND, answered } = require('../check-answers');

const plain = (x) => JSON.parse(JSON.stringify(x));
const TYPED = { functionUrl: 'https://f.example/run', interviewId: '04e09fa5-3fb8-4236-b37d-fca2bcd1cb66', hideMenu: true };
const SAVED = { FUNCTION_URL: 'https://saved.example/run', INTERVIEW_ID: 'saved-interview' };

/** A script whose active tab has gid 314, with saved settings, answered by `fetch` or by the fake's `check`. */
function setup(options = {}) {
  const sheet = new FakeSheet({ sheetId: 314, rows: candidateRows(3) });
  const fn = fakeFunction(sheet, { check: options.check });
  return loadScript({
    properties: SAVED,
    spreadsheet: new FakeSpreadsheet({ id: 'ss-42', sheets: [sheet] }),
    fetch: options.fetch || fn,
    identityToken: 'the-id-token',
    oauthToken: 'the-oauth-token',
    urlFetchAllowlist: options.urlFetchAllowlist,
    files: options.files,
  });
}

test('Test connection asks the function to check, with the typed settings and this tab, and saves nothing', () => {
  const env = setup({ check: () => answered(ALL_GREEN) });
  env.context.testConnection(TYPED);
  assert.equal(env.fetches.length, 1);
  const { url, params, body } = env.fetches[0];
  assert.equal(url, 'https://f.example/run');
  assert.equal(params.method, 'post');
  assert.equal(params.contentType, 'application/json');
  assert.equal(params.muteHttpExceptions, true);
  assert.deepEqual({ ...params.headers }, { Authorization: 'Bearer the-id-token', 'X-Sheets-Access-Token': 'the-oauth-token' });
  assert.deepEqual(body, {
    spreadsheet_id: 'ss-42',
    sheet_id: 314,
    interview_id: '04e09fa5-3fb8-4236-b37d-fca2bcd1cb66',
    action: 'check',
  });
  assert.deepEqual(env.documentProperties.getProperties(), SAVED, 'the typed settings are not saved');
  assert.equal(env.executions[0].error, undefined);
});

test('all green: every link with ✓ and its sentence, in the chain\'s order', () => {
  const env = setup({ check: () => answered(ALL_GREEN) });
  assert.deepEqual(plain(env.context.testConnection(TYPED)), {
    ok: true,
    headline: 'Everything works: this Sheet can send invitations.',
    checks: ALL_GREEN.checks,
  });
});

test('one link broken (the interview not found): ✗ with the function\'s sentence, which names the fix', () => {
  const env = setup({ check: () => answered(INTERVIEW_NOT_FOUND) });
  const report = plain(env.context.testConnection(TYPED));
  assert.equal(report.ok, false);
  assert.equal(report.headline, 'Fix what is marked ✗, then test the connection again.');
  assert.deepEqual(report.checks.map((c) => [c.name, c.ok]), [
    ['function', true], ['caller', true], ['sheets', true], ['jobmojito', true], ['interview', false], ['credits', true],
  ]);
  assert.match(report.checks[4].message, /Copy the interview ID from the interview in JobMojito/);
});

test('JobMojito refuses the credentials: the links stop there, as the function\'s checks do', () => {
  const env = setup({ check: () => answered(CREDENTIALS_REJECTED) });
  const report = plain(env.context.testConnection(TYPED));
  assert.equal(report.ok, false);
  assert.deepEqual(report.checks.map((c) => c.name), ['function', 'caller', 'sheets', 'jobmojito']);
  assert.equal(report.checks[3].message, CREDENTIALS_REJECTED.checks[3].message);
});

test('an error answer before the checks: the function answered, and the link it breaks has the error sentence', () => {
  const cases = [
    [403, 'user_not_allowed', 'caller'],
    [401, 'unauthenticated', 'caller'],
    [403, 'token_mismatch', 'sheets'],
    [403, 'sheets_api_disabled', 'sheets'],
    [404, 'sheet_not_found', 'sheets'],
    [502, 'jobmojito_credentials_rejected', 'jobmojito'],
    [404, 'jobmojito_interview_not_found', 'interview'],
    [400, 'invalid_request', 'function'],
    [500, 'configuration_error', 'function'],
  ];
  for (const [status, code, link] of cases) {
    const message = 'The function\'s sentence for ' + code + '.';
    const env = setup({ fetch: () => ({ status, body: { error: { code, message } } }) });
    assert.deepEqual(plain(env.context.testConnection(TYPED)), {
      ok: false,
      headline: 'Fix what is marked ✗, then test the connection again.',
      checks: [
        { name: 'function', ok: true, message: 'The invitation service answered.' },
        { name: link, ok: false, message },
      ],
    }, code);
  }
});

test('an error answer without a message: the script\'s own sentence for its code, as the menu shows it', () => {
  const env = setup({ fetch: () => ({ status: 403, body: { error: { code: 'user_not_allowed' } } }) });
  const report = plain(env.context.testConnection(TYPED));
  assert.equal(report.checks[1].message, 'You are not allowed to use JobMojito invitations. Ask your admin to add you.');
});

test('an unreachable function, a URL the manifest does not allow, a timeout: the first link is broken, with its fix', () => {
  const unreachable = setup({ fetch: () => { throw new Error('Exception: Address unavailable: https://f.example/run'); } });
  assert.deepEqual(plain(unreachable.context.testConnection(TYPED)).checks, [{
    name: 'function',
    ok: false,
    message: 'The invitation service could not be reached. Check the function URL in Extensions > JobMojito > ' +
      'Settings…, or try again in a few minutes.',
  }]);

  const notAllowed = setup({ urlFetchAllowlist: ['https://europe-west1-acme-hr.cloudfunctions.net/'] });
  const report = plain(notAllowed.context.testConnection(TYPED));
  assert.equal(report.ok, false);
  assert.deepEqual(report.checks, [{
    name: 'function',
    ok: false,
    message: 'This script may not call the function URL in Extensions > JobMojito > Settings…. Check it against the ' +
      'URL of the deployed function (your admin has it; clear the field to use the deployed one), then try again.',
  }]);
  assert.equal(notAllowed.fetches.length, 0);

  const slow = setup({ fetch: () => ({ status: 200, body: ALL_GREEN, takesMs: 75_000 }) });
  assert.deepEqual(plain(slow.context.testConnection(TYPED)).checks, [{
    name: 'function',
    ok: false,
    message: 'The invitation service did not answer within a minute. Try again in a few minutes; if it keeps ' +
      'happening, ask your admin.',
  }]);
  assert.equal(slow.executions[0].error, undefined);
});

test('an answer that is not the function\'s (an HTML 403 of Google\'s front end, a 200 without checks) is not understood', () => {
  const html = setup({ fetch: () => ({ status: 403, body: '<html>Your client does not have permission</html>' }) });
  const refused = plain(html.context.testConnection(TYPED));
  assert.equal(refused.checks.length, 1);
  assert.match(refused.checks[0].message, /refused the call \(HTTP 403\).*Ask your admin/);
  for (const body of [{ summary: {}, rows: [], columns: {}, remaining: [] }, { checks: [] }, { checks: [{ name: 'function', ok: 'yes', message: 'x' }] }]) {
    const env = setup({ fetch: () => ({ status: 200, body }) });
    const report = plain(env.context.testConnection(TYPED));
    assert.equal(report.ok, false, JSON.stringify(body));
    assert.match(report.checks[0].message, /does not understand \(HTTP 200\)/);
  }
});

test('settings that cannot be used are refused with the sidebar\'s sentences, and nothing is called', () => {
  const env = setup({ files: { 'Deployment.js': "const DEPLOYED_FUNCTION_URL = '';" } });
  assert.throws(() => env.context.testConnection({ functionUrl: 'http://example.com/f', interviewId: '' }), {
    message: 'The function URL must start with https:// (http:// is allowed only for localhost and 127.0.0.1). Fill in the interview ID.',
  });
  assert.throws(() => env.context.testConnection({ functionUrl: '', interviewId: 'iv' }), { message: 'Fill in the function URL.' });
  assert.equal(env.fetches.length, 0);
});

test('an empty function URL field tests the deployed function', () => {
  const deployed = 'https://europe-west1-acme-hr.cloudfunctions.net/jobmojito-invite';
  const env = setup({
    check: () => answered(ALL_GREEN),
    files: { 'Deployment.js': "const DEPLOYED_FUNCTION_URL = '" + deployed + "';\n" },
  });
  assert.equal(env.context.testConnection({ ...TYPED, functionUrl: '  ' }).ok, true);
  assert.equal(env.fetches[0].url, deployed);
});

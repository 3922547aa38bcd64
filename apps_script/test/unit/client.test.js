'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadScript, FakeSheet, FakeSpreadsheet } = require('../fakes');
const { fakeFunction, replay, candidateRows } = require('../fake-function');

const SETTINGS = { FUNCTION_URL: 'https://f.example/run', INTERVIEW_ID: 'iv-7', HIDE_MENU: 'true' };

/** A script with 5 candidates, rows 2-4 selected, and the given fetch handler. */
function setup(fetch) {
  const sheet = new FakeSheet({ sheetId: 777, rows: candidateRows(5) }).select(['A2:B4']);
  return loadScript({
    properties: SETTINGS,
    spreadsheet: new FakeSpreadsheet({ id: 'ss-1', sheets: [sheet] }),
    fetch: fetch || fakeFunction(sheet),
    identityToken: 'the-id-token',
    oauthToken: 'the-oauth-token',
  });
}

test('the request follows the contract: URL, headers, JSON body', () => {
  const env = setup();
  env.context.previewSelection();
  assert.equal(env.fetches.length, 1);
  const { url, params, body } = env.fetches[0];
  assert.equal(url, 'https://f.example/run');
  assert.equal(params.method, 'post');
  assert.equal(params.contentType, 'application/json');
  assert.equal(params.muteHttpExceptions, true);
  assert.deepEqual({ ...params.headers }, {
    Authorization: 'Bearer the-id-token',
    'X-Sheets-Access-Token': 'the-oauth-token',
  });
  assert.deepEqual(body, {
    spreadsheet_id: 'ss-1',
    sheet_id: 777,
    ranges: ['2:4'],
    type: 'invitation',
    interview_id: 'iv-7',
    hide_menu: true,
    dry_run: true,
    force: false,
  });
});

/** Each documented error: status, code, and what the recruiter reads when the answer has no message. */
const ERRORS = [
  [400, 'invalid_request', /did not understand the request/],
  [400, 'invalid_range', /could not read the selection/],
  [400, 'no_email_column', /No email column found/],
  [400, 'no_name_column', /No name column found/],
  [401, 'unauthenticated', /did not accept your Google sign-in/],
  [401, 'sheets_token_rejected', /could not use your access to this Sheet/],
  [403, 'user_not_allowed', /not allowed .* Ask your admin to add you/],
  [403, 'sheet_access_denied', /may not open this Sheet/],
  [404, 'spreadsheet_not_found', /could not find this spreadsheet/],
  [404, 'sheet_not_found', /could not find this tab/],
  [413, 'too_many_rows', /Select fewer rows/],
  [403, 'sheets_api_disabled', /Google Sheets API is switched off .* Ask your admin to enable it/],
  [403, 'sheets_scope_missing', /may not edit this Sheet yet\. Choose the menu item again and allow every access/],
  [403, 'jobmojito_forbidden', /JobMojito does not let the invitation service do this/],
  [404, 'jobmojito_interview_not_found', /JobMojito does not know this interview/],
  [409, 'jobmojito_conflict', /interview's current state/],
  [429, 'sheets_quota_exceeded', /Google Sheets asks to slow down/],
  [413, 'body_too_large', /Select fewer rows/],
  [422, 'jobmojito_rejected_request', /JobMojito rejected the request. Check the interview ID/],
  [429, 'sheets_unavailable', /Google Sheets is busy/],
  [503, 'sheets_unavailable', /Google Sheets is busy/],
  [503, 'google_certs_unavailable', /sign-in could not be checked/],
  [502, 'jobmojito_unreachable', /JobMojito could not be reached/],
  [502, 'jobmojito_credentials_rejected', /JobMojito rejected the credentials/],
  [500, 'configuration_error', /not set up correctly/],
  [500, 'internal_error', /ran into an error/],
];

for (const [status, code, sentence] of ERRORS) {
  test(`error ${status} ${code}: the function's message is shown`, () => {
    const message = `Message of the function for ${code}.`;
    const env = setup(() => ({ status, body: { error: { code, message } } }));
    env.context.previewSelection();
    assert.equal(env.ui.alerts.at(-1).prompt, message);
  });

  test(`error ${status} ${code} without a message: the script's own sentence`, () => {
    const env = setup(() => ({ status, body: { error: { code } } }));
    env.context.sendEmailInvitations();
    assert.match(env.ui.alerts.at(-1).prompt, sentence);
    // A 413 too_many_rows first halves the part until it is one row (3 rows: 3, 2, 1).
    assert.equal(env.fetches.length, code === 'too_many_rows' ? 3 : 1, 'the real run does not start after a failed dry run');
    assert.equal(env.lock.held, false, 'the lock is released');
  });
}

test('an unknown code falls back to the sentence for its status, then to a generic one', () => {
  const { context } = setup();
  assert.match(context.interpretResponse(403, '{"error":{"code":"new_code"}}').message, /Ask your admin to add you/);
  assert.match(context.interpretResponse(409, '{"error":{"code":"new_code"}}').message, /interview's current state/);
  assert.match(context.interpretResponse(418, '{"error":{"code":"teapot"}}').message, /HTTP 418/);
});

test('an unreachable function is a plain sentence', () => {
  for (const thrown of ['Exception: Address unavailable: https://f.example/run', 'Exception: DNS error: https://f.example/run']) {
    const env = setup(() => {
      throw new Error(thrown);
    });
    env.context.previewSelection();
    assert.equal(
      env.ui.alerts.at(-1).prompt,
      'The invitation service could not be reached. Check the function URL in Extensions > JobMojito > Settings…, or ' +
        'try again in a few minutes.',
    );
  }
});

test('a function URL the manifest does not allow: check it against the deployed URL', () => {
  const env = loadScript({
    properties: SETTINGS,
    spreadsheet: new FakeSpreadsheet({ sheets: [new FakeSheet({ rows: candidateRows(3) }).select(['2:3'])] }),
    urlFetchAllowlist: ['https://europe-west1-acme-hr.cloudfunctions.net/'],
    fetch: () => assert.fail('the harness refuses the call before it is made'),
  });
  env.context.previewSelection();
  assert.equal(
    env.ui.alerts.at(-1).prompt,
    'This script may not call the function URL in Extensions > JobMojito > Settings…. Check it against the URL of the ' +
      'deployed function (your admin has it; clear the field to use the deployed one), then try again.',
  );
});

test('UrlFetchApp\'s exceptions are told apart by their message, the one sentence the script reads', () => {
  const { context } = setup();
  const code = (message) => context.fetchFailure(new Error(message)).code;
  assert.equal(code('Exception: Request to https://x.example/f failed because the URL has not been whitelisted in the script manifest.'), 'url_not_allowed');
  assert.equal(code('Exception: Timeout: https://x.example/f'), 'timeout');
  assert.equal(code('Exception: Address unavailable: https://x.example/f'), 'unreachable');
  assert.equal(code('Exception: Bandwidth quota exceeded'), 'unreachable');
});

test('a non-JSON answer is a plain sentence with the HTTP status', () => {
  const env = setup(() => ({ status: 502, body: '<html><body>Bad Gateway</body></html>' }));
  env.context.previewSelection();
  assert.match(env.ui.alerts.at(-1).prompt, /^The invitation service gave an answer the script does not understand \(HTTP 502\)\./);
});

test('a non-JSON 403 from Google\'s front end says the call was refused', () => {
  const env = setup(() => ({ status: 403, body: '<html>Your client does not have permission</html>' }));
  env.context.previewSelection();
  assert.match(env.ui.alerts.at(-1).prompt, /refused the call \(HTTP 403\).*Ask your admin/);
});

test('a 200 answer without the contract fields is not understood', () => {
  const env = setup(() => ({ status: 200, body: { ok: true } }));
  env.context.previewSelection();
  assert.match(env.ui.alerts.at(-1).prompt, /does not understand \(HTTP 200\)/);
});

test('a 200 answer whose rows have no status (a function older than row statuses) is not understood', () => {
  const recordedAnswer = replay('preview').fixture.calls[0].answer;
  const { context } = setup();
  assert.equal(context.interpretResponse(200, JSON.stringify(recordedAnswer)).ok, true, 'the recorded answer is understood');
  for (const change of [(row) => delete row.status, (row) => (row.status = ''), (row) => (row.row = '2')]) {
    const answer = JSON.parse(JSON.stringify(recordedAnswer));
    change(answer.rows[0]);
    assert.match(context.interpretResponse(200, JSON.stringify(answer)).message, /does not understand \(HTTP 200\)/);
  }
});

test('the function\'s recorded 401 for an identity token it does not accept: its sentence, no real run', () => {
  const scenario = replay('unauthenticated');
  const env = loadScript({ properties: scenario.properties, spreadsheet: scenario.spreadsheet, fetch: scenario.fetch });
  env.context.sendEmailInvitations();
  assert.deepEqual(scenario.problems, []);
  const recordedCall = scenario.fixture.calls[0];
  assert.equal(recordedCall.status, 401);
  assert.equal(env.ui.alerts.at(-1).prompt, recordedCall.answer.error.message);
  assert.equal(env.fetches.length, 1);
  assert.equal(env.lock.held, false);
});

test('the error answer of a run that failed part-way keeps its rows for the script to write', () => {
  const recordedCall = replay('credentials_rejected').fixture.calls[1];
  const { context } = setup();
  const failed = context.interpretResponse(recordedCall.status, JSON.stringify(recordedCall.answer));
  assert.equal(failed.ok, false);
  assert.equal(failed.code, 'jobmojito_credentials_rejected');
  assert.deepEqual(JSON.parse(JSON.stringify(failed.rows)), recordedCall.answer.rows);
  assert.deepEqual(JSON.parse(JSON.stringify(failed.columns)), recordedCall.answer.columns);
  const withoutStatus = JSON.parse(JSON.stringify(recordedCall.answer));
  delete withoutStatus.rows[0].status;
  const refused = context.interpretResponse(recordedCall.status, JSON.stringify(withoutStatus));
  assert.equal(refused.message, recordedCall.answer.error.message, 'the sentence is still shown');
  assert.equal(refused.rows, undefined, 'rows the script cannot count are not kept');
});

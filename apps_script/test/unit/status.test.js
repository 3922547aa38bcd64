'use strict';
/**
 * Refresh interview status (Status.js): the request, the rows it covers, parts and `remaining` within the 6 minutes,
 * the closing dialog. Answered by the real function's recorded refreshes: replayed as they happened
 * (test/fixtures/status_refresh.json, status_continuation.json), and as the rows of any tab (test/status-answers.js).
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadScript, FakeSheet, FakeSpreadsheet } = require('../fakes');
const { candidateRows, replay } = require('../fake-function');
const { statusFunction, recordedRefreshes, NOT_STARTED } = require('../status-answers');

const SETTINGS = { FUNCTION_URL: 'https://f.example/run', INTERVIEW_ID: 'iv-7' };
const lastAlert = (env) => env.ui.alerts.at(-1);

/** A script over a tab of `count` candidates with `selection` selected, answered by the status function. */
function setup(options = {}) {
  const sheet = new FakeSheet({ sheetId: 5, rows: candidateRows(options.count || 10) });
  sheet.select(options.selection || ['C4']);
  if (options.hideByFilter) sheet.hideByFilter(options.hideByFilter);
  const fn = statusFunction(sheet, options.functionOptions);
  const env = loadScript({
    properties: { ...SETTINGS, ...options.properties },
    spreadsheet: new FakeSpreadsheet({ id: 'ss-1', sheets: [sheet] }),
    fetch: fn,
  });
  return { ...env, sheet, fn };
}

test('a single selected cell refreshes the whole tab: action status, the interview, every data row, no type', () => {
  const env = setup({ count: 10, selection: ['C4'], hideByFilter: [6] });
  env.context.refreshInterviewStatus();
  assert.equal(env.fetches.length, 1);
  assert.deepEqual(env.fetches[0].body, {
    spreadsheet_id: 'ss-1',
    sheet_id: 5,
    ranges: ['2:11'],
    action: 'status',
    interview_id: 'iv-7',
  });
  assert.equal(env.ui.alerts.length, 1, 'no question before a refresh: it spends nothing');
  assert.equal(env.executions[0].error, undefined);
});

test('a selection of several cells refreshes the selected rows only, around hidden ones', () => {
  const env = setup({ count: 10, selection: ['A3:B6', 'D9'], hideByFilter: [5] });
  env.context.refreshInterviewStatus();
  assert.deepEqual(env.fetches[0].body.ranges, ['3:4', '6:6', '9:9']);
  assert.equal(env.fetches[0].body.action, 'status');
});

test('in test mode the refresh sends is_test and its dialog says TEST MODE', () => {
  const env = setup({ properties: { TEST_MODE: 'true' } });
  env.context.refreshInterviewStatus();
  assert.equal(env.fetches[0].body.is_test, true);
  assert.equal(lastAlert(env).title, 'JobMojito (TEST MODE)');
  assert.match(lastAlert(env).prompt, /^TEST MODE: test results are included\. Done: /);
  const off = setup();
  off.context.refreshInterviewStatus();
  assert.equal('is_test' in off.fetches[0].body, false, 'no is_test outside test mode');
  assert.equal(lastAlert(off).title, 'JobMojito');
  assert.doesNotMatch(lastAlert(off).prompt, /TEST MODE/);
});

test('the closing dialog: stages, decisions, changed rows, other-interview rows, settled and still-pending rows', () => {
  const statuses = { 2: 'changed', 3: 'changed', 4: 'unchanged', 5: 'other_interview', 6: 'settled', 7: 'still_pending', 8: 'changed' };
  const records = {
    2: { interview_status: 'completed', score: 87, decision: 'selected', status_updated: '2026-11-30T09:15:00Z' },
    3: { interview_status: 'completed', score: 40, decision: 'rejected', status_updated: '2026-11-30T10:00:00Z' },
    4: { interview_status: 'started', score: null, decision: '', status_updated: '2026-11-29T08:00:00Z' },
    6: { interview_status: 'invited', score: null, decision: '', status_updated: '2026-11-28T08:00:00Z' },
    7: NOT_STARTED,
    8: { interview_status: 'completed', score: 61, decision: '', status_updated: '2026-11-30T11:00:00Z' },
  };
  const env = setup({ count: 7, functionOptions: { status: (row) => statuses[row], record: (row) => records[row] } });
  env.context.refreshInterviewStatus();
  assert.equal(
    lastAlert(env).prompt,
    'Done: 7 rows refreshed. Interviews: 3 completed, 1 started, 2 not started. ' +
      'Decisions: 1 selected, 1 rejected, 1 undecided. 3 rows changed. 1 row belongs to another interview and was left ' +
      'alone. 1 pending row was settled: the candidate is registered, and the result column says so. 1 pending row is ' +
      'still pending: neither JobMojito nor the invitation service knows this candidate; the result column says what to do.',
  );
});

test('refreshSummaryText in the plural and with nothing changed; an error before any row is the error alone', () => {
  const env = loadScript();
  const text = env.context.refreshSummaryText({
    rows: [{ row: 2, status: 'unchanged' }, { row: 3, status: 'other_interview' }, { row: 4, status: 'other_interview' },
      { row: 5, status: 'settled' }, { row: 6, status: 'settled' }, { row: 7, status: 'invalid' }],
    totals: { completed: 0, started: 1, not_started: 2 },
    error: '', stopped: false, done: 6, total: 6, emailChanged: 0,
  });
  assert.equal(
    text,
    'Done: 6 rows refreshed. Interviews: 0 completed, 1 started, 2 not started. No row ' +
      'changed. 2 rows belong to another interview and were left alone. 2 pending rows were settled: the candidates are ' +
      'registered, and the result column says so. 1 row has no usable email and was left alone.',
  );
  assert.equal(
    env.context.refreshSummaryText({ rows: [], totals: {}, error: 'JobMojito could not be reached.', stopped: false, done: 0, total: 9, emailChanged: 0 }),
    'JobMojito could not be reached.',
  );
});

test('the refresh counts each stage once across parts: the summaries of the calls are added up, rows by latest status', () => {
  const env = setup({ count: 12, properties: { CHUNK_SIZE: '5' }, functionOptions: { budget: 3 } });
  env.context.refreshInterviewStatus();
  // Parts of 5 rows (2-6, 7-11, 12-13), each done 3 rows at a time, following `remaining`.
  assert.deepEqual(env.fetches.map((f) => f.body.ranges), [['2:6'], ['5:6'], ['7:11'], ['10:11'], ['12:13']]);
  assert.deepEqual(env.spreadsheet.toasts.map((t) => t.msg), [
    '3 of 12 refreshed…', '5 of 12 refreshed…', '8 of 12 refreshed…', '10 of 12 refreshed…', '12 of 12 refreshed…',
  ]);
  assert.equal(
    lastAlert(env).prompt,
    'Done: 12 rows refreshed. Interviews: 12 completed, 0 started, 0 not started. ' +
      'Decisions: 12 selected, 0 rejected, 0 undecided. 12 rows changed.',
  );
});

test('a refresh asked to wait (retry_after_seconds with remaining) waits, then goes on', () => {
  const env = setup({ count: 6, functionOptions: { budget: 2, retryAfter: 20 } });
  env.context.refreshInterviewStatus();
  assert.deepEqual(env.sleeps, [20_000, 20_000]);
  assert.deepEqual(env.fetches.map((f) => f.body.ranges), [['2:7'], ['4:7'], ['6:7']]);
  assert.match(lastAlert(env).prompt, /^Done: 6 rows refreshed\./);
});

test('no call starts with less than 90 s of the 6 minutes left: the refresh stops and says how to go on', () => {
  const env = setup({ count: 9, functionOptions: { budget: 1, takesMs: 55_000 } });
  env.context.refreshInterviewStatus();
  // Calls at 0, 55, 110, 165 and 220 s, one row each; at 275 s only 85 s are left.
  assert.equal(env.fetches.length, 5);
  assert.equal(
    lastAlert(env).prompt,
    'Stopped before the Apps Script time limit (6 minutes) with 5 of 9 rows done. So far: 5 rows refreshed.' +
      ' Interviews: 5 completed, 0 started, 0 not started. Decisions: 5 selected, 0 rejected, 0 ' +
      'undecided. 5 rows changed. 4 rows are not done yet: choose Refresh interview status again to continue.',
  );
  assert.equal(env.executions[0].error, undefined);
});

test('the script writes nothing for a refresh: the function wrote every row (written: true in every recorded answer)', () => {
  const recorded = recordedRefreshes().flatMap((c) => c.answer.rows || []);
  assert.ok(recorded.length >= 20);
  assert.deepEqual([...new Set(recorded.map((r) => r.written))], [true]);
  for (const call of recordedRefreshes()) {
    assert.deepEqual(Object.keys(call.answer.columns), ['interview_status', 'score', 'decision', 'status_updated'],
      'a refresh names only the status columns');
  }
  const env = setup({
    count: 3,
    functionOptions: { status: (row) => ({ 2: 'settled', 3: 'still_pending', 4: 'changed' })[row], record: () => NOT_STARTED },
  });
  env.context.refreshInterviewStatus();
  assert.deepEqual(env.sheet.writes, []);
  assert.equal(env.events.includes('flush'), false);
});

// --- the real function's refreshes, replayed --------------------------------------------------

/** A script over a recorded refresh's tab, answered with the real function's recorded answers. */
function recorded(name) {
  const scenario = replay(name);
  const env = loadScript({ properties: scenario.properties, spreadsheet: scenario.spreadsheet, fetch: scenario.fetch });
  return { ...env, scenario };
}

test('Refresh interview status on the real function\'s answers: every row status, then a second refresh with nothing new', () => {
  const env = recorded('status_refresh');
  env.context.refreshInterviewStatus();
  assert.equal(
    lastAlert(env).prompt,
    'Done: 9 rows refreshed. Interviews: 2 completed, 1 started, 4 not started. Decisions: 1 selected, 0 rejected, ' +
      '1 undecided. 4 rows changed. 1 row belongs to another interview and was left alone. 2 pending rows were ' +
      'settled: the candidates are registered, and the result column says so. 1 pending row is still pending: ' +
      'neither JobMojito nor the invitation service knows this candidate; the result column says what to do. 1 row ' +
      'has no usable email and was left alone.',
  );
  assert.equal(lastAlert(env).title, 'JobMojito');
  env.context.refreshInterviewStatus();
  assert.deepEqual(env.scenario.problems, []);
  assert.equal(env.scenario.answered(), 2);
  assert.equal(
    lastAlert(env).prompt,
    'Done: 9 rows refreshed. Interviews: 2 completed, 1 started, 4 not started. Decisions: 1 selected, 0 rejected, ' +
      '1 undecided. No row changed. 1 row belongs to another interview and was left alone. 1 pending row is still ' +
      'pending: neither JobMojito nor the invitation service knows this candidate; the result column says what to do. ' +
      '1 row has no usable email and was left alone.',
  );
  assert.deepEqual(env.scenario.sheet.writes, [], 'the function wrote every row itself');
});

test('a refresh whose deadline left a row unread follows `remaining`, and counts each row once, by the call that did it', () => {
  const env = recorded('status_continuation');
  env.context.refreshInterviewStatus();
  assert.deepEqual(env.scenario.problems, []);
  assert.equal(env.scenario.answered(), 2);
  assert.deepEqual(env.fetches.map((f) => f.body.ranges), [['2:3'], ['3:3']]);
  assert.deepEqual(env.spreadsheet.toasts.map((t) => t.msg), ['1 of 2 refreshed…', '2 of 2 refreshed…']);
  assert.equal(lastAlert(env).prompt, 'Done: 2 rows refreshed. Interviews: 0 completed, 0 started, 2 not started. 2 rows changed.');
});

test('an error answer: its sentence, no summary of rows never refreshed', () => {
  const env = setup({
    functionOptions: { error: () => ({ status: 502, body: { error: { code: 'jobmojito_unreachable', message: 'JobMojito could not be reached; nothing more was sent.' } } }) },
  });
  env.context.refreshInterviewStatus();
  assert.equal(lastAlert(env).prompt, 'JobMojito could not be reached; nothing more was sent.');
});

test('another run in progress: the refresh says so and calls nothing; missing settings lead to Settings', () => {
  const env = setup();
  env.lock.heldElsewhere = true;
  env.context.refreshInterviewStatus();
  assert.equal(lastAlert(env).prompt, 'Another JobMojito run is in progress in this Sheet. Wait until it has finished, then try again.');
  assert.equal(env.fetches.length, 0);
  const bare = setup({ properties: { INTERVIEW_ID: '' } });
  bare.context.refreshInterviewStatus();
  assert.match(lastAlert(bare).prompt, /fill in the interview ID/);
  assert.equal(bare.ui.sidebars.length, 1);
  assert.equal(bare.fetches.length, 0);
});

test('hasStatusColumns finds interview_status in the top 5 rows as the function matches headers', () => {
  const env = loadScript();
  const has = (rows) => env.context.hasStatusColumns(rows);
  assert.equal(has([['Name', 'Email', 'Interview Status']]), true);
  assert.equal(has([['x'], [''], ['', 'interview-status']]), true);
  assert.equal(has([['Name', 'Email', 'INTERVIEW_STATUS ']]), true);
  assert.equal(has([['a'], ['b'], ['c'], ['d'], ['e'], ['interview_status']]), false, 'row 6 is not a header row');
  assert.equal(has([['Name', 'Email', 'status']]), false);
});

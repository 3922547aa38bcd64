'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadScript, FakeSheet, FakeSpreadsheet, Button } = require('../fakes');
const { fakeFunction, candidateRows } = require('../fake-function');

const SETTINGS = { FUNCTION_URL: 'https://f.example/run', INTERVIEW_ID: 'iv-7' };

/**
 * A script over a sheet of `count` candidates with `selection` selected.
 * @param {{count?: number, selection?: string[], fetch?: Function, functionOptions?: Object, properties?: Object,
 *     clock?: Object}} options
 */
function setup(options = {}) {
  const sheet = new FakeSheet({ sheetId: 5, rows: candidateRows(options.count || 10) });
  sheet.select(options.selection || ['2:11']);
  const env = loadScript({
    properties: { ...SETTINGS, ...options.properties },
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: options.fetch || fakeFunction(sheet, options.functionOptions),
    clock: options.clock,
  });
  return { ...env, sheet };
}

const real = (env) => env.fetches.filter((f) => !f.body.dry_run);
const dry = (env) => env.fetches.filter((f) => f.body.dry_run);

test('Send email invitations: dry run, confirmation, real run, toast per chunk, summary', () => {
  const env = setup();
  env.context.sendEmailInvitations();
  assert.equal(dry(env).length, 1);
  assert.equal(real(env).length, 1);
  assert.deepEqual(real(env)[0].body.ranges, ['2:11']);
  assert.equal(real(env)[0].body.type, 'invitation');
  assert.equal(real(env)[0].body.force, false);
  assert.equal(env.ui.alerts[0].prompt, 'Send 10 email invitations?');
  assert.equal(env.ui.alerts[0].buttons, 'OK_CANCEL');
  assert.deepEqual(env.spreadsheet.toasts.map((t) => t.msg), ['10 of 10 done…']);
  assert.equal(
    env.ui.alerts[1].prompt,
    'Done: 10 email invitations sent. The result column tells what happened to each row.',
  );
  assert.deepEqual(env.lock.tries.length, 1);
  assert.equal(env.lock.held, false);
  assert.equal(env.sheet.rowValues(2)[4], 'ok', 'the function wrote the result');
});

test('Generate interview links sends type "url" and says links', () => {
  const env = setup({ selection: ['2:4'] });
  env.context.generateInterviewLinks();
  assert.equal(env.ui.alerts[0].prompt, 'Generate 3 interview links?');
  assert.equal(real(env)[0].body.type, 'url');
  assert.match(env.ui.alerts[1].prompt, /^Done: 3 interview links created\./);
});

test('the confirmation groups skip reasons and errors from the dry run', () => {
  const results = {
    3: 'Skipped: already registered', 4: 'Skipped: already registered', 5: 'Skipped: already registered',
    6: 'Error: invalid email address (The domain name example.invalid does not exist.)', 7: 'Skipped: duplicate of row 2', 8: 'Error: name is empty',
    9: 'Skipped: pending from an interrupted run: check in JobMojito, then use force',
  };
  const env = setup({ functionOptions: { result: (row, body) => results[row] || (body.dry_run ? 'Would send' : 'ok') } });
  env.ui.answers.push(Button.CANCEL);
  env.context.sendEmailInvitations();
  assert.equal(
    env.ui.alerts[0].prompt,
    'Send 3 email invitations? 3 rows are skipped: already registered. 1 row has an invalid email. ' +
      '1 row is skipped: duplicate of another row. 1 row has an error: name is empty. ' +
      '1 row is skipped: pending from an interrupted run. Check in JobMojito whether this candidate got the interview, ' +
      'then select only that row and run again to send anyway (force).',
  );
  assert.equal(real(env).length, 0, 'cancel sends nothing');
  assert.equal(env.spreadsheet.toasts[0].msg, 'Nothing was sent.');
  assert.equal(env.lock.held, false);
});

test('the confirmation says how many rows a filter hid', () => {
  const env = setup();
  env.sheet.hideByFilter([4, 5]);
  env.ui.answers.push(Button.CANCEL);
  env.context.sendEmailInvitations();
  assert.equal(env.ui.alerts[0].prompt, 'Send 8 email invitations? 2 rows hidden by a filter are left out.');
  assert.deepEqual(dry(env)[0].body.ranges, ['2:3', '6:11']);
});

test('nothing new to send, only already registered rows: asks to force, and a yes sends with force', () => {
  const env = setup({
    selection: ['2:3'],
    functionOptions: { result: (_row, body) => (body.dry_run && !body.force ? 'Skipped: already registered' : 'ok') },
  });
  env.context.sendEmailInvitations();
  assert.equal(
    env.ui.alerts[0].prompt,
    'Nothing new to send in the selection. 2 rows are skipped: already registered. Send to those 2 rows again anyway (force)?',
  );
  assert.equal(env.ui.alerts[0].buttons, 'YES_NO');
  assert.equal(real(env).length, 1);
  assert.equal(real(env)[0].body.force, true);
});

test('nothing new to send and the answer is no: nothing is sent', () => {
  const env = setup({ selection: ['2:3'], functionOptions: { result: () => 'Skipped: already registered' } });
  env.ui.answers.push(Button.NO);
  env.context.sendEmailInvitations();
  assert.equal(real(env).length, 0);
});

test('nothing to send at all (only errors): says so, no question', () => {
  const env = setup({ selection: ['2:3'], functionOptions: { result: () => 'Error: invalid email address' } });
  env.context.sendEmailInvitations();
  assert.equal(env.ui.alerts[0].prompt, 'Nothing new to send in the selection. 2 rows have an invalid email.');
  assert.equal(env.ui.alerts[0].buttons, 'OK');
  assert.equal(real(env).length, 0);
});

test('Preview selection: dry run only, short summary with rows hidden by a filter', () => {
  const env = setup({ functionOptions: { result: (row) => (row === 2 ? 'Skipped: already registered' : 'Would send') } });
  env.sheet.hideByFilter([11]);
  env.context.previewSelection();
  assert.equal(env.fetches.length, 1);
  assert.equal(env.fetches[0].body.dry_run, true);
  assert.equal(
    env.ui.alerts[0].prompt,
    '9 rows selected: 8 would be sent. 1 row is skipped: already registered. 1 row hidden by a filter is left out.',
  );
  assert.equal(env.lock.tries.length, 0, 'a preview does not take the lock');
});

test('nothing selected: a plain sentence, no call', () => {
  const env = setup({ selection: ['A1:F1'] });
  env.context.generateInterviewLinks();
  assert.equal(env.ui.alerts[0].prompt, 'Nothing selected: select the candidate rows (not only the header row), then try again.');
  assert.equal(env.fetches.length, 0);
});

test('all selected rows hidden by a filter: nothing selected, and says why', () => {
  const env = setup({ selection: ['3:4'] });
  env.sheet.hideByFilter([3, 4]);
  env.context.previewSelection();
  assert.match(env.ui.alerts[0].prompt, /^Nothing selected: .* 2 rows hidden by a filter are left out\.$/);
});

test('1,200 rows are sent in 3 calls of at most 500 rows, in sheet order', () => {
  const env = setup({ count: 1200, selection: ['A2:B1201'] });
  env.context.sendEmailInvitations();
  assert.deepEqual(dry(env).map((f) => f.body.ranges), [['2:501'], ['502:1001'], ['1002:1201']]);
  assert.deepEqual(real(env).map((f) => f.body.ranges), [['2:501'], ['502:1001'], ['1002:1201']]);
  assert.equal(env.ui.alerts[0].prompt, 'Send 1,200 email invitations?');
  assert.deepEqual(env.spreadsheet.toasts.map((t) => t.msg), ['500 of 1,200 done…', '1,000 of 1,200 done…', '1,200 of 1,200 done…']);
  assert.match(env.ui.alerts[1].prompt, /^Done: 1,200 email invitations sent\./);
});

test('CHUNK_SIZE sets the rows per call', () => {
  const env = setup({ count: 30, selection: ['2:31'], properties: { CHUNK_SIZE: '10' } });
  env.context.previewSelection();
  assert.deepEqual(env.fetches.map((f) => f.body.ranges), [['2:11'], ['12:21'], ['22:31']]);
});

test('remaining ranges of an answer go in the next call', () => {
  const env = setup({ count: 10, selection: ['2:11'], functionOptions: { budget: 4 } });
  env.context.sendEmailInvitations();
  assert.deepEqual(real(env).map((f) => f.body.ranges), [['2:11'], ['6:11'], ['10:11']]);
  assert.deepEqual(env.spreadsheet.toasts.map((t) => t.msg), ['4 of 10 done…', '8 of 10 done…', '10 of 10 done…']);
  assert.match(env.ui.alerts.at(-1).prompt, /^Done: 10 email invitations sent\./);
});

test('an answer that makes no progress stops the run with a sentence instead of looping', () => {
  const sheet = new FakeSheet({ rows: candidateRows(3) }).select(['2:4']);
  const answer = { status: 200, body: { summary: {}, rows: [], columns: {}, remaining: ['2:4'], dry_run: true } };
  const env = loadScript({ properties: SETTINGS, spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }), fetch: () => answer });
  env.context.previewSelection();
  assert.equal(env.fetches.length, 1);
  assert.match(env.ui.alerts[0].prompt, /stopped answering for the remaining rows/);
});

test('the run stops starting calls after 5 minutes and says that running again continues', () => {
  let now = 1_000_000;
  const clock = { now: () => now };
  const sheet = new FakeSheet({ rows: candidateRows(1200) }).select(['2:1201']);
  const fn = fakeFunction(sheet);
  const env = loadScript({
    properties: SETTINGS,
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    clock,
    fetch: (url, params, body) => {
      now += 50_000; // each call takes 50 s: 3 dry-run calls, then only 3 real calls fit before 5 minutes
      return fn(url, params, body);
    },
  });
  env.context.sendEmailInvitations();
  assert.equal(dry(env).length, 3);
  assert.equal(real(env).length, 3);
  now = 1_000_000;
  const env2 = loadScript({
    properties: SETTINGS,
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    clock,
    fetch: (url, params, body) => {
      now += 80_000;
      return fn(url, params, body);
    },
  });
  env2.context.sendEmailInvitations();
  assert.equal(real(env2).length, 1);
  assert.equal(
    env2.ui.alerts.at(-1).prompt,
    'Stopped before the Apps Script time limit with 500 of 1,200 rows done. Run it again on the same selection to ' +
      'continue where it stopped: rows already registered are skipped. So far: 500 email invitations sent. ' +
      'The result column tells what happened to each row.',
  );
  assert.equal(env2.lock.held, false);
});

test('a dry run that cannot finish in time tells the recruiter to select fewer rows', () => {
  let now = 0;
  const sheet = new FakeSheet({ rows: candidateRows(1200) }).select(['2:1201']);
  const fn = fakeFunction(sheet);
  const env = loadScript({
    properties: SETTINGS,
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    clock: { now: () => now },
    fetch: (url, params, body) => {
      now += 200_000;
      return fn(url, params, body);
    },
  });
  env.context.sendEmailInvitations();
  assert.equal(env.fetches.length, 2);
  assert.equal(env.ui.alerts[0].prompt, 'Checking the selection took too long. Select fewer rows, then try again.');
});

test('an error in a later chunk stops the run and says what was done before it', () => {
  const sheet = new FakeSheet({ rows: candidateRows(30) }).select(['2:31']);
  const fn = fakeFunction(sheet);
  let realCalls = 0;
  const env = loadScript({
    properties: { ...SETTINGS, CHUNK_SIZE: '10' },
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: (url, params, body) => {
      if (!body.dry_run && ++realCalls === 2) {
        return { status: 502, body: { error: { code: 'jobmojito_unreachable', message: 'JobMojito did not answer.' } } };
      }
      return fn(url, params, body);
    },
  });
  env.context.sendEmailInvitations();
  assert.equal(
    env.ui.alerts.at(-1).prompt,
    'JobMojito did not answer. Before that, 10 of 30 rows done; their results are in the Sheet. ' +
      'So far: 10 email invitations sent. The result column tells what happened to each row.',
  );
});

test('another run in progress: the user is told, nothing is sent, the other run keeps its lock', () => {
  const env = setup();
  env.lock.heldElsewhere = true;
  env.context.sendEmailInvitations();
  assert.equal(env.ui.alerts[0].prompt, 'Another JobMojito run is in progress in this Sheet. Wait until it has finished, then try again.');
  assert.equal(env.fetches.length, 0);
  assert.equal(env.lock.releases, 0);
});

test('the lock is released when the run throws', () => {
  const env = setup();
  env.context.ScriptApp.getIdentityToken = () => {
    throw new Error('boom');
  };
  assert.throws(() => env.context.sendEmailInvitations(), /boom/);
  assert.equal(env.lock.held, false);
});

test('rows with written:false are written by the script, as text, never as formulas', () => {
  const results = { 2: 'ok', 3: 'Error: =HYPERLINK("x")', 4: 'ok' };
  const env = setup({
    selection: ['2:4'],
    functionOptions: {
      result: (row, body) => (body.dry_run ? 'Would send' : results[row]),
      written: (row) => row !== 2 && row !== 3,
    },
  });
  env.context.sendEmailInvitations();
  assert.deepEqual(env.sheet.rowValues(2).slice(3, 6), ['https://interview.example/2', 'ok', 'pi-2']);
  assert.deepEqual(env.sheet.rowValues(3).slice(3, 6), ['', 'Error: =HYPERLINK("x")', '']);
  assert.deepEqual(env.sheet.writes.map((w) => [w.a1, w.values[0][0]]), [
    ['D2', "'https://interview.example/2"],
    ['E2', "'ok"],
    ['F2', "'pi-2"],
    ['E3', '\'Error: =HYPERLINK("x")'],
  ]);
});

test('a value starting with = + - @ is stored as text', () => {
  const { context } = setup();
  for (const value of ['=1+1', '+1', '-1', '@x']) {
    assert.equal(context.asText(value), "'" + value);
  }
  assert.equal(context.asText(''), '');
});

test('a written:false row whose email changed during the run is not written, and the summary says so', () => {
  const sheet = new FakeSheet({ rows: candidateRows(3) }).select(['2:3']);
  const fn = fakeFunction(sheet, { written: false });
  const env = loadScript({
    properties: SETTINGS,
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: (url, params, body) => {
      const answer = fn(url, params, body);
      if (!body.dry_run) sheet.backend.write(3, 2, [['someone.else@example.com']]);
      return answer;
    },
  });
  env.context.sendEmailInvitations();
  assert.equal(sheet.rowValues(2)[4], 'ok');
  assert.equal(sheet.rowValues(3)[4], '', 'row 3 is left alone');
  assert.match(env.ui.alerts.at(-1).prompt, /1 result could not be written because the email in the row changed during the run\./);
});

test('nothing is written by the script in a dry run', () => {
  const env = setup({ functionOptions: { written: false } });
  env.context.previewSelection();
  assert.equal(env.sheet.writes.length, 0);
});

test('cellsToWrite ignores unusable columns and the header row', () => {
  const { context } = setup();
  const plain = (x) => JSON.parse(JSON.stringify(x));
  assert.deepEqual(plain(context.cellsToWrite({ row: 5, result: 'ok', interview_url: 'u' }, { result: 'E', interview_url: 'D4' })), [
    { a1: 'E5', value: "'ok" },
  ]);
  assert.deepEqual(plain(context.cellsToWrite({ row: 1, result: 'ok' }, { result: 'E' })), []);
});

test('the summary counts errors, skipped and pending rows', () => {
  const results = { 2: 'ok', 3: 'Error: invalid email address', 4: 'Skipped: duplicate of row 2', 5: 'Pending (run r1, 2026-01-01 10:00 UTC)' };
  const env = setup({
    selection: ['2:5'],
    functionOptions: { result: (row, body) => (body.dry_run ? (row === 3 ? results[3] : 'Would send') : results[row]) },
  });
  env.context.sendEmailInvitations();
  assert.equal(
    env.ui.alerts.at(-1).prompt,
    'Done: 1 email invitation sent. 1 row has an error. 1 row was skipped. 1 row is pending: check in JobMojito ' +
      'before running again. The result column tells what happened to each row.',
  );
});

test('the summary mentions rows not sent because the Sheet could not be written (not_sent)', () => {
  const { context } = setup();
  const outcome = { summary: { ok: 2, errors: 0, skipped: 0, pending: 0, not_sent: 3 }, error: '', stopped: false, done: 5, total: 5, emailChanged: 0 };
  assert.equal(
    context.summaryText('url', outcome),
    'Done: 2 interview links created. 3 rows were not sent because Google Sheets could not be written: run it again ' +
      'on the same selection. The result column tells what happened to each row.',
  );
});

test('a run that fails part-way still has its unwritten rows written by the script', () => {
  const sheet = new FakeSheet({ rows: candidateRows(3) }).select(['2:3']);
  const fn = fakeFunction(sheet, { written: false });
  const env = loadScript({
    properties: SETTINGS,
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: (url, params, body) => {
      const answer = fn(url, params, body);
      if (body.dry_run) return answer;
      const error = {
        code: 'jobmojito_credentials_rejected',
        message: 'JobMojito rejected the function\'s credentials.',
      };
      return { status: 502, body: { ...answer.body, error } };
    },
  });
  env.context.sendEmailInvitations();
  assert.equal(sheet.rowValues(2)[4], 'ok');
  assert.equal(sheet.rowValues(2)[3], 'https://interview.example/2');
  assert.match(env.ui.alerts.at(-1).prompt, /JobMojito rejected the function's credentials/);
});
